"""DICOM: the files of one series in one folder are one image, and a DICOMDIR brings the files it lists.

Only headers are read (pydicom, pixel data skipped), and only from files the scan listed or that a
DICOMDIR names and that were checked as regular files inside the selection first.
"""

from __future__ import annotations

import os

from engine.grouping.base import FilesetKind, FilesetPlan, GroupingRule, Members, Selection
from engine.scan import SourceFile

DICOM_SUFFIXES = (".dcm", ".dicom", ".dic", ".ima")
HEADER_TAGS = ["SeriesInstanceUID", "SOPInstanceUID", "InstanceNumber"]


def _is_dicom(path: str) -> bool:
    """DICOM by name, or a name without a suffix (common for DICOM) with the "DICM" marker after the
    128-byte preamble; other names are never opened."""
    if path.lower().endswith(DICOM_SUFFIXES) or os.path.basename(path) == "DICOMDIR":
        return True
    if os.path.splitext(path)[1]:
        return False
    try:
        with open(path, "rb") as f:
            f.seek(128)
            return f.read(4) == b"DICM"
    except OSError:
        return False


def _series(path: str) -> tuple[str, int] | None:
    """(SeriesInstanceUID, InstanceNumber) from the header, or None when it is not readable DICOM."""
    import pydicom

    try:
        ds = pydicom.dcmread(path, stop_before_pixels=True, specific_tags=HEADER_TAGS)
    except Exception:  # not DICOM after all, or damaged: left to the other rules
        return None
    uid = ds.get("SeriesInstanceUID")
    if not uid:
        return None
    try:
        number = int(ds.get("InstanceNumber") or 0)
    except (TypeError, ValueError):
        number = 0
    return str(uid), number


def _dicomdir_files(path: str) -> list[str]:
    import pydicom

    try:
        ds = pydicom.dcmread(path, stop_before_pixels=True)
    except Exception:
        return []
    folder = os.path.dirname(path)
    found = []
    for record in ds.get("DirectoryRecordSequence", []):
        ref = record.get("ReferencedFileID")
        if ref:
            parts = [ref] if isinstance(ref, str) else list(ref)
            found.append(os.path.join(folder, *parts))
    return found


class DicomRule(GroupingRule):
    format = "DICOM"
    kind = FilesetKind.MULTI_FILE

    def claim(self, unclaimed: dict[str, SourceFile], selection: Selection) -> list[FilesetPlan]:
        out = []
        for path in sorted(p for p in unclaimed if os.path.basename(p) == "DICOMDIR"):
            members = Members(unclaimed, selection, path)
            members.add(path)
            members.add_all(_dicomdir_files(path), required=True)
            out.append(members.plan(self))
        series: dict[tuple[str, str], list[tuple[int, str]]] = {}
        for path in sorted(unclaimed):
            if _is_dicom(path) and (found := _series(path)):
                series.setdefault((os.path.dirname(path), found[0]), []).append((found[1], path))
        for (_folder, _uid), files in series.items():
            members = Members(unclaimed, selection, files[0][1])
            members.add_all((p for _n, p in sorted(files)), required=True)
            kind = FilesetKind.MULTI_FILE if len(files) > 1 else FilesetKind.SINGLE
            out.append(members.plan(self, kind=kind))
        return out
