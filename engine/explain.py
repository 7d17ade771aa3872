"""Turn what the operating system and the catalog database refuse into one plain sentence.

A full disk, a catalog locked by another program, a read-only or immutable file: these stop a
command, and the person at the terminal needs to know which file, why, and what to do, not a
Python traceback. `explain` returns the matching `EngineError`, or None for anything it does not
recognise (a bug: the front end's last line of defence deals with that).
"""

from __future__ import annotations

import errno
import os
import sqlite3

from engine.errors import CatalogError, EngineError, StorageError
from engine.group_modes import setup_hint

# SQLite's primary result codes (https://sqlite.org/rescode.html).
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 10, 11, 13, 14, 26

_CHECK_ACCESS = "Check the permissions and attributes of the file and its folder (ls -l, lsattr)."


def explain(
    exc: BaseException, catalog: str | os.PathLike | None = None, place: str = "a file of this data dir"
) -> EngineError | None:
    """The plain error for `exc` (an OSError or a catalog database error), or None. `place` names
    what was being written when the error does not say which file."""
    if isinstance(exc, EngineError):
        return exc
    database_error = _sqlite_error(exc)
    if database_error is not None:
        return _explain_catalog(database_error, os.fspath(catalog) if catalog else "of this data dir")
    if isinstance(exc, OSError):
        return _explain_os_error(exc, place)
    from engine.catalog.db import server_error  # a PostgreSQL catalog (psycopg is imported only there)

    return server_error(exc)


def _sqlite_error(exc: BaseException) -> sqlite3.Error | None:
    orig = getattr(exc, "orig", None)  # SQLAlchemy wraps the driver's exception
    for candidate in (exc, orig):
        if isinstance(candidate, sqlite3.Error):
            return candidate
    return None


def _explain_catalog(exc: sqlite3.Error, catalog: str) -> EngineError | None:
    from engine.catalog.db import BUSY_TIMEOUT_MS

    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    detail = str(exc)
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return CatalogError(
            f"The catalog {catalog} is locked by another program, which kept it locked for more than "
            f"{BUSY_TIMEOUT_MS / 1000:g} seconds, so the command stopped.",
            "Wait until that program has finished, or stop it.",
        )
    if code == _SQLITE_FULL:
        return CatalogError(
            f"The disk holding the catalog {catalog} is full, so the command stopped.",
            "Free some space on it.",
        )
    if code in (_SQLITE_READONLY, _SQLITE_PERM, _SQLITE_CANTOPEN):
        hint = setup_hint(catalog) or _CHECK_ACCESS  # another account's catalog: the group's set-up
        return CatalogError(f"The catalog {catalog} cannot be written by this account ({detail}).", hint)
    if code == _SQLITE_IOERR:
        return CatalogError(
            f"The catalog {catalog} could not be read or written ({detail}): its disk may be full or failing.",
            "Check its free space and the system log (dmesg).",
        )
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return CatalogError(
            f"The catalog {catalog} is damaged ({detail}).",
            "Stop using this data dir and restore the catalog from a backup.",
        )
    return None


def _explain_os_error(exc: OSError, place: str) -> EngineError | None:
    where = exc.filename if exc.filename is not None else place
    where = os.fsdecode(where) if isinstance(where, bytes) else str(where)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        what = "full" if exc.errno == errno.ENOSPC else "over this account's quota"
        return StorageError(
            f"The disk holding {where} is {what}, so the command stopped.",
            "Free some space on it.",
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        return StorageError(
            f"The operating system refused this account access to {where} ({exc.strerror}).", _CHECK_ACCESS
        )
    if exc.errno == errno.EROFS:
        return StorageError(
            f"{where} is on a filesystem mounted read-only, so the command stopped.",
            "Use a data dir on a writable disk, or remount it writable.",
        )
    if exc.errno == errno.EIO:
        return StorageError(
            f"{where} could not be read or written: the disk reported an input/output error.",
            "Check the disk and the system log (dmesg) before trying again.",
        )
    return None
