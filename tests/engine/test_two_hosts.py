"""Two hosts (two processes with different host ids) importing overlapping selections into one catalog
at the same time with --exclude: whichever registers first keeps the shared files, the other skips
them under the catalog's write lock, so no file is registered twice. Runs on the catalog that
--catalog names (SQLite by default, PostgreSQL with --catalog=postgresql)."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from tests.engine.processes import catalog_execute, catalog_rows, resume, start, wait_until_stopped


def make_files(folder, names, content=lambda name: name.encode() * 50):
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(content(name))
    return folder


def wait_for_lock_waiter(data_dir) -> None:
    """On PostgreSQL, until the second host waits for the advisory lock the first one holds (its plain
    readers would see only what was committed when each statement began, so the order matters there).
    SQLite's single writer cannot be overtaken: the second host registers after the first commits,
    whether it reaches the lock before that or after."""
    if data_dir.catalog_is_local:
        return
    deadline = time.monotonic() + 60
    query = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
    while catalog_execute(data_dir, query) != [(1,)]:
        assert time.monotonic() < deadline, "the second host never waited for the write lock"
        time.sleep(0.01)


@pytest.fixture
def started():
    """Processes a test starts; any still running when it ends (it failed part-way) are killed."""
    procs: list[subprocess.Popen] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


@pytest.mark.parametrize("exclude", ["clientpath", "filename"])
def test_two_hosts_importing_overlapping_selections_at_once_register_each_file_once(
    data_dir, tmp_path, exclude, started
):
    shared_names = [f"shared{i}.tif" for i in range(5)]
    shared = make_files(tmp_path / "shared", shared_names)
    own = {h: make_files(tmp_path / h, [f"{h}{i}.tif" for i in range(3)]) for h in ("a", "b")}
    # clientpath: both select the very same folder; filename: each selects its own copy of the files
    second_shared = shared if exclude == "clientpath" else make_files(tmp_path / "copy", shared_names)
    selections = {"a": [shared, own["a"]], "b": [second_shared, own["b"]]}

    def importing(host, stop_at):
        args = ("import", "--transfer", "ln_s", "--accept", "--exclude", exclude, *selections[host])
        started.append(start(data_dir, stop_at, *args, host=f"host-{host}"))
        return started[-1]

    # Both start at the same moment and stop once their files are linked, before registering: both
    # plans found nothing imported. Then host a goes on into its registering transaction and stops
    # there holding the write lock, and host b goes on to wait for it.
    a, b = importing("a", "before-register:1,registering:1"), importing("b", "before-register:1")
    wait_until_stopped(a, "before-register:1")
    wait_until_stopped(b, "before-register:1")
    a.send_signal(signal.SIGCONT)
    wait_until_stopped(a, "registering:1")
    b.send_signal(signal.SIGCONT)
    wait_for_lock_waiter(data_dir)
    code_a, out_a, err_a = resume(a)
    assert code_a == 0, out_a + err_a
    out_b, err_b = b.communicate(timeout=120)
    assert b.returncode == 0, out_b + err_b

    entries = catalog_rows(data_dir, "SELECT client_path, file_name FROM fileset_entries")
    names = sorted(name for _, name in entries)
    assert names == sorted(shared_names + [f"{h}{i}.tif" for h in "ab" for i in range(3)])
    assert len({client for client, _ in entries}) == len(entries) == 11
    jobs = dict(catalog_rows(data_dir, "SELECT host, id FROM jobs"))
    skipped = catalog_rows(
        data_dir,
        f"SELECT source_path, error_message FROM file_results WHERE job_id = {jobs['host-b']} AND state = 'skipped'",
    )
    assert sorted(os.path.basename(p) for p, _ in skipped) == shared_names
    assert all("another import registered" in message for _, message in skipped)
    by_job = dict(
        catalog_rows(
            data_dir,
            "SELECT j.host, count(*) FROM fileset_entries e JOIN filesets f ON f.id = e.fileset_id "
            "JOIN jobs j ON j.id = f.job_id GROUP BY j.host",
        )
    )
    assert by_job == {"host-a": 8, "host-b": 3}
    # host b's links to the shared files went with their rows: the repository holds the registered ones
    assert catalog_rows(data_dir, "SELECT DISTINCT state FROM filesets") == [("registered",)]
    on_disk = {
        os.path.relpath(os.path.join(root, name), data_dir.repository)
        for root, _, files in os.walk(data_dir.repository)
        for name in files
        if name.endswith(".tif")
    }
    assert on_disk == {p for (p,) in catalog_rows(data_dir, "SELECT repo_path FROM fileset_entries")}
