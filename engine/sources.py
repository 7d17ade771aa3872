"""What the importer does to originals: delete them after a fully successful `*_rm` run, or make
them read-only after an in-place import when the user asked for it.

An original is deleted only when, checked immediately before the unlink, it is still the very file
whose bytes the repository holds (same device, inode, size, modification and change times as when
it was hashed), it lies inside the user's selection, it is not a symbolic link, no registered
fileset reaches it through a symbolic link, and the repository's side is still whole. Anything
else keeps the original and says why.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from engine import checkpoints
from engine.errors import FileFailure
from engine.grouping import Selection
from engine.joblog import JobLog
from engine.transfers import FileTask, Identity, Transfer


@dataclass(frozen=True, slots=True)
class Stored:
    """An original whose bytes the repository now holds, as it was when it was hashed."""

    source: str
    repo_path: str  # relative to the repository
    algorithm: str
    identity: Identity


class Kept(Exception):
    """An original that must stay; the message says why, in a sentence."""


def delete_sources(
    transfer: Transfer,
    stored: list[Stored],
    repository: Path,
    selection: Selection,
    linked: dict[str, str],
    log: JobLog,
) -> tuple[int, list[str]]:
    """Delete each original that is provably what was stored (the caller synced the repository).

    `linked` maps originals that registered filesets reach through symbolic links to a description
    of those filesets. Returns how many originals were deleted and every path left behind.
    """
    deleted, left = 0, []
    for item in stored:
        checkpoints.reached("before-unlink")
        try:
            _delete_if_same(transfer, item, repository, selection, linked)
            deleted += 1
        except (Kept, FileFailure, OSError) as exc:
            reason = exc.message if isinstance(exc, FileFailure) else exc.strerror if isinstance(exc, OSError) else exc
            log.write(f"kept {item.source}: {reason}")
            left.append(item.source)
        checkpoints.reached("after-unlink")
    log.write(f"deleted {deleted} originals, kept {len(left)}")
    return deleted, left


def _delete_if_same(transfer: Transfer, item: Stored, repository: Path, selection: Selection, linked) -> None:
    if not selection.holds(item.source):
        raise Kept("it is outside the selected folders")
    if item.source in linked:
        raise Kept(f"{linked[item.source]} reaches it through a symbolic link")
    folder, name = os.path.split(item.source)
    dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)  # pins the folder against a rename above it
    try:
        ident = item.identity
        task = FileTask(
            item.source,
            str(repository / item.repo_path),
            item.algorithm,
            ident.size,
            ident.dev,
            ident.ino,
            lambda n: None,
        )
        transfer.confirm_before_delete(task)
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        if stat.S_ISLNK(st.st_mode):
            raise Kept("it is a symbolic link, not the file whose bytes are stored")
        if Identity.of(st) != ident:
            raise Kept("it changed after it was stored (size, times or the file itself differ)")
        os.unlink(name, dir_fd=dir_fd)
    finally:
        os.close(dir_fd)


def make_read_only(paths: list[str], log: JobLog) -> None:
    """Remove every write permission from the originals; failures are logged, never fatal."""
    for path in paths:
        try:
            mode = os.stat(path).st_mode
            os.chmod(path, mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
            log.write(f"made read-only: {path}")
        except OSError as exc:
            log.write(f"could not make {path} read-only: {exc.strerror}")
