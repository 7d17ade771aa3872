"""One root for every error the engine raises; each carries what a front end needs to offer a fix."""

from __future__ import annotations

import enum

from engine.states import ExitCode


class ErrorKind(enum.StrEnum):
    """Why one file failed. The wizard, the CLI and the catalog all use these values."""

    NOT_FOUND = "not_found"
    NO_ACCESS = "no_access"
    CROSS_DEVICE = "cross_device"
    CHECKSUM_MISMATCH = "checksum_mismatch"
    CHANGED = "changed_during_import"
    VERIFY_FAILED = "verify_failed"
    EXISTS = "already_exists"
    NO_SPACE = "no_space"
    FILESET_FAILED = "fileset_failed"
    IO_ERROR = "io_error"


class EngineError(Exception):
    """Base of all engine errors. `hint` says what the user can do about it."""

    exit_code: int = ExitCode.IMPORT_ERRORS

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class UsageError(EngineError):
    """The request itself is wrong: an unknown name, a target that does not parse, a missing path."""

    exit_code = ExitCode.USAGE


class PluginError(UsageError):
    """A transfer or checksum plugin could not be found or loaded."""


class AuthError(UsageError):
    """Sign-in failed or no account was given."""


class PermissionDenied(UsageError):
    """The signed-in account may not do this: it is not the owner, or not an administrator."""

    exit_code = ExitCode.NOT_PERMITTED


class CatalogError(EngineError):
    """The catalog could not be opened, migrated or written."""


class StorageError(EngineError):
    """The data dir's disk refused: full, read-only, or a file this account may not write."""


class CatalogLost(CatalogError):
    """The catalog is missing, empty or without accounts while the data dir holds files: restore it."""


class Cancelled(EngineError):
    """The user cancelled. Not a failure: front ends report it calmly."""

    exit_code = ExitCode.CANCELLED

    def __init__(self, message: str = "The import was cancelled.", hint: str = "") -> None:
        super().__init__(message, hint)


class ChecksFailed(UsageError):
    """Checks before import found errors; nothing was written. `findings` holds them all."""

    def __init__(self, findings: list, message: str, hint: str = "") -> None:
        super().__init__(message, hint)
        self.findings = findings


class ResponsibilitiesNotAccepted(UsageError):
    """An in-place or deleting transfer was started without a complete acknowledgement."""


class FileFailure(EngineError):
    """One file could not be transferred or verified. Recorded on the file; the fileset rolls back."""

    def __init__(self, kind: ErrorKind, message: str, path: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.path = path


def file_failure_from_os_error(exc: OSError, action: str, path: str) -> FileFailure:
    """Turn an OSError into a plain one-sentence file failure with the right kind."""
    import errno

    kinds = {
        errno.ENOENT: (ErrorKind.NOT_FOUND, "does not exist any more"),
        errno.EACCES: (ErrorKind.NO_ACCESS, "is not accessible to this account (permission denied)"),
        errno.EPERM: (ErrorKind.NO_ACCESS, "is not permitted for this account"),
        errno.EXDEV: (
            ErrorKind.CROSS_DEVICE,
            "is on a different filesystem from the repository, so a hard link is impossible",
        ),
        errno.EEXIST: (ErrorKind.EXISTS, "already exists in the repository"),
        errno.ENOSPC: (ErrorKind.NO_SPACE, "could not be written: the repository's disk is full"),
        errno.EDQUOT: (ErrorKind.NO_SPACE, "could not be written: the disk quota is exhausted"),
    }
    kind, text = kinds.get(exc.errno or 0, (ErrorKind.IO_ERROR, f"failed ({exc.strerror or exc})"))
    return FileFailure(kind, f"{action} {path}: {text}.", path)
