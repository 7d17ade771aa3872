"""Open the catalog, migrated to the newest schema with Alembic: SQLite in WAL mode with a busy timeout
(the embedded default), or PostgreSQL through psycopg 3 for several import hosts (DESIGN 18)."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from engine.errors import CatalogError

HERE = Path(__file__).parent
BUSY_TIMEOUT_MS = int(os.environ.get("INPLACE_BUSY_TIMEOUT_MS", "30000"))  # lowered by tests
PASSWORD_ENV = "INPLACE_CATALOG_PASSWORD"  # a PostgreSQL catalog's password, never kept in settings.toml


def _sqlite_connect(dbapi_conn, _record) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE instead of pysqlite's lazy BEGIN, so a
    # writer waits for the lock up front (busy timeout) rather than failing on a lock upgrade.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # NORMAL in WAL keeps the database consistent on a crash; the importer syncs before deleting sources.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


_REVISION = re.compile(r'^(down_revision|revision) = (?:"(\w+)"|None)', re.MULTILINE)


def head_revision() -> str:
    """The newest revision, read from the migration files' own lines: importing alembic to ask it
    costs a fifth of a second at every start of the command line, and is only needed to migrate."""
    revisions, parents = set(), set()
    for path in (HERE / "migrations" / "versions").glob("*.py"):
        found = dict((name, value) for name, value in _REVISION.findall(path.read_text()))
        if found.get("revision"):
            revisions.add(found["revision"])
            parents.add(found.get("down_revision") or "")
    heads = revisions - parents
    if len(heads) == 1:
        return heads.pop()
    from alembic.script import ScriptDirectory  # several heads or an unusual file: ask alembic

    return ScriptDirectory.from_config(_alembic_config("sqlite://")).get_current_head() or ""


def open_catalog(url: str) -> Engine:
    """Create the engine and bring the schema up to date; any failure becomes a CatalogError."""
    try:
        engine = create_engine(url, **_engine_options(url))
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        _migrate(engine, url)
        return engine
    except SQLAlchemyError as exc:
        raise CatalogError(
            f"The catalog at {shown_url(url)} could not be opened ({exc.__class__.__name__}: "
            f"{exc.args[0] if exc.args else ''}).",
            "Check that the data dir is on a local disk this account can write."
            if is_sqlite(url)
            else "Check that the database server is running and that this account may use the database "
            f"(its password comes from {PASSWORD_ENV} or ~/.pgpass).",
        ) from exc


def server_error(exc: BaseException) -> CatalogError | None:
    """The plain error for a lost or refused connection to a PostgreSQL catalog, or None."""
    import psycopg

    orig = getattr(exc, "orig", None)  # SQLAlchemy wraps the driver's exception
    for candidate in (exc, orig):
        if isinstance(candidate, psycopg.errors.LockNotAvailable):  # store.base.exclusive's bounded wait
            return CatalogError(
                f"The catalog database is locked by another command (on this or another import host), which "
                f"kept it locked for more than {BUSY_TIMEOUT_MS / 1000:g} seconds, so the command stopped.",
                "Wait until that command has finished ('inplace jobs' lists running imports), or stop it.",
            )
        if isinstance(candidate, psycopg.OperationalError):
            detail = " ".join(str(candidate).split())
            return CatalogError(
                f"The connection to the catalog database was lost ({detail}), so the command stopped.",
                "Check that the database server is running and reachable from this host.",
            )
    return None


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def shown_url(url: str) -> str:
    """The URL with any password masked, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def check_catalog_url(url: str) -> str:
    """A catalog URL the engine can use: SQLite, or PostgreSQL through psycopg 3, without a password."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # SQLAlchemy raises ArgumentError or ValueError for what it cannot parse
        raise CatalogError(f"'{url}' is not a database URL.", _URL_HINT) from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql") or (
        parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() != "psycopg"
    ):
        raise CatalogError(f"The catalog cannot be kept in {shown_url(url)}.", _URL_HINT)
    if parsed.password:
        raise CatalogError(
            "A catalog URL must not hold a password: settings.toml is readable by every user of the data dir.",
            f"Give the password in {PASSWORD_ENV} or in ~/.pgpass instead.",
        )
    return url


_URL_HINT = "Use postgresql+psycopg://USER@HOST/DATABASE (or ?host=/socket/folder), or sqlite:////path/catalog.sqlite."


def _engine_options(url: str) -> dict:
    if is_sqlite(url):
        return {"connect_args": {"timeout": BUSY_TIMEOUT_MS / 1000}}
    connect_args: dict = {"connect_timeout": 10, "application_name": "inplace"}
    if os.environ.get(PASSWORD_ENV):
        connect_args["password"] = os.environ[PASSWORD_ENV]  # otherwise libpq reads ~/.pgpass itself
    # A server restarted under a long-lived process (the DropBox service) hands out fresh connections.
    return {"connect_args": connect_args, "pool_pre_ping": True}


# The data dir holds the catalog's engine and hands out its sessions; it names their types (Engine,
# Session, SessionFactory) from here, so no module outside engine.catalog imports SQLAlchemy.
SessionFactory = sessionmaker[Session]


def session_factory(engine: Engine) -> SessionFactory:
    """Sessions whose objects stay readable after commit (the store reads them after its transaction)."""
    return sessionmaker(engine, expire_on_commit=False)


def _migrate(engine: Engine, url: str) -> None:
    with engine.connect() as conn:
        current = None
        if inspect(conn).has_table("alembic_version"):
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if current == head_revision():
        return
    from alembic import command

    cfg = _alembic_config(url)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        driver = conn.connection.dbapi_connection
        assert driver is not None  # an open connection always has its driver's connection
        if sqlite:
            # Rebuilding a table drops the old one, which foreign keys would forbid (or cascade). The
            # pragma is ignored inside a transaction, so it goes to the driver before BEGIN.
            driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                if not sqlite:
                    _exclusive(conn)  # two hosts starting at once: the second finds the schema migrated
                broken = _broken_links(conn) if sqlite else set()
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if sqlite and _broken_links(conn) - broken:
                    raise CatalogError(
                        "Upgrading the catalog would break a link between its tables, so it was left as it was.",
                        "Restore it from a backup, or report this with a copy of the catalog.",
                    )
        finally:
            if sqlite:
                driver.execute("PRAGMA foreign_keys=ON")


def create_sqlite_file(path: Path, mode: int) -> None:
    """Create the database file with `mode` before SQLite does (SQLite would follow the umask);
    its -wal and -shm files then get the same mode from SQLite itself."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, mode)
    except OSError:
        return  # it exists, or SQLite will report why it cannot be made
    try:
        os.fchmod(fd, mode)  # the umask may have taken bits that a group-shared catalog needs
    finally:
        os.close(fd)


def restrict_sqlite_files(path: Path, mode: int) -> None:
    """Give the database and its -wal and -shm files `mode`, where this process's user owns them:
    catalogs made before, or -wal files left by a crash, may still be readable by others."""
    for name in (str(path), f"{path}-wal", f"{path}-shm"):
        try:
            st = os.stat(name)
            if st.st_uid == os.geteuid() and stat.S_IMODE(st.st_mode) != mode:
                os.chmod(name, mode)
        except FileNotFoundError:
            continue


def _exclusive(conn) -> None:
    from engine.catalog.store.base import exclusive

    exclusive(conn)


def _broken_links(conn) -> set[tuple]:
    """Rows whose foreign key points nowhere, as (table, rowid, parent table)."""
    return {tuple(row[:3]) for row in conn.exec_driver_sql("PRAGMA foreign_key_check")}


def sqlite_url(path: str | os.PathLike) -> str:
    return f"sqlite:///{os.fspath(path)}"
