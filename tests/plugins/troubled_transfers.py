"""Transfer plugins that run into trouble part-way, as real plugins and real machines do: a
constructor or `create` that raises, a bug nobody foresaw, a disk that another program fills, a
catalog that another program locks. Loaded by `package.module:ClassName`."""

import subprocess
import sys
from pathlib import Path

from tests.plugins.sample_transfers import PythonCopyTransfer


class FailsToStart(PythonCopyTransfer):
    name = "fails_to_start"

    def __init__(self):
        raise RuntimeError("the licence server cannot be reached")


class FailsInCreate(PythonCopyTransfer):
    name = "fails_in_create"

    def create(self, task):
        raise ValueError("this plugin cannot handle that file")


class UnforeseenBug(PythonCopyTransfer):
    """Asking whether it works in place fails: a bug that only shows once the checks start."""

    name = "unforeseen_bug"

    @property
    def in_place(self):
        raise LookupError("in_place is not implemented yet")


def _data_dir(dest: str) -> Path:
    path = Path(dest).parent
    while not (path / "catalog.sqlite").exists():
        path = path.parent
    return path


class FillsTheDisk(PythonCopyTransfer):
    """Copies the first file, then fills the data dir's disk as another program would."""

    name = "fills_the_disk"

    def create(self, task):
        checksum = super().create(task)
        with open(_data_dir(task.dest) / "filler", "ab") as f:
            for size in (1 << 16, 1):
                try:
                    while True:
                        f.write(b"\0" * size)
                        f.flush()
                except OSError:
                    pass
        return checksum


class LocksTheCatalog(PythonCopyTransfer):
    """Copies the first file, then another process takes an exclusive lock on the catalog and keeps
    it until this process ends (its stdin closes)."""

    name = "locks_the_catalog"
    holder = None

    def create(self, task):
        checksum = super().create(task)
        if LocksTheCatalog.holder is None:
            code = (
                "import sqlite3, sys\n"
                "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
                "db.execute('BEGIN EXCLUSIVE')\n"
                "print('locked', flush=True)\n"
                "sys.stdin.read()\n"
            )
            catalog = str(_data_dir(task.dest) / "catalog.sqlite")
            LocksTheCatalog.holder = subprocess.Popen(
                [sys.executable, "-c", code, catalog], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
            )
            assert LocksTheCatalog.holder.stdout.readline().strip() == "locked"
        return checksum


__all__ = ["FailsInCreate", "FailsToStart", "FillsTheDisk", "LocksTheCatalog", "UnforeseenBug"]
