"""Formats outside the TIFF family, each with the library made for it: Nikon ND2 (`nd2`), DICOM
(`pydicom`), OME-Zarr (`zarr`), and OME-XML on its own or as an OME-TIFF companion (ome-types)."""

from __future__ import annotations

import math
import os
import warnings
from functools import partial
from typing import Any

import numpy as np

from engine.images import ome
from engine.images.records import FoundImage, ImageRecord, not_read
from engine.images.tiff import as_iso, mid_z, page_plane

# --- Nikon ND2 ------------------------------------------------------------------------------------


def read_nd2(path: str) -> list[FoundImage]:
    import nd2

    with nd2.ND2File(path) as f:
        sizes = dict(f.sizes)
        voxel = f.voxel_size()
        channels = [c.channel.name for c in (f.metadata.channels or [])] if f.metadata else []
        try:
            acquired = f.text_info.get("date")
        except Exception:  # older files keep no text info
            acquired = None
        positions = sizes.get("P", 1)
        found = []
        for p in range(positions):
            rec = ImageRecord(
                p,
                os.path.basename(path) if positions == 1 else f"{os.path.basename(path)} (position {p + 1})",
                size_x=sizes.get("X", 1),
                size_y=sizes.get("Y", 1),
                size_z=sizes.get("Z", 1),
                size_c=sizes.get("C", 1) * sizes.get("S", 1),
                size_t=sizes.get("T", 1),
                pixel_type=str(f.dtype),
                channels=channels,
                acquired=as_iso(str(acquired)) if acquired else None,
            )
            for axis, size in zip("xyz", (voxel.x, voxel.y, voxel.z), strict=True):
                setattr(rec, f"physical_size_{axis}", float(size))
                setattr(rec, f"physical_size_{axis}_unit", "µm")
            found.append(FoundImage(rec, partial(_nd2_plane, path, p, mid_z(rec))))
        return found


def _nd2_plane(path: str, position: int, z: int, max_side: int) -> np.ndarray:
    """One frame, read alone through nd2's memory map (a frame is one camera image)."""
    import nd2

    with nd2.ND2File(path) as f:
        coords = {k: 0 for k in f.sizes if k not in ("X", "Y", "C", "S")}
        if "Z" in coords:
            coords["Z"] = z
        if "P" in coords:
            coords["P"] = position
        order = [k for k in f.sizes if k not in ("X", "Y", "C", "S")]
        shape = [f.sizes[k] for k in order]
        index = int(np.ravel_multi_index([coords[k] for k in order], shape)) if order else 0
        frame = f.read_frame(index)  # (C, Y, X) or (Y, X)
        plane = frame[0] if frame.ndim == 3 else frame
        step = max(1, math.ceil(max(plane.shape[:2]) / max_side))
        return np.array(plane[::step, ::step])


# --- DICOM ---------------------------------------------------------------------------------------


def read_dicom(paths: list[str]) -> list[FoundImage]:
    """A DICOM series: one image whose Z planes are its slices (by InstanceNumber), frames as T."""
    import pydicom

    slices = []
    for path in paths:
        if os.path.basename(path).upper() == "DICOMDIR":
            continue
        try:
            ds = pydicom.dcmread(path, stop_before_pixels=True)
        except Exception:  # noqa: BLE001 - not a DICOM file after all
            continue
        slices.append((int(getattr(ds, "InstanceNumber", 0) or 0), path, ds))
    if not slices:
        return [not_read(os.path.basename(paths[0]), "no DICOM image in the set")]
    slices.sort(key=lambda s: s[0])
    _, first_path, ds = slices[0]
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
    rec = ImageRecord(
        0,
        str(getattr(ds, "SeriesDescription", "") or os.path.basename(first_path)),
        size_x=int(ds.Columns),
        size_y=int(ds.Rows),
        size_z=len(slices),
        size_c=int(getattr(ds, "SamplesPerPixel", 1) or 1),
        size_t=frames,
        pixel_type=_dicom_type(ds),
        acquired=_dicom_date(ds),
    )
    spacing = getattr(ds, "PixelSpacing", None)
    if spacing:  # row spacing (Y), column spacing (X), in millimetres
        rec.physical_size_y, rec.physical_size_x = float(spacing[0]), float(spacing[1])
        rec.physical_size_x_unit = rec.physical_size_y_unit = "mm"
    thickness = getattr(ds, "SliceThickness", None)
    if thickness:
        rec.physical_size_z, rec.physical_size_z_unit = float(thickness), "mm"
    middle = slices[len(slices) // 2][1]
    return [FoundImage(rec, partial(_dicom_plane, middle))]


def _dicom_plane(path: str, max_side: int) -> np.ndarray:
    import pydicom

    ds = pydicom.dcmread(path)  # one slice: the series' slices are files of their own
    pixels = ds.pixel_array
    plane = pixels[0] if int(getattr(ds, "NumberOfFrames", 1) or 1) > 1 else pixels
    step = max(1, math.ceil(max(plane.shape[:2]) / max_side))
    return np.array(plane[::step, ::step])


def _dicom_type(ds) -> str:
    bits = int(getattr(ds, "BitsAllocated", 16))
    signed = int(getattr(ds, "PixelRepresentation", 0)) == 1
    return f"{'int' if signed else 'uint'}{bits}"


def _dicom_date(ds) -> str | None:
    date = str(getattr(ds, "AcquisitionDate", "") or getattr(ds, "StudyDate", "") or "")
    if len(date) != 8:
        return None
    time = str(getattr(ds, "AcquisitionTime", "") or "")
    iso = f"{date[:4]}-{date[4:6]}-{date[6:]}"
    return f"{iso}T{time[:2]}:{time[2:4]}:{time[4:6]}" if len(time) >= 6 else iso


# --- OME-Zarr ------------------------------------------------------------------------------------


def _zarr() -> Any:
    """zarr, with its ZarrUserWarning silenced in this process: it warns about files that bend the Zarr
    spec (bioformats2raw writes an empty filter list), which it reads all the same and which the person
    importing cannot change; on their terminal it would look like a failure. The filter is added at
    every call (it replaces itself), as a test runner resets the filters between tests."""
    import zarr
    from zarr.errors import ZarrUserWarning

    warnings.filterwarnings("ignore", category=ZarrUserWarning)
    return zarr


def read_ome_zarr(root: str) -> list[FoundImage]:
    """An OME-Zarr image (NGFF 0.4 or 0.5) or a bioformats2raw layout of several."""
    zarr = _zarr()
    group: Any = zarr.open_group(root, mode="r")
    attrs: Any = dict(group.attrs)
    attrs = attrs.get("ome", attrs)  # 0.5 nests its metadata under "ome"
    if "multiscales" in attrs:
        return [_zarr_image(group, attrs, 0, os.path.basename(root.rstrip("/")))]
    if "bioformats2raw.layout" in attrs:
        described = _b2r_metadata(root)
        found, i = [], 0
        while str(i) in group:
            sub = group[str(i)]
            sub_attrs: Any = dict(sub.attrs)
            image = _zarr_image(sub, sub_attrs.get("ome", sub_attrs), i, f"Series {i}")
            if described and i < len(described):
                image.record = _merge(described[i], image.record)
            found.append(image)
            i += 1
        return found or [not_read(os.path.basename(root), "the bioformats2raw layout names no image")]
    return [not_read(os.path.basename(root), "no OME-Zarr image (multiscales) at the top of the folder")]


def _zarr_image(group, attrs: dict, series: int, name: str) -> FoundImage:
    ms = attrs["multiscales"][0]
    axes = [a["name"] if isinstance(a, dict) else a for a in ms.get("axes", ["t", "c", "z", "y", "x"])]
    datasets = ms["datasets"]
    full = group[datasets[0]["path"]]
    sizes = dict(zip(axes, full.shape, strict=True))
    rec = ImageRecord(
        series,
        ms.get("name") or name,
        size_x=sizes.get("x", 1),
        size_y=sizes.get("y", 1),
        size_z=sizes.get("z", 1),
        size_c=sizes.get("c", 1),
        size_t=sizes.get("t", 1),
        pixel_type=str(full.dtype),
        levels=len(datasets),
    )
    units = {a["name"]: a.get("unit") for a in ms.get("axes", []) if isinstance(a, dict)}
    scale = next((t["scale"] for t in datasets[0].get("coordinateTransformations", []) if t["type"] == "scale"), None)
    if scale:
        for axis, value in zip(axes, scale, strict=True):
            if axis in "xyz":
                setattr(rec, f"physical_size_{axis}", float(value))
                setattr(rec, f"physical_size_{axis}_unit", _unit(units.get(axis)))
    omero = attrs.get("omero") or {}
    rec.channels = [str(c.get("label", f"C{i}")) for i, c in enumerate(omero.get("channels", []))]
    paths = [d["path"] for d in datasets]
    return FoundImage(rec, partial(_zarr_plane, group.store, group.path, paths, axes, mid_z(rec)))


def _zarr_plane(store, group_path: str, paths: list[str], axes: list[str], z: int, max_side: int) -> np.ndarray:
    """From the smallest level whose long side is at least half the sampled size: only its chunks
    holding that plane's sampled rows are read."""
    group: Any = _zarr().open_group(store, path=group_path, mode="r")
    levels: list[Any] = [group[p] for p in paths]
    yx = [axes.index("y"), axes.index("x")]
    level = next(
        (a for a in reversed(levels) if max(a.shape[yx[0]], a.shape[yx[1]]) >= max_side // 2),
        levels[0],
    )
    full_z = levels[0].shape[axes.index("z")] if "z" in axes else 1
    step = max(1, math.ceil(max(level.shape[yx[0]], level.shape[yx[1]]) / max_side))
    index: list = []
    for axis, n in zip(axes, level.shape, strict=True):
        if axis in ("y", "x"):
            index.append(slice(None, None, step))
        elif axis == "z":
            index.append(min(z * n // max(full_z, 1), n - 1))
        else:
            index.append(0)
    return np.asarray(level[tuple(index)])


def _b2r_metadata(root: str) -> list[ImageRecord] | None:
    path = os.path.join(root, "OME", "METADATA.ome.xml")
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        return ome.records(ome.parse(f.read()))


def _merge(described: ImageRecord, seen: ImageRecord) -> ImageRecord:
    """The OME-XML's names, channels, sizes in units and plate; the array's own dimensions."""
    described.levels = seen.levels
    for axis in "xyz":
        if getattr(described, f"physical_size_{axis}") is None:
            setattr(described, f"physical_size_{axis}", getattr(seen, f"physical_size_{axis}"))
            setattr(described, f"physical_size_{axis}_unit", getattr(seen, f"physical_size_{axis}_unit"))
    return described


def _unit(unit: str | None) -> str | None:
    return {"micrometer": "µm", "nanometer": "nm", "millimeter": "mm"}.get(unit or "", unit)


# --- OME-XML -------------------------------------------------------------------------------------


def read_ome_xml(path: str, members: list[str]) -> list[FoundImage]:
    """A standalone OME-XML file, or a companion naming the OME-TIFF files of its set: the metadata
    from the XML, planes from the TIFF files that hold them."""
    with open(path, encoding="utf-8") as f:
        described = ome.parse(f.read())
    by_name = {os.path.basename(m): m for m in members}
    found = []
    for rec in ome.records(described):
        place = ome.plane_place(described, rec.series, mid_z(rec), 0, 0)
        tiff = by_name.get(place.file_name) if place else None
        plane = partial(page_plane, tiff, place.ifd) if tiff and place else None
        if plane is None:
            rec.reason = "no thumbnail: the OME-XML holds no TIFF file of this image"
        found.append(FoundImage(rec, plane))
    return found or [not_read(os.path.basename(path), "the OME-XML describes no image")]
