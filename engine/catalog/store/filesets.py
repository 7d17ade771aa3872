"""Filesets and their entries: listings, what was imported before, what links reach, and removal."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import delete, or_, select
from sqlalchemy.engine import Connection

from engine.catalog.models import Fileset, FilesetEntry, Job
from engine.catalog.store.base import Catalog
from engine.catalog.store.groups import fileset_seen_by
from engine.states import FilesetState
from engine.yielding import let_others_run

CHUNK = 500  # values per IN (...): SQLite limits a statement's variables
LINK_CHUNK = 400  # two lists per statement in link_candidates


def list_filesets(catalog: Catalog, owner_id: int | None) -> list[dict]:
    """Registered filesets with their entries: those the account `owner_id` sees (its own and its
    groups' as their levels allow: store.groups.fileset_seen_by), or everyone's when it is None."""
    query = select(Fileset).where(Fileset.state == FilesetState.REGISTERED).order_by(Fileset.id)
    entry_query = select(FilesetEntry).join(Fileset).where(Fileset.state == FilesetState.REGISTERED)
    if owner_id is not None:
        query = query.where(fileset_seen_by(owner_id))
        entry_query = entry_query.where(fileset_seen_by(owner_id))
    with catalog.session() as s:
        filesets = list(s.scalars(query))
        entries: dict[int, list[FilesetEntry]] = {}
        for e in s.scalars(entry_query.order_by(FilesetEntry.id)):
            entries.setdefault(e.fileset_id, []).append(e)
    return [
        {
            "id": fs.id,
            "name": fs.name,
            "job_id": fs.job_id,
            "owner_id": fs.owner_id,
            "group_id": fs.group_id,
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


def registered(catalog: Catalog, column: Literal["client_path", "file_name"], values: Iterable[str]) -> set[str]:
    """Which of `values` registered entries have in `column` (queried in chunks)."""
    field = FilesetEntry.client_path if column == "client_path" else FilesetEntry.file_name
    found: set[str] = set()
    items = list(values)
    with catalog.session() as s:
        for i in range(0, len(items), CHUNK):
            q = (
                select(field)
                .join(Fileset)
                .where(field.in_(items[i : i + CHUNK]), Fileset.state == FilesetState.REGISTERED)
            )
            found.update(s.execute(q).scalars())
            let_others_run()  # hundreds of short queries in a row: the wizard's event loop waits beside
    return found


def registered_holders(catalog: Catalog, client_paths: Iterable[str]) -> dict[str, int]:
    """The registered fileset holding each of these client paths that was imported before (in chunks)."""
    found: dict[str, int] = {}
    items = list(client_paths)
    with catalog.session() as s:
        for i in range(0, len(items), CHUNK):
            q = (
                select(FilesetEntry.client_path, FilesetEntry.fileset_id)
                .join(Fileset)
                .where(FilesetEntry.client_path.in_(items[i : i + CHUNK]), Fileset.state == FilesetState.REGISTERED)
            )
            found.update((path, fileset_id) for path, fileset_id in s.execute(q))
            let_others_run()
    return found


def registered_copy(catalog: Catalog, file_name: str, checksum: str, algorithm: str) -> bool:
    """Whether a registered entry has this file name and checksum."""
    q = (
        select(FilesetEntry.id)
        .join(Fileset)
        .where(
            FilesetEntry.file_name == file_name,
            FilesetEntry.checksum == checksum,
            FilesetEntry.checksum_algorithm == algorithm,
            Fileset.state == FilesetState.REGISTERED,
        )
    )
    with catalog.session() as s:
        return s.execute(q.limit(1)).first() is not None


def link_candidates(
    db: Catalog | Connection, real_paths: list[str], file_names: list[str], path_free_transfers: Iterable[str]
) -> list[tuple[str, str | None, int]]:
    """(source path, real path, fileset id) of registered entries, of transfers that follow the source
    path, whose real path or file name is among those given. `db` is a connection the caller holds
    (the deletion step's holds the write lock), or the data dir to read afresh."""
    if not isinstance(db, Connection):
        with db.session() as s:
            return link_candidates(s.connection(), real_paths, file_names, path_free_transfers)
    skip = list(path_free_transfers)
    rows: list[tuple[str, str | None, int]] = []
    for i in range(0, max(len(real_paths), len(file_names)), LINK_CHUNK):
        query = (
            select(FilesetEntry.source_path, FilesetEntry.source_real_path, Fileset.id)
            .join(Fileset)
            .where(
                Fileset.state == FilesetState.REGISTERED,
                Fileset.transfer.not_in(skip),
                or_(
                    FilesetEntry.source_real_path.in_(real_paths[i : i + LINK_CHUNK]),
                    FilesetEntry.file_name.in_(file_names[i : i + LINK_CHUNK]),
                ),
            )
        )
        rows.extend((source, real, fileset_id) for source, real, fileset_id in db.execute(query))
        let_others_run()
    return rows


def repo_dirs(catalog: Catalog) -> list[tuple[str, str]]:
    """Every fileset's folder (relative to the repository) with its state, and every job's folder, with
    the state "job" (claimed before it is made, so a folder seen on disk is always known here)."""
    with catalog.session() as s:
        rows = [(d, state) for d, state in s.execute(select(Fileset.repo_dir, Fileset.state).distinct())]
        rows += [(d, "job") for d in s.scalars(select(Job.repo_dir).where(Job.repo_dir.is_not(None))) if d]
        return rows


def pending(catalog: Catalog, job_id: int) -> list[tuple[int, str]]:
    """A job's unfinished filesets: (id, folder)."""
    query = select(Fileset.id, Fileset.repo_dir).where(Fileset.job_id == job_id, Fileset.state == FilesetState.PENDING)
    with catalog.session() as s:
        return [(i, d) for i, d in s.execute(query)]


def of_job(catalog: Catalog, job_id: int) -> list[int]:
    with catalog.session() as s:
        return list(s.scalars(select(Fileset.id).where(Fileset.job_id == job_id)))


@dataclass(frozen=True)
class EntryRecord:
    source_path: str
    repo_path: str
    size: int
    mtime: float


@dataclass(frozen=True)
class FilesetRecord:
    id: int
    name: str
    owner_id: int
    transfer: str
    repo_dir: str
    entries: tuple[EntryRecord, ...]


def with_entries(catalog: Catalog, fileset_ids: list[int]) -> list[FilesetRecord]:
    """These filesets (those that exist), each with its entries."""
    with catalog.session() as s:
        filesets = list(s.scalars(select(Fileset).where(Fileset.id.in_(fileset_ids))))
        return [
            FilesetRecord(
                fs.id,
                fs.name,
                fs.owner_id,
                fs.transfer,
                fs.repo_dir,
                tuple(
                    EntryRecord(e.source_path, e.repo_path, e.size, e.mtime)
                    for e in s.scalars(select(FilesetEntry).where(FilesetEntry.fileset_id == fs.id))
                ),
            )
            for fs in filesets
        ]


def remove(catalog: Catalog, fileset_ids: list[int]) -> None:
    """Delete fileset rows; their entries go with them."""
    with catalog.session() as s, s.begin():
        s.execute(delete(Fileset).where(Fileset.id.in_(fileset_ids)))
