"""DropBox folders in the catalog: registered, listed, removed; what the service found waiting in each,
the imports it made or that failed there, and which of its jobs an interrupted service left behind."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import aliased

from engine.catalog.models import Account, DropboxEvent, Job, WatchedFolder
from engine.catalog.store.base import Catalog


@dataclass(frozen=True)
class FolderRecord:
    id: int
    path: str
    account_id: int
    account_name: str
    options: dict  # transfer, checksum_algorithm, target, exclude
    quiet_seconds: float
    polling: bool
    added_by: str
    added_by_is_admin: bool
    added_at: datetime
    accepted_statements: list[dict] | None  # [{id, text}]: the standing acknowledgement, if any
    accepted_warnings: list[str]
    accepted_os_user: str | None
    note: str | None
    checked_at: datetime | None


@dataclass(frozen=True)
class EventRecord:
    at: datetime
    outcome: str
    fileset: str
    job_id: int | None
    message: str | None


def _folders_query():
    owner, adder = aliased(Account), aliased(Account)
    return (
        select(WatchedFolder, owner.name, adder.name, adder.is_admin)
        .join(owner, owner.id == WatchedFolder.account_id)
        .join(adder, adder.id == WatchedFolder.added_by_id)
        .order_by(WatchedFolder.id)
    ), owner


def _record(row) -> FolderRecord:
    folder, owner_name, adder_name, adder_is_admin = row
    return FolderRecord(
        folder.id,
        folder.path,
        folder.account_id,
        owner_name,
        json.loads(folder.options),
        folder.quiet_seconds,
        bool(folder.polling),
        adder_name,
        bool(adder_is_admin),
        folder.added_at,
        json.loads(folder.accepted_statements) if folder.accepted_statements else None,
        json.loads(folder.accepted_warnings) if folder.accepted_warnings else [],
        folder.accepted_os_user,
        folder.note,
        folder.checked_at,
    )


def account_id(catalog: Catalog, name: str) -> int | None:
    with catalog.session() as s:
        return s.scalar(select(Account.id).where(Account.name == name))


def add(catalog: Catalog, values: dict) -> FolderRecord | None:
    """Register a folder (`values`: its columns; options and acceptances as Python values); None when
    the path is watched already."""
    with catalog.session() as s, s.begin():
        if s.scalar(select(WatchedFolder.id).where(WatchedFolder.path == values["path"])) is not None:
            return None
        row = dict(values)
        row["options"] = json.dumps(row["options"])
        for key in ("accepted_statements", "accepted_warnings"):
            row[key] = json.dumps(row[key]) if row.get(key) is not None else None
        folder = WatchedFolder(**row)
        s.add(folder)
        s.flush()
        folder_id = folder.id
    found = get(catalog, folder_id)
    assert found is not None
    return found


def get(catalog: Catalog, folder_id: int) -> FolderRecord | None:
    query, _ = _folders_query()
    with catalog.session() as s:
        row = s.execute(query.where(WatchedFolder.id == folder_id)).first()
        return _record(row) if row else None


def folders(catalog: Catalog, account_id: int | None = None) -> list[FolderRecord]:
    """Every watched folder, or those importing for one account."""
    query, _ = _folders_query()
    if account_id is not None:
        query = query.where(WatchedFolder.account_id == account_id)
    with catalog.session() as s:
        return [_record(row) for row in s.execute(query)]


def remove(catalog: Catalog, folder_id: int) -> bool:
    with catalog.session() as s, s.begin():
        s.execute(delete(DropboxEvent).where(DropboxEvent.folder_id == folder_id))
        return bool(s.execute(delete(WatchedFolder).where(WatchedFolder.id == folder_id)).rowcount)  # type: ignore[attr-defined]


def set_note(catalog: Catalog, folder_id: int, note: str | None) -> None:
    """What the service found waiting in the folder (None: nothing), as of now."""
    with catalog.session() as s, s.begin():
        s.execute(
            update(WatchedFolder).where(WatchedFolder.id == folder_id).values(note=note, checked_at=datetime.now())
        )


def add_event(
    catalog: Catalog, folder_id: int, outcome: str, fileset: str, job_id: int | None, message: str | None
) -> None:
    with catalog.session() as s, s.begin():
        s.add(
            DropboxEvent(
                folder_id=folder_id, at=datetime.now(), outcome=outcome, fileset=fileset, job_id=job_id, message=message
            )
        )


def events(catalog: Catalog, folder_id: int, limit: int = 20) -> list[EventRecord]:
    """The newest events of a folder, newest first."""
    query = select(DropboxEvent).where(DropboxEvent.folder_id == folder_id).order_by(DropboxEvent.id.desc())
    with catalog.session() as s:
        return [EventRecord(e.at, e.outcome, e.fileset, e.job_id, e.message) for e in s.scalars(query.limit(limit))]


def jobs_for_folder(catalog: Catalog, path: str, account_id: int, states: list[str]) -> list[int]:
    """Jobs of `account_id` in these states that imported exactly this folder (as the service does)."""
    query = select(Job.id, Job.request).where(Job.account_id == account_id, Job.state.in_(states)).order_by(Job.id)
    with catalog.session() as s:
        return [job_id for job_id, request in s.execute(query) if json.loads(request).get("paths") == [path]]


RETRY_ASKED = "retry asked"  # an event: someone asked the service to try a failed fileset again now


def last_event_id(catalog: Catalog) -> int:
    with catalog.session() as s:
        return s.scalar(select(func.max(DropboxEvent.id))) or 0


def retry_requests(catalog: Catalog, after: int) -> list[tuple[int, int, str]]:
    """(event id, folder id, fileset) of the retries asked for since the event `after`, oldest first."""
    query = (
        select(DropboxEvent.id, DropboxEvent.folder_id, DropboxEvent.fileset)
        .where(DropboxEvent.id > after, DropboxEvent.outcome == RETRY_ASKED)
        .order_by(DropboxEvent.id)
    )
    with catalog.session() as s:
        return [tuple(row) for row in s.execute(query)]  # type: ignore[misc]
