"""The engine's vocabulary, shared by the catalog, the CLI and the wizard: explicit states of files,
filesets and jobs with the words people see for them, why a run stopped, and the exit codes."""

import enum


class ExitCode(enum.IntEnum):
    """What `inplace` returns; documented in the README and pinned by the tests."""

    OK = 0
    USAGE = 1  # a wrong request, refused checks or missing responsibilities: nothing was written
    IMPORT_ERRORS = 2  # files failed, or the data dir or catalog is unusable
    ORIGINALS_KEPT = 3  # a moving import could not delete every original it stored
    CANCELLED = 4
    NOT_PERMITTED = 5  # the signed-in account may not do this
    PROBLEMS_FOUND = 2  # verify and relink: an entry is not healthy, or a move was left undone (alias of 2)


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


class HealthState(enum.StrEnum):
    """What the last check found of an imported file (`inplace verify`); a fileset is the worst of its
    entries. Declared from best to worst: `worst()` relies on the order."""

    OK = "ok"
    UNCHECKED = "unchecked"  # never verified since it was imported
    CHANGED = "changed"  # size, modification time or checksum differ from what was imported
    UNREADABLE = "unreadable"  # it is there, but this account cannot read it
    REPLACED = "replaced"  # a different file now stands at that path
    MISSING = "missing"  # nothing (or no regular file) at that path any more

    @property
    def is_problem(self) -> bool:
        return self not in (HealthState.OK, HealthState.UNCHECKED)

    @classmethod
    def worst(cls, states) -> "HealthState":
        """The worst of `states` (OK when there are none)."""
        order = list(cls)
        return max((cls(s) for s in states), key=order.index, default=cls.OK)


# The words people see for each state, in the CLI and the wizard alike.
LABELS: dict[str, str] = {
    FileState.PENDING: "waiting",
    FileState.TRANSFERRING: "transferring",
    FileState.VERIFYING: "verifying",
    FileState.DONE: "done",
    FileState.SKIPPED: "skipped",
    FileState.FAILED: "failed",
    FileState.CANCELLED: "cancelled",
    JobState.RUNNING: "running",
    JobState.COMPLETED: "completed",
    JobState.FAILED: "finished with errors",
    JobState.CANCELLED: "cancelled",
    JobState.INTERRUPTED: "interrupted",
    JobState.ROLLED_BACK: "rolled back",
    JobState.RESUMED: "resumed",
    HealthState.OK: "ok",
    HealthState.UNCHECKED: "not checked yet",
    HealthState.CHANGED: "changed",
    HealthState.UNREADABLE: "unreadable",
    HealthState.REPLACED: "replaced by another file",
    HealthState.MISSING: "missing",
}


def label(state: str) -> str:
    return LABELS.get(state, str(state))
