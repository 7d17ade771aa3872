"""OME formats: OME-Zarr folders, and OME-TIFF sets whose OME-XML names other files."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET

from engine.grouping.base import FilesetKind, FilesetPlan, GroupingRule, Members, Selection, is_regular_file
from engine.scan import SourceFile

OME_TIFF_SUFFIXES = (".ome.tif", ".ome.tiff", ".ome.tf2", ".ome.tf8", ".ome.btf")
COMPANION_SUFFIX = ".companion.ome"


class ZarrRule(GroupingRule):
    """A *.zarr folder is one image or plate, however many chunk files it holds.

    The scan leaves out names starting with a dot and stops at its depth; Zarr keeps its metadata in
    `.zattrs`/`.zarray` and its chunks deep down, so the rule lists the folder itself.
    """

    format = "OME-Zarr"
    kind = FilesetKind.MULTI_FILE

    def claim(self, unclaimed: dict[str, SourceFile], selection: Selection) -> list[FilesetPlan]:
        roots: dict[str, None] = {}
        for path in unclaimed:
            parts = path.split(os.sep)
            ends = [i for i, part in enumerate(parts[:-1]) if part.lower().endswith(".zarr")]
            if ends:
                roots[os.sep.join(parts[: ends[0] + 1])] = None
        out = []
        for root in roots:
            members = Members(unclaimed, selection, root)
            for folder, subfolders, names in os.walk(root):
                subfolders.sort()
                members.add_all((os.path.join(folder, n) for n in sorted(names)), required=False)
            out.append(members.plan(self, title=os.path.basename(root)))
        return out


def _ome_xml(path: str) -> str | None:
    if path.lower().endswith(COMPANION_SUFFIX):
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    import tifffile

    with tifffile.TiffFile(path) as tif:
        return tif.ome_metadata


def referenced_files(path: str) -> set[str]:
    """Absolute paths of the other files an OME-TIFF or companion file names.

    A name whose UUID is the file's own UUID means the file itself, whatever it is called now: a
    renamed single-file OME-TIFF still names its old file name, and is one image (as Bio-Formats reads it).
    """
    try:
        xml = _ome_xml(path)
        root = ET.fromstring(xml) if xml else None
    except Exception:  # unreadable or not really OME: treat as a plain file
        return set()
    if root is None:
        return set()
    own_uuid = root.get("UUID")
    folder = os.path.dirname(path)
    names = set()
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "UUID" and el.get("FileName"):
            if own_uuid and (el.text or "").strip() == own_uuid:
                continue
            names.add(el.get("FileName"))
        elif tag == "BinaryOnly" and el.get("MetadataFile"):
            names.add(el.get("MetadataFile"))
    refs = {os.path.normpath(os.path.join(folder, n)) for n in names if n}
    refs.discard(os.path.normpath(path))
    return refs


class OmeTiffRule(GroupingRule):
    """TIFFs whose OME-XML names other files, and *.companion.ome files: one set, from any member."""

    format = "OME-TIFF"
    kind = FilesetKind.MULTI_FILE

    def claim(self, unclaimed: dict[str, SourceFile], selection: Selection) -> list[FilesetPlan]:
        candidates = sorted(p for p in unclaimed if p.lower().endswith((*OME_TIFF_SUFFIXES, COMPANION_SUFFIX)))
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        names: dict[str, set[str]] = {}  # each visited file: what it names
        queue, visited = list(candidates), set()
        while queue:
            path = queue.pop()
            if path in visited:
                continue
            visited.add(path)
            find(path)
            # a member found by name is opened only once it is known to be a regular file in the selection
            if path not in unclaimed and (not selection.holds(path) or not is_regular_file(path)):
                continue
            names[path] = referenced_files(path)
            for ref in names[path]:
                parent[find(ref)] = find(path)
                queue.append(ref)
        sets: dict[str, list[str]] = {}
        for path in sorted(visited):
            sets.setdefault(find(path), []).append(path)
        out = []
        for paths in sets.values():
            if len(paths) == 1:
                continue  # a single-file OME-TIFF: left to the single-file rule
            owners = [p for p in paths if p in names]
            anchor = next((p for p in owners if p.lower().endswith(COMPANION_SUFFIX)), owners[0])
            members = Members(unclaimed, selection, anchor)
            members.add(anchor)
            for owner in owners:
                members.owner = owner
                for ref in sorted(names[owner]):
                    members.add(ref)
            for p in paths:
                if p in unclaimed:
                    members.add(p)
            out.append(members.plan(self))
        return out
