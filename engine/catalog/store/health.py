"""Entry health (`inplace verify`) and relinks: what to check next, what a check found, each
fileset's worst state, and re-pointed `ln_s` entries with their history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, insert, select, update

from engine.catalog.models import Fileset, FilesetEntry, HealthChange, Relink
from engine.catalog.store.base import Catalog
from engine.states import FilesetState, HealthState

CHUNK = 500  # values per IN (...): SQLite limits a statement's variables


@dataclass(frozen=True)
class EntryToCheck:
    """One registered entry with everything a check compares against."""

    id: int
    fileset_id: int
    owner_id: int
    transfer: str
    source_path: str
    client_path: str
    repo_path: str  # relative to ManagedRepository
    size: int
    mtime: float
    checksum_algorithm: str
    checksum: str | None
    source_dev: int | None
    source_ino: int | None
    seen_mtime: float | None
    health: str | None
    checked_at: datetime | None


@dataclass(frozen=True)
class CheckResult:
    """What one check found, to be recorded. `identity` (dev, ino) and `seen_mtime` are adopted when set."""

    entry_id: int
    health: HealthState
    note: str | None = None
    identity: tuple[int, int] | None = None
    seen_mtime: float | None = None


@dataclass(frozen=True)
class FilesetHealth:
    health: HealthState  # the worst of its entries
    checked_at: datetime | None  # its least recent check (None while an entry was never checked)
    problems: int  # entries in a problem state


def _entries_query(owner_id: int | None, fileset_ids: list[int] | None, transfers: Iterable[str] | None = None):
    q = (
        select(FilesetEntry, Fileset.owner_id)
        .join(Fileset)
        .where(Fileset.state == FilesetState.REGISTERED)
        # least recently checked first: never-checked entries (NULL) lead, then the oldest checks
        .order_by(FilesetEntry.checked_at.is_not(None), FilesetEntry.checked_at, FilesetEntry.id)
    )
    if owner_id is not None:
        q = q.where(Fileset.owner_id == owner_id)
    if fileset_ids is not None:
        q = q.where(Fileset.id.in_(fileset_ids))
    if transfers is not None:
        q = q.where(Fileset.transfer.in_(list(transfers)))
    return q


def _to_check(e: FilesetEntry, owner_id: int) -> EntryToCheck:
    return EntryToCheck(
        e.id,
        e.fileset_id,
        owner_id,
        e.transfer,
        e.source_path,
        e.client_path,
        e.repo_path,
        e.size,
        e.mtime,
        e.checksum_algorithm,
        e.checksum,
        e.source_dev,
        e.source_ino,
        e.seen_mtime,
        e.health,
        e.checked_at,
    )


def entries_to_check(
    catalog: Catalog,
    owner_id: int | None,
    fileset_ids: list[int] | None = None,
    transfers: Iterable[str] | None = None,
) -> list[EntryToCheck]:
    """Registered entries (one owner's, or everyone's for None), least recently checked first."""
    with catalog.session() as s:
        return [_to_check(e, owner) for e, owner in s.execute(_entries_query(owner_id, fileset_ids, transfers))]


def fileset_owners(catalog: Catalog, fileset_ids: list[int]) -> dict[int, int]:
    """Owner of each of these registered filesets that exists."""
    q = select(Fileset.id, Fileset.owner_id).where(
        Fileset.id.in_(fileset_ids), Fileset.state == FilesetState.REGISTERED
    )
    with catalog.session() as s:
        return {i: owner for i, owner in s.execute(q)}


def record_checks(catalog: Catalog, results: list[CheckResult], when: datetime) -> None:
    """Store what the checks found, in one transaction; every change of health is kept as history
    (but not the first check of a healthy file, which would only repeat the import)."""
    if not results:
        return
    ids = [r.entry_id for r in results]
    table = FilesetEntry.__table__
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            health=bindparam("b_health"),
            checked_at=bindparam("b_when"),
            health_note=bindparam("b_note"),
            source_dev=func.coalesce(bindparam("b_dev"), table.c.source_dev),
            source_ino=func.coalesce(bindparam("b_ino"), table.c.source_ino),
            seen_mtime=func.coalesce(bindparam("b_mtime"), table.c.seen_mtime),
        )
    )
    with catalog.session() as s, s.begin():
        before: dict[int, str | None] = {}
        for i in range(0, len(ids), CHUNK):
            q = select(FilesetEntry.id, FilesetEntry.health).where(FilesetEntry.id.in_(ids[i : i + CHUNK]))
            before.update((entry_id, health) for entry_id, health in s.execute(q))
        found = [r for r in results if r.entry_id in before]  # an entry deleted meanwhile is left out
        if not found:
            return
        conn = s.connection()
        conn.execute(
            stmt,
            [
                {
                    "b_id": r.entry_id,
                    "b_health": str(r.health),
                    "b_when": when,
                    "b_note": r.note,
                    "b_dev": r.identity[0] if r.identity else None,
                    "b_ino": r.identity[1] if r.identity else None,
                    "b_mtime": r.seen_mtime,
                }
                for r in found
            ],
        )
        history = [
            {
                "entry_id": r.entry_id,
                "old_health": before[r.entry_id],
                "new_health": str(r.health),
                "note": r.note,
                "changed_at": when,
            }
            for r in found
            if before[r.entry_id] != r.health and (before[r.entry_id] is not None or r.health.is_problem)
        ]
        if history:
            conn.execute(insert(HealthChange.__table__), history)


def fileset_health(catalog: Catalog, owner_id: int | None) -> dict[int, FilesetHealth]:
    """Each registered fileset's health (the worst of its entries) and least recent check."""
    q = (
        select(FilesetEntry.fileset_id, FilesetEntry.health, FilesetEntry.checked_at)
        .join(Fileset)
        .where(Fileset.state == FilesetState.REGISTERED)
    )
    if owner_id is not None:
        q = q.where(Fileset.owner_id == owner_id)
    states: dict[int, list[str]] = {}
    times: dict[int, list[datetime | None]] = {}
    with catalog.session() as s:
        for fileset_id, health, checked_at in s.execute(q):
            states.setdefault(fileset_id, []).append(health or HealthState.UNCHECKED)
            times.setdefault(fileset_id, []).append(checked_at)
    return {
        fileset_id: FilesetHealth(
            HealthState.worst(found),
            None if None in times[fileset_id] else min(t for t in times[fileset_id] if t is not None),
            sum(HealthState(h).is_problem for h in found),
        )
        for fileset_id, found in states.items()
    }


def history(catalog: Catalog, entry_id: int) -> list[tuple[str | None, str, str | None, datetime]]:
    """An entry's health changes, oldest first: (old, new, note, when)."""
    q = (
        select(HealthChange.old_health, HealthChange.new_health, HealthChange.note, HealthChange.changed_at)
        .where(HealthChange.entry_id == entry_id)
        .order_by(HealthChange.id)
    )
    with catalog.session() as s:
        return [tuple(row) for row in s.execute(q)]  # type: ignore[misc]


@dataclass(frozen=True)
class Repointed:
    """An entry's new place, as a relink found it."""

    entry_id: int
    old_path: str
    new_path: str
    real_path: str
    client_path: str
    identity: tuple[int, int]
    mtime: float


def record_relink(catalog: Catalog, moved: Repointed, account_id: int, os_user: str, when: datetime) -> None:
    """Point the entry at its new path and record the move, in one transaction."""
    with catalog.session() as s, s.begin():
        s.execute(
            update(FilesetEntry)
            .where(FilesetEntry.id == moved.entry_id)
            .values(
                source_path=moved.new_path,
                source_real_path=moved.real_path,
                client_path=moved.client_path,
                source_dev=moved.identity[0],
                source_ino=moved.identity[1],
                seen_mtime=moved.mtime,
            )
        )
        s.execute(
            insert(Relink.__table__).values(
                entry_id=moved.entry_id,
                old_path=moved.old_path,
                new_path=moved.new_path,
                account_id=account_id,
                os_user=os_user,
                relinked_at=when,
            )
        )


def relinks(catalog: Catalog, entry_id: int) -> list[tuple[str, str, str, datetime]]:
    """An entry's relinks, oldest first: (old path, new path, OS user, when)."""
    q = (
        select(Relink.old_path, Relink.new_path, Relink.os_user, Relink.relinked_at)
        .where(Relink.entry_id == entry_id)
        .order_by(Relink.id)
    )
    with catalog.session() as s:
        return [tuple(row) for row in s.execute(q)]  # type: ignore[misc]
