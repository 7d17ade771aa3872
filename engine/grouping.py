"""Group scanned files into filesets by a registry of rules; a multi-file set is never split.

Rules run in order; each claims the files it recognises and may pull in members the user did not
select (any member of an OME-TIFF set brings the whole set). Whatever no rule claims is a fileset
of its own. A set never reaches outside the selection: a member it names must be a regular file
inside a selected folder or next to a selected file; anything else is refused and reported, and is
never opened, imported or deleted.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from engine.scan import SourceFile, source_file, special_kind


@dataclass
class FilesetPlan:
    files: list[SourceFile]
    rule: str = "single file"
    problems: list[str] = field(default_factory=list)  # e.g. a member of the set is missing
    refused: list[str] = field(default_factory=list)  # members named outside the selection, or not files

    @cached_property
    def name(self) -> str:
        """What the user would call it: the first selected file, by base name."""
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


GroupingRule = Callable[[dict[str, SourceFile], Selection], list[FilesetPlan]]
"""A rule takes the unclaimed files by path and the selection, removes the files it claims, and
returns their filesets."""

_rules: list[tuple[str, GroupingRule]] = []


def register_rule(name: str, rule: GroupingRule, first: bool = False) -> None:
    entry = (name, rule)
    _rules.insert(0, entry) if first else _rules.append(entry)


def group(files: list[SourceFile], selection: Selection | None = None) -> list[FilesetPlan]:
    """Filesets of the scanned files; without a selection, the folders of the files themselves."""
    selection = selection or Selection(sorted({os.path.dirname(f.path) for f in files}))
    unclaimed = {f.path: f for f in files}
    filesets: list[FilesetPlan] = []
    for _name, rule in _rules:
        filesets.extend(rule(unclaimed, selection))
    filesets.extend(FilesetPlan([f]) for f in unclaimed.values())
    return filesets


# --- OME-Zarr: a *.zarr folder is one image (or plate), however many chunk files it holds.


def zarr_rule(unclaimed: dict[str, SourceFile], selection: Selection) -> list[FilesetPlan]:
    groups: dict[str, list[SourceFile]] = {}
    for path in list(unclaimed):
        parts = path.split(os.sep)
        roots = [i for i, part in enumerate(parts[:-1]) if part.lower().endswith(".zarr")]
        if roots:
            root = os.sep.join(parts[: roots[0] + 1])
            groups.setdefault(root, []).append(unclaimed.pop(path))
    return [FilesetPlan(members, rule="OME-Zarr") for members in groups.values()]


# --- OME-TIFF multi-file sets: TIFFs whose OME-XML names other files, and *.companion.ome files.

OME_TIFF_SUFFIXES = (".ome.tif", ".ome.tiff", ".ome.tf2", ".ome.tf8", ".ome.btf")
COMPANION_SUFFIX = ".companion.ome"


def _ome_xml(path: str) -> str | None:
    if path.lower().endswith(COMPANION_SUFFIX):
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    import tifffile

    with tifffile.TiffFile(path) as tif:
        return tif.ome_metadata


def referenced_files(path: str) -> set[str]:
    """Absolute paths of the files an OME-TIFF or companion file names (itself included or not)."""
    try:
        xml = _ome_xml(path)
        root = ET.fromstring(xml) if xml else None
    except Exception:  # unreadable or not really OME: treat as a plain file
        return set()
    if root is None:
        return set()
    folder = os.path.dirname(path)
    names = set()
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "UUID" and el.get("FileName"):
            names.add(el.get("FileName"))
        elif tag == "BinaryOnly" and el.get("MetadataFile"):
            names.add(el.get("MetadataFile"))
    return {os.path.normpath(os.path.join(folder, n)) for n in names}


def _member(ref: str, selection: Selection) -> tuple[SourceFile | None, str]:
    """A member a set names, if it may join the set; else why not (without opening it)."""
    if not selection.holds(ref):
        return None, "outside the selected folders"
    try:
        st = os.stat(ref)
    except OSError:
        return None, ""  # missing: reported as an incomplete set
    kind = special_kind(st.st_mode) or ("a folder" if os.path.isdir(ref) else None)
    if kind:
        return None, f"{kind}, not a file"
    return source_file(ref, st, selected=False, is_link=os.path.islink(ref)), ""


def ome_tiff_rule(unclaimed: dict[str, SourceFile], selection: Selection) -> list[FilesetPlan]:
    candidates = [p for p in unclaimed if p.lower().endswith((*OME_TIFF_SUFFIXES, COMPANION_SUFFIX))]
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    missing: dict[str, set[str]] = {}
    refused: dict[str, list[str]] = {}
    queue = list(candidates)
    visited: set[str] = set()
    extra: dict[str, SourceFile] = {}
    while queue:
        path = queue.pop()
        if path in visited:
            continue
        visited.add(path)
        find(path)
        for ref in referenced_files(path):
            if ref == path:
                continue
            if ref not in unclaimed and ref not in extra:
                member, why_not = _member(ref, selection)
                if why_not:
                    refused.setdefault(path, []).append(f"{os.path.basename(path)} names {ref}: {why_not}")
                    continue
                if member is None:
                    missing.setdefault(path, set()).add(ref)
                    continue
                extra[ref] = member
            parent[find(ref)] = find(path)
            queue.append(ref)
    sets: dict[str, list[str]] = {}
    for path in visited:
        sets.setdefault(find(path), []).append(path)
    out = []
    for members in sets.values():
        if len(members) == 1 and members[0] not in missing and members[0] not in refused:
            continue  # a single-file OME-TIFF: left to the plain rule
        files = sorted((unclaimed.pop(p, None) or extra[p] for p in members), key=lambda f: f.path)
        problems = [
            f"{os.path.basename(src)} names {os.path.basename(ref)}, which does not exist"
            for src, refs in missing.items()
            if src in members
            for ref in sorted(refs)
        ]
        refusals = [text for src in members for text in refused.get(src, [])]
        out.append(FilesetPlan(files, rule="OME-TIFF multi-file set", problems=problems, refused=refusals))
    return out


register_rule("OME-Zarr", zarr_rule)
register_rule("OME-TIFF multi-file set", ome_tiff_rule)
