import shutil

import pytest

from engine.grouping import group
from engine.scan import scan
from tests.conftest import SAMPLES

AVIVATOR = SAMPLES / "viv" / "avivator_data"
MULTIFILE = sorted(p.name for p in AVIVATOR.glob("multifile*"))


def filesets_for(*paths):
    return group(scan([str(p) for p in paths]).files)


def test_the_companion_set_is_one_fileset_of_six():
    sets = filesets_for(AVIVATOR)
    names = sorted(sorted(f.path.rsplit("/", 1)[1] for f in fs.files) for fs in sets)
    assert names == [["multi-channel.ome.tif"], MULTIFILE]
    assert len(MULTIFILE) == 6


@pytest.mark.parametrize("member", MULTIFILE)
def test_any_selected_member_brings_the_whole_set(member):
    (fs,) = filesets_for(AVIVATOR / member)
    assert sorted(f.path.rsplit("/", 1)[1] for f in fs.files) == MULTIFILE
    assert [f.selected for f in fs.files].count(True) == 1
    assert fs.name == member


def test_a_missing_member_is_reported_as_a_problem(tmp_path):
    for p in AVIVATOR.glob("multifile*"):
        shutil.copy(p, tmp_path)
    (tmp_path / "multifile-Z3.ome.tiff").unlink()
    (fs,) = filesets_for(tmp_path)
    assert any("multifile-Z3.ome.tiff" in p and "does not exist" in p for p in fs.problems)


def test_plain_files_and_zarr_folders(tmp_path):
    (tmp_path / "a.tif").write_bytes(b"1")
    zarr = tmp_path / "img.ome.zarr" / "0" / "0"
    zarr.mkdir(parents=True)
    (tmp_path / "img.ome.zarr" / ".zattrs").write_text("{}")
    (zarr / "0").write_bytes(b"chunk")
    sets = filesets_for(tmp_path)
    assert sorted(len(fs.files) for fs in sets) == [1, 2]
    assert {fs.rule for fs in sets} == {"single file", "OME-Zarr"}


def test_special_files_and_broken_links_are_skipped_with_reasons(tmp_path):
    import os

    (tmp_path / "ok.tif").write_bytes(b"x")
    os.mkfifo(tmp_path / "pipe")
    os.symlink(tmp_path / "missing", tmp_path / "dangling")
    (tmp_path / ".DS_Store").write_bytes(b"junk")
    result = scan([tmp_path])
    assert [f.path.rsplit("/", 1)[1] for f in result.files] == ["ok.tif"]
    reasons = {s.path.rsplit("/", 1)[1]: s.reason for s in result.skipped}
    assert "named pipe" in reasons["pipe"]
    assert "broken symbolic link" in reasons["dangling"]
    assert "system file" in reasons[".DS_Store"]
