"""zarr warns (ZarrUserWarning) about OME-Zarr files that bend its spec, such as the empty filter list
bioformats2raw writes; it reads them all the same, so `inplace import -f` shows their images and says
nothing on stderr (a warning there would look like a failure to the person at the terminal)."""

from __future__ import annotations

import shutil
import warnings

import pytest

from tests.conftest import SAMPLES, run_cli_process

BIOFORMATS2RAW = SAMPLES / "viv" / "loaders_fixtures" / "bioformats-zarr"


def test_the_sample_makes_zarr_warn(tmp_path):
    """The sample still makes the library warn; otherwise the test below would prove nothing."""
    zarr = pytest.importorskip("zarr")
    from zarr.errors import ZarrUserWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        group = zarr.open_group(BIOFORMATS2RAW / "data.zarr", mode="r")
        _ = group["0"]["0"].shape
    assert any(issubclass(w.category, ZarrUserWarning) for w in caught), [str(w.message) for w in caught]


def test_listing_an_ome_zarr_sample_prints_its_images_and_nothing_on_stderr(data_dir, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(BIOFORMATS2RAW, src)
    done = run_cli_process(data_dir.root, "import", "-f", src, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    zarr = pytest.importorskip("zarr")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the warning this file is about
        full = zarr.open_array(BIOFORMATS2RAW / "data.zarr" / "0" / "0", mode="r")  # t c z y x
    t, c, z, y, x = full.shape
    assert f"#     0  Series 0  X{x} Y{y} Z{z} C{c} T{t} {full.dtype};" in done.stdout
