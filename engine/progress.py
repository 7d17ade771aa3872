"""Progress as an immutable snapshot polled by front ends, and a cooperative cancel token."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from engine.errors import Cancelled


@dataclass(frozen=True, slots=True)
class ProgressSnapshot:
    """What a front end shows; cheap to copy, safe to hand to another thread."""

    phase: str = "idle"  # scanning, checking, importing, cleaning, done
    files_total: int = 0
    files_done: int = 0
    files_failed: int = 0
    files_skipped: int = 0
    bytes_total: int = 0
    bytes_done: int = 0
    filesets_total: int = 0
    filesets_done: int = 0
    current_path: str = ""
    started_at: float = 0.0
    elapsed: float = 0.0

    @property
    def bytes_per_second(self) -> float:
        return self.bytes_done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def files_per_second(self) -> float:
        return self.files_done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def seconds_left(self) -> float | None:
        """Estimate from bytes when there are bytes, else from files; None until it can be told."""
        if self.elapsed < 0.5:
            return None
        if self.bytes_total and self.bytes_done:
            return max(0.0, (self.bytes_total - self.bytes_done) / self.bytes_per_second)
        if self.files_total and self.files_done:
            return max(0.0, (self.files_total - self.files_done) / self.files_per_second)
        return None


class ProgressTracker:
    """Thread-safe counters behind `snapshot()`; the engine updates, front ends poll (~100 ms).

    Counters are plain attributes changed under a lock; the frozen snapshot is built only when
    someone asks, so the per-file cost of reporting stays tiny.
    """

    _FIELDS = tuple(f for f in ProgressSnapshot.__slots__ if f != "elapsed")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, Any] = dict.fromkeys(self._FIELDS, 0)
        self._values.update(phase="idle", current_path="", started_at=0.0)

    def update(self, **changes: object) -> None:
        with self._lock:
            self._values.update(changes)

    def advance(self, files: int = 0, bytes_: int = 0, failed: int = 0, skipped: int = 0) -> None:
        with self._lock:
            v = self._values
            v["files_done"] += files
            v["bytes_done"] += bytes_
            v["files_failed"] += failed
            v["files_skipped"] += skipped

    def fileset_finished(self) -> None:
        with self._lock:
            self._values["filesets_done"] += 1

    def snapshot(self) -> ProgressSnapshot:
        with self._lock:
            values = dict(self._values)
        elapsed = time.monotonic() - values["started_at"] if values["started_at"] else 0.0
        return ProgressSnapshot(**values, elapsed=elapsed)


class CancelToken:
    """Set from any thread; the engine checks it between files and between blocks."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()
