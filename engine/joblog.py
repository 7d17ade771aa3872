"""The job's log file and each fileset's `<fileset dir>.log`, written as plain timestamped lines."""

from __future__ import annotations

import time
from pathlib import Path

from engine.fsnames import shown


def _stamp() -> str:
    t = time.time()
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t)) + f".{int(t % 1 * 1000):03d}"


class JobLog:
    """Appends to the job log; each line is also kept for the fileset being imported."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._file = path.open("a", encoding="utf-8")
        self._fileset_lines: list[str] = []

    def write(self, message: str, fileset: bool = False) -> None:
        line = f"{_stamp()} {shown(message)}\n"  # a file name can never forge a line
        self._file.write(line)
        if fileset:
            self._fileset_lines.append(line)

    def take_fileset_lines(self) -> str:
        """Hand over the lines of the fileset just finished, to be written beside its directory."""
        text = "".join(self._fileset_lines)
        self._fileset_lines.clear()
        self._file.flush()
        return text

    def close(self) -> None:
        self._file.close()
