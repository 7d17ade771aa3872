"""Plate exports (high-content screening): one index or plate file names a folder of images.

Which files belong follows what Bio-Formats 7.3 lists with getUsedFiles() for each reader, so that a
plate imported here opens whole in OMERO. Each rule finds its set from any member the user selected.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET

from engine.grouping.base import (
    FilesetKind,
    FilesetPlan,
    GroupingRule,
    Members,
    Selection,
    is_regular_file,
    listdir,
    names_ending,
)
from engine.scan import SourceFile


class AnchoredRule(GroupingRule):
    """A set named by one main file (its anchor), found from any member through `anchor_of`."""

    kind = FilesetKind.PLATE

    def anchor_of(self, path: str) -> str | None:
        raise NotImplementedError

    def add_members(self, anchor: str, members: Members) -> None:
        raise NotImplementedError

    def claim(self, unclaimed: dict[str, SourceFile], selection: Selection) -> list[FilesetPlan]:
        anchors = dict.fromkeys(a for p in sorted(unclaimed) if (a := self.anchor_of(p)))
        out = []
        for anchor in anchors:
            if anchor not in unclaimed and not selection.holds(anchor):
                continue  # the set's main file is outside the selection: its members stay plain files
            members = Members(unclaimed, selection, anchor)
            if not members.add(anchor):
                continue
            self.add_members(anchor, members)
            out.append(members.plan(self))
        return out


def _xml_texts(path: str, tag: str) -> list[str]:
    """The text of every element named `tag` (any namespace); empty when the file is not XML."""
    found = []
    try:
        for _event, el in ET.iterparse(path):
            if el.tag.rsplit("}", 1)[-1] == tag and el.text:
                found.append(el.text.strip())
            el.clear()
    except (ET.ParseError, OSError):
        return []
    return found


class OperettaRule(AnchoredRule):
    """PerkinElmer Operetta / Opera Phenix: `Images/Index.idx.xml` (or `Index.ref.xml`, `Index.xml`),
    the TIFFs its <URL> elements name, and the export folder's other files one level down
    (`Assaylayout/`, `FFC_Profile/`), but not `.tiff` files there."""

    format = "PerkinElmer Operetta"
    INDEX_NAMES = ("Index.idx.xml", "Index.ref.xml", "Index.xml")

    def anchor_of(self, path: str) -> str | None:
        folder = os.path.dirname(path)
        present = names_ending(folder, ".xml")  # read once per folder, not three stats per file
        for name in self.INDEX_NAMES:
            if name in present:
                return os.path.join(folder, name)
            if os.path.basename(path).lower() == name.lower():
                return path
        return None

    def add_members(self, anchor: str, members: Members) -> None:
        images = os.path.dirname(anchor)
        export = os.path.dirname(images) if os.path.basename(images).lower() == "images" else images
        for name in listdir(export):
            path = os.path.join(export, name)
            if os.path.isdir(path):
                if path != images:
                    members.add_all(
                        (os.path.join(path, n) for n in listdir(path) if not n.lower().endswith(".tiff")),
                    )
            elif not name.lower().endswith(".tiff") and path != anchor:
                members.add(path, required=False)
        # Bio-Formats' OperettaReader lists only the named TIFFs that exist and reads a missing one as a
        # blank plane, so a missing image is a note, not a reason to refuse the plate.
        members.add_tolerated(os.path.join(images, url) for url in _xml_texts(anchor, "URL"))


def _cellvoyager_images(path: str) -> list[str]:
    """The image files `MeasurementData.mlf` lists: the text of each MeasurementRecord of type IMG (records
    of type ERR note an acquisition error and name no image)."""
    found = []
    for _event, el in ET.iterparse(path):
        if el.tag.rsplit("}", 1)[-1] == "MeasurementRecord":
            kind = next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "Type"), None)
            if kind == "IMG" and el.text and el.text.strip():
                found.append(el.text)
        el.clear()
    return found


class CellVoyagerRule(AnchoredRule):
    """Yokogawa CellVoyager CV7000/CV8000: the `.wpi` and every file of its folder (not subfolders, not the
    parent, where the `TRACE*.log` files stay), as Bio-Formats' CV7000Reader lists them.

    `MeasurementData.mlf` lists the plate's images: one it lists that is not there (yet) is noted, as for
    the other plates (Bio-Formats reads it as a blank plane), so a plate still being copied waits in a
    DropBox instead of being imported with holes. Without `MeasurementData.mlf` the plate cannot be read
    at all: the folder is still one set, with that problem."""

    format = "Yokogawa CellVoyager"
    MEASUREMENT_DATA = "MeasurementData.mlf"

    def anchor_of(self, path: str) -> str | None:
        folder = os.path.dirname(path)
        wpi = names_ending(folder, ".wpi")
        return os.path.join(folder, wpi[0]) if wpi else None

    def add_members(self, anchor: str, members: Members) -> None:
        folder = os.path.dirname(anchor)
        members.add_all(p for n in listdir(folder) if not os.path.isdir(p := os.path.join(folder, n)))
        index = os.path.normpath(os.path.join(folder, self.MEASUREMENT_DATA))
        if index not in members.files:
            members.problems.append(
                f"{self.MEASUREMENT_DATA} is missing beside {os.path.basename(anchor)}: the plate cannot be read "
                "without the list of its images; copy the whole plate folder"
            )
            return
        try:
            images = _cellvoyager_images(index)
        except (ET.ParseError, OSError) as exc:
            members.problems.append(f"{self.MEASUREMENT_DATA} could not be read as the plate's image list ({exc})")
            return
        members.add_tolerated(os.path.join(folder, name) for name in images)


def _htd_settings(path: str) -> dict[str, str]:
    """The "key", value lines of a MetaXpress .HTD file."""
    settings = {}
    with open(path, encoding="latin-1") as f:
        for line in f:
            key, sep, value = line.partition('",')
            if sep:
                settings[key.strip().strip('"').strip()] = value.strip()
    return settings


def _wells(settings: dict[str, str]) -> list[str]:
    wells: list[str] = []
    columns = int(settings.get("XWells", "0") or 0)
    for key, value in settings.items():
        if key.startswith("WellsSelection") and key[14:].isdigit():
            row = chr(ord("A") + int(key[14:]) - 1)
            flags = [v.strip().upper() == "TRUE" for v in value.split(",")][:columns]
            wells.extend(f"{row}{col + 1:02d}" for col, on in enumerate(flags) if on)
    return wells


class MetaXpressRule(AnchoredRule):
    """Molecular Devices MetaXpress / ImageXpress: the `.HTD` and the site/wave TIFFs of its selected
    wells, beside it or in `TimePoint_N/` and `TimePoint_N/ZStep_M/`, leaving out `_thumb` files there;
    `_thumb` files beside the `.HTD` are part of the set (Bio-Formats lists them too)."""

    format = "MetaXpress"

    def anchor_of(self, path: str) -> str | None:
        if path.lower().endswith(".htd"):
            return path
        folder, name = os.path.dirname(path), os.path.basename(path)
        plate_folder = folder
        while re.fullmatch(r"(TimePoint|ZStep)_\d+", os.path.basename(plate_folder)):
            plate_folder = os.path.dirname(plate_folder)
        for htd in names_ending(plate_folder, ".htd"):
            beside = plate_folder == folder
            if name.startswith(htd[: -len(".htd")] + "_") or (beside and "_thumb" in name.lower()):
                return os.path.join(plate_folder, htd)
        return None

    def add_members(self, anchor: str, members: Members) -> None:
        folder = os.path.dirname(anchor)
        if not is_regular_file(anchor):
            return
        settings = _htd_settings(anchor)
        plate = os.path.basename(anchor)[: -len(".htd")] + "_"
        prefixes = tuple(plate + well for well in _wells(settings))

        def tiffs(where: str) -> list[str]:
            return [
                os.path.join(where, n)
                for n in listdir(where)
                if n.startswith(prefixes) and n.lower().endswith((".tif", ".tiff")) and "_thumb" not in n.lower()
            ]

        found = tiffs(folder)
        if not found:
            for t in range(1, int(settings.get("TimePoints", "1") or 1) + 1):
                timepoint = os.path.join(folder, f"TimePoint_{t}")
                z_steps = int(settings.get("ZSteps", "1") or 1)
                for z in range(1, z_steps + 1):
                    zstep = os.path.join(timepoint, f"ZStep_{z}")
                    found += tiffs(zstep) if os.path.isdir(zstep) else tiffs(timepoint) if z_steps == 1 else []
        members.add_all(found)
        members.add_all(os.path.join(folder, n) for n in listdir(folder) if "_thumb" in n.lower())


class InCellRule(AnchoredRule):
    """GE InCell Analyzer: the `.xdce` and the image and thumbnail files its <Image> elements name."""

    format = "GE InCell"

    def anchor_of(self, path: str) -> str | None:
        if path.lower().endswith(".xdce"):
            return path
        folder = os.path.dirname(path)
        xdce = names_ending(folder, ".xdce")
        return os.path.join(folder, xdce[0]) if xdce and path.lower().endswith((".tif", ".tiff")) else None

    def add_members(self, anchor: str, members: Members) -> None:
        folder = os.path.dirname(anchor)
        names = []
        try:
            for _event, el in ET.iterparse(anchor):
                if el.tag.rsplit("}", 1)[-1] == "Image":
                    names += [el.get("filename"), el.get("thumbnail")]
                el.clear()
        except (ET.ParseError, OSError):
            members.problems.append(f"{os.path.basename(anchor)} could not be read as InCell XML")
        # InCellReader lists the named images and thumbnails that exist and reads a missing image as blank.
        members.add_tolerated(os.path.join(folder, n) for n in names if n)
