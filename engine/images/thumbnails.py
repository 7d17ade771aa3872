"""Thumbnails: PNG, at most 256 pixels on the long side, one per image, and a plate overview with
one cell per well (its first field). Stored in the data dir, `thumbnails/<fileset id>/`."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from engine.images.records import ImageRecord
from engine.images.sampling import MAX_SIDE

THUMBNAIL_SIDE = 256
OVERVIEW_CELL = 48  # pixels per well in a plate overview, at most
OVERVIEW_NAME = "plate.png"


def fileset_folder(thumbnails_root: Path, fileset_id: int) -> Path:
    return thumbnails_root / str(fileset_id)


def image_file(thumbnails_root: Path, fileset_id: int, series: int) -> Path:
    return fileset_folder(thumbnails_root, fileset_id) / f"{series}.png"


def to_uint8(plane: np.ndarray) -> np.ndarray:
    """8-bit for display: RGB(A) of 8 bits as it is, anything else stretched between its 0.5th and
    99.5th percentiles (the usual auto-contrast), so a 12-bit camera image is not black."""
    plane = np.asarray(plane)
    if plane.dtype == np.uint8 and plane.ndim == 3:
        return plane[..., :3]
    if plane.ndim == 3:
        plane = plane[..., 0]
    values = plane.astype(np.float32)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return np.zeros(plane.shape, np.uint8)
    lo, hi = np.percentile(finite, (0.5, 99.5))
    if hi <= lo:
        hi = lo + 1
    scaled = np.clip((np.nan_to_num(values, nan=lo) - lo) * (255.0 / (hi - lo)), 0, 255)
    return scaled.astype(np.uint8)


def write_png(plane: np.ndarray, path: Path, side: int = THUMBNAIL_SIDE) -> None:
    """Scale `plane` (already sampled down to about MAX_SIDE) to `side` on the long side; written
    beside and renamed, so a reader never sees half a file."""
    from PIL import Image

    image = Image.fromarray(to_uint8(plane))
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".png.part")
    image.save(partial, format="PNG")
    os.replace(partial, path)


def write_overview(records: list[ImageRecord], thumbnails: dict[int, Path], path: Path) -> bool:
    """A grid of the plate's wells, each showing its first field's thumbnail; False when no image
    of the fileset is on a plate."""
    from PIL import Image

    placed = {}
    for rec in sorted(records, key=lambda r: r.field_index or 0):
        if rec.well and rec.series in thumbnails and rec.well not in placed:
            placed[rec.well] = thumbnails[rec.series]
    if not placed:
        return False
    cells = {_row_col(well): png for well, png in placed.items()}
    rows = max(r for r, _ in cells) + 1
    columns = max(c for _, c in cells) + 1
    cell = max(8, min(OVERVIEW_CELL, 4 * THUMBNAIL_SIDE // max(rows, columns)))
    sheet = Image.new("L", (columns * cell + 1, rows * cell + 1), 40)
    for (r, c), png in cells.items():
        with Image.open(png) as thumb:
            small = thumb.convert("L")
            small.thumbnail((cell - 2, cell - 2))
            sheet.paste(small, (c * cell + 1, r * cell + 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path, format="PNG")
    return True


def _row_col(well: str) -> tuple[int, int]:
    """ "B3" -> (1, 2); rows past Z are AA, AB, ... as on 1536-well plates."""
    letters = "".join(ch for ch in well if ch.isalpha()).upper()
    row = 0
    for ch in letters:
        row = row * 26 + ord(ch) - ord("A") + 1
    return row - 1, int("".join(ch for ch in well if ch.isdigit())) - 1


__all__ = ["MAX_SIDE", "THUMBNAIL_SIDE", "fileset_folder", "image_file", "write_overview", "write_png"]
