"""Transfers that fail the first time they meet a file named '*flaky*', as a flaky network share would."""

import errno

from engine.transfers.builtin import SymlinkTransfer
from tests.plugins.sample_transfers import PythonCopyTransfer

attempted: set[str] = set()


class FailsOnceOnFlaky:
    def create(self, task):
        if "flaky" in task.source and task.source not in attempted:
            attempted.add(task.source)
            raise OSError(errno.EIO, "Input/output error")
        return super().create(task)  # type: ignore[misc]


class FlakyCopy(FailsOnceOnFlaky, PythonCopyTransfer):
    name = "flaky_cp"
    summary = "Copy, but fail once on files named *flaky*."


class FlakySymlink(FailsOnceOnFlaky, SymlinkTransfer):
    """In place, so its responsibilities are asked."""

    name = "flaky_ln_s"
    summary = "Symbolic links, but fail once on files named *flaky*."
