"""Group scanned files into filesets by a registry of rules; a multi-file set is never split.

Rules run in the registry's order; each claims the files it recognises and may pull in members the
user did not select (any member of a set brings the whole set). Whatever no rule claims is a fileset
of its own, or is skipped as not an image format. A set never reaches outside the selection: a member
it names must be a regular file inside a selected folder or next to a selected file; anything else is
refused and reported, and is never opened, imported or deleted.
"""

from engine.grouping.base import FilesetKind, FilesetPlan, GroupingRule, Members, Selection
from engine.grouping.registry import (
    ENTRY_POINT_GROUP,
    NOT_AN_IMAGE,
    SINGLE_FILE,
    Grouped,
    group,
    group_files,
    rule_names,
    rules,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "NOT_AN_IMAGE",
    "SINGLE_FILE",
    "FilesetKind",
    "FilesetPlan",
    "Grouped",
    "GroupingRule",
    "Members",
    "Selection",
    "group",
    "group_files",
    "rule_names",
    "rules",
]
