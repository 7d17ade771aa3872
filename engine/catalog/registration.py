"""The importer's catalog writes: pending filesets (recorded by engine/catalog/pending.py before
their files exist) registered with their entries in one transaction, and every file's result kept
for the job."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from engine.catalog.models import FileResult, Fileset, FilesetEntry
from engine.states import FilesetState

CHUNK = 500  # values per IN (...) query


class NameTaken(Exception):
    """Another import claimed this job folder first (engine/catalog/pending.py); propose the next name."""


def register(conn: Connection, registered_ids: list[int], entries: list[dict], dropped_ids: list[int]) -> None:
    """Within the caller's transaction: the registered filesets and their entries, and the rows of
    filesets that were rolled back removed."""
    if registered_ids:
        conn.execute(update(Fileset).where(Fileset.id.in_(registered_ids)).values(state=FilesetState.REGISTERED))
        conn.execute(insert(FilesetEntry.__table__), entries)
    if dropped_ids:
        conn.execute(delete(Fileset).where(Fileset.id.in_(dropped_ids)))


def imported_meanwhile(conn: Connection, exclude: str, entries: list[dict]) -> set[int]:
    """The ids of filesets among `entries` (rows about to be registered) of which a file was registered
    by another import since this one made its plan, compared as `--exclude` compares: the same client
    path ('clientpath'), or the same file name and checksum ('filename').

    The plan's own exclusion is only a first look: two hosts planning overlapping selections at once
    both find nothing imported. Asked again while the caller holds the catalog's write lock (the
    lock the registering transaction took first), the answer is final: whoever registers first wins."""
    by_name = exclude == "filename"
    column = FilesetEntry.file_name if by_name else FilesetEntry.client_path
    keys = sorted({e["file_name"] if by_name else e["client_path"] for e in entries})
    found: set[tuple] = set()
    for i in range(0, len(keys), CHUNK):
        q = (
            select(column, FilesetEntry.checksum, FilesetEntry.checksum_algorithm)
            .join(Fileset)
            .where(column.in_(keys[i : i + CHUNK]), Fileset.state == FilesetState.REGISTERED)
        )
        found.update((key, checksum, algorithm) if by_name else (key,) for key, checksum, algorithm in conn.execute(q))

    def key(e: dict) -> tuple:
        return (e["file_name"], e["checksum"], e["checksum_algorithm"]) if by_name else (e["client_path"],)

    return {e["fileset_id"] for e in entries if key(e) in found}


def keep_results(conn: Connection, rows: list[dict]) -> None:
    if rows:
        conn.execute(insert(FileResult.__table__), rows)
