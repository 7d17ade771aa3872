"""Each format rule on its sample: the whole set from any member, with its format and kind."""

from __future__ import annotations

import os

import pytest

from engine.grouping import Selection, group_files
from engine.scan import scan
from tests.conftest import SAMPLES

GEN = SAMPLES / "generated"
LAYOUT = GEN / "layout-only"

# folder, format, number of files in the set, a member to select alone
SETS = [
    (SAMPLES / "hcs/operetta/operetta_plate", "PerkinElmer Operetta", 4, "Images/r03c03f02p01-ch1sk1fk1fl1.tiff"),
    (SAMPLES / "hcs/cv8000", "Yokogawa CellVoyager", 109, None),
    (GEN / "metaxpress", "MetaXpress", 5, "plate.HTD"),
    (GEN / "deltavision", "DeltaVision", 2, "cells.dv.log"),
    (GEN / "ics", "ICS", 2, "stack.ids"),
    (GEN / "micromanager", "Micro-Manager", 3, "img_000000000_GFP_000.tif"),
    (LAYOUT / "mirax", "3DHISTECH MIRAX", 4, "slide/Index.dat"),
    (GEN / "oif", "Olympus FluoView OIF", 7, "cells.oif.files/s_C001Z002.tif"),
    (GEN / "vsi", "cellSens VSI", 2, "_slide_/stack1/frame_t.ets"),
    (GEN / "lei", "Leica LEI", 3, "series_z001.tif"),
    (GEN / "incell", "GE InCell", 5, "A - 1(fld 1 wv FITC - FITC).tif"),
    (GEN / "dicomdir", "DICOM", 4, None),
]


def _names(fs):
    return sorted(os.path.relpath(f.path, fs.files[0].path.rsplit("/", 1)[0]) for f in fs.files)


@pytest.mark.parametrize(("folder", "fmt", "count", "member"), SETS, ids=[s[1] for s in SETS])
def test_the_folder_is_one_set_and_any_member_brings_it(folder, fmt, count, member):
    sets = [fs for fs in group_files(scan([folder]).files).filesets if fs.format == fmt]
    assert len(sets) == 1 and len(sets[0].files) == count
    assert not sets[0].problems and not sets[0].refused
    if member:
        chosen = [str(folder / member)]
        grouped = group_files(scan(chosen).files, Selection([str(folder)]))
        (fs,) = [f for f in grouped.filesets if f.format == fmt]
        assert {f.path for f in fs.files} == {f.path for f in sets[0].files}
        assert [f.selected for f in fs.files].count(True) == 1


def test_a_member_outside_the_selection_is_refused_not_taken():
    """Selecting one Operetta TIFF: the index beside it is held, Assaylayout/ one level up is not."""
    tiff = SAMPLES / "hcs/operetta/operetta_plate/Images/r03c03f01p01-ch1sk1fk1fl1.tiff"
    (fs,) = group_files(scan([tiff]).files).filesets
    assert fs.format == "PerkinElmer Operetta" and len(fs.files) == 3
    assert any("Unnamed.xml" in r and "outside the selected folders" in r for r in fs.refused)


def test_a_missing_plate_image_is_a_note_and_the_plate_still_imports(tmp_path):
    """Bio-Formats' OperettaReader and InCellReader list only the named images that exist and read a
    missing one as a blank plane: the set loses that file, is not refused, and says what is missing."""
    import shutil

    plate = tmp_path / "operetta"
    shutil.copytree(SAMPLES / "hcs/operetta/operetta_plate", plate)
    (plate / "Images" / "r03c03f02p01-ch1sk1fk1fl1.tiff").unlink()
    (fs,) = group_files(scan([plate]).files).filesets
    assert (fs.format, len(fs.files), fs.problems) == ("PerkinElmer Operetta", 3, [])
    assert len(fs.notes) == 1 and "r03c03f02p01-ch1sk1fk1fl1.tiff" in fs.notes[0] and "blank" in fs.notes[0]

    incell = tmp_path / "incell"
    shutil.copytree(GEN / "incell", incell)
    (incell / "A - 1(fld 1 wv FITC - FITC).tif").unlink()
    (incell / "A - 1(fld 1 wv FITC - FITC)_thumb.tif").unlink()
    (fs,) = group_files(scan([incell]).files).filesets
    assert (fs.format, len(fs.files), fs.problems) == ("GE InCell", 3, [])
    assert fs.notes and "2 image files" in fs.notes[0]


def test_oif_lists_what_fv1000_reads_and_needs_every_plane(tmp_path):
    """The thumbnail .bmp is not in the set (Bio-Formats opens it as an image of its own); a plane TIFF
    that a .pty names is required: without it Bio-Formats cannot open the image at all."""
    import shutil

    grouped = group_files(scan([GEN / "oif"]).files).filesets
    oif = next(fs for fs in grouped if fs.format == "Olympus FluoView OIF")
    assert "s_Thumb.bmp" not in {os.path.basename(f.path) for f in oif.files}
    assert any(fs.format == "Windows Bitmap" for fs in grouped)
    broken = tmp_path / "oif"
    shutil.copytree(GEN / "oif", broken)
    (broken / "cells.oif.files" / "s_C001Z002.tif").unlink()
    oif = next(fs for fs in group_files(scan([broken]).files).filesets if fs.format == "Olympus FluoView OIF")
    assert oif.problems and "s_C001Z002.tif" in oif.problems[0]


def test_dicom_series_and_pairs():
    sets = group_files(scan([GEN / "dicom"]).files).filesets
    assert sorted(len(fs.files) for fs in sets) == [3, 3] and {fs.format for fs in sets} == {"DICOM"}
    sets = group_files(scan([GEN / "nifti"]).files).filesets
    assert sorted(_names(fs) for fs in sets) == [["analyze.hdr", "analyze.img"], ["volume.hdr", "volume.img"]]


def test_a_renamed_single_file_ome_tiff_is_one_image_not_an_incomplete_set():
    (fs,) = group_files(scan([GEN / "ome-tiff-renamed"]).files).filesets
    assert (fs.rule, fs.kind, fs.problems) == ("single file", "single image", [])


def test_a_cv8000_plate_leaves_its_trace_logs_out():
    grouped = group_files(scan([SAMPLES / "hcs/cv8000"]).files)
    assert {os.path.basename(s.path) for s in grouped.skipped} == {"TRACE-incomplete.log", "TRACE2023-XX-XX.log"}
    assert {fs.kind for fs in grouped.filesets} == {"plate"}


def test_zarr_is_named_after_its_folder_and_keeps_its_dot_files():
    sets = group_files(scan([SAMPLES / "viv/loaders_fixtures/ome-zarr"]).files).filesets
    names = {fs.name: fs for fs in sets}
    assert set(names) == {"blobs_image_v04.ome.zarr", "blobs_image_v05.ome.zarr"}
    assert any(f.path.endswith("/.zattrs") for f in names["blobs_image_v04.ome.zarr"].files)


def test_dot_names_are_skipped_and_depth_limits_the_scan(tmp_path):
    deep = tmp_path / "a" / "b" / "c" / "d"
    deep.mkdir(parents=True)
    for folder in (tmp_path, tmp_path / "a" / "b" / "c", deep):
        (folder / "x.tif").write_bytes(b"x")
    (tmp_path / ".gitignore").write_text("*")
    result = scan([tmp_path])
    assert len(result.files) == 2  # levels 1 and 4 of OMERO's default depth; level 5 is not read
    reasons = {os.path.basename(s.path): s.reason for s in result.skipped}
    assert reasons[".gitignore"].startswith("hidden") and "depth" in reasons["d"]
    assert len(scan([tmp_path], depth=1).files) == 1


def test_the_dry_run_prints_format_and_rule_and_the_catalog_records_them(cli, data_dir, tmp_path):
    import shutil

    from sqlalchemy import select

    from engine.catalog.models import Fileset

    plate = tmp_path / "ics"
    shutil.copytree(GEN / "ics", plate)
    code, out, _ = cli("import", "-f", plate)
    assert code == 0 and "#   format: ICS (multi-file image); grouped by the rule: ICS/IDS" in out
    assert cli("import", "--transfer", "ln_s", "--accept-responsibilities", plate)[0] == 0
    with data_dir.session() as s:
        assert s.execute(select(Fileset.rule, Fileset.format)).all() == [("ICS/IDS", "ICS")]
