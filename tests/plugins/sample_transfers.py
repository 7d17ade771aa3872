"""Transfers defined by the tests, loaded as plugins by `package.module:ClassName`."""

import os

from engine.checksums import hash_file
from engine.transfers import FileTask, Transfer
from engine.transfers.base import verify_copy


class PythonCopyTransfer(Transfer):
    """A plugin as a third party would write one: plain Python copy, checksum verified."""

    name = "py_copy"
    summary = "Copy with plain Python reads and writes."

    def create(self, task: FileTask) -> str:
        with open(task.source, "rb") as src, open(task.dest, "xb") as dst:
            while block := src.read(1 << 20):
                dst.write(block)
                task.on_block(len(block))
        return hash_file(task.source, task.algorithm)[0]

    def verify(self, task: FileTask, checksum: str) -> None:
        verify_copy(task, checksum)


class CorruptingCopyMove(PythonCopyTransfer):
    """Deletes sources like cp_rm, but damages the copy of any file named '*corrupt*' after writing it:
    the way a failing disk or network would produce a checksum mismatch."""

    name = "corrupting_cp_rm"
    deletes_sources = True

    def create(self, task: FileTask) -> str:
        checksum = super().create(task)
        if "corrupt" in os.path.basename(task.source):
            with open(task.dest, "r+b") as f:
                f.write(b"X")
        return checksum


class BrokenAtImport:
    """Not a transfer at all: loading it as one must fail with a plain message."""
