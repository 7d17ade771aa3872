"""Leica LEI: a binary `.lei` index that names the TIFFs of its series, read for their names only.

What the set holds follows Bio-Formats' LeicaReader: the `.lei` and, of the files each series names, those
that exist; a missing one reads as a blank plane there (as in Leica's own software), so it is a note, not a
reason to refuse the set. A TIFF belongs to the `.lei` beside it that names it.
"""

from __future__ import annotations

import os
import struct

from engine.grouping.base import FilesetKind, FilesetPlan, Members, Selection, is_regular_file, names_ending
from engine.grouping.hcs import AnchoredRule
from engine.scan import SourceFile

MAX_INDEX_BYTES = 64 << 20  # a .lei holds names and settings: a few KiB; a larger file is not one
SERIES_TAG, IMAGES_TAG = 10, 15


class NotAnIndex(ValueError):
    """The file is not laid out as a LEI index."""


def lei_file_names(path: str) -> list[str]:
    """The file names every series of a LEI index lists, in order (names relative to its folder).

    Layout (all integers 32-bit, little-endian when the file starts with "IIII"): at byte 12 the offset of
    the first series header; a header is a count, then (tag, block offset) pairs ended by tag 0, then the
    next header's offset (0 for the last). A block's data starts 16 bytes after its offset. The series
    block (tag 10) gives the length of a file name in characters at its 8th byte; the images block (tag 15)
    is the number of files, four ints (width, height, bits, samples), then each name in UTF-16, padded.
    """
    if os.path.getsize(path) > MAX_INDEX_BYTES:
        raise NotAnIndex("too large for a LEI index")
    with open(path, "rb") as f:
        data = f.read()
    order = "<" if data[:4] == b"IIII" else ">"
    swapped = ">" if order == "<" else "<"

    def integer(at: int, swap: bool = False) -> int:
        if at < 0 or at + 4 > len(data):
            raise NotAnIndex(f"offset {at} is outside the file")
        return struct.unpack_from((swapped if swap else order) + "i", data, at)[0]

    names: list[str] = []
    name_length = 0
    seen: set[int] = set()
    header = integer(12)
    while header:
        if header in seen or len(seen) > 10_000:
            raise NotAnIndex("its series headers loop")
        seen.add(header)
        blocks: dict[int, int] = {}
        at = header + 4
        while tag := integer(at):
            blocks[tag] = integer(at + 4) + 16
            at += 8
        header = integer(at + 4)
        if SERIES_TAG in blocks:
            name_length = 2 * integer(blocks[SERIES_TAG] + 8)
        if IMAGES_TAG not in blocks:
            raise NotAnIndex("a series names no images")
        count = integer(blocks[IMAGES_TAG])
        if count * name_length > len(data):  # Bio-Formats reads such a count in the other byte order
            count = integer(blocks[IMAGES_TAG], swap=True)
        start = blocks[IMAGES_TAG] + 20
        if count < 0 or name_length <= 0 or start + count * name_length > len(data):
            raise NotAnIndex("its image names run past the end of the file")
        for i in range(count):
            raw = data[start + i * name_length : start + (i + 1) * name_length]
            names.append(raw.replace(b"\0", b"").decode("latin-1").strip())
    return [n for n in dict.fromkeys(names) if n]


class LeicaLeiRule(AnchoredRule):
    """Leica `.lei` with the TIFFs its series name (see the module's docstring)."""

    format = "Leica LEI"
    kind = FilesetKind.MULTI_FILE

    def claim(self, unclaimed: dict[str, SourceFile], selection: Selection) -> list[FilesetPlan]:
        self._names: dict[str, list[str] | str] = {}  # per .lei: its names, or why they cannot be read
        return super().claim(unclaimed, selection)

    def _names_of(self, lei: str) -> list[str] | str:
        if lei not in self._names:
            try:
                if not is_regular_file(lei):
                    raise NotAnIndex("it is not a regular file")
                self._names[lei] = lei_file_names(lei)
            except (OSError, NotAnIndex, struct.error) as exc:
                self._names[lei] = str(exc)
        return self._names[lei]

    def anchor_of(self, path: str) -> str | None:
        if path.lower().endswith(".lei"):
            return path
        if not path.lower().endswith((".tif", ".tiff", ".raw")):
            return None
        folder, name = os.path.split(path)
        for lei in (os.path.join(folder, n) for n in names_ending(folder, ".lei")):
            names = self._names_of(lei)
            if isinstance(names, list) and name in names:
                return lei
        return None

    def add_members(self, anchor: str, members: Members) -> None:
        names = self._names_of(anchor)
        if isinstance(names, str):
            members.problems.append(f"{os.path.basename(anchor)} could not be read as a Leica LEI index ({names})")
            return
        folder = os.path.dirname(anchor)
        paths = [os.path.join(folder, n) for n in names]
        if not any(os.path.exists(p) for p in paths):
            members.problems.append(
                f"{os.path.basename(anchor)} names {len(paths)} image files and none of them exists beside it"
            )
            return
        members.add_tolerated(paths)
