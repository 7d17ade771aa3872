"""Our filesets against Bio-Formats' on every sample: the same sets, or a reason written down here.

Bio-Formats 7.3.1 groups each folder as OMERO's ImportCandidates does (tests/oracle/). It is a test
oracle only; the product never needs Java. The JVM starts once for all folders.
"""

from __future__ import annotations

import os

import pytest

from engine.grouping import group_files
from engine.scan import scan
from tests.conftest import SAMPLES
from tests.oracle import bioformats

FOLDERS = [
    "viv/avivator_data",
    "viv/loaders_fixtures",
    "hcs/imagexpress",
    "hcs/operetta",
    "hcs/cv8000",
    "nd2",
    "tiff",
    "wsi",
    "ome-xml",
    "generated/nifti",
    "generated/deltavision",
    "generated/ics",
    "generated/metaxpress",
    "generated/micromanager",
    "generated/ome-tiff-renamed",
    "generated/dicom",
    "generated/dicomdir",
    "generated/oif",
    "generated/incell",
    "generated/czi",
    "generated/lei",
    "generated/vsi",
]

# Where we group differently from Bio-Formats 7.3.1, and why. Each entry: the formats whose filesets
# Bio-Formats does not form, with the reason.
DIFFERENCES = {
    "OME-Zarr": "this Bio-Formats has no Zarr reader (it lives in a separate plugin): it calls the "
    "metadata unknown and reads no chunk; we import the .zarr folder as one image",
}


@pytest.fixture(scope="module")
def oracle():
    if not bioformats.java():
        pytest.skip("no Java runtime: install default-jre-headless (scripts/setup.sh does) to compare with Bio-Formats")
    try:
        return bioformats.groups([SAMPLES / f for f in FOLDERS])
    except RuntimeError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Bio-Formats is not available here: {exc}")


def _ours(folder):
    grouped = group_files(scan([SAMPLES / folder]).files)
    return grouped.filesets, {s.path for s in grouped.skipped}


@pytest.mark.parametrize("folder", FOLDERS)
def test_filesets_are_those_of_bio_formats(oracle, folder):
    theirs = oracle[str(SAMPLES / folder)]
    filesets, skipped = _ours(folder)
    ours = {frozenset(f.path for f in fs.files) for fs in filesets if fs.format not in DIFFERENCES}
    differing = {f.path for fs in filesets if fs.format in DIFFERENCES for f in fs.files}
    expected = {frozenset(files) for _reader, files in theirs["groups"] if not differing & set(files)}
    assert ours == expected
    in_groups = {f for _r, files in theirs["groups"] for f in files}
    # what Bio-Formats cannot read and no set uses, we skip as not an image format (or a difference explains it)
    assert (theirs["unknown"] - in_groups - differing) <= skipped
    assert not theirs["errors"]


def test_the_differences_are_only_those_written_down(oracle):
    formats = {fs.format for folder in FOLDERS for fs in _ours(folder)[0]}
    assert set(DIFFERENCES) <= formats


def _variants(root):
    """Other shapes of the same formats, made from the samples: the index names Operetta also uses, a
    Micro-Manager metadata file named after its acquisition, a CZI part without its first file, and a
    cellSens slide with a second stack and other files in and around its stack folders."""
    import shutil

    made = {}
    for index in ("Index.ref.xml", "Index.xml"):
        plate = root / index / "operetta_plate"
        shutil.copytree(SAMPLES / "hcs/operetta/operetta_plate", plate)
        (plate / "Images" / "Index.idx.xml").rename(plate / "Images" / index)
        made[index] = plate.parent
    mm = root / "micromanager"
    shutil.copytree(SAMPLES / "generated/micromanager", mm)
    (mm / "metadata.txt").rename(mm / "generated_metadata.txt")
    made["micromanager"] = mm
    czi = root / "czi-part"
    czi.mkdir()
    shutil.copy(SAMPLES / "generated/czi/scan (1).czi", czi)
    made["czi-part"] = czi
    vsi = root / "vsi"
    shutil.copytree(SAMPLES / "generated/vsi", vsi)
    pixels = vsi / "_slide_"
    (pixels / "stack1" / "notes.txt").write_text("x")
    (pixels / "loose.txt").write_text("y")
    (pixels / "stack1" / "deeper").mkdir()
    (pixels / "stack1" / "deeper" / "z.txt").write_text("z")
    made["vsi"] = vsi
    return made


def test_variants_of_the_samples_group_as_bio_formats_groups_them(tmp_path):
    if not bioformats.java():
        pytest.skip("no Java runtime: install default-jre-headless (scripts/setup.sh does) to compare with Bio-Formats")
    made = _variants(tmp_path)
    try:
        found = bioformats.groups(list(made.values()))
    except RuntimeError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Bio-Formats is not available here: {exc}")
    for name, folder in made.items():
        theirs = found[str(folder)]
        grouped = group_files(scan([folder]).files)
        ours = {frozenset(f.path for f in fs.files) for fs in grouped.filesets}
        # Bio-Formats' CellSensReader also lists a folder it finds beside the frames: not a file to import
        expected = {frozenset(f for f in files if not os.path.isdir(f)) for _r, files in theirs["groups"]}
        assert ours == expected, name
        assert not theirs["errors"], name
