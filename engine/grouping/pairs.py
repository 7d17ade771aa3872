"""Images made of a main file and companions named after it: DeltaVision logs, ICS/IDS, Analyze and
NIfTI pairs, Olympus OIF folders, cellSens VSI stacks, Micro-Manager metadata, multi-part CZI
and MIRAX slides. Each rule finds the main file from any member."""

from __future__ import annotations

import json
import os
import re

from engine.grouping.base import FilesetKind, FilesetPlan, Members, Selection, is_regular_file, listdir, names_ending
from engine.grouping.hcs import AnchoredRule
from engine.scan import SourceFile


def _files_below(folder: str, depth: int = 3) -> list[str]:
    """Every file below `folder` (names starting with a dot left out), sorted, at most `depth` levels."""
    found = []
    for name in listdir(folder):
        path = os.path.join(folder, name)
        if os.path.isdir(path):
            if depth > 1 and not os.path.islink(path):
                found += _files_below(path, depth - 1)
        else:
            found.append(path)
    return found


def _swap_suffix(path: str, suffixes: tuple[str, ...]) -> str | None:
    """The first existing sibling with the same stem and one of `suffixes` (any case)."""
    stem = os.path.splitext(path)[0]
    for suffix in suffixes:
        for candidate in (stem + suffix, stem + suffix.upper()):
            if os.path.exists(candidate):
                return candidate
    return None


class DeltaVisionRule(AnchoredRule):
    """DeltaVision: `x.dv` with `x.dv.log` (or `x.log`) and the deconvolution log `x_log.txt`;
    `x_D3D.dv` takes the log of the raw image, `x.dv.log`."""

    format = "DeltaVision"
    kind = FilesetKind.MULTI_FILE

    def anchor_of(self, path: str) -> str | None:
        lower = path.lower()
        if lower.endswith((".dv", ".r3d")):
            return path
        for tail in (".dv.log", ".r3d.log"):
            if lower.endswith(tail):
                return path[: -len(".log")]
        if lower.endswith("_log.txt"):
            return path[: -len("_log.txt")] + ".dv"
        if lower.endswith(".log"):
            return _swap_suffix(path, (".dv",))
        return None

    def add_members(self, anchor: str, members: Members) -> None:
        if anchor.endswith("_D3D.dv"):
            log = anchor[: -len("_D3D.dv")] + ".dv.log"
        else:
            log = anchor + ".log" if os.path.exists(anchor + ".log") else os.path.splitext(anchor)[0] + ".log"
        members.add(log, required=False)
        members.add(os.path.splitext(anchor)[0] + "_log.txt", required=False)


class IcsRule(AnchoredRule):
    """ICS: `x.ics` with its pixel file `x.ids` (version 1 keeps them apart; version 2 has no `.ids`)."""

    format = "ICS"
    kind = FilesetKind.MULTI_FILE

    def anchor_of(self, path: str) -> str | None:
        lower = path.lower()
        if lower.endswith(".ics"):
            return path
        return _swap_suffix(path, (".ics",)) if lower.endswith(".ids") else None

    def add_members(self, anchor: str, members: Members) -> None:
        ids = _swap_suffix(anchor, (".ids",))
        if ids:
            members.add(ids)


class AnalyzeRule(AnchoredRule):
    """Analyze 7.5 and NIfTI-1 pairs: `x.hdr` with `x.img` (a single `.nii` is one file)."""

    format = "Analyze/NIfTI"
    kind = FilesetKind.MULTI_FILE

    def anchor_of(self, path: str) -> str | None:
        lower = path.lower()
        if lower.endswith(".img"):
            return _swap_suffix(path, (".hdr",))
        return path if lower.endswith(".hdr") and _swap_suffix(path, (".img",)) else None

    def add_members(self, anchor: str, members: Members) -> None:
        img = _swap_suffix(anchor, (".img",))
        if img:
            members.add(img)


def _ini_value(path: str, key: str) -> str | None:
    """The value of `key` in an Olympus FluoView INI file (UTF-16 with a byte-order mark, or 8-bit),
    without its quotes; None when the file cannot be read or has no such key."""
    try:
        with open(path, "rb") as f:
            raw = f.read(1 << 20)
    except OSError:
        return None
    text = raw.decode("utf-16", "replace") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode("latin-1")
    for line in text.splitlines():
        name, sep, value = line.partition("=")
        if sep and name.strip() == key:
            return value.strip().strip('"')
    return None


class OifRule(AnchoredRule):
    """Olympus FluoView `.oif` with its `<name>.oif.files/` folder, as Bio-Formats' FV1000Reader lists it:
    the folder's `.pty`, `.roi` and `.lut` files, and the TIFF each `.pty` names (DataName). Other files
    there, such as the thumbnail `.bmp`, are not part of the set (Bio-Formats opens them on their own)."""

    format = "Olympus FluoView OIF"
    kind = FilesetKind.MULTI_FILE
    METADATA = (".pty", ".roi", ".lut")

    def anchor_of(self, path: str) -> str | None:
        if path.lower().endswith(".oif"):
            return path
        folder = os.path.dirname(path)
        if folder.lower().endswith(".oif.files") and path.lower().endswith((*self.METADATA, ".tif")):
            return folder[: -len(".files")]
        return None

    def add_members(self, anchor: str, members: Members) -> None:
        folder = anchor + ".files"
        names = listdir(folder)
        metadata = [n for n in names if n.lower().endswith(self.METADATA)]
        members.add_all(os.path.join(folder, n) for n in metadata)
        for pty in (n for n in metadata if n.lower().endswith(".pty")):
            path = os.path.join(folder, pty)
            data = _ini_value(path, "DataName") if is_regular_file(path) else None
            tiff = os.path.basename((data or pty).replace("\\", "/"))
            if tiff.lower().endswith(".pty"):
                tiff = tiff[: -len(".pty")] + ".tif"
            if tiff.lower().endswith(".tif"):  # a thumbnail's .pty names a .bmp, left out
                members.add(os.path.join(folder, tiff), required=data is not None)


class VsiRule(AnchoredRule):
    """Evident/Olympus cellSens `x.vsi` with its folder `_x_/`: every file in each folder directly below it
    (`stack1/frame_t.ets`, `stack10001/frame_t.ets`... and anything else there), as Bio-Formats'
    CellSensReader lists them; files directly in `_x_/` and deeper folders are not part of the set."""

    format = "cellSens VSI"
    kind = FilesetKind.MULTI_FILE

    def anchor_of(self, path: str) -> str | None:
        if path.lower().endswith(".vsi"):
            return path
        pixels = os.path.dirname(os.path.dirname(path))
        name = os.path.basename(pixels)
        if len(name) > 2 and name.startswith("_") and name.endswith("_"):
            vsi = os.path.join(os.path.dirname(pixels), name[1:-1] + ".vsi")
            return vsi if path.lower().endswith(".ets") or os.path.exists(vsi) else None
        return None

    def add_members(self, anchor: str, members: Members) -> None:
        pixels = os.path.join(os.path.dirname(anchor), "_" + os.path.basename(anchor)[:-4] + "_")
        for stack in (os.path.join(pixels, n) for n in listdir(pixels)):
            if os.path.isdir(stack) and not os.path.islink(stack):
                files = [p for p in (os.path.join(stack, n) for n in listdir(stack)) if not os.path.isdir(p)]
                # the frames first, then the rest, as Bio-Formats orders them
                members.add_all(sorted(files, key=lambda p: not os.path.basename(p).startswith("frame_")))


class MicroManagerRule(AnchoredRule):
    """Micro-Manager: `metadata.txt` (or `<prefix>_metadata.txt`) with the TIFFs it names by "FileName",
    and `display_and_comments.txt` beside it."""

    format = "Micro-Manager"
    kind = FilesetKind.MULTI_FILE

    def anchor_of(self, path: str) -> str | None:
        name = os.path.basename(path)
        if name == "metadata.txt" or name.endswith("_metadata.txt"):
            return path
        if not name.lower().endswith((".tif", ".tiff")):
            return None
        folder = os.path.dirname(path)
        found = names_ending(folder, "metadata.txt")
        metadata = [n for n in found if n == "metadata.txt" or n.endswith("_metadata.txt")]
        return os.path.join(folder, metadata[0]) if metadata else None

    def add_members(self, anchor: str, members: Members) -> None:
        folder = os.path.dirname(anchor)
        try:
            with open(anchor, encoding="utf-8", errors="replace") as f:
                names = re.findall(r'"FileName"\s*:\s*("(?:[^"\\]|\\.)*")', f.read())
        except OSError:
            names = []
        members.add_all(os.path.join(folder, json.loads(n)) for n in dict.fromkeys(names))
        members.add(os.path.join(folder, "display_and_comments.txt"), required=False)


class CziRule(AnchoredRule):
    """Zeiss CZI split into parts: `x.czi` with `x (1).czi`, `x (2).czi`... (or `x(1).czi`) beside it.

    The parts do not name each other (their headers hold only GUIDs and a part number), so, as Bio-Formats'
    ZeissCZIReader does, the set is found by name: the parts are the files named after the first one with a
    number in brackets, and a part whose first file is missing is an image of its own."""

    format = "Zeiss CZI"
    kind = FilesetKind.MULTI_FILE
    PART = re.compile(r"^(?P<stem>.+?) ?\((?P<n>\d+)\)\.czi$", re.IGNORECASE)

    def claim(self, unclaimed: dict[str, SourceFile], selection: Selection) -> list[FilesetPlan]:
        self._parts: dict[str, dict[str, list[str]]] = {}  # folder -> first file's stem -> part names
        return super().claim(unclaimed, selection)

    def _parts_of(self, folder: str, stem: str) -> list[str]:
        if folder not in self._parts:
            found: dict[str, list[tuple[int, str]]] = {}
            for name in listdir(folder):
                if match := self.PART.match(name):
                    found.setdefault(match["stem"], []).append((int(match["n"]), name))
            self._parts[folder] = {k: [n for _, n in sorted(v)] for k, v in found.items()}
        return self._parts[folder].get(stem, [])

    def anchor_of(self, path: str) -> str | None:
        folder, name = os.path.split(path)
        match = self.PART.match(name)
        if match:
            return os.path.join(folder, match["stem"] + ".czi")
        if name.lower().endswith(".czi") and self._parts_of(folder, name[:-4]):
            return path
        return None

    def add_members(self, anchor: str, members: Members) -> None:
        folder, stem = os.path.dirname(anchor), os.path.basename(anchor)[:-4]
        members.add_all(os.path.join(folder, n) for n in self._parts_of(folder, stem))


class MiraxRule(AnchoredRule):
    """3DHISTECH MIRAX: `x.mrxs` with every file of its folder `x/` (`Slidedat.ini`, `Index.dat`,
    `Data*.dat`). Bio-Formats does not read it; it is grouped all the same."""

    format = "3DHISTECH MIRAX"
    kind = FilesetKind.MULTI_FILE

    def anchor_of(self, path: str) -> str | None:
        if path.lower().endswith(".mrxs"):
            return path
        folder = os.path.dirname(path)
        mrxs = folder + ".mrxs"
        return mrxs if os.path.exists(mrxs) and is_regular_file(mrxs) else None

    def add_members(self, anchor: str, members: Members) -> None:
        members.add_all(_files_below(anchor[: -len(".mrxs")], depth=1))
