"""From a selection to a plan: scan, group into filesets, and leave out what was imported before."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from engine.catalog import store
from engine.checksums import hash_file
from engine.datadir import DataDir
from engine.errors import UsageError
from engine.grouping import FilesetPlan, Selection, group_files
from engine.paths import client_path
from engine.progress import CancelToken, ProgressTracker
from engine.scan import DEFAULT_DEPTH, Skipped, scan

EXCLUDE_MODES = ("clientpath", "filename")


@dataclass
class ImportPlan:
    paths: list[str]
    filesets: list[FilesetPlan] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    excluded: list[tuple[FilesetPlan, str]] = field(default_factory=list)

    @property
    def file_count(self) -> int:
        return sum(len(fs.files) for fs in self.filesets)

    @property
    def total_bytes(self) -> int:
        return sum(fs.size for fs in self.filesets)

    @property
    def selection(self) -> Selection:
        return Selection(self.paths)


def make_plan(
    data_dir: DataDir,
    paths: list[str],
    exclude: str | None = None,
    algorithm: str = "SHA1-160",
    depth: int = DEFAULT_DEPTH,
    include_all: bool = False,
    cancel: CancelToken | None = None,
    progress: ProgressTracker | None = None,
) -> ImportPlan:
    """`depth`: folder levels to scan (as `omero import --depth`); `include_all`: import files in no
    image format too, instead of skipping them; `cancel` stops the scan (raises Cancelled); `progress`
    counts the files found while the scan runs (phase "scanning", then "grouping")."""
    if not paths:
        raise UsageError("No files or folders were given to import.", "Name at least one path.")
    if exclude and exclude not in EXCLUDE_MODES:
        raise UsageError(f"Unknown exclusion '{exclude}'.", f"Use one of: {', '.join(EXCLUDE_MODES)}.")
    scanned = scan(paths, depth=depth, cancel=cancel, progress=progress)
    if progress is not None:
        progress.update(phase="grouping", files_total=len(scanned.files))
    plan = ImportPlan(paths=[os.path.abspath(p) for p in paths], skipped=scanned.skipped)
    grouped = group_files(scanned.files, Selection(plan.paths), include_all)
    plan.skipped += grouped.skipped
    filesets = grouped.filesets
    if exclude == "clientpath":
        filesets = _exclude_by_client_path(data_dir, filesets, plan)
    elif exclude == "filename":
        filesets = _exclude_by_name_and_checksum(data_dir, filesets, plan, algorithm)
    plan.filesets = filesets
    return plan


def registered_sources(data_dir: DataDir, filesets: list[FilesetPlan]) -> set[str]:
    """Source paths among these filesets that were imported before (compared as client paths)."""
    by_client = {client_path(f.path): f.path for fs in filesets for f in fs.files}
    return {by_client[c] for c in store.filesets.registered(data_dir, "client_path", by_client)}


def _exclude_by_client_path(data_dir: DataDir, filesets: list[FilesetPlan], plan: ImportPlan) -> list[FilesetPlan]:
    known = registered_sources(data_dir, filesets)
    keep = []
    for fs in filesets:
        if any(f.path in known for f in fs.files):
            plan.excluded.append((fs, "already imported from the same path"))
        else:
            keep.append(fs)
    return keep


def _exclude_by_name_and_checksum(
    data_dir: DataDir, filesets: list[FilesetPlan], plan: ImportPlan, algorithm: str
) -> list[FilesetPlan]:
    names = {os.path.basename(f.path) for fs in filesets for f in fs.files}
    known_names = store.filesets.registered(data_dir, "file_name", names)
    keep = []
    for fs in filesets:
        duplicate = False
        for f in fs.files:
            name = os.path.basename(f.path)
            if name not in known_names:
                continue
            digest, _ = hash_file(f.path, algorithm)
            if store.filesets.registered_copy(data_dir, name, digest, algorithm):
                duplicate = True
                break
        if duplicate:
            plan.excluded.append((fs, "a file of the same name and checksum is already imported"))
        else:
            keep.append(fs)
    return keep
