"""The DropBox service as a real process (`inplace dropbox run`, watchdog's inotify observer) against a
real data dir: files dropped in are imported, a set copied in two steps is one fileset, a second folder
imports for its own account, a service killed mid-import is recovered by the next, and SIGTERM stops
it cleanly. Every wait polls the catalog with a deadline; nothing sleeps for a quiet period."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from engine.api import DataDirectory, FolderArguments
from tests.conftest import PASSWORD, REPO, SAMPLES, cli_command, cli_process_env
from tests.engine.processes import catalog_rows, kill, start_stopped

AVIVATOR = SAMPLES / "viv" / "avivator_data"
DEADLINE = 60.0


def wait_for(data_dir, query: str, expected, what: str):
    """Poll the catalog until `query` returns rows for which `expected(rows)` holds."""
    deadline = time.monotonic() + DEADLINE
    while True:
        rows = catalog_rows(data_dir, query)
        if expected(rows):
            return rows
        assert time.monotonic() < deadline, f"waited {DEADLINE:g} s for {what}; last rows: {rows}"
        time.sleep(0.05)


def jobs(account: str) -> str:
    """A query for an account's jobs: (id, state) in order."""
    return (
        "SELECT jobs.id, jobs.state FROM jobs JOIN accounts ON accounts.id = jobs.account_id "
        f"WHERE name = '{account}' ORDER BY jobs.id"
    )


def start_service(data_dir, log: Path) -> subprocess.Popen:
    with log.open("w") as out:  # the service writes to its own copy of the descriptor
        return subprocess.Popen(
            cli_command(data_dir.root, "dropbox", "run"), env=cli_process_env(), cwd=REPO, stdout=out, stderr=out
        )


def stop_service(proc: subprocess.Popen, log: Path) -> str:
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0, log.read_text()
    text = log.read_text()
    assert "DropBox service stopped." in text
    return text


def folders_looked_at(data_dir, n: int) -> None:
    wait_for(
        data_dir, "SELECT id FROM watched_folders WHERE checked_at IS NOT NULL", lambda r: len(r) == n, "a first look"
    )


@pytest.fixture
def registered(data_dir, tmp_path):
    """Two watch folders with a one-second quiet period: one for alice, one for bob."""
    alice_drop, bob_drop = tmp_path / "alice-drop", tmp_path / "bob-drop"
    alice_drop.mkdir()
    bob_drop.mkdir()
    with DataDirectory.open(data_dir.root) as dd:
        admin = dd.sign_in("alice", PASSWORD)
        admin.add_account("bob", PASSWORD)
        admin.add_watched_folder(str(alice_drop), "alice", FolderArguments(quiet_seconds=1))
        admin.add_watched_folder(str(bob_drop), "bob", FolderArguments(quiet_seconds=1))
    return alice_drop, bob_drop


def test_the_service_imports_single_files_and_a_set_copied_in_two_steps_and_stops_on_sigterm(
    data_dir, registered, tmp_path
):
    alice_drop, bob_drop = registered
    log = tmp_path / "service.log"
    proc = start_service(data_dir, log)
    try:
        folders_looked_at(data_dir, 2)
        shutil.copy(AVIVATOR / "multi-channel.ome.tif", bob_drop)
        for name in ("multifile-Z1.ome.tiff", "multifile-Z2.ome.tiff", "multifile-Z3.ome.tiff"):
            shutil.copy(AVIVATOR / name, alice_drop)

        wait_for(data_dir, jobs("bob"), lambda r: r == [(r[0][0], "completed")] if r else False, "bob's job")
        # The first half of the set is quiet too, but its members are missing: it waits, reported.
        wait_for(
            data_dir,
            "SELECT note FROM watched_folders WHERE note LIKE '%waits for its missing members%'",
            lambda r: len(r) == 1,
            "the set reported as waiting",
        )
        assert catalog_rows(data_dir, jobs("alice")) == []

        for name in ("multifile-Z4.ome.tiff", "multifile-Z5.ome.tiff", "multifile.companion.ome"):
            shutil.copy(AVIVATOR / name, alice_drop)
        wait_for(data_dir, jobs("alice"), lambda r: [s for _, s in r] == ["completed"], "alice's job")
    finally:
        output = stop_service(proc, log)

    rows = catalog_rows(
        data_dir,
        "SELECT accounts.name, filesets.name, COUNT(fileset_entries.id) FROM filesets "
        "JOIN accounts ON accounts.id = filesets.owner_id JOIN fileset_entries ON fileset_entries.fileset_id = "
        "filesets.id WHERE filesets.state = 'registered' GROUP BY filesets.id ORDER BY accounts.name",
    )
    assert [(a, n) for a, _, n in rows] == [("alice", 6), ("bob", 1)]
    assert "imported multi-channel.ome.tif" in output


def test_a_service_killed_mid_import_is_recovered_by_the_next_one(data_dir, registered, tmp_path):
    alice_drop, _ = registered
    # Dropped while no service runs: the next one finds it on its first look.
    shutil.copy(AVIVATOR / "multi-channel.ome.tif", alice_drop)
    stopped = start_stopped(data_dir, "before-register:1", "dropbox", "run")
    kill(stopped)
    assert catalog_rows(data_dir, jobs("alice")) == [(1, "running")]

    log = tmp_path / "service.log"
    proc = start_service(data_dir, log)
    try:
        found = wait_for(data_dir, jobs("alice"), lambda r: r == [(1, "rolled_back"), (2, "completed")], "recovery")
    finally:
        output = stop_service(proc, log)
    assert found
    assert "Job 1 was interrupted; it was rolled back" in output
    (registered_files,) = catalog_rows(data_dir, "SELECT COUNT(*) FROM filesets WHERE state = 'registered'")
    assert registered_files == (1,)
    events = catalog_rows(data_dir, "SELECT outcome, job_id FROM dropbox_events ORDER BY id")
    assert events == [("rolled back", 1), ("imported", 2)]


def test_sigterm_during_an_import_cancels_it_safely_and_the_next_start_imports_the_file(data_dir, registered, tmp_path):
    alice_drop, _ = registered
    shutil.copy(AVIVATOR / "multi-channel.ome.tif", alice_drop)
    proc = start_stopped(data_dir, "allocated:1", "dropbox", "run")
    proc.send_signal(signal.SIGTERM)  # taken when it goes on
    proc.send_signal(signal.SIGCONT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "DropBox service stopped." in out
    # Cancelled before its files were transferred: nothing registered, nothing left, the file stays.
    assert catalog_rows(data_dir, jobs("alice")) == [(1, "cancelled")]
    assert catalog_rows(data_dir, "SELECT COUNT(*) FROM filesets") == [(0,)]
    assert (alice_drop / "multi-channel.ome.tif").exists()
    assert "stopped while importing multi-channel.ome.tif" in out

    log = tmp_path / "service.log"
    proc = start_service(data_dir, log)
    try:
        wait_for(data_dir, jobs("alice"), lambda r: [s for _, s in r] == ["cancelled", "completed"], "import")
    finally:
        stop_service(proc, log)
