"""Thumbnails of large images stay within the memory bound (engine/images/sampling.py): each case
runs in a fresh process that reports its peak resident size before and after making the thumbnail
of a 20000 x 20000 uint16 image (800 MB of pixels). The peak is the process's own high-water mark
(VmHWM): Linux's getrusage maxrss also keeps the peak of the process that started it (the test
runner), which could hide a child's growth; getrusage is the fallback where /proc is missing."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

tifffile = pytest.importorskip("tifffile")
np = pytest.importorskip("numpy")

SIDE = 20000
TILE = 512
BOUND_MIB = 100  # the bound stated in engine/images/sampling.py

MEASURE = textwrap.dedent(
    """
    import json, resource, sys
    from pathlib import Path
    from engine.images.tiff import read_tiff
    from engine.images.sampling import MAX_SIDE
    from engine.images.thumbnails import write_png
    from PIL import Image
    def peak_kib():
        try:
            with open("/proc/self/status") as f:
                return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
        except OSError:
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    before = peak_kib()
    found = read_tiff(sys.argv[1])
    plane = found[0].plane(MAX_SIDE)
    write_png(plane, Path(sys.argv[2]))
    after = peak_kib()
    with Image.open(sys.argv[2]) as png:
        size = png.size
    print(json.dumps({"before_kib": before, "after_kib": after, "png": size, "record": found[0].record.as_dict()}))
    """
)


def _tiles(side: int):
    for y in range(0, side, TILE):
        for x in range(0, side, TILE):
            yield np.full((TILE, TILE), (x + y) // 40, np.uint16)


def _measure(path: Path, tmp_path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), str(tmp_path / "thumb.png")],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    return json.loads(out.stdout)


def _assert_bounded(result: dict) -> None:
    grown_mib = (result["after_kib"] - result["before_kib"]) / 1024
    assert grown_mib < BOUND_MIB, f"thumbnailing grew the process by {grown_mib:.0f} MiB"
    assert max(result["png"]) == 256
    assert result["record"]["size_x"] == SIDE and result["record"]["size_y"] == SIDE


@pytest.mark.slow
def test_a_large_tiled_image_is_sampled_tile_by_tile(tmp_path):
    path = tmp_path / "tiled.tif"
    tifffile.imwrite(path, _tiles(SIDE), shape=(SIDE, SIDE), dtype="uint16", tile=(TILE, TILE), compression="zlib")
    _assert_bounded(_measure(path, tmp_path))


@pytest.mark.slow
def test_a_large_pyramid_is_read_from_its_smallest_fitting_level(tmp_path):
    path = tmp_path / "pyramid.ome.tif"  # an OME-TIFF pyramid: reduced levels in SubIFDs
    with tifffile.TiffWriter(path, ome=True) as tif:
        options = {"dtype": "uint16", "tile": (TILE, TILE), "compression": "zlib"}
        tif.write(_tiles(SIDE), shape=(SIDE, SIDE), subifds=2, metadata={"axes": "YX"}, **options)
        for factor in (8, 64):
            side = SIDE // factor
            level = np.fromfunction(lambda y, x, f=factor: (x + y) * f // 40, (side, side)).astype(np.uint16)
            tif.write(level, subfiletype=1, **options)
    result = _measure(path, tmp_path)
    _assert_bounded(result)
    assert result["record"]["levels"] == 3


@pytest.mark.slow
def test_a_large_uncompressed_image_is_mapped_and_only_sampled_rows_are_touched(tmp_path):
    path = tmp_path / "plain.tif"
    mapped = tifffile.memmap(path, shape=(SIDE, SIDE), dtype="uint16")  # a sparse file: no disk used
    mapped[::1000, :] = 1000
    mapped.flush()
    del mapped
    _assert_bounded(_measure(path, tmp_path))


def test_a_tile_too_large_for_the_bound_is_refused_not_decoded(tmp_path, monkeypatch):
    from engine.images import sampling
    from engine.images.tiff import read_tiff

    path = tmp_path / "tiled.tif"
    tifffile.imwrite(path, _tiles(1024), shape=(1024, 1024), dtype="uint16", tile=(TILE, TILE), compression="zlib")
    monkeypatch.setattr(sampling, "MAX_SEGMENT_BYTES", 1024)
    with pytest.raises(sampling.TooLarge):
        read_tiff(str(path))[0].plane(sampling.MAX_SIDE)
