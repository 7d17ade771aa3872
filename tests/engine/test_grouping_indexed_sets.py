"""Sets found by name or by an index, on the generated samples Bio-Formats reads (the oracle test checks the
same folders): multi-part Zeiss CZI, Leica LEI, cellSens VSI, and a CellVoyager plate whose
MeasurementData.mlf lists images that are not there (yet)."""

from __future__ import annotations

import os
import shutil

from engine.grouping import Selection, group_files
from engine.scan import scan
from tests.conftest import SAMPLES

GEN = SAMPLES / "generated"
CV8000 = next((SAMPLES / "hcs" / "cv8000").glob("*/CV8000*"))


def _sets(*paths, selection=None):
    chosen = Selection([str(s) for s in selection]) if selection else None
    return group_files(scan([str(p) for p in paths]).files, chosen).filesets


def _names(fs):
    return [os.path.basename(f.path) for f in fs.files]


def test_czi_parts_are_found_by_name_with_or_without_the_space():
    sets = sorted(_sets(GEN / "czi"), key=lambda fs: fs.name)
    assert [(_names(fs), fs.format, fs.kind) for fs in sets] == [
        (["scan.czi", "scan (1).czi", "scan (2).czi"], "Zeiss CZI", "multi-file image"),
        (["tile.czi", "tile(1).czi"], "Zeiss CZI", "multi-file image"),
    ]
    (fs,) = _sets(GEN / "czi" / "scan (2).czi", selection=[GEN / "czi"])
    assert _names(fs) == ["scan.czi", "scan (1).czi", "scan (2).czi"] and fs.name == "scan (2).czi"


def test_a_czi_part_without_its_first_file_is_an_image_of_its_own(tmp_path):
    """Bio-Formats opens such a part alone (it looks for the first file by name and reads the part itself
    when there is none); a plain .czi with no parts is a single image too."""
    shutil.copy(GEN / "czi" / "scan (1).czi", tmp_path)
    shutil.copy(GEN / "czi" / "tile.czi", tmp_path / "alone.czi")
    sets = _sets(tmp_path)
    assert sorted((_names(fs)[0], fs.rule, fs.problems) for fs in sets) == [
        ("alone.czi", "single file", []),
        ("scan (1).czi", "single file", []),
    ]


def test_a_lei_takes_the_tiffs_it_names_and_no_other(tmp_path):
    shutil.copytree(GEN / "lei", tmp_path / "lei")
    folder = tmp_path / "lei"
    shutil.copy(folder / "series_z000.tif", folder / "series_extra.tif")  # named like the set, not in the index
    sets = {fs.format: fs for fs in _sets(folder)}
    assert _names(sets["Leica LEI"]) == ["series.lei", "series_z000.tif", "series_z001.tif"]
    assert sets["TIFF"].rule == "single file" and _names(sets["TIFF"]) == ["series_extra.tif"]


def test_a_tiff_the_lei_names_but_that_is_missing_is_a_note(tmp_path):
    """Bio-Formats' LeicaReader reads a missing TIFF as a blank plane, as Leica's software does."""
    shutil.copytree(GEN / "lei", tmp_path / "lei")
    (tmp_path / "lei" / "series_z001.tif").unlink()
    (fs,) = _sets(tmp_path / "lei")
    assert (_names(fs), fs.problems) == (["series.lei", "series_z000.tif"], [])
    assert len(fs.notes) == 1 and "series_z001.tif" in fs.notes[0]


def test_a_lei_that_cannot_be_read_or_names_nothing_there_is_a_problem(tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(GEN / "lei", broken)
    (broken / "series.lei").write_bytes(b"IIII" + b"\0" * 8 + b"\xff\xff\0\0")  # its first header is past the end
    sets = {fs.format: fs for fs in _sets(broken)}
    assert "could not be read as a Leica LEI index" in sets["Leica LEI"].problems[0]
    assert _names(sets["Leica LEI"]) == ["series.lei"]  # its TIFFs are not known to be its own: images alone
    assert sorted(fs.rule for fs in sets.values()) == ["Leica LEI", "single file"]

    renamed = tmp_path / "renamed"
    shutil.copytree(GEN / "lei", renamed)
    for name in ("series_z000.tif", "series_z001.tif"):
        (renamed / name).rename(renamed / name.replace("series", "other"))
    lei = next(fs for fs in _sets(renamed) if fs.format == "Leica LEI")
    assert lei.problems == ["series.lei names 2 image files and none of them exists beside it"]


def test_a_vsi_takes_every_file_of_the_folders_below_its_pixels_folder_and_nothing_else(tmp_path):
    """As CellSensReader lists them: frame_*.ets and any other file in `_slide_/<folder>/`; not a file
    directly in `_slide_/` nor one a level deeper (Bio-Formats lists such a deeper folder itself, which is
    not a file to import). Any of them selected alone brings the slide."""
    shutil.copytree(GEN / "vsi", tmp_path / "vsi")
    pixels = tmp_path / "vsi" / "_slide_"
    (pixels / "stack10001").mkdir()
    shutil.copy(pixels / "stack1" / "frame_t.ets", pixels / "stack10001" / "frame_t.ets")
    (pixels / "stack1" / "notes.txt").write_text("x")
    (pixels / "loose.txt").write_text("y")
    (pixels / "stack1" / "deeper").mkdir()
    (pixels / "stack1" / "deeper" / "z.txt").write_text("z")
    sets = {fs.rule: fs for fs in _sets(tmp_path / "vsi")}
    slide = sets["cellSens VSI"]
    assert sorted(os.path.relpath(f.path, tmp_path / "vsi") for f in slide.files) == [
        "_slide_/stack1/frame_t.ets",
        "_slide_/stack1/notes.txt",
        "_slide_/stack10001/frame_t.ets",
        "slide.vsi",
    ]
    (fs,) = _sets(pixels / "stack1" / "notes.txt", selection=[tmp_path / "vsi"])
    assert fs.rule == "cellSens VSI" and len(fs.files) == 4


def _partial_plate(tmp_path, leave_out):
    plate = tmp_path / "plate"
    plate.mkdir()
    for f in CV8000.iterdir():
        if f.name not in leave_out:
            shutil.copy(f, plate)
    return plate


def test_a_cellvoyager_plate_with_listed_images_missing_is_noted_not_complete(tmp_path):
    listed = sorted(p.name for p in CV8000.glob("*_T0001F00*.tif"))
    plate = _partial_plate(tmp_path, set(listed[:5]))
    (fs,) = _sets(plate)
    assert (fs.format, fs.kind, fs.problems) == ("Yokogawa CellVoyager", "plate", [])
    assert len(fs.files) == 109 - 5
    assert len(fs.notes) == 1 and "names 5 image files that do not exist" in fs.notes[0] and listed[0] in fs.notes[0]

    for name in listed[:5]:
        shutil.copy(CV8000 / name, plate)
    (fs,) = _sets(plate)
    assert (len(fs.files), fs.notes, fs.problems) == (109, [], [])


def test_an_unlisted_tiff_is_part_of_the_plate_and_an_err_record_names_no_image(tmp_path):
    """The correction images (DC_*, SC_*) are not in MeasurementData.mlf but in the plate's folder, which
    Bio-Formats lists whole; a record of type ERR is an acquisition error, not a missing image."""
    plate = _partial_plate(tmp_path, set())
    index = plate / "MeasurementData.mlf"
    text = index.read_text(encoding="utf-8")
    err = (
        '<bts:MeasurementRecord bts:Type="ERR" bts:Time="2023-09-18T13:58:44.438+02:00">'
        "never-written.tif</bts:MeasurementRecord>\n</bts:MeasurementData>"
    )
    index.write_text(text.replace("</bts:MeasurementData>", err), encoding="utf-8")
    (fs,) = _sets(plate)
    assert (len(fs.files), fs.notes, fs.problems) == (109, [], [])
    assert {"DC_DCAM#1_CAM3.tif", "SC_BP445-45_20x v2_M01_CH01.tif"} <= set(_names(fs))


def test_a_cellvoyager_folder_without_its_measurement_data_is_one_set_with_a_problem(tmp_path):
    plate = _partial_plate(tmp_path, {"MeasurementData.mlf"})
    (fs,) = _sets(plate)
    assert fs.format == "Yokogawa CellVoyager" and len(fs.files) == 108
    assert fs.problems and fs.problems[0].startswith("MeasurementData.mlf is missing beside")


def test_a_dropbox_waits_for_the_images_a_cellvoyager_plate_lists(data_dir, tmp_path):
    """A plate copied into a watch folder in two steps: while MeasurementData.mlf lists images that are not
    there, the plate waits however long its files stay quiet; once they are, it is one import of it all."""
    from engine.api import DataDirectory, FolderArguments
    from tests.conftest import PASSWORD
    from tests.engine.test_dropbox import Clock, look, service_for

    drop = tmp_path / "drop"
    drop.mkdir()
    listed = sorted(p.name for p in CV8000.glob("*_T0001F00*.tif"))
    plate = drop / CV8000.name
    with DataDirectory.open(data_dir.root) as dd:
        admin = dd.sign_in("alice", PASSWORD)
        folder = admin.add_watched_folder(str(drop), "alice", FolderArguments(quiet_seconds=5))
        clock = Clock()
        service = service_for(dd, clock)
        plate.mkdir()
        for f in CV8000.iterdir():
            if f.name not in listed[-3:]:
                shutil.copy(f, plate)
        for _ in range(3):
            look(service)
            clock.advance(60)
        assert admin.jobs() == []
        (status,) = [s for s in admin.dropbox_status() if s.folder.id == folder.id]
        assert "missing members" in status.folder.note and listed[-1] in status.folder.note

        for name in listed[-3:]:
            shutil.copy(CV8000 / name, plate)
        service.changed(folder.id)
        clock.advance(1)
        look(service)
        clock.advance(5)
        look(service)
        (job,) = admin.jobs()
        (fileset,) = admin.filesets()
        assert job["state"] == "completed" and len(fileset["entries"]) == 109


def test_import_dry_run_shows_each_sets_format_kind_and_rule_and_what_depth_and_include_all_change(
    cli, data_dir, tmp_path
):
    """`inplace import -f`: a plate, a multi-file image and a single image with their format, kind and rule;
    a README skipped as not an image format unless --include-all; --depth as omero import counts levels
    (default 4: a folder's own files are level 1)."""
    src = tmp_path / "src"
    shutil.copytree(SAMPLES / "hcs/operetta/operetta_plate", src / "operetta_plate")
    shutil.copytree(GEN / "lei", src / "lei")
    deep = src / "a" / "b" / "c"
    deep.mkdir(parents=True)
    shutil.copy(SAMPLES / "tiff/pims_stuck.tif", deep / "deep.tif")  # level 4
    (src / "README.md").write_text("notes about the data")
    code, out, err = cli("import", "-f", src)
    assert code == 0, err
    assert "#   format: PerkinElmer Operetta (plate); grouped by the rule: PerkinElmer Operetta" in out
    assert "#   format: Leica LEI (multi-file image); grouped by the rule: Leica LEI" in out
    assert "#   format: TIFF (single image); grouped by the rule: single file" in out
    assert f"# skipped {src / 'README.md'}: not an image format" in out
    assert "# 3 filesets, 8 files" in out

    code, out, _ = cli("import", "-f", "--include-all", "--depth", "3", src)
    assert code == 0 and "#   format: format unknown (not an image); grouped by the rule: single file" in out
    assert f"# skipped {deep}: folder deeper than the scan depth (3)" in out
    assert "deep.tif" not in out and "# 3 filesets, 8 files" in out  # README.md in, deep.tif out
