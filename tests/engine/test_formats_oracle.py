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
