"""The catalog's files are private, and a data dir whose catalog was lost is refused, not restarted."""

import os
import sqlite3
import stat

import pytest

from engine.datadir import DataDir
from tests.conftest import run_as_nobody, run_cli_process

pytestmark = pytest.mark.usefixtures("sqlite_only")  # about catalog.sqlite and its -wal and -shm files


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def catalog_files(data_dir):
    """The catalog with its -wal and -shm, which exist while a connection is open."""
    return [data_dir.catalog_path, *(data_dir.root / f"catalog.sqlite{s}" for s in ("-wal", "-shm"))]


def open_and_list_modes(data_dir):
    with data_dir.engine.connect() as conn:
        conn.exec_driver_sql("SELECT count(*) FROM accounts")
        return [mode(p) for p in catalog_files(data_dir)]


def test_catalog_wal_shm_and_logs_are_only_the_owners(data_dir):
    assert open_and_list_modes(data_dir) == [0o600, 0o600, 0o600]
    assert mode(data_dir.logs) == 0o700


def test_in_a_group_shared_folder_the_group_may_read_and_write(tmp_path):
    root = tmp_path / "shared"
    root.mkdir()
    root.chmod(0o2770)
    result = run_cli_process(root, "admin", "init")
    assert result.returncode == 0, result.stderr
    d = DataDir(root)
    assert open_and_list_modes(d) == [0o660, 0o660, 0o660]
    assert mode(d.logs) == 0o2770  # setgid kept, so the group stays the data dir's
    d.dispose()


def test_an_older_loose_catalog_is_made_private_when_its_owner_opens_it(data_dir):
    data_dir.catalog_path.chmod(0o644)
    data_dir.logs.chmod(0o755)
    result = run_cli_process(data_dir.root, "filesets")
    assert result.returncode == 0, result.stderr
    assert mode(data_dir.catalog_path) == 0o600
    assert mode(data_dir.logs) == 0o700


def test_another_uid_cannot_read_the_catalog(open_tmp):
    root = open_tmp / "data"
    result = run_cli_process(root, "admin", "init")
    assert result.returncode == 0, result.stderr

    def read(path):
        try:
            with open(path, "rb") as f:
                return f"read {len(f.read(100))} bytes"
        except PermissionError:
            return "refused"

    # The settings file shows the folders let nobody through; the catalog's own mode stops it.
    assert run_as_nobody(read, str(root / "settings.toml")).startswith("read")
    assert run_as_nobody(read, str(root / "catalog.sqlite")) == "refused"


# --- a lost catalog --------------------------------------------------------------------------


def delete_catalog(d):
    for name in ("catalog.sqlite", "catalog.sqlite-wal", "catalog.sqlite-shm"):
        (d.root / name).unlink(missing_ok=True)
    return "is missing"


def empty_catalog(d):
    d.catalog_path.write_bytes(b"")
    return "is empty"


def remove_accounts(d):
    con = sqlite3.connect(d.catalog_path)
    con.execute("DELETE FROM login_sessions")
    con.execute("DELETE FROM accounts")
    con.commit()
    con.close()
    return "has no accounts"


def snapshot(folder):
    return {
        str(p.relative_to(folder)): (p.is_symlink(), p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


def catalog_state(path):
    """None when missing, its bytes when empty, else its rows (SQLite may checkpoint the -wal into it)."""
    if not path.exists():
        return None
    if path.stat().st_size == 0:
        return b""
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


@pytest.mark.parametrize("lose", [delete_catalog, empty_catalog, remove_accounts])
def test_a_lost_catalog_is_refused_by_every_command_and_nothing_is_touched(lose, data_dir, tmp_path):
    (tmp_path / "one.tif").write_bytes(b"1" * 100)
    result = run_cli_process(data_dir.root, "import", "--transfer", "cp", tmp_path / "one.tif")
    assert result.returncode == 0, result.stderr
    what = lose(data_dir)
    before = snapshot(data_dir.repository), snapshot(data_dir.logs)
    catalog_before = catalog_state(data_dir.catalog_path)
    (tmp_path / "two.tif").write_bytes(b"2" * 100)
    sentence = (
        f"inplace: The catalog {data_dir.catalog_path} {what}, but this data dir holds imported files or job "
        f"logs: restore catalog.sqlite from a backup to {data_dir.catalog_path} before using it.\n"
    )
    for args in (["filesets"], ["import", "--transfer", "cp", tmp_path / "two.tif"], ["admin", "init"]):
        result = run_cli_process(data_dir.root, *args)
        assert (result.returncode, result.stderr) == (2, sentence), args
    assert (snapshot(data_dir.repository), snapshot(data_dir.logs)) == before
    assert catalog_state(data_dir.catalog_path) == catalog_before
