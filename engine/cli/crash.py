"""The CLI's last line of defence: an error nobody foresaw becomes one sentence on the terminal and
a crash log with the traceback, in the data dir's logs/ or else the user's state directory."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

import platformdirs

from engine.api import __version__, explain, resolve_data_dir


def catalog_of(args) -> Path | None:
    """The catalog this command uses, to name it in a sentence; None when it cannot be told."""
    root = _data_dir_root(args)
    return root / "catalog.sqlite" if root else None


def _data_dir_root(args) -> Path | None:
    try:
        return Path(resolve_data_dir(getattr(args, "data_dir", None))[0])
    except Exception:  # the configuration itself may be what is broken
        return None


def plain_error(exc: BaseException, args):
    """The precise sentence for a full disk, a locked or read-only catalog, and the like; or None."""
    return explain(exc, catalog_of(args))


def write_crash_log(exc: BaseException, args, argv: list[str]) -> Path | None:
    """Save the traceback; return where, or None when no folder would take it."""
    stamp = datetime.now()
    text = (
        f"inplace {__version__} stopped by an unexpected error at {stamp.isoformat(timespec='seconds')}\n"
        f"command: inplace {' '.join(argv)}\npython: {sys.version.split()[0]}\n\n"
        + "".join(traceback.format_exception(exc))
    )
    root = _data_dir_root(args)
    folders = [root / "logs"] if root else []
    folders += [Path(platformdirs.user_state_dir("inplace")) / "crashes", Path(tempfile.gettempdir())]
    name = f"crash-{stamp:%Y%m%d-%H%M%S}-{os.getpid()}.log"
    for folder in folders:
        try:
            if folder != folders[-1]:
                folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with open(fd, "w", encoding="utf-8", errors="backslashreplace") as f:
                f.write(text)
            return folder / name
        except OSError:
            continue
    return None


def crash_sentence(exc: BaseException, log: Path | None) -> str:
    what = f"{type(exc).__name__}: {exc}".rstrip(". ")
    where = f"The details are in {log}" if log else "The details could not be saved (no folder would take them)"
    return f"inplace: an unexpected error stopped the command: {what}. {where}; nothing was deleted."
