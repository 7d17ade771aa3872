"""Open the catalog: SQLite in WAL mode with a busy timeout, migrated to the newest schema with Alembic."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from engine.errors import CatalogError

HERE = Path(__file__).parent
BUSY_TIMEOUT_MS = 30_000


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


def _migrate(engine: Engine, url: str) -> None:
    with engine.connect() as conn:
        current = None
        if inspect(conn).has_table("alembic_version"):
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if current == head_revision():
        return
    from alembic import command

    cfg = _alembic_config(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def sqlite_url(path: str | os.PathLike) -> str:
    return f"sqlite:///{os.fspath(path)}"
