"""When a file, and a fileset, may be imported: never while it is still arriving.

A file is quiet once its size and modification time have stayed the same for the folder's quiet period,
measured by the service's clock from the first time it saw those values (so a restart waits one quiet
period again, rather than trusting a time stamp a copy program may have set). A fileset is ready when the
grouping rules found every member its index names (no problems, nothing refused, no named image missing)
and every one of its files is quiet. The clock is a parameter, so tests drive time themselves.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol


class _File(Protocol):
    path: str
    size: int
    mtime: float


class _Fileset(Protocol):
    @property
    def files(self) -> list: ...
    @property
    def name(self) -> str: ...

    problems: list[str]
    refused: list[str]
    notes: list[str]


@dataclass
class _Seen:
    size: int
    mtime: float
    since: float


class QuietTracker:
    """Remembers, per path, since when it has looked the same."""

    def __init__(self, quiet_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.quiet_seconds = quiet_seconds
        self.clock = clock
        self._seen: dict[str, _Seen] = {}

    def wait_for(self, path: str, size: int, mtime: float) -> float:
        """Seconds until this file is quiet, given how it looks now (0: quiet)."""
        now = self.clock()
        seen = self._seen.get(path)
        if seen is None or (seen.size, seen.mtime) != (size, mtime):
            self._seen[path] = seen = _Seen(size, mtime, now)
        return max(0.0, seen.since + self.quiet_seconds - now)

    def keep_only(self, paths: Iterable[str]) -> None:
        """Forget files that are gone (imported and moved away, or deleted)."""
        keep = set(paths)
        for path in [p for p in self._seen if p not in keep]:
            del self._seen[path]


@dataclass
class Readiness:
    ready: list[int] = field(default_factory=list)  # indexes of the filesets to import now
    waiting: list[str] = field(default_factory=list)  # plain sentences: what waits, and why
    next_check: float | None = None  # seconds until a waiting fileset may become quiet


def readiness(filesets: Sequence[_Fileset], tracker: QuietTracker) -> Readiness:
    """Which filesets are complete and quiet; for the others, why they wait."""
    out = Readiness()
    seen: list[str] = []
    for i, fs in enumerate(filesets):
        waits = [tracker.wait_for(f.path, f.size, f.mtime) for f in fs.files]
        seen += [f.path for f in fs.files]
        incomplete = fs.problems + fs.refused + fs.notes
        if incomplete:
            out.waiting.append(f"{fs.name} waits for its missing members: {'; '.join(incomplete)}.")
            continue
        wait = max(waits, default=0.0)
        if wait > 0:
            changing = sum(1 for w in waits if w > 0)
            quiet_at = datetime.now() + timedelta(seconds=wait)
            out.waiting.append(
                f"{fs.name} waits until its files stop changing ({changing} of {len(waits)} changed less than "
                f"{tracker.quiet_seconds:g} seconds ago); it is imported at about {quiet_at:%H:%M:%S} if nothing "
                "changes before."
            )
            out.next_check = wait if out.next_check is None else min(out.next_check, wait)
            continue
        out.ready.append(i)
    tracker.keep_only(seen)
    return out


def still_as_seen(files: Sequence[_File]) -> bool:
    """Whether every file still has the size and time the plan saw (checked again just before importing)."""
    for f in files:
        try:
            st = os.stat(f.path)
        except OSError:
            return False
        if (st.st_size, st.st_mtime) != (f.size, f.mtime):
            return False
    return True
