# ruff: noqa: F811  (pytest fixtures imported from tests/postgres.py are parameters here)
"""The catalog on a real PostgreSQL server (tests/postgres.py): a data dir made on it, the whole
migration chain, imports and recovery through the CLI, the write lock, leases and moving a catalog."""

from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import REPO, TEST_SETTINGS, cli_command, cli_process_env, run_cli_process
from tests.engine.processes import kill, resume, start_stopped
from tests.postgres import pg_url, postgres  # noqa: F401  (fixtures)


def pg_rows(url: str, query: str) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(query))]
    finally:
        engine.dispose()


@pytest.fixture
def pg_data_dir(cli, data_dir_path, pg_url):
    """A data dir whose catalog is a fresh PostgreSQL database, with the administrator alice."""
    code, out, err = cli("admin", "init", "--catalog-url", pg_url)
    assert code == 0, err
    settings = (data_dir_path / "settings.toml").read_text()
    assert f'catalog_url = "{pg_url}"' in settings
    (data_dir_path / "settings.toml").write_text(f'catalog_url = "{pg_url}"\n' + TEST_SETTINGS)
    from engine.datadir import DataDir

    d = DataDir(data_dir_path)
    yield d
    d.dispose()


def test_admin_init_puts_the_catalog_on_postgresql_and_runs_every_migration(pg_data_dir, pg_url):
    from engine.catalog.db import head_revision

    assert not pg_data_dir.catalog_path.exists()
    assert pg_rows(pg_url, "SELECT version_num FROM alembic_version") == [(head_revision(),)]
    assert pg_rows(pg_url, "SELECT name, is_admin FROM accounts") == [("alice", True)]


def test_a_password_in_the_catalog_url_is_refused(cli, data_dir_path, postgres):
    url = postgres.url("x").replace("postgres@", "postgres:secret@")
    code, _, err = cli("admin", "init", "--catalog-url", url)
    assert code != 0 and "must not hold a password" in err
    assert "secret" not in err


def test_import_list_and_roll_back_on_postgresql(pg_data_dir, cli, tmp_path, pg_url):
    src = tmp_path / "src"
    src.mkdir()
    for i in range(3):
        (src / f"f{i}.tif").write_bytes(b"x" * (100 + i))
    code, out, err = cli("import", "--transfer", "ln_s", "--accept", str(src))
    assert code == 0, out + err
    assert pg_rows(pg_url, "SELECT count(*) FROM fileset_entries") == [(3,)]
    code, out, err = cli("import", "--transfer", "ln_s", "--accept", "--exclude", "clientpath", str(src))
    assert code == 0 and pg_rows(pg_url, "SELECT count(*) FROM fileset_entries") == [(3,)]


def make_sources(folder, n: int, size: int = 100):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"f{i:03d}.tif").write_bytes(bytes([i % 256]) * (size + i))
    return folder


# The server goes away after the folders were recorded, inside the registering transaction (holding
# the write lock), and after a batch was registered.
@pytest.mark.parametrize("point", ["allocated:1", "registering:1", "registered:1"])
def test_a_lost_connection_stops_the_import_with_one_sentence_and_leaves_a_recoverable_job(
    pg_data_dir,
    postgres,
    pg_url,
    tmp_path,
    point,
):
    src = make_sources(tmp_path / "src", 3)
    proc = start_stopped(pg_data_dir, point, "import", "--transfer", "ln_s", "--accept", str(src))
    postgres.stop("immediate")
    try:
        code, out, err = resume(proc)
    finally:
        postgres.start()
    assert code == 2, out + err
    [sentence] = [line for line in err.splitlines() if line.startswith("inplace:")]
    assert "connection to the catalog database was lost" in sentence and "Traceback" not in err
    assert "inplace jobs --rollback" in sentence, err
    [(job_id, state)] = pg_rows(pg_url, "SELECT id, state FROM jobs")
    result = run_cli_process(pg_data_dir.root, "jobs", "--rollback", str(job_id))
    assert result.returncode == 0, result.stdout + result.stderr
    assert pg_rows(pg_url, "SELECT state FROM jobs") == [("rolled_back",)]
    assert pg_rows(pg_url, "SELECT count(*) FROM filesets") == [(0,)]
    assert not any(p.is_file() or p.is_symlink() for p in pg_data_dir.repository.rglob("*"))
    assert all(p.is_file() for p in src.iterdir())


def test_another_hosts_job_is_alive_while_its_lease_is_fresh_and_recovered_after(
    pg_data_dir,
    pg_url,
    tmp_path,
):
    src = make_sources(tmp_path / "src", 3)
    proc = start_stopped(pg_data_dir, "registered:1", "import", "--transfer", "ln_s", "--accept", str(src))
    kill(proc)  # the host's process died; from here on, the test plays another host
    other = {**cli_process_env(), "INPLACE_HOST_ID": "other-host"}

    def as_other(*args):
        return subprocess.run(cli_command(pg_data_dir.root, *args), capture_output=True, text=True, env=other, cwd=REPO)

    [(job_id,)] = pg_rows(pg_url, "SELECT id FROM jobs")
    refused = as_other("jobs", "--rollback", str(job_id))
    assert refused.returncode != 0 and "running" in refused.stderr + refused.stdout
    engine = create_engine(pg_url)
    with engine.begin() as conn:  # the lease runs out: its heartbeat is older than its timeout
        conn.execute(text("UPDATE jobs SET heartbeat_at = heartbeat_at - make_interval(secs => lease_seconds + 1)"))
    engine.dispose()
    done = as_other("jobs", "--rollback", str(job_id))
    assert done.returncode == 0, done.stdout + done.stderr
    assert pg_rows(pg_url, "SELECT state FROM jobs") == [("rolled_back",)]


def test_two_hosts_allocating_fileset_folders_at_once_never_share_one(pg_data_dir, pg_url, tmp_path):
    folders = [make_sources(tmp_path / host / "same", 40) for host in ("a", "b")]
    procs = [
        subprocess.Popen(
            cli_command(pg_data_dir.root, "import", "--transfer", "ln_s", "--accept", str(folder)),
            env={**cli_process_env(), "INPLACE_HOST_ID": f"host-{i}"},
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i, folder in enumerate(folders)
    ]
    results = [(p.wait(timeout=120), p.communicate()) for p in procs]
    assert [code for code, _ in results] == [0, 0], results
    dirs = [d for (d,) in pg_rows(pg_url, "SELECT repo_dir FROM filesets WHERE state = 'registered'")]
    assert len(dirs) == 80 and len(set(dirs)) == 2  # one folder per import job, never shared
    assert all((pg_data_dir.repository / d).is_dir() for d in dirs)


@pytest.mark.parametrize("catalog_url", [None])  # the data dir starts on SQLite under either --catalog
def test_move_catalog_to_postgresql_and_back(data_dir, cli, tmp_path, pg_url):
    src = make_sources(tmp_path / "src", 4)
    code, out, err = cli("import", "--transfer", "ln_s", "--accept", str(src))
    assert code == 0, out + err
    code, out, err = cli("delete", "1")  # the newest ids stay used: the next fileset is not 1 again
    sqlite_counts = {t: n for t, n in _counts_sqlite(data_dir)}
    data_dir.dispose()
    code, out, err = cli("admin", "move-catalog", "--to", pg_url)
    assert code == 0, out + err
    assert "Moved the catalog" in out
    assert not data_dir.catalog_path.exists()
    assert pg_rows(pg_url, "SELECT count(*) FROM fileset_entries") == [(sqlite_counts["fileset_entries"],)]
    code, out, err = cli("import", "--transfer", "ln_s", "--accept", str(make_sources(tmp_path / "more", 2)))
    assert code == 0, out + err
    assert min(i for (i,) in pg_rows(pg_url, "SELECT id FROM filesets WHERE job_id > 1")) > 4
    backup = tmp_path / "backup.sqlite"
    code, out, err = cli("admin", "move-catalog", "--copy-only", "--to", f"sqlite:///{backup}")
    assert code == 0, out + err
    import sqlite3

    con = sqlite3.connect(backup)
    try:
        assert (
            con.execute("SELECT count(*) FROM fileset_entries").fetchone()
            == pg_rows(pg_url, "SELECT count(*) FROM fileset_entries")[0]
        )
    finally:
        con.close()
    code, out, err = cli("admin", "move-catalog", "--to", pg_url)
    assert code != 0 and "already" in err


def _counts_sqlite(data_dir):
    import sqlite3

    con = sqlite3.connect(data_dir.catalog_path)
    try:
        return [(t, con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in ("filesets", "fileset_entries")]
    finally:
        con.close()


@pytest.mark.parametrize("catalog_url", [None])
def test_move_catalog_refuses_a_database_that_holds_another_catalog(data_dir, cli, tmp_path, pg_url):
    other = run_cli_process(tmp_path / "other", "admin", "init", "--catalog-url", pg_url)
    assert other.returncode == 0, other.stderr
    before = pg_rows(pg_url, "SELECT id, name FROM accounts")
    data_dir.dispose()
    code, out, err = cli("admin", "move-catalog", "--to", pg_url)
    assert code != 0 and "is not empty (it has rows in" in err and "accounts" in err
    assert pg_rows(pg_url, "SELECT id, name FROM accounts") == before
    assert data_dir.catalog_path.exists() and "catalog_url" not in (data_dir.root / "settings.toml").read_text()


def test_a_write_lock_held_too_long_by_another_host_stops_the_import_with_one_sentence(pg_data_dir, pg_url, tmp_path):
    from engine.catalog.store.base import CATALOG_LOCK_KEY

    src = make_sources(tmp_path / "src", 3)
    holder = create_engine(pg_url)  # another host, stopped inside its locked step
    try:
        with holder.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CATALOG_LOCK_KEY})
            command = cli_command(pg_data_dir.root, "import", "--transfer", "ln_s", "--accept", str(src))
            env = {**cli_process_env(), "INPLACE_BUSY_TIMEOUT_MS": "300"}
            result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    finally:
        holder.dispose()
    assert result.returncode == 2, result.stdout + result.stderr
    [sentence] = [line for line in result.stderr.splitlines() if line.startswith("inplace:")]
    assert "locked by another command" in sentence and "more than 0.3 seconds" in sentence
    assert "Job 1 stopped part-way; no original was deleted" in sentence and "Traceback" not in result.stderr
    rollback = run_cli_process(pg_data_dir.root, "jobs", "--rollback", "1")
    assert rollback.returncode == 0, rollback.stdout + rollback.stderr
    assert pg_rows(pg_url, "SELECT count(*) FROM filesets") == [(0,)]
    assert all(p.is_file() for p in src.iterdir())
