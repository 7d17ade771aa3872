"""What the importer does to originals: delete them after a fully successful `*_rm` run, or make
them read-only after an in-place import when the user asked for it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from engine.errors import FileFailure
from engine.joblog import JobLog
from engine.results import FileOutcome
from engine.transfers import FileTask, Transfer


def delete_sources(transfer: Transfer, done: list[FileOutcome], repository: Path, log: JobLog) -> tuple[int, list[str]]:
    """Sync the repository to disk, confirm each stored file once more, then delete its source.

    Returns how many sources were deleted and every path left behind (with the reason logged).
    """
    os.sync()  # copies, links and the catalog's WAL reach the disk before any original goes
    deleted, left = 0, []
    for o in done:
        try:
            st = os.stat(o.source)
            task = FileTask(
                o.source,
                str(repository / o.repo_path),
                o.checksum_algorithm,
                o.size,
                st.st_dev,
                st.st_ino,
                lambda n: None,
            )
            transfer.confirm_before_delete(task)
            os.unlink(o.source)
            deleted += 1
        except (OSError, FileFailure) as exc:
            reason = exc.message if isinstance(exc, FileFailure) else exc.strerror
            log.write(f"left behind {o.source}: {reason}")
            left.append(o.source)
    log.write(f"deleted {deleted} originals, left {len(left)}")
    return deleted, left


def make_read_only(paths: list[str], log: JobLog) -> None:
    """Remove every write permission from the originals; failures are logged, never fatal."""
    for path in paths:
        try:
            mode = os.stat(path).st_mode
            os.chmod(path, mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
            log.write(f"made read-only: {path}", fileset=True)
        except OSError as exc:
            log.write(f"could not make {path} read-only: {exc.strerror}", fileset=True)
