"""What is recorded of one image (a series, in Bio-Formats' words): its dimensions, pixel type,
physical sizes, channels, acquisition date and, for plates, where it sits on the plate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


class ImageStatus(StrEnum):
    READ = "read"
    NOT_READ = "not read"  # no reader for the format, or the reader failed: `reason` says which


@dataclass
class ImageRecord:
    series: int  # the position of the image in its fileset, from 0
    name: str
    status: ImageStatus = ImageStatus.READ
    reason: str | None = None  # why it was not read, or why it has no thumbnail
    size_x: int | None = None
    size_y: int | None = None
    size_z: int | None = None
    size_c: int | None = None
    size_t: int | None = None
    pixel_type: str | None = None  # numpy's name: uint8, uint16, float32, ...
    physical_size_x: float | None = None
    physical_size_x_unit: str | None = None
    physical_size_y: float | None = None
    physical_size_y_unit: str | None = None
    physical_size_z: float | None = None
    physical_size_z_unit: str | None = None
    channels: list[str] = field(default_factory=list)
    acquired: str | None = None  # ISO 8601, as the file says
    plate: str | None = None
    well: str | None = None  # "B3"
    field_index: int | None = None  # the field (site) in its well, from 0
    levels: int = 1  # resolution levels of a pyramid

    def as_dict(self) -> dict:
        row = asdict(self)
        row["status"] = str(self.status)
        return row

    @property
    def dimensions(self) -> str:
        """ "X1080 Y1080 Z1 C2 T1", or "not read"."""
        if self.size_x is None:
            return str(ImageStatus.NOT_READ)
        sizes = zip("XYZCT", (self.size_x, self.size_y, self.size_z, self.size_c, self.size_t), strict=True)
        return " ".join(f"{axis}{size if size is not None else '?'}" for axis, size in sizes)


# A reader hands back each image with a way to get one small plane of it for its thumbnail: a 2-D
# array (or Y X RGB) no larger than about twice the thumbnail size, read with bounded memory.
PlaneSource = Callable[[int], "np.ndarray"]


@dataclass
class FoundImage:
    record: ImageRecord
    plane: PlaneSource | None = None


def well_name(row: int, column: int) -> str:
    """(1, 2) -> "B3", from 0-based row and column; rows past Z are AA, AB, ... (1536-well plates)."""
    letters = chr(ord("A") + row % 26)
    if row >= 26:
        letters = chr(ord("A") + row // 26 - 1) + letters
    return f"{letters}{column + 1}"


def not_read(name: str, reason: str, series: int = 0) -> FoundImage:
    return FoundImage(ImageRecord(series, name, ImageStatus.NOT_READ, reason))
