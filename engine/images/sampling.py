"""Small planes from large TIFF pages with bounded memory.

A thumbnail never needs every pixel. A page is sampled on a regular grid (every `step`-th row and
column, so that the long side comes out at most `MAX_SIDE` pixels) while it is read one tile or strip
at a time; uncompressed pages are mapped a block of rows at a time (`MAP_BLOCK_BYTES`). Memory is
bounded by one decoded tile or strip (refused above `MAX_SEGMENT_BYTES`), tifffile's read buffer
(`READ_BUFFER_BYTES`) or one mapped block, and the sampled plane itself: under 100 MiB, whatever
the image's size (tests/engine/test_images_memory.py).
"""

from __future__ import annotations

import math

import numpy as np

MAX_SIDE = 512  # sampled plane; the thumbnail is then resized to THUMBNAIL_SIDE
MAX_SEGMENT_BYTES = 64 << 20
READ_BUFFER_BYTES = 16 << 20
MAP_BLOCK_BYTES = 16 << 20


class TooLarge(Exception):
    """A single tile or strip is too large to decode within the memory bound."""


def sample_page(page, max_side: int = MAX_SIDE) -> np.ndarray:
    """Rows and columns of `page` on a grid: (y, x) or (y, x, samples), long side <= `max_side`."""
    h, w = page.imagelength, page.imagewidth
    step = max(1, math.ceil(max(h, w) / max_side))
    if page.is_contiguous and page.compression == 1 and page.fillorder == 1 and page.bitspersample in (8, 16, 32, 64):
        return _sample_mapped(page, step)
    return _sample_segments(page, step)


def _sample_mapped(page, step: int) -> np.ndarray:
    """Map MAP_BLOCK_BYTES of rows at a time: mapped pages count as resident while mapped, and a
    sampled row's pages are all touched when the step is shorter than a memory page."""
    dtype = page.dtype.newbyteorder(page.parent.byteorder)
    _, _, h, w, samples = page.shaped
    row_bytes = w * samples * dtype.itemsize
    block = max(1, MAP_BLOCK_BYTES // (row_bytes * step)) * step  # whole steps, so the grid continues
    parts = []
    for y0 in range(0, h, block):
        rows = min(block, h - y0)
        offset = page.dataoffsets[0] + y0 * row_bytes  # plane 0 (separate planes: sample 0)
        mapped = np.memmap(page.parent.filehandle.path, dtype=dtype, mode="r", offset=offset, shape=(rows, w, samples))
        try:
            parts.append(np.array(mapped[::step, ::step, :]))
        finally:
            del mapped
    picked = np.concatenate(parts)
    return picked[..., 0] if samples == 1 else picked


def _sample_segments(page, step: int) -> np.ndarray:
    h, w = page.imagelength, page.imagewidth
    _, _, seg_h, seg_w, samples = _segment_shape(page)
    seg_bytes = seg_h * seg_w * samples * page.dtype.itemsize
    if seg_bytes > MAX_SEGMENT_BYTES:
        raise TooLarge(f"one tile or strip holds {seg_bytes >> 20} MiB, more than the thumbnail memory bound")
    out = np.zeros((math.ceil(h / step), math.ceil(w / step), samples), dtype=page.dtype)
    for segment, index, _shape in page.segments(maxworkers=1, buffersize=READ_BUFFER_BYTES):
        if segment is None or index[0] != 0:  # missing tile; separate planes: sample 0 only
            continue
        y0, x0 = index[2], index[3]
        part = segment[0, : h - y0, : w - x0]  # edge tiles are padded
        ry, rx = (-y0) % step, (-x0) % step
        picked = part[ry::step, rx::step]
        oy, ox = (y0 + ry) // step, (x0 + rx) // step
        out[oy : oy + picked.shape[0], ox : ox + picked.shape[1]] = picked
    return out[..., 0] if samples == 1 else out


def _segment_shape(page) -> tuple[int, int, int, int, int]:
    if page.is_tiled:
        return 1, 1, page.tilelength, page.tilewidth, page.shaped[-1]
    rows = min(page.rowsperstrip or page.imagelength, page.imagelength)
    return 1, 1, rows, page.imagewidth, page.shaped[-1]


def choose_level(levels, min_side: int = 256):
    """The smallest pyramid level whose long side is at least `min_side`, else the largest."""
    for level in reversed(levels):
        if max(level.keyframe.imagelength, level.keyframe.imagewidth) >= min_side:
            return level
    return levels[0]
