"""The account last signed in on each data dir, so the sign-in page offers it again.

A small JSON file in the user's state directory, keyed by the data dir's path. It holds account
names only, never a password. Read and written on a worker thread; a broken file is ignored.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import platformdirs

FILE_NAME = "last-accounts.json"


def state_file() -> Path:
    return Path(platformdirs.user_state_dir("inplace")) / FILE_NAME


def _read() -> dict:
    try:
        data = json.loads(state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def last_account(data_dir: str | os.PathLike) -> str | None:
    name = _read().get(os.fspath(data_dir))
    return name if isinstance(name, str) and name else None


def remember_account(data_dir: str | os.PathLike, name: str) -> None:
    """Record `name` as the account last used on `data_dir` (replacing the file in one step)."""
    data = _read()
    data[os.fspath(data_dir)] = name
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(partial, path)
