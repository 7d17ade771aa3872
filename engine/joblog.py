"""The job's log file, written as plain timestamped lines (a copy lies beside the job's folder)."""

from __future__ import annotations

import time
from pathlib import Path

from engine.fsnames import shown
from engine.group_modes import share_made


def _stamp() -> str:
    t = time.time()
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t)) + f".{int(t % 1 * 1000):03d}"


class JobLog:
    """Appends to the job log."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._file = path.open("a", encoding="utf-8")
        share_made(path.parent.parent, path.parent, path)  # a shared data dir's next member writes logs too

    def write(self, message: str) -> None:
        self._file.write(f"{_stamp()} {shown(message)}\n")  # a file name can never forge a line

    def close(self) -> None:
        self._file.close()
