"""Where a Python traceback used to come out, a plain sentence and a documented exit code come out
instead, and nothing is lost: real files, real processes, a real tmpfs, no mocks of `os`."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from engine.fsnames import from_catalog, to_catalog
from tests.conftest import REPO, cli_command, cli_process_env, mount_tmpfs, run_cli_process, unmount
from tests.engine.processes import catalog_execute, catalog_rows

TRACEBACK = "Traceback (most recent call last)"
SHA1 = "SHA1-160"


def one_sentence(err: str) -> str:
    """The error is one line starting 'inplace:' (after any findings the checks printed), and no
    traceback."""
    assert TRACEBACK not in err, err
    lines = [line for line in err.splitlines() if line.startswith("inplace:")]
    assert len(lines) == 1, err
    assert err.rstrip("\n").endswith(lines[0]), err
    return lines[0]


# --- file names that are not UTF-8 ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["/data/plain.tif", "/data/caf\udce9.tif", "caf\udce9.tif", "file:looks-encoded.tif", "/data/100%.tif", ""],
)
def test_catalog_form_of_a_name_is_reversible_and_valid_utf8(value):
    stored = to_catalog(value)
    stored.encode("utf-8")  # SQLite can hold it
    assert from_catalog(stored) == value
    if value.startswith("/") and "\udce9" not in value:
        assert stored == value  # ordinary paths are stored as they are


@pytest.mark.parametrize("transfer", ["upload", "cp", "ln_s"])
def test_a_name_that_is_not_utf8_is_imported_and_shown_escaped(transfer, data_dir, cli, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    raw = os.fsencode(src) + b"/caf\xe9.tif"
    content = b"not UTF-8 in the name, bytes in the file " * 100
    with open(raw, "wb") as f:
        f.write(content)
    args = ["--accept-responsibilities"] if transfer == "ln_s" else []
    code, out, err = cli("import", "--transfer", transfer, *args, "--output", "json", src)
    assert code == 0, err
    (result,) = json.loads(out)["files"]
    assert os.fsencode(result["source"]) == raw
    stored = data_dir.repository / result["repo_path"]
    assert stored.name == "caf_.tif"  # repository names are sanitised, valid UTF-8
    assert stored.read_bytes() == content
    assert result["checksum"] == hashlib.sha1(content).hexdigest()
    if transfer == "ln_s":
        assert os.readlink(os.fsencode(stored)) == raw

    code, out, err = cli("filesets")
    assert code == 0 and TRACEBACK not in err
    assert f"{src}/caf\\xe9.tif -> {result['repo_path']}" in out
    code, out, _ = cli("filesets", "--output", "json")
    assert code == 0
    (entry,) = json.loads(out)[0]["entries"]
    assert os.fsencode(entry["source_path"]) == raw  # exact: the entry still finds its original
    assert entry["client_path"] == str(src / "caf_.tif").lstrip("/")
    assert entry["checksum"] == result["checksum"]
    [(source_path,)] = catalog_rows(data_dir, "SELECT source_path FROM fileset_entries")
    assert source_path == f"file:{src}/caf%E9.tif"


# --- a disk that fills up, a catalog that another process locks, immutable files -----------------

PLUGINS = "tests.plugins.troubled_transfers"


@pytest.fixture
def small_data_dir(tmp_path, sqlite_only):
    """A data dir on its own 3 MB tmpfs, with the test policy and its catalog.sqlite filling up too."""
    from tests.conftest import TEST_SETTINGS

    mnt = tmp_path / "small"
    mount_tmpfs(mnt, "3m")
    try:  # unmounted even when setting up fails, so no mount outlives the test
        path = mnt / "data"
        result = run_cli_process(path, "admin", "init")
        assert result.returncode == 0, result.stderr
        (path / "settings.toml").write_text(TEST_SETTINGS)
        yield path
    finally:
        unmount(mnt)


def test_a_disk_that_fills_up_part_way_stops_the_job_with_a_sentence_and_loses_nothing(small_data_dir, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for i in range(3):
        (src / f"image{i}.tif").write_bytes(os.urandom(20_000))
    result = run_cli_process(small_data_dir, "import", "--transfer", f"{PLUGINS}:FillsTheDisk", "-c", src)
    line = one_sentence(result.stderr)
    assert result.returncode == 2
    assert "is full" in line and "Job 1 stopped part-way" in line and "'inplace jobs --rollback 1'" in line
    assert all(p.exists() for p in src.iterdir())

    (small_data_dir / "filler").unlink()
    listing = run_cli_process(small_data_dir, "jobs", "--output", "json")
    assert listing.returncode == 0, listing.stderr
    assert json.loads(listing.stdout)[0]["state"] == "interrupted"
    rollback = run_cli_process(small_data_dir, "jobs", "--rollback", "1")
    assert rollback.returncode == 0, rollback.stderr
    stored = [p for p in (small_data_dir / "ManagedRepository").rglob("*") if p.is_file()]
    assert stored == []


def test_jobs_are_listed_while_the_disk_is_full(small_data_dir, tmp_path):
    (tmp_path / "one.tif").write_bytes(b"1")
    assert run_cli_process(small_data_dir, "import", tmp_path / "one.tif").returncode == 0
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process that has ended: the job's pid names no living process
    catalog = small_data_dir / "catalog.sqlite"
    with sqlite3.connect(catalog) as db:  # as if the importing process had been killed
        db.execute("UPDATE jobs SET state = 'running', pid = ?, process_start = 0", (gone.pid,))
    # Another process (an import, say) has the catalog open while a third fills the disk.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
            "db.execute('SELECT count(*) FROM jobs').fetchall(); print('open', flush=True); sys.stdin.read()",
            catalog,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with open(small_data_dir.parent / "filler", "wb", buffering=0) as f:
            with pytest.raises(OSError, match="No space left"):
                while True:
                    f.write(b"\0" * 4096)
        for output in ("human", "json"):
            result = run_cli_process(small_data_dir, "jobs", "--output", output)
            assert result.returncode == 0, result.stderr
            assert TRACEBACK not in result.stderr
        assert json.loads(result.stdout)[0]["state"] == "interrupted"
    finally:
        holder.communicate()  # closes its pipes too


def test_a_catalog_locked_by_another_process_part_way_stops_the_job_with_a_sentence(data_dir, tmp_path, sqlite_only):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.tif").write_bytes(b"a" * 1000)
    env = {**cli_process_env(), "INPLACE_BUSY_TIMEOUT_MS": "300"}
    command = cli_command(data_dir.root, "import", "--transfer", f"{PLUGINS}:LocksTheCatalog", src)
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    line = one_sentence(result.stderr)
    assert result.returncode == 2
    assert f"The catalog {data_dir.catalog_path} is locked by another program" in line
    assert "Job 1 stopped part-way; no original was deleted" in line
    # The lock went with the process that held it; the job can be undone.
    rollback = run_cli_process(data_dir.root, "jobs", "--rollback", "1")
    assert rollback.returncode == 0, rollback.stderr
    assert (src / "a.tif").exists()


def _immutable(path: Path) -> None:
    result = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot make {path} immutable here (chattr: {result.stderr.strip()})")


@pytest.mark.parametrize("what", ["logs", "catalog.sqlite"])
def test_an_immutable_catalog_or_logs_folder_gives_a_sentence(what, data_dir, tmp_path, request):
    if what == "catalog.sqlite":
        request.getfixturevalue("sqlite_only")
    (tmp_path / "one.tif").write_bytes(b"1")
    target = data_dir.root / what
    _immutable(target)
    try:
        result = run_cli_process(data_dir.root, "import", tmp_path / "one.tif")
    finally:
        subprocess.run(["chattr", "-i", str(target)], check=True)
    line = one_sentence(result.stderr)
    assert result.returncode == 2
    assert str(target) in line
    assert [p for p in data_dir.repository.rglob("*") if p.is_file()] == []


# --- plugins ---------------------------------------------------------------------------------------


def test_a_transfer_plugin_whose_constructor_raises_is_refused_with_a_sentence(data_dir, cli, tmp_path):
    (tmp_path / "one.tif").write_bytes(b"1")
    code, _, err = cli("import", "--transfer", f"{PLUGINS}:FailsToStart", tmp_path / "one.tif")
    line = one_sentence(err)
    assert code == 1
    assert "could not be started (RuntimeError: the licence server cannot be reached)" in line


def test_a_transfer_plugin_whose_create_raises_fails_that_file(data_dir, cli, tmp_path):
    (tmp_path / "one.tif").write_bytes(b"1")
    code, out, err = cli("import", "--transfer", f"{PLUGINS}:FailsInCreate", "--output", "json", tmp_path / "one.tif")
    assert code == 2, err
    assert TRACEBACK not in err
    (result,) = json.loads(out)["files"]
    assert result["state"] == "failed"
    assert "(ValueError: this plugin cannot handle that file)" in result["error_message"]
    log = Path(json.loads(out)["log"]).read_text()
    assert "ValueError: this plugin cannot handle that file" in log  # the traceback is kept in the log
    assert [p for p in data_dir.repository.rglob("*") if p.is_file() and p.suffix != ".log"] == []


def test_checksum_algorithm_that_is_not_a_checksum_class_is_refused(data_dir, cli, tmp_path):
    (tmp_path / "one.tif").write_bytes(b"1")
    code, _, err = cli("import", "--checksum-algorithm", "os:system", tmp_path / "one.tif")
    assert code == 1
    assert "'os:system' is not a checksum algorithm" in one_sentence(err)
    code, _, err = cli("checksum", "--algorithm", "os:system", tmp_path / "one.tif")
    assert code == 1
    assert "'os:system' is not a checksum algorithm" in one_sentence(err)


def test_an_unforeseen_error_is_one_sentence_and_a_crash_log(data_dir, tmp_path):
    (tmp_path / "one.tif").write_bytes(b"1")
    result = run_cli_process(data_dir.root, "import", "--transfer", f"{PLUGINS}:UnforeseenBug", tmp_path / "one.tif")
    line = one_sentence(result.stderr)
    assert result.returncode == 2
    m = re.fullmatch(
        r"inplace: an unexpected error stopped the command: LookupError: in_place is not implemented yet\. "
        r"The details are in (\S+); nothing was deleted\.",
        line,
    )
    assert m, line
    crash_log = Path(m.group(1))
    assert crash_log.parent == data_dir.logs
    assert TRACEBACK in crash_log.read_text() and "UnforeseenBug" in crash_log.read_text()


# --- ids, passwords, special files, tampered rows ---------------------------------------------------

TOO_BIG = "99999999999999999999"


@pytest.mark.parametrize(
    "args",
    [
        ["import", "-d", TOO_BIG, "{src}"],
        ["import", "-T", f"Dataset:{TOO_BIG}", "{src}"],
        ["delete", TOO_BIG],
        ["jobs", "--rollback", TOO_BIG],
        ["jobs", "--resume", TOO_BIG],
        ["delete", "0"],
    ],
)
def test_ids_too_large_for_the_catalog_are_refused_at_once(args, data_dir, cli, tmp_path, capsys):
    (tmp_path / "one.tif").write_bytes(b"1")
    args = [a.replace("{src}", str(tmp_path / "one.tif")) for a in args]
    try:
        code, _, err = cli(*args)
    except SystemExit as exit_:  # refused while parsing
        code, err = exit_.code, capsys.readouterr().err
    assert code == 1
    assert "is not a valid" in one_sentence(err)


@pytest.mark.parametrize(
    "args",
    [
        ["import", "--password", "s3cret-Value", "{src}"],
        ["import", "--password=s3cret-Value", "{src}"],
        ["checksum", "--password", "s3cret-Value", "{src}"],
        ["--password", "s3cret-Value", "filesets"],
        ["import", "-w", "s3cret-Value", "{src}"],
        ["filesets", "--pass", "s3cret-Value"],
    ],
)
def test_a_password_argument_is_refused_and_never_printed(args, data_dir, cli, tmp_path, capsys):
    (tmp_path / "one.tif").write_bytes(b"1")
    with pytest.raises(SystemExit) as exit_:
        cli(*[a.replace("{src}", str(tmp_path / "one.tif")) for a in args])
    assert exit_.value.code == 1
    out = capsys.readouterr()
    assert "s3cret" not in out.out + out.err
    assert "never taken from the command line" in one_sentence(out.err)


def test_a_password_argument_is_refused_and_never_printed_by_the_process(data_dir, tmp_path):
    for args in (["import", "--password", "s3cret Value", tmp_path], ["checksum", "--password=s3cret", tmp_path]):
        result = run_cli_process(data_dir.root, *args)
        assert result.returncode == 1
        assert "s3cret" not in result.stdout + result.stderr
        assert "never taken from the command line" in one_sentence(result.stderr)


def test_parser_errors_redact_a_password_value(capsys):
    from engine.cli.main import build_parser

    with pytest.raises(SystemExit):
        build_parser().error("unrecognized arguments: --password hunter2 --passwd=hunter3 -w hunter4")
    err = capsys.readouterr().err
    assert "hunter" not in err
    assert "--password *** --passwd=*** -w ***" in err


def test_checksum_refuses_a_fifo_and_a_folder_without_waiting(data_dir, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for path, kind in ((fifo, "a named pipe (FIFO)"), (tmp_path, "a folder")):
        result = run_cli_process(data_dir.root, "checksum", path, timeout=60)
        assert result.returncode == 1
        assert one_sentence(result.stderr) == f"inplace: {path} is {kind}, not a file: only files have checksums."


@pytest.mark.parametrize("tampered", ["../outside", "{outside}"])
def test_delete_refuses_a_tampered_fileset_folder_and_removes_nothing(tampered, data_dir, cli, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("keep me")
    for name in ("a.tif", "b.tif"):
        (tmp_path / name).write_bytes(name.encode())
        assert cli("import", tmp_path / name)[0] == 0
    tampered = tampered.replace("{outside}", str(outside))
    catalog_execute(data_dir, "UPDATE filesets SET repo_dir = :d WHERE id = 2", d=tampered)
    code, out, err = cli("delete", "1", "2")
    line = one_sentence(err)
    assert code == 1
    assert "not a folder inside the repository" in line and "nothing was removed" in line
    assert (outside / "precious.txt").read_text() == "keep me"
    code, out, _ = cli("filesets", "--output", "json")
    assert [fs["id"] for fs in json.loads(out)] == [1, 2]  # fileset 1 is still there too
