"""The importer's catalog writes: fileset rows recorded as pending before their folders exist,
registered with their entries in one transaction, and every file's result kept for the job."""

from __future__ import annotations

from sqlalchemy import delete, insert, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from engine.catalog.models import FileResult, Fileset, FilesetEntry
from engine.states import FilesetState


class NameTaken(Exception):
    """Another import recorded one of these fileset folders first; propose new names and retry."""


def record_pending(engine: Engine, rows: list[dict]) -> list[int]:
    """Insert pending fileset rows (their folder names are unique) and return their ids, in order."""
    stmt = insert(Fileset.__table__).returning(Fileset.id, sort_by_parameter_order=True)
    try:
        with engine.begin() as conn:
            return list(conn.execute(stmt, rows).scalars().all())
    except IntegrityError as exc:
        raise NameTaken from exc


def move_pending(engine: Engine, fileset_id: int, repo_dir: str) -> None:
    with engine.begin() as conn:
        conn.execute(update(Fileset).where(Fileset.id == fileset_id).values(repo_dir=repo_dir))


def register(conn: Connection, registered_ids: list[int], entries: list[dict], dropped_ids: list[int]) -> None:
    """Within the caller's transaction: the registered filesets and their entries, and the rows of
    filesets that were rolled back removed."""
    if registered_ids:
        conn.execute(update(Fileset).where(Fileset.id.in_(registered_ids)).values(state=FilesetState.REGISTERED))
        conn.execute(insert(FilesetEntry.__table__), entries)
    if dropped_ids:
        conn.execute(delete(Fileset).where(Fileset.id.in_(dropped_ids)))


def keep_results(conn: Connection, rows: list[dict]) -> None:
    if rows:
        conn.execute(insert(FileResult.__table__), rows)
