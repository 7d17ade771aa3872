"""Who is importing: the account from --user or INPLACE_USER, its password from INPLACE_PASSWORD,
--password-stdin, a remembered `inplace login`, or a prompt on a terminal. Never from an argument."""

from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path

import platformdirs

from engine.api import DataDirectory, Session
from engine.errors import AuthError


def _sessions_file() -> Path:
    return Path(platformdirs.user_state_dir("inplace")) / "sessions.json"


def _load_sessions() -> dict:
    try:
        return json.loads(_sessions_file().read_text())
    except (OSError, ValueError):
        return {}


def write_private_file(path: Path, text: str) -> None:
    """Write a file only its owner can read: it holds a secret (a token or a password)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def _save_sessions(sessions: dict) -> None:
    write_private_file(_sessions_file(), json.dumps(sessions))


def read_password(args) -> str | None:
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\n")
    if os.environ.get("INPLACE_PASSWORD"):
        return os.environ["INPLACE_PASSWORD"]
    return None


def user_name(args) -> str | None:
    return getattr(args, "user", None) or os.environ.get("INPLACE_USER")


_opened: list[DataDirectory] = []


def track(data_dir: DataDirectory) -> DataDirectory:
    """Remember a data dir the command uses, so `close_all` closes it when the command ends."""
    _opened.append(data_dir)
    return data_dir


def open_data_dir(args, create: bool = False) -> DataDirectory:
    return track(DataDirectory.open(args.data_dir, create=create))


def close_all() -> None:
    while _opened:
        _opened.pop().close()


def open_and_sign_in(args, create: bool = False) -> tuple[DataDirectory, Session]:
    data_dir = open_data_dir(args, create)
    return data_dir, sign_in(data_dir, args)


def sign_in(data_dir: DataDirectory, args) -> Session:
    name = user_name(args)
    password = read_password(args)
    if password is None:
        saved = _load_sessions().get(str(data_dir.root))
        if saved and (name is None or saved["user"] == name):
            session = data_dir.resume_sign_in(saved["token"])
            if session is not None:
                return session
    if name is None:
        raise AuthError("No account was given.", "Use --user NAME or set INPLACE_USER (or run 'inplace login' first).")
    if password is None:
        if not sys.stdin.isatty():
            raise AuthError(
                f"No password for '{name}' and no terminal to ask on.",
                "Set INPLACE_PASSWORD, pass --password-stdin, or run 'inplace login' first.",
            )
        password = getpass.getpass(f"Password for {name}: ")
    return data_dir.sign_in(name, password)


def remember(data_dir: DataDirectory, session: Session) -> None:
    sessions = _load_sessions()
    sessions[str(data_dir.root)] = {"user": session.account_name, "token": session.remember()}
    _save_sessions(sessions)


def forget(data_dir: DataDirectory) -> bool:
    sessions = _load_sessions()
    saved = sessions.pop(str(data_dir.root), None)
    if saved:
        data_dir.forget_sign_in(saved["token"])
        _save_sessions(sessions)
    return saved is not None
