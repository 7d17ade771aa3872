"""Which reader reads a fileset: by the format its grouping rule recognised, else by the suffix of
its file. A fileset no reader takes, or one its reader fails on, still has a record: "not read",
with the reason."""

from __future__ import annotations

import os

from engine.images import others, plates, tiff
from engine.images.records import FoundImage, not_read

TIFF_SUFFIXES = (".tif", ".tiff", ".btf", ".tf2", ".tf8", ".svs", ".scn", ".ndpi", ".qptiff", ".lsm", ".stk")
OME_XML_SUFFIXES = (".ome", ".ome.xml", ".companion.ome")


def read_fileset(name: str, fmt: str | None, paths: list[str]) -> list[FoundImage]:
    """The images of a fileset whose files are `paths` (readable, e.g. in the repository)."""
    try:
        found = _read(fmt, sorted(paths))
    except Exception as exc:  # noqa: BLE001 - any reader failure leaves the fileset imported, unread
        why = str(exc) or type(exc).__name__  # the library's own words say what is wrong with the file
        return [not_read(name, f"the {fmt or 'image'} reader could not read it ({why})")]
    if found is None:
        return [not_read(name, f"no image reader for {fmt or 'this format'} in this version")]
    return found or [not_read(name, f"the {fmt or ''} reader found no image in it".replace("  ", " "))]


def _read(fmt: str | None, paths: list[str]) -> list[FoundImage] | None:
    lower = [p.lower() for p in paths]
    if fmt == "PerkinElmer Operetta":
        index = next(p for p in paths if os.path.basename(p).lower().startswith("index") and p.endswith(".xml"))
        return plates.read_operetta(index, set(paths))
    if fmt == "Yokogawa CellVoyager":
        return plates.read_cellvoyager(paths)
    if fmt == "MetaXpress":
        return plates.read_metaxpress(paths)
    if fmt == "OME-Zarr":
        return others.read_ome_zarr(_zarr_root(paths))
    if fmt == "DICOM" or all(p.endswith(".dcm") for p in lower):
        return others.read_dicom(paths)
    companion = next((p for p, low in zip(paths, lower, strict=True) if low.endswith(OME_XML_SUFFIXES)), None)
    if companion:
        return others.read_ome_xml(companion, paths)
    if len(paths) == 1 and lower[0].endswith(".nd2"):
        return others.read_nd2(paths[0])
    tiffs = [p for p, low in zip(paths, lower, strict=True) if low.endswith(TIFF_SUFFIXES)]
    if tiffs and (len(paths) == 1 or fmt == "OME-TIFF"):
        return tiff.read_tiff(tiffs[0])
    return None


def _zarr_root(paths: list[str]) -> str:
    """The top group: the shallowest folder with group metadata (the repository may have dropped
    the `.zarr` folder's own name, keeping only what is below it)."""
    groups = [os.path.dirname(p) for p in paths if os.path.basename(p) in ("zarr.json", ".zattrs", ".zgroup")]
    return min(groups or [os.path.dirname(paths[0])], key=lambda d: (d.count(os.sep), d))
