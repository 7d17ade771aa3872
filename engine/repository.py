"""The repository's side of filesets on disk: removing a fileset (its own folder in the older layout,
its entries in a job's folder now) without ever reaching outside the repository or following a link
to an original."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from engine.errors import UsageError


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


def checked_entry_paths(repository: Path, repo_dir: str, names: list[str]) -> None:
    """Refuse, before anything is removed, when a path lies outside `repo_dir` or reaches it through a
    folder that was swapped for a link (which could lead to another fileset or to originals)."""
    folder = fileset_dir(repository, repo_dir)
    root = os.fspath(repository)
    seen: set[str] = set()
    for name in names:
        parent = os.path.dirname(name)
        if parent in seen:
            continue
        seen.add(parent)
        inside = parent == repo_dir or parent.startswith(f"{repo_dir}/")
        real = os.path.realpath(os.path.join(root, parent))
        expected = os.path.join(folder, os.path.relpath(os.path.join(root, parent), os.path.join(root, repo_dir)))
        if not inside or ".." in parent.split("/") or real != os.path.normpath(expected):
            raise UsageError(
                f"The catalog names '{name}' as a file of a fileset in '{repo_dir}', which is not a file inside that "
                "folder of the repository; nothing was removed.",
                "The catalog may have been edited by hand, or a folder replaced by a link: restore it from a backup.",
            )


def remove_job_folder_if_empty(repository: Path, repo_dir: str) -> None:
    """A job's folder that holds nothing any more goes, with the copy of the job's log beside it."""
    target = fileset_dir(repository, repo_dir)
    try:
        target.rmdir()
    except FileNotFoundError:
        pass
    except OSError:
        return  # it still holds files of other filesets
    Path(f"{target}.log").unlink(missing_ok=True)


def remove_fileset_dir(repository: Path, repo_dir: str) -> None:
    """Remove a fileset's own directory (the older layout) and its log. Links are removed as links:
    originals are never touched."""
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
