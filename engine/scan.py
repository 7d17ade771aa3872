"""Expand a selection into the regular files it names, and say why anything else was skipped."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field

from engine import long_lived
from engine.errors import UsageError
from engine.progress import CancelToken, ProgressTracker
from engine.yielding import let_others_run

# Files that operating systems and desktops leave behind; never microscopy data.
SYSTEM_JUNK = {
    ".DS_Store",
    "Thumbs.db",
    "desktop.ini",
    ".Trashes",
    ".Spotlight-V100",
    ".fseventsd",
    ".directory",
}


ZARR = ".zarr"
HIDDEN = "hidden: its name starts with a dot"


@dataclass(slots=True)
class SourceFile:
    path: str  # absolute, as the user named it (symbolic links in it are kept)
    size: int
    mtime: float
    dev: int
    ino: int
    mode: int
    uid: int
    selected: bool = True  # False when pulled in by a multi-file set the user selected a member of
    is_link: bool = False  # the path is a symbolic link to the file


@dataclass(slots=True)
class Skipped:
    path: str
    reason: str


@dataclass
class ScanResult:
    files: list[SourceFile] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


def source_file(path: str, st: os.stat_result, selected: bool = True, is_link: bool = False) -> SourceFile:
    return SourceFile(path, st.st_size, st.st_mtime, st.st_dev, st.st_ino, st.st_mode, st.st_uid, selected, is_link)


def special_kind(mode: int) -> str | None:
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return None


def not_a_file(mode: int) -> str | None:
    """What a path is when it is neither a regular file nor something scanning would walk into."""
    return "a folder" if stat.S_ISDIR(mode) else special_kind(mode)


DEFAULT_DEPTH = 4
"""How many folder levels a scan reads, counting the selected folder's own files as level 1: the
default of `omero import --depth`, so the same selection finds the same files as OMERO. Deep enough
for plate exports (plate/TimePoint_1/ZStep_1/), shallow enough that selecting a whole share by mistake
stops early. Sets reach deeper members themselves (a Zarr folder, an index naming files)."""


def scan(
    paths: Sequence[str | os.PathLike[str]],
    include_hidden_junk: bool = False,
    depth: int = DEFAULT_DEPTH,
    cancel: CancelToken | None = None,
    progress: ProgressTracker | None = None,
) -> ScanResult:
    """Walk files and folders down to `depth` levels; missing top-level paths are a usage error.

    Names starting with a dot are skipped inside folders (as OMERO does); a file named on its own is kept.
    `cancel` is checked before each folder is read, so a scan nobody waits for stops (raises Cancelled);
    `progress` is told, folder by folder, how many files were found so far (phase "scanning").
    """
    if depth < 1:
        raise UsageError(f"The depth must be 1 or more, not {depth}.", "Use --depth 1 for a folder's own files.")
    result = ScanResult()
    seen: set[str] = set()
    missing = [os.fspath(p) for p in paths if not os.path.lexists(p)]
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise UsageError(f"{missing[0]} does not exist{more}.", "Check the path and try again.")
    for raw in paths:
        path = os.path.abspath(os.fspath(raw))
        try:
            st = os.stat(path)
        except OSError as exc:
            result.skipped.append(Skipped(path, _stat_reason(exc)))
            continue
        if stat.S_ISDIR(st.st_mode):
            _walk(path, result, seen, include_hidden_junk, depth, cancel, progress)
        else:
            _add(path, st, result, seen, os.path.islink(path))
    return result


def _stat_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "broken symbolic link: what it points to does not exist"
    if isinstance(exc, PermissionError):
        return "cannot be read by this account (permission denied)"
    return f"cannot be read ({exc.strerror})"


def _add(path: str, st: os.stat_result, result: ScanResult, seen: set[str], is_link: bool = False) -> None:
    kind = special_kind(st.st_mode)
    if kind:
        result.skipped.append(Skipped(path, f"{kind}, not a file that can be imported"))
    elif path not in seen:
        seen.add(path)
        result.files.append(source_file(path, st, is_link=is_link))


def _walk(
    top: str,
    result: ScanResult,
    seen: set[str],
    include_hidden_junk: bool,
    depth: int,
    cancel: CancelToken | None,
    progress: ProgressTracker | None = None,
) -> None:
    # a *.zarr folder is one image whose metadata names start with a dot and whose chunks lie deep:
    # below one, nothing is hidden and the depth does not apply
    stack = [(top, 1, top.lower().endswith(ZARR))]
    frozen = len(result.files)
    while stack:
        if len(result.files) - frozen >= long_lived.STEP:  # the plan keeps them
            long_lived.keep_out_of_full_collections()
            frozen = len(result.files)
        folder, level, in_zarr = stack.pop()
        let_others_run()  # a folder read after another, each releasing the lock: see engine/yielding.py
        if cancel is not None:
            cancel.raise_if_cancelled()
        if progress is not None:
            progress.update(phase="scanning", files_total=len(result.files))
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            result.skipped.append(Skipped(folder, f"folder {_stat_reason(exc)}"))
            continue
        subfolders = []
        for entry in entries:
            if not include_hidden_junk and (entry.name in SYSTEM_JUNK or entry.name.startswith("._")):
                result.skipped.append(Skipped(entry.path, "system file left by an operating system"))
                continue
            if entry.name.startswith(".") and not in_zarr:
                result.skipped.append(Skipped(entry.path, HIDDEN))
                continue
            try:
                if entry.is_symlink():
                    st = os.stat(entry.path)
                    if stat.S_ISDIR(st.st_mode):
                        result.skipped.append(Skipped(entry.path, "symbolic link to a folder, not followed"))
                        continue
                elif entry.is_dir(follow_symlinks=False):
                    zarr = in_zarr or entry.name.lower().endswith(ZARR)
                    if level < depth or zarr:
                        subfolders.append((entry.path, level + 1, zarr))
                    else:
                        result.skipped.append(Skipped(entry.path, f"folder deeper than the scan depth ({depth})"))
                    continue
                else:
                    st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                result.skipped.append(Skipped(entry.path, _stat_reason(exc)))
                continue
            _add(entry.path, st, result, seen, entry.is_symlink())
        stack.extend(reversed(subfolders))
