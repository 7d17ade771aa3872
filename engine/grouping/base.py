"""What a grouping rule works with: the plan of one fileset, the selection it may not leave, and
the helpers every rule uses to take a member safely (checked as a regular file before it is opened)."""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from engine.scan import SourceFile, not_a_file, source_file


class FilesetKind(StrEnum):
    """What a person would call the fileset; shown on the data page."""

    PLATE = "plate"
    MULTI_FILE = "multi-file image"
    SINGLE = "single image"
    OTHER = "not an image"  # imported only when the user asked for every file


@dataclass
class FilesetPlan:
    files: list[SourceFile]
    rule: str = "single file"  # the registry name of the rule that grouped it
    format: str | None = None  # the format family, e.g. "OME-TIFF", "PerkinElmer Operetta"
    kind: FilesetKind = FilesetKind.SINGLE
    problems: list[str] = field(default_factory=list)  # e.g. a member of the set is missing
    refused: list[str] = field(default_factory=list)  # members named outside the selection, or not files
    title: str | None = None  # overrides the name, e.g. the .zarr folder rather than a file in it
    # Worth telling but not blocking: e.g. a plate image its index names is missing, which Bio-Formats
    # reads around (a blank plane), so the plate still imports and opens.
    notes: list[str] = field(default_factory=list)

    @cached_property
    def name(self) -> str:
        """What the user would call it: the set's own name, else the first selected file, by base name."""
        if self.title:
            return self.title
        chosen = next((f for f in self.files if f.selected), self.files[0])
        return os.path.basename(chosen.path)

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


class Selection:
    """The folders and files the user chose: what a multi-file set may pull in, and nothing else."""

    def __init__(self, paths: list[str]) -> None:
        self.folders: list[str] = []  # selected folders: anything below them
        self.beside: set[str] = set()  # folders of selected files: their direct neighbours
        for path in paths:
            path = os.path.abspath(path)
            if os.path.isdir(path):
                self.folders.append(path.rstrip(os.sep) + os.sep)
            else:
                self.beside.add(os.path.dirname(path))

    def holds(self, path: str) -> bool:
        path = os.path.normpath(os.path.abspath(path))
        return os.path.dirname(path) in self.beside or path.startswith(tuple(self.folders))


class GroupingRule:
    """One format family: claims the files of its sets from the unclaimed ones.

    `claim` removes what it takes from `unclaimed` and returns the filesets. A rule may pull in a
    member the scan did not list (the user selected another member) only through `Members`.
    """

    name: str = ""  # recorded with each fileset; unique in the registry
    format: str = ""
    kind: FilesetKind = FilesetKind.MULTI_FILE
    order: int = 500  # lower runs first; built-ins use 10..200, the single-file fallback runs last

    def claim(self, unclaimed: dict[str, SourceFile], selection: Selection) -> list[FilesetPlan]:
        raise NotImplementedError


def member(path: str, selection: Selection) -> tuple[SourceFile | None, str]:
    """A file a set names, if it may join the set; else why not (without opening it).
    ("", None) means missing."""
    if not selection.holds(path):
        return None, "outside the selected folders"
    try:
        st = os.stat(path)
    except OSError:
        return None, ""
    kind = not_a_file(st.st_mode)
    if kind:
        return None, f"{kind}, not a file"
    return source_file(path, st, selected=False, is_link=os.path.islink(path)), ""


class Members:
    """Collects one set's files: from the scan when listed, else checked with `member`."""

    def __init__(self, unclaimed: dict[str, SourceFile], selection: Selection, owner: str) -> None:
        self.unclaimed, self.selection, self.owner = unclaimed, selection, owner
        self.files: dict[str, SourceFile] = {}
        self.problems: list[str] = []
        self.refused: list[str] = []
        self.notes: list[str] = []
        self._failed: set[str] = set()  # reported once, however many members name it

    def add(self, path: str, required: bool = True) -> bool:
        """Take `path` into the set; False when it is missing or refused (and reported if required)."""
        path = os.path.normpath(path)
        if path in self.files:
            return True
        if path in self._failed:
            return False
        found = self.unclaimed.get(path)
        why_not = ""
        if found is None:
            found, why_not = member(path, self.selection)
        if why_not or (found is None and required):
            self._failed.add(path)
        if why_not:
            self.refused.append(f"{os.path.basename(self.owner)} names {path}: {why_not}")
            return False
        if found is None:
            if required:
                name = os.path.basename(path)
                self.problems.append(f"{os.path.basename(self.owner)} names {name}, which does not exist")
            return False
        self.files[path] = found
        return True

    def add_all(self, paths: Iterable[str], required: bool = False) -> None:
        for path in paths:
            self.add(path, required)

    def add_tolerated(self, paths: Iterable[str], what: str = "image") -> None:
        """Members the set names but can do without (Bio-Formats reads a blank plane for a missing plate
        image): taken when present, else noted once each, without blocking the import."""
        missing = []
        for path in paths:
            path = os.path.normpath(path)
            if path not in self._failed and not self.add(path, required=False) and path not in self._failed:
                self._failed.add(path)
                missing.append(os.path.basename(path))
        if missing:
            shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
            self.notes.append(
                f"{os.path.basename(self.owner)} names {len(missing)} {what} file{'s' if len(missing) > 1 else ''} "
                f"that {'do' if len(missing) > 1 else 'does'} not exist ({shown}); the rest is imported and "
                "those planes will read as blank"
            )

    def plan(self, rule: GroupingRule, title: str | None = None, kind: FilesetKind | None = None) -> FilesetPlan:
        """The fileset, in the order the members were added; takes them out of the unclaimed files."""
        for path in self.files:
            self.unclaimed.pop(path, None)
        return FilesetPlan(
            list(self.files.values()),
            rule=rule.name,
            format=rule.format,
            kind=kind or rule.kind,
            problems=self.problems,
            refused=self.refused,
            notes=self.notes,
            title=title,
        )


def is_regular_file(path: str) -> bool:
    """True for a regular file (following links); checked before a rule opens anything it found by name."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode)


@functools.lru_cache(maxsize=256)
def listdir(folder: str) -> list[str]:
    """Sorted names in a folder, without names starting with a dot; empty when it cannot be read.

    Rules ask it for the folder of every file they look at (is there a .lei, a metadata.txt, an .htd
    beside it?): read once per folder while one selection is grouped, not once per file, which made
    grouping 20,000 files in folders of 200 take seconds. group_files clears it when it starts, so a
    later scan sees a folder as it is then. Callers must not change the list."""
    try:
        return sorted(n for n in os.listdir(folder) if not n.startswith("."))
    except OSError:
        return []


@functools.lru_cache(maxsize=4096)
def names_ending(folder: str, suffix: str) -> tuple[str, ...]:
    """The names in `folder` ending with `suffix` (lower case; names matched in any case). Rules ask of
    every .tif whether its folder holds a .wpi, an .htd, an .xdce or a .lei: one pass over the folder per
    suffix while a selection is grouped, instead of one per file (20 million comparisons for 20,000 files
    in folders of 200). Cleared with `listdir`."""
    return tuple(n for n in listdir(folder) if n.lower().endswith(suffix))


def lower_suffix(path: str) -> str:
    return os.path.splitext(path)[1].lower()
