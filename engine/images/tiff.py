"""The TIFF family, read with tifffile: plain and multi-page TIFF, OME-TIFF (its OME-XML read with
ome-types), pyramids (SVS and other tiled, multi-level files), ImageJ hyperstacks and MetaXpress
(ImageXpress) planes."""

from __future__ import annotations

import os
from datetime import datetime
from functools import partial

import tifffile

from engine.images import ome
from engine.images.records import FoundImage, ImageRecord
from engine.images.sampling import choose_level, sample_page

# tifffile's axis letters to OME's. A plain multi-page TIFF's pages (Q, I) count as time points,
# as Bio-Formats' plain TIFF reader reports them; RGB samples (S) are channels.
AXES = {"X": "X", "Y": "Y", "Z": "Z", "C": "C", "S": "C", "T": "T", "Q": "T", "I": "T"}
UNIT_MICRONS = {2: 25400.0, 3: 10000.0}  # ResolutionUnit inch, centimetre: micrometres per unit


def read_tiff(path: str) -> list[FoundImage]:
    """Every series of a TIFF file, with a plane source for its thumbnail."""
    with tifffile.TiffFile(path) as tif:
        described = _ome_records(tif)
        found = []
        for i, series in enumerate(tif.series):
            rec = described[i] if described and i < len(described) else _series_record(tif, series, i)
            rec.levels = len(series.levels)
            if not rec.name:
                rec.name = series.name or (os.path.basename(path) if len(tif.series) == 1 else f"Series {i}")
            if not described:
                _add_metadata(tif, series, rec)
            found.append(FoundImage(rec, partial(_plane, path, i, mid_z(rec))))
        return found


def mid_z(rec: ImageRecord) -> int:
    return (rec.size_z or 1) // 2


def _plane(path: str, series_index: int, z: int, max_side: int):
    """Plane (z, first channel, first time point) of a series, from its smallest fitting level."""
    with tifffile.TiffFile(path) as tif:
        series = tif.series[series_index]
        level = choose_level(series.levels, max_side // 2)
        lead = level.shape[: len(level.shape) - len(level.keyframe.shape)]
        axes = level.axes[: len(lead)]
        where = tuple(min(z, n - 1) if a == "Z" else 0 for a, n in zip(axes, lead, strict=True))
        index = int(_ravel(where, lead)) if lead else 0
        page = level.pages[index] if index < len(level.pages) else level.pages[0]
        return sample_page(page if page is not None else level.keyframe, max_side)


def page_plane(path: str, page_index: int, max_side: int):
    """One page of a file, sampled: for planes that an index or companion file places."""
    with tifffile.TiffFile(path) as tif:
        return sample_page(tif.pages[page_index], max_side)


def _ravel(where: tuple[int, ...], shape: tuple[int, ...]) -> int:
    index = 0
    for i, n in zip(where, shape, strict=True):
        index = index * n + i
    return index


def _ome_records(tif: tifffile.TiffFile) -> list[ImageRecord] | None:
    if not tif.is_ome or not tif.ome_metadata:
        return None
    described = ome.records(ome.parse(tif.ome_metadata))
    return described if len(described) == len(tif.series) else None


def _series_record(tif: tifffile.TiffFile, series, index: int) -> ImageRecord:
    sizes = dict.fromkeys("XYZCT", 1)
    for axis, n in zip(series.axes, series.shape, strict=True):
        if axis in AXES:
            sizes[AXES[axis]] *= n
    return ImageRecord(
        index,
        series.name or "",
        size_x=sizes["X"],
        size_y=sizes["Y"],
        size_z=sizes["Z"],
        size_c=sizes["C"],
        size_t=sizes["T"],
        pixel_type=str(series.dtype),
    )


def _add_metadata(tif: tifffile.TiffFile, series, rec: ImageRecord) -> None:
    """Physical sizes, channels and dates where the file's own metadata has them."""
    page = series.keyframe
    if tif.is_metaseries and tif.metaseries_metadata:
        _metaseries(tif.metaseries_metadata, rec)
    elif tif.is_svs:
        # Aperio's description: "Aperio Image Library ...|AppMag = 20|MPP = 0.499|Date = 12/29/09|..."
        pairs = (part.split(" = ", 1) for part in tif.pages.first.description.split("|")[1:] if " = " in part)
        svs = {key.strip(): value.strip() for key, value in pairs}
        if svs.get("MPP"):
            _set_xy(rec, float(svs["MPP"]), "µm")
        if svs.get("Date"):
            rec.acquired = as_iso(f"{svs['Date']} {svs.get('Time', '')}".strip())
    elif tif.is_imagej and tif.imagej_metadata:
        meta = tif.imagej_metadata
        unit = meta.get("unit", "")
        unit = "µm" if unit in ("micron", "um", "\\u00B5m", "µm") else unit or None
        _resolution(page, rec, unit)
        if meta.get("spacing"):
            rec.physical_size_z, rec.physical_size_z_unit = float(meta["spacing"]), unit
    else:
        _resolution(page, rec)
    if rec.acquired is None and page.tags.get("DateTime") is not None:
        rec.acquired = _tiff_date(str(page.tags["DateTime"].value))


def _metaseries(meta: dict, rec: ImageRecord) -> None:
    info = meta.get("PlaneInfo", {})
    if info.get("spatial-calibration-state"):
        unit = info.get("spatial-calibration-units") or None
        unit = "µm" if unit == "um" else unit
        rec.physical_size_x, rec.physical_size_y = info.get("spatial-calibration-x"), info.get("spatial-calibration-y")
        rec.physical_size_x_unit = rec.physical_size_y_unit = unit
    channel = info.get("_IllumSetting_") or info.get("image-name")
    if channel:
        rec.channels = [str(channel)]
    when = info.get("acquisition-time-local")
    if when is not None:
        rec.acquired = when.isoformat() if hasattr(when, "isoformat") else str(when)


def _resolution(page, rec: ImageRecord, unit: str | None = None) -> None:
    """X/YResolution (pixels per unit) as a pixel size in micrometres, or in the ImageJ unit."""
    tags = page.tags
    if "XResolution" not in tags or "YResolution" not in tags:
        return
    res_unit = int(tags["ResolutionUnit"].value) if "ResolutionUnit" in tags else 1
    per_unit = UNIT_MICRONS.get(res_unit) if unit is None else 1.0
    if per_unit is None:
        return
    x, y = (_ratio(tags[name].value) for name in ("XResolution", "YResolution"))
    if x and y and not (x == 1 and y == 1):
        rec.physical_size_x, rec.physical_size_y = per_unit / x, per_unit / y
        rec.physical_size_x_unit = rec.physical_size_y_unit = unit or "µm"


def _set_xy(rec: ImageRecord, size: float, unit: str) -> None:
    rec.physical_size_x = rec.physical_size_y = size
    rec.physical_size_x_unit = rec.physical_size_y_unit = unit


def _ratio(value) -> float:
    if isinstance(value, tuple):
        return value[0] / value[1] if value[1] else 0.0
    return float(value)


def _tiff_date(text: str) -> str | None:
    """TIFF's "YYYY:MM:DD HH:MM:SS" as ISO 8601."""
    if len(text) >= 19 and text[4] == ":" and text[7] == ":":
        return f"{text[:4]}-{text[5:7]}-{text[8:10]}T{text[11:19]}"
    return None


DATE_FORMATS = ("%m/%d/%y %H:%M:%S", "%m/%d/%y", "%d/%m/%Y %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def as_iso(text: str) -> str:
    """A date as ISO 8601 where its format is one we know (Aperio's, Nikon's), else as written."""
    cleaned = " ".join(text.split())
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).isoformat()
        except ValueError:
            continue
    return text
