"""What the store needs of a data dir (sessions on its catalog), and the catalog's write lock, which
is where SQLite and PostgreSQL differ most."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

# The key of PostgreSQL's advisory lock that stands for "the catalog's write lock" (ASCII "inpl").
CATALOG_LOCK_KEY = 0x696E706C


class Catalog(Protocol):
    """A data dir, as far as the store is concerned (engine.datadir.DataDir is one)."""

    def session(self) -> Session: ...


def exclusive(conn: Connection | Session) -> None:
    """Within the caller's transaction, hold the catalog's write lock until it ends.

    SQLite's transactions begin with BEGIN IMMEDIATE (engine.catalog.db): holding one is holding the
    one writer's lock already. PostgreSQL lets writers run side by side, so steps that must exclude
    each other across hosts (deleting originals, registering links, exclude-and-register, migrating)
    take one transaction-scoped advisory lock, released by the commit or rollback. Like SQLite's busy
    timeout, the wait is bounded: a host that holds the lock too long (stopped, hung on its storage)
    makes the others stop with a sentence (engine.catalog.db.server_error), not wait for ever."""
    bind = conn.get_bind() if isinstance(conn, Session) else conn
    if bind.dialect.name == "postgresql":
        from engine.catalog.db import BUSY_TIMEOUT_MS

        conn.execute(text(f"SET LOCAL lock_timeout = {int(BUSY_TIMEOUT_MS)}"))  # milliseconds
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CATALOG_LOCK_KEY})
