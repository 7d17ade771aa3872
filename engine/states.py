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
