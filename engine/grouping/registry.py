"""Grouping rules in an explicit order: built-ins by dotted path, third parties by the
`inplace.grouping` entry point group, loaded when grouping first runs (never as an import side effect).

Order matters because the first rule to claim a file keeps it: rules whose sets are named by an index
or a folder (plates, Zarr) run before rules for pairs, and whatever nobody claims becomes a
single-image fileset, or is skipped as "not an image format" unless the user asked for every file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache

from engine.errors import PluginError
from engine.grouping.base import FilesetKind, FilesetPlan, GroupingRule, Selection, listdir, names_ending
from engine.grouping.suffixes import format_of
from engine.plugins import entry_point_names, load_entry_point, load_object
from engine.scan import Skipped, SourceFile

ENTRY_POINT_GROUP = "inplace.grouping"
NOT_AN_IMAGE = "not an image format"

# (name, order, where): the order is the position in this table, spaced so plugins can slot between.
BUILTIN_RULES: tuple[tuple[str, str], ...] = (
    ("OME-Zarr", "engine.grouping.ome:ZarrRule"),
    ("MIRAX", "engine.grouping.pairs:MiraxRule"),
    ("PerkinElmer Operetta", "engine.grouping.hcs:OperettaRule"),
    ("Yokogawa CellVoyager", "engine.grouping.hcs:CellVoyagerRule"),
    ("MetaXpress HTD", "engine.grouping.hcs:MetaXpressRule"),
    ("GE InCell", "engine.grouping.hcs:InCellRule"),
    ("Micro-Manager", "engine.grouping.pairs:MicroManagerRule"),
    ("Leica LEI", "engine.grouping.leica:LeicaLeiRule"),
    ("Olympus OIF", "engine.grouping.pairs:OifRule"),
    ("cellSens VSI", "engine.grouping.pairs:VsiRule"),
    ("DICOM", "engine.grouping.dicom:DicomRule"),
    ("OME-TIFF multi-file set", "engine.grouping.ome:OmeTiffRule"),
    ("DeltaVision", "engine.grouping.pairs:DeltaVisionRule"),
    ("ICS/IDS", "engine.grouping.pairs:IcsRule"),
    ("Analyze/NIfTI pair", "engine.grouping.pairs:AnalyzeRule"),
    ("Zeiss multi-file CZI", "engine.grouping.pairs:CziRule"),
)
SINGLE_FILE = "single file"


@dataclass
class Grouped:
    filesets: list[FilesetPlan] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _instance(obj, name: str) -> GroupingRule:
    rule = obj() if isinstance(obj, type) else obj
    if not isinstance(rule, GroupingRule):
        raise PluginError(
            f"'{name}' is not a grouping rule.", "A grouping plugin must subclass engine.grouping.GroupingRule."
        )
    rule.name = rule.name or name
    return rule


@cache
def rules() -> tuple[GroupingRule, ...]:
    """Every rule, built-ins and plugins, in the order they run."""
    found = []
    for position, (name, where) in enumerate(BUILTIN_RULES):
        rule = _instance(load_object(where, "grouping rule"), name)
        rule.order = 10 * (position + 1)
        found.append(rule)
    for name in entry_point_names(ENTRY_POINT_GROUP):
        found.append(_instance(load_entry_point(ENTRY_POINT_GROUP, name, "grouping rule"), name))
    return tuple(sorted(found, key=lambda r: r.order))


def rule_names() -> list[str]:
    return [r.name for r in rules()] + [SINGLE_FILE]


def group_files(files: list[SourceFile], selection: Selection | None = None, include_all: bool = False) -> Grouped:
    """Filesets of the scanned files, and the files skipped because no image format names them.

    Without a selection, the folders of the files themselves are the selection.
    """
    selection = selection or Selection(sorted({os.path.dirname(f.path) for f in files}))
    listdir.cache_clear()  # folders as they are now, each read once while this selection is grouped
    names_ending.cache_clear()
    unclaimed = {f.path: f for f in files}
    out = Grouped()
    for rule in rules():
        out.filesets.extend(rule.claim(unclaimed, selection))
    for f in unclaimed.values():
        fmt = format_of(f.path)
        if fmt is None and not include_all:
            out.skipped.append(Skipped(f.path, NOT_AN_IMAGE))
            continue
        kind = FilesetKind.SINGLE if fmt else FilesetKind.OTHER
        out.filesets.append(FilesetPlan([f], rule=SINGLE_FILE, format=fmt, kind=kind))
    return out


def group(files: list[SourceFile], selection: Selection | None = None, include_all: bool = True) -> list[FilesetPlan]:
    """Only the filesets; every file is kept unless `include_all` is False."""
    return group_files(files, selection, include_all).filesets
