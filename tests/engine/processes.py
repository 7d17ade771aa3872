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


def start_stopped(data_dir, stop_at: str, *args: str) -> subprocess.Popen:
    """Start `inplace ARGS` and return once it has stopped itself at `stop_at` ("point:nth")."""
    proc = subprocess.Popen(
        cli_command(data_dir.root, *args),
        env={**cli_process_env(), "INPLACE_STOP_AT": stop_at},
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
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
    con = sqlite3.connect(data_dir.catalog_path, timeout=30)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()
