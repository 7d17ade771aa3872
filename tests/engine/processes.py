"""CLI imports as real processes that stop themselves at a named point (engine/checkpoints.py), so a
test can change files, kill or continue them at exactly that moment."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time

from tests.conftest import REPO, cli_command, cli_process_env


def process_state(pid: int) -> str:
    with open(f"/proc/{pid}/stat", "rb") as f:
        return f.read().rsplit(b")", 1)[1].split()[0].decode()


def start_stopped(data_dir, stop_at: str, *args: str, host: str | None = None) -> subprocess.Popen:
    """Start `inplace ARGS` and return once it has stopped itself at `stop_at` ("point:nth"); `host`
    names the host it plays (INPLACE_HOST_ID), for tests of several hosts on one catalog."""
    return wait_until_stopped(start(data_dir, stop_at, *args, host=host), stop_at)


def start(data_dir, stop_at: str, *args: str, host: str | None = None) -> subprocess.Popen:
    """Start `inplace ARGS`, to stop itself at `stop_at`, without waiting for it."""
    return subprocess.Popen(
        cli_command(data_dir.root, *args),
        env={**cli_process_env(), "INPLACE_STOP_AT": stop_at, **({"INPLACE_HOST_ID": host} if host else {})},
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until_stopped(proc: subprocess.Popen, stop_at: str) -> subprocess.Popen:
    deadline = time.monotonic() + 120
    while process_state(proc.pid) != "T":
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"ended with {proc.returncode} before reaching {stop_at}: {out} {err}")
        assert time.monotonic() < deadline, f"never reached {stop_at}"
        time.sleep(0.005)
    return proc


def resume(proc: subprocess.Popen) -> tuple[int, str, str]:
    proc.send_signal(signal.SIGCONT)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL


def catalog_rows(data_dir, query: str) -> list[tuple]:
    """The rows of `query` read from outside the engine, from catalog.sqlite or the PostgreSQL catalog."""
    if not data_dir.catalog_is_local:
        return catalog_execute(data_dir, query)
    con = sqlite3.connect(data_dir.catalog_path, timeout=30)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def catalog_execute(data_dir, statement: str, **params) -> list[tuple]:
    """Run one statement in its own committed transaction, as an administrator's tool would, on either
    catalog; returns its rows (none for a statement that returns none)."""
    from sqlalchemy import create_engine, event, text

    options = {"connect_args": {"timeout": 30}} if data_dir.catalog_is_local else {}
    engine = create_engine(data_dir.catalog_url, **options)
    if data_dir.catalog_is_local:  # as the engine does, and PostgreSQL always does: foreign keys hold
        event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA foreign_keys=ON"))
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return [tuple(r) for r in result] if result.returns_rows else []
    finally:
        engine.dispose()
