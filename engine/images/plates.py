"""Plates whose index files no library reads, parsed here: PerkinElmer Operetta / Opera Phenix
(`Index.idx.xml`), Yokogawa CellVoyager CV7000/CV8000 (`MeasurementData.mlf` with the `.wpi` and
`MeasurementDetail.mrf`) and MetaXpress (`.HTD` with site/wave TIFFs named by well). One image per
well and field, as Bio-Formats makes them; its planes are the TIFFs the index places."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial

import tifffile

from engine.images.records import FoundImage, ImageRecord, not_read, well_name
from engine.images.tiff import page_plane

METRES = {"m": 1e6, "mm": 1e3, "µm": 1.0, "um": 1.0}  # to micrometres


@dataclass
class Plane:
    row: int  # from 0
    column: int  # from 0
    field: int  # from 0
    z: int
    c: int
    t: int
    path: str
    channel: str = ""


@dataclass
class Plate:
    name: str
    planes: list[Plane] = field(default_factory=list)
    pixel_size_um: float | None = None
    acquired: str | None = None


def images(plate: Plate) -> list[FoundImage]:
    """One image per well and field, in well then field order."""
    by_site: dict[tuple[int, int, int], list[Plane]] = defaultdict(list)
    for p in plate.planes:
        by_site[(p.row, p.column, p.field)].append(p)
    if not by_site:
        return [not_read(plate.name, "the plate's index names no image file that is in the fileset")]
    shape = _first_shape(plate.planes)
    found = []
    for series, ((row, column, fld), planes) in enumerate(sorted(by_site.items())):
        channels = sorted({(p.c, p.channel) for p in planes})
        rec = ImageRecord(
            series,
            f"{well_name(row, column)}, field {fld + 1}",
            size_x=shape[1] if shape else None,
            size_y=shape[0] if shape else None,
            size_z=len({p.z for p in planes}),
            size_c=len(channels),
            size_t=len({p.t for p in planes}),
            pixel_type=shape[2] if shape else None,
            channels=[name or f"C{c}" for c, name in channels],
            acquired=plate.acquired,
            plate=plate.name,
            well=well_name(row, column),
            field_index=fld,
        )
        if plate.pixel_size_um:
            rec.physical_size_x = rec.physical_size_y = plate.pixel_size_um
            rec.physical_size_x_unit = rec.physical_size_y_unit = "µm"
        zs = sorted({p.z for p in planes})
        mid = zs[len(zs) // 2]
        first = min(planes, key=lambda p: (p.t, p.c, abs(p.z - mid)))
        found.append(FoundImage(rec, partial(page_plane, first.path, 0)))
    return found


def _first_shape(planes: list[Plane]) -> tuple[int, int, str] | None:
    for p in planes:
        try:
            with tifffile.TiffFile(p.path) as tif:
                page = tif.pages.first
                return page.imagelength, page.imagewidth, str(page.dtype)
        except (OSError, ValueError, tifffile.TiffFileError):
            continue
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element, name: str):
    return [e for e in element if _local(e.tag) == name]


def _text(element, name: str) -> str | None:
    found = next((e for e in element if _local(e.tag) == name), None)
    return found.text if found is not None else None


# --- Operetta / Opera Phenix ---------------------------------------------------------------------


def read_operetta(index: str, members: set[str]) -> list[FoundImage]:
    root = ET.parse(index).getroot()
    folder = os.path.dirname(index)
    plates = [p for e in _children(root, "Plates") for p in _children(e, "Plate")]
    plate = Plate(_text(plates[0], "Name") or _text(plates[0], "PlateID") or "plate" if plates else "plate")
    if plates:
        plate.acquired = _text(plates[0], "MeasurementStartTime")
    for image in (i for e in _children(root, "Images") for i in _children(e, "Image")):
        path = os.path.normpath(os.path.join(folder, _text(image, "URL") or ""))
        if path not in members:
            continue
        plate.planes.append(
            Plane(
                int(_text(image, "Row") or 1) - 1,
                int(_text(image, "Col") or 1) - 1,
                int(_text(image, "FieldID") or 1) - 1,
                int(_text(image, "PlaneID") or 1),
                int(_text(image, "ChannelID") or 1),
                int(_text(image, "TimepointID") or 0),
                path,
                _text(image, "ChannelName") or "",
            )
        )
        if plate.pixel_size_um is None:
            size = next((e for e in image if _local(e.tag) == "ImageResolutionX"), None)
            if size is not None and size.text:
                plate.pixel_size_um = float(size.text) * METRES.get(size.get("Unit", "m"), 1e6)
    return images(plate)


# --- Yokogawa CellVoyager --------------------------------------------------------------------------


def read_cellvoyager(paths: list[str]) -> list[FoundImage]:
    mlf = next((p for p in paths if os.path.basename(p) == "MeasurementData.mlf"), None)
    if mlf is None:
        return [not_read(os.path.basename(paths[0]), "the plate has no MeasurementData.mlf")]
    folder = os.path.dirname(mlf)
    members = set(paths)
    wpi = next((p for p in paths if p.lower().endswith(".wpi")), None)
    name = ET.parse(wpi).getroot().get(_bts("Name")) if wpi else None
    plate = Plate(name or os.path.basename(folder))
    detail = os.path.join(folder, "MeasurementDetail.mrf")
    channels: dict[int, str] = {}
    if detail in members:
        root = ET.parse(detail).getroot()
        plate.acquired = root.get(_bts("BeginTime"))
        for ch in _children(root, "MeasurementChannel"):
            number = int(ch.get(_bts("Ch"), "0"))
            channels[number] = f"Ch{number}"
            if plate.pixel_size_um is None and ch.get(_bts("HorizontalPixelDimension")):
                plate.pixel_size_um = float(ch.get(_bts("HorizontalPixelDimension"), "0")) or None
    for record in ET.parse(mlf).getroot():
        if record.get(_bts("Type")) != "IMG" or not record.text:
            continue
        path = os.path.join(folder, record.text.strip())
        if path not in members:
            continue
        ch = int(record.get(_bts("Ch"), "1"))
        plate.planes.append(
            Plane(
                int(record.get(_bts("Row"), "1")) - 1,
                int(record.get(_bts("Column"), "1")) - 1,
                int(record.get(_bts("FieldIndex"), "1")) - 1,
                int(record.get(_bts("ZIndex"), "1")),
                ch,
                int(record.get(_bts("TimePoint"), "1")),
                path,
                channels.get(ch, f"Ch{ch}"),
            )
        )
    return images(plate)


def _bts(name: str) -> str:
    return "{http://www.yokogawa.co.jp/BTS/BTSSchema/1.0}" + name


# --- MetaXpress ----------------------------------------------------------------------------------

SITE = re.compile(r"_([A-Z]{1,2})(\d{2})(?:_s(\d+))?(?:_w(\d+))?(?=[0-9A-F]{8}-|\.tif)", re.IGNORECASE)
STEP = re.compile(r"(TimePoint|ZStep)_(\d+)$", re.IGNORECASE)


def read_metaxpress(paths: list[str]) -> list[FoundImage]:
    htd = next((p for p in paths if p.lower().endswith(".htd")), paths[0])
    plate = Plate(os.path.splitext(os.path.basename(htd))[0])
    for path in paths:
        name = os.path.basename(path)
        match = SITE.search(name)
        if not name.lower().endswith((".tif", ".tiff")) or "_thumb" in name.lower() or match is None:
            continue
        letters, column, site, wave = match.groups()
        row = sum((ord(ch) - ord("A") + 1) * 26**i for i, ch in enumerate(reversed(letters.upper()))) - 1
        steps = {k.lower(): int(v) for k, v in _steps(path)}
        plate.planes.append(
            Plane(
                row,
                int(column) - 1,
                int(site or 1) - 1,
                steps.get("zstep", 0),
                int(wave or 1),
                steps.get("timepoint", 1),
                path,
                f"w{wave or 1}",
            )
        )
    return images(plate)


def _steps(path: str) -> list[tuple[str, str]]:
    """("TimePoint", "2"), ("ZStep", "1") from the folders a plane's file sits in."""
    found = (STEP.match(part) for part in path.split(os.sep)[-3:-1])
    return [(m.group(1), m.group(2)) for m in found if m is not None]
