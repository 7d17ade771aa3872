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
SET = [f"multifile-Z{i}.ome.tiff" for i in range(1, 6)] + ["multifile.companion.ome"]
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


def start_service(data_dir, log: Path, *args: str, env: dict | None = None) -> subprocess.Popen:
    with log.open("w") as out:  # the service writes to its own copy of the descriptor
        return subprocess.Popen(
            cli_command(data_dir.root, "dropbox", "run", *args),
            env={**cli_process_env(), **(env or {})},
            cwd=REPO,
            stdout=out,
            stderr=out,
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
        "filesets.id WHERE filesets.state = 'registered' "
        "GROUP BY filesets.id, accounts.name, filesets.name ORDER BY accounts.name",
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


def test_sigterm_during_an_import_cancels_it_safely_and_the_next_start_imports_the_set(data_dir, registered, tmp_path):
    """The import is held after the first file of a six-file set (INPLACE_DROPBOX_HOLD) when SIGTERM
    comes: the service cancels it, rolls back what it had transferred, and the next start imports it."""
    alice_drop, _ = registered
    holds = tmp_path / "holds"
    holds.mkdir()
    (holds / "multifile.companion.ome.hold").touch()
    for name in SET:
        shutil.copy(AVIVATOR / name, alice_drop)
    log = tmp_path / "service.log"
    proc = start_service(data_dir, log, env={"INPLACE_DROPBOX_HOLD": str(holds)})
    try:
        wait_for_file(holds / "multifile.companion.ome.held", "the import to reach its hold")
    finally:
        output = stop_service(proc, log)
    # Cancelled part-way: nothing registered, nothing left in the repository, the files stay.
    assert catalog_rows(data_dir, jobs("alice")) == [(1, "cancelled")]
    assert catalog_rows(data_dir, "SELECT COUNT(*) FROM filesets WHERE state = 'registered'") == [(0,)]
    assert sorted(p.name for p in alice_drop.iterdir()) == sorted(SET)
    assert "stopped while importing multifile.companion.ome" in output

    proc = start_service(data_dir, log)
    try:
        wait_for(data_dir, jobs("alice"), lambda r: [s for _, s in r] == ["cancelled", "completed"], "import")
    finally:
        stop_service(proc, log)

CV8000 = next((SAMPLES / "hcs" / "cv8000").glob("*/CV8000*"))
A_TIFF = next(CV8000.glob("*.tif"))
OPERETTA = SAMPLES / "hcs" / "operetta" / "operetta_plate"


def wait_for_file(path: Path, what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not path.exists():
        assert time.monotonic() < deadline, f"waited {DEADLINE:g} s for {what}"
        time.sleep(0.02)


def job_states(data_dir, account: str) -> list[str]:
    return [state for _, state in catalog_rows(data_dir, jobs(account))]


def imported_names(data_dir) -> list[str]:
    return [n for (n,) in catalog_rows(data_dir, "SELECT fileset FROM dropbox_events WHERE outcome = 'imported'")]


def test_at_most_max_imports_run_at_once_and_they_really_run_side_by_side(data_dir, registered, tmp_path):
    """Imports held mid-way (after their first file, INPLACE_DROPBOX_HOLD) by name: while a.tif is held,
    b.tif is imported, registration and all (so a.tif holds no write lock); with a.tif and c.tif held,
    d.tif waits for one of the two imports, and is imported once a.tif is let go."""
    alice_drop, _ = registered
    holds = tmp_path / "holds"
    holds.mkdir()
    (holds / "a.tif.hold").touch()
    (holds / "c.tif.hold").touch()
    log = tmp_path / "service.log"
    proc = start_service(data_dir, log, "--max-imports", "2", env={"INPLACE_DROPBOX_HOLD": str(holds)})
    try:
        folders_looked_at(data_dir, 2)
        shutil.copy(A_TIFF, alice_drop / "a.tif")
        wait_for_file(holds / "a.tif.held", "a.tif's import to reach its hold")
        shutil.copy(A_TIFF, alice_drop / "b.tif")
        wait_for(data_dir, jobs("alice"), lambda r: [s for _, s in r] == ["running", "completed"], "b.tif imported")
        assert imported_names(data_dir) == ["b.tif"]

        shutil.copy(A_TIFF, alice_drop / "c.tif")
        wait_for_file(holds / "c.tif.held", "c.tif's import to reach its hold")
        shutil.copy(A_TIFF, alice_drop / "d.tif")
        wait_for(
            data_dir,
            "SELECT note FROM watched_folders WHERE note LIKE '%d.tif is complete and quiet; it waits for one of "
            "the 2 %'",
            lambda r: len(r) == 1,
            "d.tif waiting for a free import",
        )
        assert job_states(data_dir, "alice") == ["running", "completed", "running"]  # a, b, c: no job for d

        (holds / "a.tif.hold").unlink()
        wait_for(data_dir, "SELECT fileset FROM dropbox_events", lambda r: ("d.tif",) in r, "d.tif imported")
        assert job_states(data_dir, "alice") == ["completed", "completed", "running", "completed"]
        (holds / "c.tif.hold").unlink()
        wait_for(data_dir, jobs("alice"), lambda r: all(s == "completed" for _, s in r), "c.tif imported")
    finally:
        output = stop_service(proc, log)
    assert sorted(imported_names(data_dir)) == ["a.tif", "b.tif", "c.tif", "d.tif"]
    assert "at most 2 imports at once" in output


def test_a_plate_copied_slowly_is_imported_once_as_one_fileset(data_dir, registered, tmp_path):
    """An Operetta plate arriving file by file over several seconds, each pause longer than the folder's
    one-second quiet period, so that what is there is quiet while the index still names missing images:
    nothing is imported until the last image is there, then one job, one fileset of every file."""
    alice_drop, _ = registered
    files = sorted(OPERETTA.rglob("*"), key=lambda f: (f.suffix == ".tiff", str(f)))  # index and layout first
    files = [f for f in files if f.is_file()]
    log = tmp_path / "service.log"
    proc = start_service(data_dir, log)
    try:
        folders_looked_at(data_dir, 2)
        for f in files:
            (alice_drop / f.relative_to(OPERETTA.parent)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, alice_drop / f.relative_to(OPERETTA.parent))
            if f is not files[-1]:
                time.sleep(1.5)  # all that arrived is quiet now, but the index names images still missing
                assert catalog_rows(data_dir, jobs("alice")) == [], f"imported with only {f.name} of it there"
        wait_for(data_dir, jobs("alice"), lambda r: [s for _, s in r] == ["completed"], "the plate's import")
    finally:
        stop_service(proc, log)
    rows = catalog_rows(
        data_dir,
        "SELECT filesets.name, COUNT(fileset_entries.id) FROM filesets JOIN fileset_entries ON "
        "fileset_entries.fileset_id = filesets.id WHERE filesets.state = 'registered' "
        "GROUP BY filesets.id, filesets.name",
    )
    assert rows == [("Index.idx.xml", len(files))]


def test_a_file_appended_to_during_its_quiet_period_waits_and_is_imported_whole(data_dir, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    with DataDirectory.open(data_dir.root) as dd:
        dd.sign_in("alice", PASSWORD).add_watched_folder(str(drop), "alice", FolderArguments(quiet_seconds=2))
    whole = A_TIFF.read_bytes()
    log = tmp_path / "service.log"
    proc = start_service(data_dir, log)
    try:
        folders_looked_at(data_dir, 1)
        image = drop / "growing.tif"
        image.write_bytes(whole[:1000])
        for start in (1000, 2000):  # more arrives 1 s into each 2 s quiet period
            time.sleep(1)
            assert catalog_rows(data_dir, jobs("alice")) == []
            with image.open("ab") as f:
                f.write(whole[start : start + 1000] if start == 1000 else whole[2000:])
        last_write = time.time()
        wait_for(data_dir, jobs("alice"), lambda r: [s for _, s in r] == ["completed"], "the import")
    finally:
        stop_service(proc, log)
    ((size,),) = catalog_rows(data_dir, "SELECT size FROM fileset_entries")
    assert size == len(whole)
    ((started,),) = catalog_rows(data_dir, "SELECT started_at FROM jobs")
    from datetime import datetime

    assert datetime.fromisoformat(str(started)).timestamp() >= last_write + 2 - 0.01


def test_ln_rm_moves_files_in_and_a_failing_fileset_is_reported_left_intact_and_retried_on_request(
    data_dir, tmp_path, cli
):
    moving, failing = tmp_path / "moving", tmp_path / "failing"
    moving.mkdir()
    failing.mkdir()
    with DataDirectory.open(data_dir.root) as dd:
        admin = dd.sign_in("alice", PASSWORD)
        # The policy calls this folder temporary storage, where ln_s links would break: an error.
        admin.set_policy(temporary_paths=[str(failing)])
        admin.add_watched_folder(str(moving), "alice", FolderArguments(transfer="ln_rm", quiet_seconds=0.5), True)
        admin.add_watched_folder(str(failing), "alice", FolderArguments(transfer="ln_s", quiet_seconds=0.5), True)
    failing_image = failing / "image.tif"
    shutil.copy(A_TIFF, failing_image)
    before = failing_image.read_bytes()
    log = tmp_path / "service.log"
    proc = start_service(data_dir, log)
    try:
        shutil.copy(A_TIFF, moving / "moved.tif")
        wait_for(data_dir, jobs("alice"), lambda r: [s for _, s in r] == ["completed"], "the ln_rm import")
        failed = "SELECT fileset, message FROM dropbox_events WHERE outcome = 'failed'"
        (event,) = wait_for(data_dir, failed, lambda r: len(r) == 1, "the failure")
        assert event[0] == "image.tif" and "temporary storage" in event[1]

        code, out, err = cli("dropbox", "status")
        assert code == 0, err
        assert "failed: image.tif" in out and "temporary storage" in out
        code, out, err = cli("dropbox", "retry", "2", "image.tif")
        assert code == 0 and "try image.tif again" in out, err
        wait_for(data_dir, failed, lambda r: len(r) == 2, "the retry asked for, long before the back-off")
    finally:
        output = stop_service(proc, log)
    assert list(moving.iterdir()) == []  # moved in: the original is gone from the watch folder
    ((repo_path,),) = catalog_rows(data_dir, "SELECT repo_path FROM fileset_entries")
    assert (data_dir.root / "ManagedRepository" / repo_path).read_bytes() == A_TIFF.read_bytes()
    assert [p.name for p in failing.iterdir()] == ["image.tif"] and failing_image.read_bytes() == before
    assert catalog_rows(data_dir, "SELECT COUNT(*) FROM filesets WHERE state = 'registered'") == [(1,)]
    assert "failed to import image.tif" in output
