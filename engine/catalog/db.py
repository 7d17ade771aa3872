"""Open the catalog: SQLite in WAL mode with a busy timeout, migrated to the newest schema with Alembic."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from engine.errors import CatalogError

HERE = Path(__file__).parent
BUSY_TIMEOUT_MS = int(os.environ.get("INPLACE_BUSY_TIMEOUT_MS", "30000"))  # lowered by tests


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


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config("sqlite://")).get_current_head() or ""


def open_catalog(url: str) -> Engine:
    """Create the engine and bring the schema up to date; any failure becomes a CatalogError."""
    try:
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        _migrate(engine, url)
        return engine
    except SQLAlchemyError as exc:
        raise CatalogError(
            f"The catalog at {url} could not be opened ({exc.__class__.__name__}: {exc.args[0] if exc.args else ''}).",
            "Check that the data dir is on a local disk this account can write.",
        ) from exc


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


def _broken_links(conn) -> set[tuple]:
    """Rows whose foreign key points nowhere, as (table, rowid, parent table)."""
    return {tuple(row[:3]) for row in conn.exec_driver_sql("PRAGMA foreign_key_check")}


def sqlite_url(path: str | os.PathLike) -> str:
    return f"sqlite:///{os.fspath(path)}"
