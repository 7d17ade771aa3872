"""The per-job layout's catalog side: a job claims its folder before making it, and each batch of
filesets is recorded as pending together with the repository paths it is about to create, so that
recovery removes exactly those and nothing else."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from engine.catalog.models import Fileset, FilesetEntry, Job, PendingPaths
from engine.catalog.registration import NameTaken
from engine.catalog.store.base import Catalog
from engine.states import FilesetState

CHUNK = 500  # values per IN (...): SQLite limits a statement's variables


def claim_job_folder(engine: Engine, job_id: int, repo_dir: str) -> None:
    """Give the job its folder name; NameTaken when another job holds it (names are unique)."""
    try:
        with engine.begin() as conn:
            conn.execute(update(Job).where(Job.id == job_id).values(repo_dir=repo_dir))
    except IntegrityError as exc:
        raise NameTaken from exc


def record_batch(engine: Engine, rows: list[dict], paths: list[list[str]]) -> list[int]:
    """In one transaction: pending fileset rows, and for each the repository paths it will create.
    Returns the fileset ids, in order."""
    stmt = insert(Fileset.__table__).returning(Fileset.id, sort_by_parameter_order=True)
    with engine.begin() as conn:
        ids = list(conn.execute(stmt, rows).scalars().all())
        conn.execute(
            insert(PendingPaths.__table__),
            [{"fileset_id": i, "paths": "\n".join(p)} for i, p in zip(ids, paths, strict=True) if p],
        )
    return ids


def clear(conn: Connection, fileset_ids: list[int]) -> None:
    """Within the registering transaction: these filesets' paths are no longer pending."""
    for i in range(0, len(fileset_ids), CHUNK):
        conn.execute(delete(PendingPaths).where(PendingPaths.fileset_id.in_(fileset_ids[i : i + CHUNK])))


def job_folder(catalog: Catalog, job_id: int) -> str | None:
    with catalog.session() as s:
        return s.scalar(select(Job.repo_dir).where(Job.id == job_id))


def pending_paths(catalog: Catalog, fileset_ids: list[int]) -> list[str]:
    """The paths these pending filesets recorded before creating them."""
    out: list[str] = []
    with catalog.session() as s:
        for i in range(0, len(fileset_ids), CHUNK):
            query = select(PendingPaths.paths).where(PendingPaths.fileset_id.in_(fileset_ids[i : i + CHUNK]))
            for text in s.scalars(query):
                out.extend(text.split("\n"))
    return out


def registered_paths(catalog: Catalog, repo_dir: str) -> set[str]:
    """Repository paths of registered entries whose fileset lives in `repo_dir`: never removed as pending."""
    query = (
        select(FilesetEntry.repo_path)
        .join(Fileset)
        .where(Fileset.repo_dir == repo_dir, Fileset.state == FilesetState.REGISTERED)
    )
    with catalog.session() as s:
        return set(s.scalars(query))


def in_job_folder(catalog: Catalog, fileset_ids: list[int]) -> set[int]:
    """Which of these filesets share their job's folder (the per-job layout); the others own theirs."""
    found: set[int] = set()
    with catalog.session() as s:
        for i in range(0, len(fileset_ids), CHUNK):
            query = (
                select(Fileset.id)
                .join(Job, Job.id == Fileset.job_id)
                .where(Fileset.id.in_(fileset_ids[i : i + CHUNK]), Job.repo_dir == Fileset.repo_dir)
            )
            found.update(s.scalars(query))
    return found
