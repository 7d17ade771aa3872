"""Catalog queries that front ends need, in one place, so no SQL lives outside engine/catalog/.

Functions take the data dir's SQLAlchemy engine or session factory and return plain rows (dicts),
never ORM objects that would drag a database session into a front end.
"""

from __future__ import annotations

from sqlalchemy import select

from engine.catalog.models import FileResult, Fileset, FilesetEntry, Job
from engine.states import FilesetState, FileState


def list_filesets(data_dir, owner_id: int | None) -> list[dict]:
    """Registered filesets with their entries: one owner's, or everyone's when `owner_id` is None."""
    query = select(Fileset).where(Fileset.state == FilesetState.REGISTERED).order_by(Fileset.id)
    entry_query = select(FilesetEntry).join(Fileset).where(Fileset.state == FilesetState.REGISTERED)
    if owner_id is not None:
        query = query.where(Fileset.owner_id == owner_id)
        entry_query = entry_query.where(Fileset.owner_id == owner_id)
    with data_dir.session() as s:
        filesets = list(s.scalars(query))
        entries: dict[int, list[FilesetEntry]] = {}
        for e in s.scalars(entry_query.order_by(FilesetEntry.id)):
            entries.setdefault(e.fileset_id, []).append(e)
    return [
        {
            "id": fs.id,
            "name": fs.name,
            "job_id": fs.job_id,
            "dataset_id": fs.dataset_id,
            "transfer": fs.transfer,
            "repo_dir": fs.repo_dir,
            "created_at": fs.created_at.isoformat(timespec="seconds"),
            "entries": [
                {
                    "source_path": e.source_path,
                    "client_path": e.client_path,
                    "repo_path": e.repo_path,
                    "size": e.size,
                    "checksum_algorithm": e.checksum_algorithm,
                    "checksum": e.checksum,
                }
                for e in entries.get(fs.id, [])
            ],
        }
        for fs in filesets
    ]


def unfinished_sources(data_dir, job_id: int) -> tuple[int | None, list[str]]:
    """The owner of a job and the sources it failed or cancelled, in the order it met them."""
    with data_dir.session() as s:
        owner = s.scalar(select(Job.account_id).where(Job.id == job_id))
        rows = s.scalars(
            select(FileResult.source_path)
            .where(FileResult.job_id == job_id, FileResult.state.in_([FileState.FAILED, FileState.CANCELLED]))
            .order_by(FileResult.id)
        )
        return owner, list(dict.fromkeys(rows))
