"""Does the repository match the catalog? Finds fileset folders and logs that no catalog row knows
(orphans), removes those that hold no file, and reports the rest, which may be the only copy of
something. Also lists registered fileset folders that have gone missing.

Fileset folders are recorded before they are made, so a folder seen on disk is known to any
catalog read that follows, even mid-import: the catalog is read once to skip the known folders'
contents, the repository walked, and the catalog read again to judge what was seen.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from engine.catalog import store
from engine.repository import holds_files
from engine.states import FilesetState

PROBE_PREFIX = ".write-test-"  # left only if a check's write probe was killed


@dataclass
class ConsistencyReport:
    removed: list[str] = field(default_factory=list)  # orphans that held no file
    kept: list[str] = field(default_factory=list)  # orphans holding files: left for a person to look at
    missing: list[str] = field(default_factory=list)  # registered fileset folders that are gone

    @property
    def clean(self) -> bool:
        return not (self.kept or self.missing)


def check_repository(data_dir, remove: bool = True) -> ConsistencyReport:
    root = str(data_dir.repository)
    folders, files = _walk(root, {d for d, _ in _rows(data_dir)})
    rows = _rows(data_dir)
    known = {repo_dir for repo_dir, _ in rows}
    above = {""} | {parent for d in known for parent in _parents(d)}
    report = ConsistencyReport()
    report.missing = sorted(d for d, state in rows if state == FilesetState.REGISTERED and d not in folders)
    orphans = sorted(f for f in folders if f not in known and f not in above and os.path.dirname(f) in above)
    for folder in orphans:
        if holds_files(os.path.join(root, folder)):
            report.kept.append(folder)
        elif remove:
            _remove_empty_tree(os.path.join(root, folder))
            report.removed.append(folder)
        else:
            report.removed.append(folder)
    for name in sorted(f for f in files if os.path.dirname(f) in above):
        stray_log = name.endswith(".log") and name[:-4] not in known
        if stray_log or os.path.basename(name).startswith(PROBE_PREFIX):
            if remove:
                os.unlink(os.path.join(root, name))
            report.removed.append(name)
    return report


def _rows(data_dir) -> list[tuple[str, str]]:
    return store.filesets.repo_dirs(data_dir)


def _walk(root: str, skip: set[str]) -> tuple[set[str], set[str]]:
    """Folders and files of the repository (relative), not looking inside the folders in `skip`."""
    folders: set[str] = set()
    files: set[str] = set()
    for top, dirs, names in os.walk(root):
        rel = os.path.relpath(top, root)
        rel = "" if rel == "." else rel
        for d in dirs:
            folders.add(os.path.join(rel, d))
        dirs[:] = [d for d in dirs if os.path.join(rel, d) not in skip]
        files.update(os.path.join(rel, n) for n in names)
    return folders, files


def _parents(relative: str):
    while relative:
        relative = os.path.dirname(relative)
        yield relative


def _remove_empty_tree(folder: str) -> None:
    for top, _, _ in sorted(os.walk(folder), key=lambda t: -len(t[0])):
        os.rmdir(top)
