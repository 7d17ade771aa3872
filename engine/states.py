"""Explicit states of files, filesets and jobs, shared by the catalog, the CLI and the wizard."""

import enum


class FileState(enum.StrEnum):
    PENDING = "pending"
    TRANSFERRING = "transferring"
    VERIFYING = "verifying"
    DONE = "done"
    SKIPPED = "skipped"
    FAILED = "failed"
    CANCELLED = "cancelled"


class FilesetState(enum.StrEnum):
    PENDING = "pending"  # recorded before anything was created; rolled back if the job dies
    REGISTERED = "registered"


class JobState(enum.StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"  # finished with at least one failed fileset
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"  # the process died; needs recovery
    ROLLED_BACK = "rolled_back"
    RESUMED = "resumed"


class StopReason(enum.StrEnum):
    """Why an import stopped before the end of its plan; the files it did not reach say so."""

    CANCELLED = "cancelled"
    EARLIER_FAILURE = "earlier_failure"

    @property
    def message(self) -> str:
        return {
            StopReason.CANCELLED: "cancelled before it started",
            StopReason.EARLIER_FAILURE: (
                "not attempted: an earlier fileset failed (use --continue to go on after failures)"
            ),
        }[self]

    @property
    def file_state(self) -> FileState:
        return FileState.CANCELLED if self is StopReason.CANCELLED else FileState.SKIPPED
