"""Facts about the machine that checks need, each gathered once: mounts, free space, the kernel's
hard-link protection, and who the importing account is."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Mount:
    point: str
    fstype: str


@cache
def _mounts_by_device() -> dict[int, Mount]:
    """Map st_dev to its mount, read from /proc/self/mountinfo (empty where there is none)."""
    mounts: dict[int, Mount] = {}
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                left, _, right = line.partition(" - ")
                parts = left.split()
                major, minor = (int(x) for x in parts[2].split(":"))
                point = parts[4].replace("\\040", " ")
                mounts[os.makedev(major, minor)] = Mount(point, right.split()[0])
    except (OSError, ValueError, IndexError):
        pass
    return mounts


def mount_of(dev: int) -> Mount | None:
    return _mounts_by_device().get(dev)


def refresh_mounts() -> None:
    _mounts_by_device.cache_clear()


def protected_hardlinks() -> bool:
    try:
        with open("/proc/sys/fs/protected_hardlinks") as f:
            return f.read().strip() == "1"
    except OSError:
        return False


def free_bytes(path: str) -> int:
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize
