"""The repository's side of filesets on disk: writing a fileset's log, and removing a fileset
directory without ever reaching outside the repository or following a link to an original."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from engine.errors import UsageError


def write_new_file(path: str, text: str, mode: int = 0o640) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, text.encode("utf-8", "surrogateescape"))
    finally:
        os.close(fd)


def fileset_dir(repository: Path, repo_dir: str) -> Path:
    """The absolute fileset directory for a catalog row, refusing anything outside the repository."""
    root = repository.resolve()
    target = (root / repo_dir).resolve()
    linked = os.path.islink(root / repo_dir)  # a folder swapped for a link could lead to another fileset
    if os.path.isabs(repo_dir) or linked or not target.is_relative_to(root) or target == root:
        raise UsageError(
            f"The catalog names '{repo_dir}' as a fileset folder, which is not a folder inside the repository {root}; "
            "nothing was removed.",
            "The catalog may have been edited by hand: restore it from a backup.",
        )
    return target


def remove_fileset_dir(repository: Path, repo_dir: str) -> None:
    """Remove a fileset directory and its log. Links are removed as links: originals are never touched."""
    target = fileset_dir(repository, repo_dir)
    if target.exists():
        shutil.rmtree(target, onexc=_ignore_missing)
    Path(f"{target}.log").unlink(missing_ok=True)


def _ignore_missing(func, path, exc) -> None:
    if not isinstance(exc, FileNotFoundError):
        raise exc


def holds_files(folder: str | Path) -> bool:
    """Whether anything but folders lies below `folder` (a symbolic link counts); stops at the first
    one found. What cannot be read cannot be called empty."""
    try:
        with os.scandir(os.fspath(folder)) as entries:
            return any(not e.is_dir(follow_symlinks=False) or holds_files(e.path) for e in entries)
    except FileNotFoundError:
        return False
    except OSError:
        return True
