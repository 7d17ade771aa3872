"""Images of filesets (series, as the format's reader saw them) and their thumbnails' paths."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import delete, insert, select

from engine.catalog.models import Fileset, FilesetEntry, Image
from engine.catalog.store.base import Catalog
from engine.catalog.store.groups import fileset_seen_by
from engine.states import FilesetState

CHUNK = 500  # values per IN (...): SQLite limits a statement's variables
COLUMNS = [c.name for c in Image.__table__.columns if c.name not in ("id", "fileset_id", "read_at")]


def fileset_files(catalog: Catalog, fileset_ids: list[int]) -> dict[int, tuple[str, str | None, list[str]]]:
    """Registered filesets' names, formats and their files' repository paths, by id (those that exist)."""
    found: dict[int, tuple[str, str | None, list[str]]] = {}
    with catalog.session() as s:
        for i in range(0, len(fileset_ids), CHUNK):
            chunk = fileset_ids[i : i + CHUNK]
            query = select(Fileset.id, Fileset.name, Fileset.format).where(
                Fileset.id.in_(chunk), Fileset.state == FilesetState.REGISTERED
            )
            for fileset_id, name, fmt in s.execute(query):
                found[fileset_id] = (name, fmt, [])
            entries = select(FilesetEntry.fileset_id, FilesetEntry.repo_path).where(FilesetEntry.fileset_id.in_(chunk))
            for fileset_id, repo_path in s.execute(entries.order_by(FilesetEntry.id)):
                if fileset_id in found:
                    found[fileset_id][2].append(repo_path)
    return found


def replace_images(catalog: Catalog, rows_by_fileset: dict[int, list[dict]]) -> set[int]:
    """Record filesets' images in one transaction, replacing those recorded before; returns the ids
    recorded (a fileset deleted meanwhile is not)."""
    now = datetime.now()
    ids = list(rows_by_fileset)
    with catalog.session() as s, s.begin():
        existing: set[int] = set()
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            s.execute(delete(Image).where(Image.fileset_id.in_(chunk)))
            query = select(Fileset.id).where(Fileset.id.in_(chunk), Fileset.state == FilesetState.REGISTERED)
            existing.update(s.scalars(query))
        values = [
            {
                **{k: row.get(k) for k in COLUMNS},
                "channels": json.dumps(row.get("channels") or []),
                "levels": row.get("levels") or 1,
                "fileset_id": fileset_id,
                "read_at": now,
            }
            for fileset_id, rows in rows_by_fileset.items()
            if fileset_id in existing
            for row in rows
        ]
        if values:
            s.execute(insert(Image.__table__), values)
    return existing


def images_of(catalog: Catalog, fileset_ids: list[int] | None = None) -> dict[int, list[dict]]:
    """Recorded images by fileset id, in series order: of these filesets, or of all. A fileset
    whose images were not read yet is missing from the answer."""
    query = select(Image).order_by(Image.fileset_id, Image.series)
    if fileset_ids is not None:
        query = query.where(Image.fileset_id.in_(fileset_ids))
    found: dict[int, list[dict]] = {}
    with catalog.session() as s:
        for image in s.scalars(query):
            row = {k: getattr(image, k) for k in COLUMNS}
            row["channels"] = json.loads(image.channels or "[]")
            row["read_at"] = image.read_at.isoformat(timespec="seconds")
            found.setdefault(image.fileset_id, []).append(row)
    return found


def registered_ids(catalog: Catalog, owner_id: int | None) -> list[int]:
    """Registered filesets: one owner's, or everyone's when `owner_id` is None."""
    query = select(Fileset.id).where(Fileset.state == FilesetState.REGISTERED).order_by(Fileset.id)
    if owner_id is not None:
        query = query.where(fileset_seen_by(owner_id))
    with catalog.session() as s:
        return list(s.scalars(query))


def fileset_owner(catalog: Catalog, fileset_id: int) -> int | None:
    """The owner of a registered fileset, or None when there is no such fileset."""
    query = select(Fileset.owner_id).where(Fileset.id == fileset_id, Fileset.state == FilesetState.REGISTERED)
    with catalog.session() as s:
        return s.scalar(query)


def job_filesets(
    catalog: Catalog, job_ids: list[int], owner_id: int | None, limit: int | None = None
) -> list[tuple[int, str]]:
    """(id, name) of the (first `limit`) filesets these jobs registered, in the order they were
    registered; limited to one owner's unless `owner_id` is None."""
    query = select(Fileset.id, Fileset.name).where(
        Fileset.job_id.in_(job_ids), Fileset.state == FilesetState.REGISTERED
    )
    if owner_id is not None:
        query = query.where(fileset_seen_by(owner_id))
    with catalog.session() as s:
        return [(fileset_id, name) for fileset_id, name in s.execute(query.order_by(Fileset.id).limit(limit))]
