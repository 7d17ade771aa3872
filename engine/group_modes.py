"""The mode rule for what the importer makes in a repository shared by a group: every folder gets the
group's rwx and the setgid bit, whatever the umask of the person importing, so one person's import
never locks the next out of a folder (nor the data dir's owner out of removing it). A repository
is shared when its own folder has the setgid bit or group write (what `inplace admin setup-group`
makes); a personal one is left alone."""

from __future__ import annotations

import grp
import os
import shlex
import stat
from functools import lru_cache

SHARED_DIR_BITS = stat.S_ISGID | stat.S_IRWXG  # 2070
SHARED_FILE_BITS = stat.S_IRGRP  # job logs and thumbnails: the group reads them (setup-group's 0640)


def is_shared(folder: str | os.PathLike) -> bool:
    """A folder with the setgid bit or group write is meant for a group (what setup-group makes)."""
    try:
        return bool(os.stat(folder).st_mode & (stat.S_ISGID | stat.S_IWGRP))
    except OSError:
        return False


@lru_cache(maxsize=8)
def _shared(repository: str) -> bool:
    """Cached per process: a repository is set up for sharing once, not between two fileset folders."""
    return is_shared(repository)


def share_folders(repository: str, relative: str) -> None:
    """Give each folder from the repository down to `relative` (made by this process a moment ago)
    the group's bits when the repository is shared. Folders of other accounts are left to them."""
    if not _shared(repository):
        return
    uid = os.geteuid()
    path = repository
    for part in relative.split("/"):
        path = os.path.join(path, part)
        st = os.lstat(path)
        if stat.S_ISDIR(st.st_mode) and st.st_uid == uid and st.st_mode & SHARED_DIR_BITS != SHARED_DIR_BITS:
            os.chmod(path, stat.S_IMODE(st.st_mode) | SHARED_DIR_BITS)


def share_made(data_dir_root: str | os.PathLike, *made: str | os.PathLike) -> None:
    """The same rule for what this process made beside the repository (job logs, thumbnails and their
    folders) when the data dir is shared: folders get the group's rwx and setgid, files group read.
    Paths of other accounts, and paths that are not there, are left alone."""
    if not is_shared(data_dir_root):
        return
    uid = os.geteuid()
    for path in made:
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            continue
        bits = SHARED_DIR_BITS if stat.S_ISDIR(st.st_mode) else SHARED_FILE_BITS
        if st.st_uid == uid and st.st_mode & bits != bits:
            os.chmod(path, stat.S_IMODE(st.st_mode) | bits)


def setup_hint(catalog: str | os.PathLike) -> str | None:
    """What to do when this account cannot open or write the data dir's catalog file because the file
    is another account's: the data dir is not (or no longer) set up for the group of people who import
    into it, and setup-group says and fixes what is wrong. None when the file is missing or this account's."""
    try:
        st = os.stat(catalog)
        root = os.path.dirname(os.path.abspath(catalog))
        root_gid = os.stat(root).st_gid
    except OSError:
        return None
    if st.st_uid == os.geteuid():
        return None
    try:
        group = shlex.quote(grp.getgrgid(root_gid).gr_name) if is_shared(root) else "GROUP"
    except KeyError:
        group = "GROUP"
    where = "" if group != "GROUP" else " (GROUP: the OS group of the people who import here)"
    return (
        f"If several people import into this data dir, it is not set up for them: an administrator runs "
        f"inplace --data-dir {shlex.quote(root)} admin setup-group {group} --apply{where}, which says what is "
        "wrong and fixes it."
    )


def process_umask() -> int:
    """This process's umask, read without changing it (Linux 4.7+ shows it in /proc)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    old = os.umask(0o022)  # no /proc: the classic way, restored at once
    os.umask(old)
    return old
