"""Entry health (`inplace verify`) and relinks: what to check next, what a check found, each
fileset's worst state, and re-pointed `ln_s` entries with their history."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, case, func, insert, select, tuple_, update

from engine.catalog.models import Account, Fileset, FilesetEntry, HealthChange, Relink
from engine.catalog.store.base import Catalog
from engine.catalog.store.groups import fileset_seen_by
from engine.states import FilesetState, HealthState

CHUNK = 500  # values per IN (...): SQLite limits a statement's variables
BATCH = 2000  # entries read per query while checking


class EntryToCheck(NamedTuple):
    """One registered entry with everything a check compares against (a plain tuple: made per row)."""

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


# The columns of EntryToCheck, in its order: rows are read as tuples, never as ORM objects.
_COLUMNS = (
    FilesetEntry.id,
    FilesetEntry.fileset_id,
    Fileset.owner_id,
    FilesetEntry.transfer,
    FilesetEntry.source_path,
    FilesetEntry.client_path,
    FilesetEntry.repo_path,
    FilesetEntry.size,
    FilesetEntry.mtime,
    FilesetEntry.checksum_algorithm,
    FilesetEntry.checksum,
    FilesetEntry.source_dev,
    FilesetEntry.source_ino,
    FilesetEntry.seen_mtime,
    FilesetEntry.health,
    FilesetEntry.checked_at,
)


def _visible(
    q, owner_id: int | None, fileset_ids: list[int] | None, transfers: Iterable[str] | None, by_entry: bool = False
):
    """Limit `q` to registered filesets' entries, of one owner (None: anyone), filesets or transfers.
    `by_entry` walks the entries first, in the order of their own index (SQLite otherwise starts
    from the filesets and sorts every entry for each batch): `+ 0` keeps it from joining by index."""
    entry_fileset = FilesetEntry.fileset_id + 0 if by_entry else FilesetEntry.fileset_id
    q = q.join(Fileset, Fileset.id == entry_fileset).where(Fileset.state == FilesetState.REGISTERED)
    if owner_id is not None:
        q = q.where(fileset_seen_by(owner_id))
    if fileset_ids is not None:
        q = q.where(Fileset.id.in_(fileset_ids))
    if transfers is not None:
        q = q.where(Fileset.transfer.in_(list(transfers)))
    return q


def entries_to_check(
    catalog: Catalog,
    owner_id: int | None,
    fileset_ids: list[int] | None = None,
    transfers: Iterable[str] | None = None,
) -> list[EntryToCheck]:
    """Registered entries (one owner's, or everyone's for None), least recently checked first."""
    return [e for batch in batches_to_check(catalog, owner_id, fileset_ids, transfers) for e in batch]


def count_to_check(catalog: Catalog, owner_id: int | None, fileset_ids: list[int] | None = None) -> tuple[int, int]:
    """How many entries `batches_to_check` will give, and their bytes."""
    q = _visible(select(func.count(), func.coalesce(func.sum(FilesetEntry.size), 0)), owner_id, fileset_ids, None)
    with catalog.session() as s:
        files, size = s.execute(q).one()
    return int(files), int(size)


def batches_to_check(
    catalog: Catalog,
    owner_id: int | None,
    fileset_ids: list[int] | None = None,
    transfers: Iterable[str] | None = None,
    batch: int = BATCH,
    checked_before: datetime | None = None,
) -> Iterator[list[EntryToCheck]]:
    """The entries to check in batches, least recently checked first: never-checked ones (by id), then
    by the time of their last check. Each batch is its own short query, continuing after the last
    row given (keyset), so memory stays flat, no read stays open while results are written, and
    entries checked after `checked_before` (by this run, as it goes) are not given again."""
    checked_before = checked_before or datetime.now()
    base = _visible(select(*_COLUMNS), owner_id, fileset_ids, transfers, by_entry=True)
    never = base.where(FilesetEntry.checked_at.is_(None)).order_by(FilesetEntry.id).limit(batch)
    earlier = (
        base.where(FilesetEntry.checked_at < checked_before)
        .order_by(FilesetEntry.checked_at, FilesetEntry.id)
        .limit(batch)
    )
    last_id = 0
    while True:
        rows = _rows(catalog, never.where(FilesetEntry.id > last_id))
        if rows:
            yield rows
            last_id = rows[-1].id
        if len(rows) < batch:
            break
    after: tuple[datetime, int] | None = None
    while True:
        q = earlier if after is None else earlier.where(tuple_(FilesetEntry.checked_at, FilesetEntry.id) > after)
        rows = _rows(catalog, q)
        if rows:
            yield rows
            last = rows[-1]
            assert last.checked_at is not None
            after = (last.checked_at, last.id)
        if len(rows) < batch:
            break


def _rows(catalog: Catalog, q) -> list[EntryToCheck]:
    with catalog.session() as s:  # a Core result: tuples, no ORM objects
        return [EntryToCheck(*row) for row in s.connection().execute(q)]


def fileset_owners(catalog: Catalog, fileset_ids: list[int]) -> dict[int, int]:
    """Owner of each of these registered filesets that exists."""
    q = select(Fileset.id, Fileset.owner_id).where(
        Fileset.id.in_(fileset_ids), Fileset.state == FilesetState.REGISTERED
    )
    with catalog.session() as s:
        return {i: owner for i, owner in s.execute(q)}


def record_checks(
    catalog: Catalog, results: list[CheckResult], when: datetime, before: dict[int, str | None] | None = None
) -> None:
    """Store what the checks found, in one transaction; every change of health is kept as history
    (but not the first check of a healthy file, which would only repeat the import). `before` is
    each entry's health as read for the check (it is read again when not given). Results that only
    confirm a state are written a chunk of ids per statement; the rest one row each."""
    if not results:
        return
    table = FilesetEntry.__table__
    with catalog.session() as s, s.begin():
        if before is None:
            before = _health_of(s, [r.entry_id for r in results])
        changed = [r for r in results if before.get(r.entry_id, r.health) != r.health]
        if changed:  # rare: make sure the entries still exist before history names them
            present = _health_of(s, [r.entry_id for r in changed])
            changed = [r for r in changed if r.entry_id in present]
        plain: dict[str, list[int]] = {}
        detailed = []
        for r in results:
            if r.note is None and r.identity is None and r.seen_mtime is None:
                plain.setdefault(str(r.health), []).append(r.entry_id)
            else:
                detailed.append(r)
        conn = s.connection()
        for health, ids in plain.items():
            for i in range(0, len(ids), CHUNK):
                conn.execute(
                    update(table)
                    .where(table.c.id.in_(ids[i : i + CHUNK]))
                    .values(health=health, checked_at=when, health_note=None)
                )
        if detailed:
            conn.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(
                    health=bindparam("b_health"),
                    checked_at=bindparam("b_when"),
                    health_note=bindparam("b_note"),
                    source_dev=func.coalesce(bindparam("b_dev"), table.c.source_dev),
                    source_ino=func.coalesce(bindparam("b_ino"), table.c.source_ino),
                    seen_mtime=func.coalesce(bindparam("b_mtime"), table.c.seen_mtime),
                ),
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
                    for r in detailed
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
            for r in changed
            if before[r.entry_id] is not None or r.health.is_problem
        ]
        if history:
            conn.execute(insert(HealthChange.__table__), history)


def _health_of(s, ids: list[int]) -> dict[int, str | None]:
    found: dict[int, str | None] = {}
    for i in range(0, len(ids), CHUNK):
        q = select(FilesetEntry.id, FilesetEntry.health).where(FilesetEntry.id.in_(ids[i : i + CHUNK]))
        found.update((entry_id, health) for entry_id, health in s.execute(q))
    return found


_RANK = {state: rank for rank, state in enumerate(HealthState)}  # best to worst, as declared
_BY_RANK = list(HealthState)
_PROBLEMS = [str(h) for h in HealthState if h.is_problem]


def fileset_health(
    catalog: Catalog, owner_id: int | None, fileset_ids: Iterable[int] | None = None
) -> dict[int, FilesetHealth]:
    """Each registered fileset's health (the worst of its entries) and least recent check, counted
    by the database: one row per fileset, never one per entry."""
    rank = case(
        *((FilesetEntry.health == str(h), _RANK[h]) for h in HealthState if h is not HealthState.UNCHECKED),
        else_=_RANK[HealthState.UNCHECKED],
    )
    q = select(
        FilesetEntry.fileset_id,
        func.max(rank),
        func.count(),
        func.count(FilesetEntry.checked_at),
        func.min(FilesetEntry.checked_at),
        func.sum(case((FilesetEntry.health.in_(_PROBLEMS), 1), else_=0)),
    ).group_by(FilesetEntry.fileset_id)
    wanted = None if fileset_ids is None else set(fileset_ids)
    few = wanted is not None and len(wanted) <= CHUNK
    q = _visible(q, owner_id, sorted(wanted) if few and wanted is not None else None, None)
    found = {}
    with catalog.session() as s:
        for fileset_id, worst, n, n_checked, oldest, problems in s.connection().execute(q):
            if wanted is None or fileset_id in wanted:
                found[fileset_id] = FilesetHealth(_BY_RANK[worst], oldest if n_checked == n else None, int(problems))
    return found


@dataclass(frozen=True)
class FilesetSummary:
    """A registered fileset as the lists of imported data show it: who, what, and how healthy."""

    id: int
    name: str
    owner: str
    transfer: str
    created_at: datetime
    files: int
    size: int
    health: HealthState  # the worst of its entries (ok for a fileset without entries)
    checked_at: datetime | None  # its least recent check; None while an entry was never checked
    problems: int


def fileset_summaries(catalog: Catalog, owner_id: int | None) -> list[FilesetSummary]:
    """Every registered fileset one owner (or, for None, anyone) may see, newest first, with its health."""
    sizes = (
        select(FilesetEntry.fileset_id, func.count().label("files"), func.sum(FilesetEntry.size).label("size"))
        .group_by(FilesetEntry.fileset_id)
        .subquery()
    )
    q = (
        select(
            Fileset.id, Fileset.name, Account.name, Fileset.transfer, Fileset.created_at, sizes.c.files, sizes.c.size
        )
        .join(Account, Account.id == Fileset.owner_id)
        .outerjoin(sizes, sizes.c.fileset_id == Fileset.id)
        .where(Fileset.state == FilesetState.REGISTERED)
        .order_by(Fileset.id.desc())
    )
    if owner_id is not None:
        q = q.where(fileset_seen_by(owner_id))
    with catalog.session() as s:
        rows = list(s.execute(q))
    health = fileset_health(catalog, owner_id)
    empty = FilesetHealth(HealthState.OK, None, 0)
    return [
        FilesetSummary(
            i, name, owner, transfer, created, int(files or 0), int(size or 0), *_fields(health.get(i, empty))
        )
        for i, name, owner, transfer, created, files, size in rows
    ]


def _fields(h: FilesetHealth) -> tuple[HealthState, datetime | None, int]:
    return h.health, h.checked_at, h.problems


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


@dataclass(frozen=True)
class RelinkRecord:
    """One recorded relink, for the history: which fileset, from where to where, who and when."""

    fileset_id: int
    entry_id: int
    old_path: str
    new_path: str
    account: str
    os_user: str
    relinked_at: datetime


def relink_history(catalog: Catalog, owner_id: int | None, fileset_ids: list[int] | None = None) -> list[RelinkRecord]:
    """The relinks of the filesets one owner (or, for None, anyone) may see, oldest first."""
    q = (
        select(
            FilesetEntry.fileset_id,
            Relink.entry_id,
            Relink.old_path,
            Relink.new_path,
            Account.name,
            Relink.os_user,
            Relink.relinked_at,
        )
        .join(FilesetEntry, FilesetEntry.id == Relink.entry_id)
        .join(Account, Account.id == Relink.account_id)
        .order_by(Relink.id)
    )
    q = _visible(q, owner_id, fileset_ids, None)
    with catalog.session() as s:
        return [RelinkRecord(*row) for row in s.execute(q)]
