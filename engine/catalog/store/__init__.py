"""The catalog store: every query the engine makes, one module per domain, so no SQL lives outside
engine/catalog/ and what differs between databases (SQLite now, PostgreSQL later) sits here.

Functions take the data dir (anything with a `session()`, see `base.Catalog`) or, where the caller
holds a transaction, its connection, and return plain values, dicts and small frozen dataclasses:
never ORM objects, which would carry a database session into the rest of the engine.

    accounts    accounts (AccountRef) and remembered sign-ins
    jobs        job rows, their acknowledgements, and which were interrupted
    filesets    filesets and entries: listings, earlier imports, links, removal
    containers  projects and datasets
    health      entry health (verify), its history, and relinks
"""

from engine.catalog.store import accounts, containers, filesets, health, jobs
from engine.catalog.store.accounts import AccountRef
from engine.catalog.store.filesets import list_filesets
from engine.catalog.store.jobs import unfinished_sources

__all__ = ["AccountRef", "accounts", "containers", "filesets", "health", "jobs", "list_filesets", "unfinished_sources"]
