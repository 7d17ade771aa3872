"""Shared fixtures: an isolated home for each test, a data dir with an account, a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.postgres import postgres  # noqa: F401  (the session's server, for --catalog=postgresql)

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "tests" / "samples"
PASSWORD = "correct horse"

# Tests import from pytest's temporary folders, which the default policy treats as temporary
# storage; they say so through the data dir's policy instead of weakening the check.
TEST_SETTINGS = """\
[policy]
temporary_paths = []
temporary_fs_types = ["ramfs"]
temporary_storage = "error"
"""


CATALOGS = ("sqlite", "postgresql")


def pytest_addoption(parser):
    parser.addoption(
        "--catalog",
        choices=CATALOGS,
        default=os.environ.get("INPLACE_TEST_CATALOG", "sqlite"),
        help="where the data dirs of the tests keep their catalog: catalog.sqlite (the default) or a database "
        "on a PostgreSQL server the tests start (tests/postgres.py); INPLACE_TEST_CATALOG sets the default",
    )


def pytest_report_header(config):
    return f"catalog: {config.getoption('--catalog')}"


def on_postgresql(config) -> bool:
    return config.getoption("--catalog") == "postgresql"


@pytest.fixture
def catalog_url(request):
    """None on SQLite (the data dir's own catalog.sqlite); with --catalog=postgresql, a fresh database
    on the session's server, already migrated, dropped after the test."""
    if not on_postgresql(request.config):
        yield None
        return
    server = request.getfixturevalue("postgres")
    url = server.new_database(server.migrated_template)
    yield url
    server.drop_database(url)


@pytest.fixture
def sqlite_only(request):
    """For tests about the catalog.sqlite file itself: skipped when the catalog is on PostgreSQL."""
    if on_postgresql(request.config):
        pytest.skip("about the SQLite catalog file; a PostgreSQL catalog has none")


def write_settings(root: Path, text: str) -> None:
    """Replace a data dir's settings.toml by `text`, keeping the catalog_url line that names where its
    catalog is (a test's policy is beside the point of where the catalog lives)."""
    settings = root / "settings.toml"
    old = settings.read_text() if settings.exists() else ""
    kept = [line for line in old.splitlines() if line.split("=", 1)[0].strip() == "catalog_url"]
    settings.write_text("".join(f"{line}\n" for line in kept) + text)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_STATE_HOME", "state")):
        monkeypatch.setenv(var, str(home / sub))
    for var in ("INPLACE_DATA_DIR", "INPLACE_USER", "INPLACE_PASSWORD", "INPLACE_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture
def data_dir_path(tmp_path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def cli(data_dir_path, monkeypatch, capsys):
    """Run `inplace --data-dir <test data dir> ARGS...` in this process; returns (code, stdout, stderr)."""
    from engine.cli.main import main

    monkeypatch.setenv("INPLACE_PASSWORD", PASSWORD)
    monkeypatch.setenv("INPLACE_USER", "alice")

    def run(*args: str):
        code = main(["--data-dir", str(data_dir_path), *map(str, args)])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


@pytest.fixture
def data_dir(cli, data_dir_path, catalog_url):
    """A data dir with the administrator account alice and the test policy, its catalog where --catalog says."""
    code, _, err = cli("admin", "init", *(("--catalog-url", catalog_url) if catalog_url else ()))
    assert code == 0, err
    write_settings(data_dir_path, TEST_SETTINGS)
    from engine.datadir import DataDir

    d = DataDir(data_dir_path)
    yield d
    d.dispose()


@pytest.fixture
def account(data_dir):
    from engine.accounts import authenticate

    return authenticate(data_dir, "alice", PASSWORD)


def make_tree(root: Path) -> dict[str, bytes]:
    """A folder tree with nested folders, unicode and awkward names; returns relative path -> content."""
    files = {
        "plain.tif": b"plain" * 100,
        "nested/deeper/image 1.tif": os.urandom(5000),
        "nested/deeper/ünïcødé 画像.tif": os.urandom(3000),
        "nested/we:ird*name?.tif": b"awkward" * 10,
        "nested/empty.tif": b"",
        "big/large.raw": os.urandom(3 * 1024 * 1024 + 17),
    }
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return files


def cli_process_env() -> dict:
    """The environment of a CLI process signed in as alice."""
    return {**os.environ, "INPLACE_PASSWORD": PASSWORD, "INPLACE_USER": "alice"}


def cli_command(data_dir, *args) -> list[str]:
    """The CLI run as its own process (for kills, concurrency and terminals)."""
    return [sys.executable, "-m", "engine.cli.main", "--data-dir", str(data_dir), *map(str, args)]


def run_cli_process(data_dir: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli_command(data_dir, *args), capture_output=True, text=True, env=cli_process_env(), cwd=REPO, **kwargs
    )


def mount_tmpfs(path: Path, size: str = "64m") -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    path.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if result.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not allowed here: {result.stderr.decode().strip()}")


def unmount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], check=False)


@pytest.fixture
def tmpfs(tmp_path):
    """A real tmpfs mounted for the test: a second filesystem."""
    mnt = tmp_path / "tmpfs"
    mount_tmpfs(mnt)
    yield mnt
    unmount(mnt)


NOBODY = 65534


def run_as_nobody(fn, *args):
    """Run fn(*args) in a child process with uid and gid 65534 and no groups, and return its result.

    This is what `setpriv --reuid=65534 --regid=65534 --clear-groups` does before it execs; here the
    child keeps the interpreter it has, because this machine's Python lives under /root (mode 700),
    where another uid could not start it. The kernel checks the child exactly as any nobody process.
    """
    import json as _json

    if os.geteuid() != 0:
        pytest.skip("dropping to another uid needs root")
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        status = 0
        try:
            os.setgroups([])
            os.setresgid(NOBODY, NOBODY, NOBODY)
            os.setresuid(NOBODY, NOBODY, NOBODY)
            payload = {"ok": fn(*args)}
        except BaseException as exc:  # reported to the parent, which fails the test with it
            payload = {"error": f"{type(exc).__name__}: {exc}"}
            status = 1
        with os.fdopen(write_fd, "w") as f:
            _json.dump(payload, f)
        os._exit(status)
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        payload = _json.loads(f.read() or '{"error": "the child died"}')
    os.waitpid(pid, 0)
    if "error" in payload:
        raise AssertionError(payload["error"])
    return payload["ok"]


@pytest.fixture
def open_tmp():
    """A temporary folder every uid can enter (pytest's own are private to root)."""
    import shutil
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="inplace-test-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)
