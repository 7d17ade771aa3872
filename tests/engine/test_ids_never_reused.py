"""Fileset and job ids are never handed out twice, also in catalogs made before migration 0003."""

import json
import sqlite3
from datetime import datetime

from alembic import command
from alembic.config import Config

from engine.accounts import hash_password
from engine.catalog.db import HERE, sqlite_url
from engine.datadir import DataDir
from tests.conftest import PASSWORD, TEST_SETTINGS
from tests.engine.processes import catalog_execute


def import_files(cli, folder, *names):
    """Import each name as a file of its own fileset; return the new filesets' ids and the job id."""
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / name).write_bytes(name.encode() * 50)
    code, out, err = cli("import", "--transfer", "cp", "--output", "json", *(folder / n for n in names))
    assert code == 0, err + out
    report = json.loads(out)
    code, out, _ = cli("filesets", "--output", "json")
    ids = [fs["id"] for fs in json.loads(out) if fs["job_id"] == report["job_id"]]
    return ids, report["job_id"]


def sequence(catalog, table):
    con = sqlite3.connect(catalog)
    try:
        return con.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()[0]
    finally:
        con.close()


def test_the_id_of_a_deleted_newest_fileset_is_never_given_again(data_dir, cli, tmp_path):
    (first, second), _ = import_files(cli, tmp_path / "a", "one.tif", "two.tif")
    code, _, err = cli("delete", second)
    assert code == 0, err
    (third,), _ = import_files(cli, tmp_path / "b", "three.tif")
    assert third > second > first


def test_a_job_id_stays_unique_even_when_its_row_goes(data_dir, cli, tmp_path):
    _, first_job = import_files(cli, tmp_path / "a", "one.tif")
    _, second_job = import_files(cli, tmp_path / "b", "two.tif")
    # Jobs are never deleted by the engine; an administrator's clean-up with sqlite3 must not make
    # the next job reuse the id (and append to the old job's log).
    catalog_execute(data_dir, "DELETE FROM filesets WHERE job_id = :job", job=second_job)
    catalog_execute(data_dir, "DELETE FROM jobs WHERE id = :job", job=second_job)
    _, third_job = import_files(cli, tmp_path / "c", "three.tif")
    assert third_job > second_job > first_job
    code, out, _ = cli("jobs", "--output", "json")
    logs = [j["log"] for j in json.loads(out)]
    assert len(logs) == len(set(logs)) == 2


def make_0001_data_dir(root):
    """A data dir as the first release made it: schema 0001, an account, a job and three filesets."""
    for sub in ("ManagedRepository", "logs"):
        (root / sub).mkdir(parents=True)
    (root / "settings.toml").write_text(TEST_SETTINGS)
    catalog = root / "catalog.sqlite"
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE / "migrations"))
    cfg.set_main_option("sqlalchemy.url", sqlite_url(catalog))
    command.upgrade(cfg, "0001")
    now = datetime.now().isoformat(sep=" ")
    con = sqlite3.connect(catalog)
    con.execute("PRAGMA foreign_keys=ON")  # as the engine ran: deleting a fileset took its entries
    con.execute(
        "INSERT INTO accounts VALUES (1, 'alice', ?, 1, ?)",
        (hash_password(PASSWORD), now),
    )
    con.execute(
        "INSERT INTO jobs VALUES (1, 'completed', 'cp', 'SHA1-160', 1, 'alice', 'h', 1, 0, '', '{}', ?, ?, '')",
        (now, now),
    )
    for i in (1, 2, 3):
        con.execute(
            "INSERT INTO filesets VALUES (?, 1, 1, NULL, ?, 'registered', ?, 'cp', ?)",
            (i, f"old{i}.tif", f"alice_1/old/{i}", now),
        )
        con.execute(
            "INSERT INTO fileset_entries VALUES (NULL, ?, ?, ?, ?, ?, 1, 0, 'SHA1-160', 'x', 'cp', 0)",
            (i, f"/old/old{i}.tif", f"old/old{i}.tif", f"alice_1/old/{i}/old{i}.tif", f"old{i}.tif"),
        )
    con.execute("DELETE FROM filesets WHERE id = 3")
    con.commit()
    con.close()
    return catalog


def test_a_catalog_made_at_revision_0001_never_reuses_ids_after_the_upgrade(cli, data_dir_path, tmp_path, sqlite_only):
    catalog = make_0001_data_dir(data_dir_path)
    data_dir = DataDir(data_dir_path)
    with data_dir.engine.connect() as conn:  # the upgrade turns foreign keys off, and on again after
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    data_dir.dispose()
    (new,), job = import_files(cli, tmp_path / "a", "new.tif")
    # Fileset 3 left no trace in the old schema; every id still there at the upgrade is protected.
    assert new == 3 and job == 2
    code, out, _ = cli("filesets", "--output", "json")
    assert [fs["id"] for fs in json.loads(out)] == [1, 2, 3]
    code, _, err = cli("delete", new)
    assert code == 0, err
    (newer,), _ = import_files(cli, tmp_path / "b", "newer.tif")
    assert newer == 4
    assert sequence(catalog, "filesets") == 4
    con = sqlite3.connect(catalog)
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    con.close()
