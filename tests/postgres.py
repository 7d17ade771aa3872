"""A real PostgreSQL server for the tests: Debian's `postgresql` package, started by the tests as the
`postgres` user on a private Unix socket in a temporary folder, once per session, stopped at its end.

Without root or without the package the tests that need it are skipped, with the reason; under CI
(the environment names `CI`) they fail instead, so a CI machine cannot pass by skipping them.
"""

from __future__ import annotations

import functools
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

SERVER_USER = "postgres"
_numbers = itertools.count(1)


def server_binaries() -> Path | None:
    """The newest installed server's bin folder (/usr/lib/postgresql/N/bin), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parent.parent.name))
    return Path(found[-1]).parent if found else None


def unavailable_reason() -> str | None:
    if os.geteuid() != 0:
        return "starting a PostgreSQL server as the postgres user needs root"
    if server_binaries() is None:
        return "Debian's postgresql package is not installed (scripts/setup.sh installs it as root)"
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        return f"there is no '{SERVER_USER}' user (the postgresql package makes it)"
    return None


def skip_or_fail(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


class PostgresServer:
    """One server: a cluster in `root`/data, listening only on the socket folder `root`/sock."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.socket_dir = root / "sock"
        self.bin = server_binaries()

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = ["runuser", "-u", SERVER_USER, "--", str(self.bin / args[0]), *args[1:]]
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=self.root, timeout=120)
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:1])} failed: {result.stdout} {result.stderr}")
        return result

    def init(self) -> None:
        user = pwd.getpwnam(SERVER_USER)
        self.root.chmod(0o755)  # the server's user enters it; the cluster itself stays 0700
        for folder in (self.socket_dir, self.data):
            folder.mkdir(mode=0o700)
            os.chown(folder, user.pw_uid, user.pw_gid)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", SERVER_USER, "-E", "UTF8", "--no-sync")

    def start(self, durable: bool = False) -> None:
        """Start the server; the tests' own (not `durable`) skips flushing to disk, which they never need."""
        options = f"-k {self.socket_dir} -h '' -c max_connections=60"
        if not durable:
            options += " -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.data / "server.log"), "-w", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{SERVER_USER}@/{database}?host={self.socket_dir}"

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(host=str(self.socket_dir), user=SERVER_USER, dbname="postgres", autocommit=True) as conn:
            conn.execute(statement)

    def new_database(self, template: str = "template1") -> str:
        """A fresh database, a copy of `template` (by default an empty one); returns its catalog URL."""
        name = f"catalog_{os.getpid()}_{next(_numbers)}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a test's database, closing whatever connections a test process left open to it."""
        self._admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    @functools.cached_property
    def migrated_template(self) -> str:
        """A database already carrying the whole migration chain, copied for each engine test run on
        PostgreSQL: copying it takes a few milliseconds, migrating afresh most of a second."""
        from engine.catalog.db import open_catalog

        url = self.new_database()
        open_catalog(url).dispose()
        return make_url(url).database or ""


@pytest.fixture(scope="session")
def postgres():
    """The session's PostgreSQL server (skipped, or failed under CI, when it cannot run here)."""
    reason = unavailable_reason()
    if reason:
        skip_or_fail(reason)
    root = Path(tempfile.mkdtemp(prefix="inplace-pg-"))
    server = PostgresServer(root)
    try:
        server.init()
        server.start()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        server.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)
        skip_or_fail(f"the PostgreSQL server did not start: {exc}")
    yield server
    server.stop("immediate")
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_url(postgres):
    """A fresh empty database on the session's server, as a catalog URL."""
    url = postgres.new_database()
    yield url
    postgres.drop_database(url)
