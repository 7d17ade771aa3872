// Groups the files of each folder given on the command line the way OMERO's importer decides
// what to import together, using Bio-Formats: walk the folder (names starting with a dot are left
// out, folders deeper than the depth are not entered), call setId on every file that no earlier
// group used, take getUsedFiles(), and finally drop every group whose files another group holds.
//
// Run with the JRE's source launcher (no compile step):
//   java -cp bioformats_package.jar BioFormatsGroups.java [--depth N] FOLDER...
// Output, one line each, fields separated by tabs:
//   FOLDER <path>  |  GROUP <reader> <format> <file>...  |  UNKNOWN <path>  |  ERROR <path> <message>
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import loci.common.DebugTools;
import loci.formats.ImageReader;
import loci.formats.UnknownFormatException;
import loci.formats.UnsupportedCompressionException;
import loci.formats.in.DefaultMetadataOptions;
import loci.formats.in.MetadataLevel;

public class BioFormatsGroups {
    record Found(String reader, String format, List<String> files) {}

    public static void main(String[] args) throws Exception {
        DebugTools.setRootLevel("OFF");
        int depth = 4;
        List<String> folders = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--depth")) depth = Integer.parseInt(args[++i]);
            else folders.add(args[i]);
        }
        for (String folder : folders) {
            System.out.println("FOLDER\t" + new File(folder).getAbsolutePath());
            List<File> files = new ArrayList<>();
            walk(new File(folder), 0, depth, files);
            report(group(files));
        }
        System.out.flush();
    }

    // The walk of OMERO's ImportCandidates: a folder's own files are at depth 1.
    static void walk(File dir, int depth, int limit, List<File> out) {
        if (depth + 1 > limit) return;
        File[] children = dir.listFiles();
        if (children == null) return;
        Arrays.sort(children);
        for (File child : children) {
            if (child.isDirectory()) walk(child, depth + 1, limit, out);
            else if (!child.getName().startsWith(".")) out.add(child);
        }
    }

    static List<Found> group(List<File> files) {
        Set<String> used = new LinkedHashSet<>();
        List<Found> groups = new ArrayList<>();
        for (File file : files) {
            String path = file.getAbsolutePath();
            if (used.contains(path)) continue;
            try (ImageReader reader = new ImageReader()) {
                reader.setMetadataOptions(new DefaultMetadataOptions(MetadataLevel.MINIMUM));
                reader.setId(path);
                List<String> members = Arrays.asList(reader.getUsedFiles());
                groups.add(new Found(reader.getReader().getClass().getSimpleName(), reader.getFormat(), members));
                used.addAll(members);
            } catch (UnknownFormatException | UnsupportedCompressionException e) {
                System.out.println("UNKNOWN\t" + path);
            } catch (Throwable e) {
                System.out.println("ERROR\t" + path + "\t" + String.valueOf(e).replace('\t', ' ').replace('\n', ' '));
            }
        }
        List<Found> kept = new ArrayList<>();
        for (Found g : groups) {
            boolean inside = false;
            for (Found other : groups) {
                if (other != g && other.files().size() > g.files().size() && other.files().containsAll(g.files())) {
                    inside = true;
                }
            }
            if (!inside) kept.add(g);
        }
        return kept;
    }

    static void report(List<Found> groups) {
        for (Found g : groups) {
            System.out.println("GROUP\t" + g.reader() + "\t" + g.format() + "\t" + String.join("\t", g.files()));
        }
    }
}
