"""Images of filesets (series, as the format's reader saw them) and their thumbnails' paths."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import delete, insert, select

from engine.catalog.models import Fileset, FilesetEntry, Image
from engine.catalog.store.base import Catalog
from engine.states import FilesetState

COLUMNS = [c.name for c in Image.__table__.columns if c.name not in ("id", "fileset_id", "read_at")]


def fileset_files(catalog: Catalog, fileset_id: int) -> tuple[str, str | None, list[str]] | None:
    """A registered fileset's name, format and its files' repository paths; None when there is none."""
    with catalog.session() as s:
        row = s.execute(
            select(Fileset.name, Fileset.format).where(
                Fileset.id == fileset_id, Fileset.state == FilesetState.REGISTERED
            )
        ).first()
        if row is None:
            return None
        paths = s.scalars(
            select(FilesetEntry.repo_path).where(FilesetEntry.fileset_id == fileset_id).order_by(FilesetEntry.id)
        )
        return row.name, row.format, list(paths)


def replace_images(catalog: Catalog, fileset_id: int, rows: list[dict]) -> bool:
    """Record a fileset's images in one transaction, replacing those recorded before. False, and
    nothing recorded, when the fileset was deleted meanwhile."""
    now = datetime.now()
    values = [
        {
            **{k: row.get(k) for k in COLUMNS},
            "channels": json.dumps(row.get("channels") or []),
            "levels": row.get("levels") or 1,
            "fileset_id": fileset_id,
            "read_at": now,
        }
        for row in rows
    ]
    with catalog.session() as s, s.begin():
        exists = s.scalar(select(Fileset.id).where(Fileset.id == fileset_id, Fileset.state == FilesetState.REGISTERED))
        s.execute(delete(Image).where(Image.fileset_id == fileset_id))
        if exists is not None and values:
            s.execute(insert(Image.__table__), values)
    return exists is not None


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
        query = query.where(Fileset.owner_id == owner_id)
    with catalog.session() as s:
        return list(s.scalars(query))


def fileset_owner(catalog: Catalog, fileset_id: int) -> int | None:
    """The owner of a registered fileset, or None when there is no such fileset."""
    query = select(Fileset.owner_id).where(Fileset.id == fileset_id, Fileset.state == FilesetState.REGISTERED)
    with catalog.session() as s:
        return s.scalar(query)
