"""Groups, memberships and what a member may see of the others' data, as catalog queries. The rules
(who may create a group or add a member) stay with engine.groups; this module states the facts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, false, or_, select, true, update

from engine.catalog.models import Account, Fileset, Group, Job, Membership
from engine.catalog.store.base import Catalog

SHARED_LEVELS = ("read-only", "read-write")  # members see each other's data
CHANGING_LEVELS = ("read-write",)  # members may also delete each other's data


@dataclass(frozen=True)
class Visibility:
    """Whose data an account (not an administrator) reaches: its own, plus the filesets of the groups
    in `seen` (and, for changes, `changed`). A group owner sees and changes all of its group's data."""

    account_id: int
    seen: frozenset[int]
    changed: frozenset[int]


def _groups_seen_by(account_id: int):
    """The groups whose members' data the account sees: shared levels, and the groups it owns."""
    return (
        select(Membership.group_id)
        .join(Group, Group.id == Membership.group_id)
        .where(
            Membership.account_id == account_id, or_(Membership.owner.is_(true()), Group.permissions.in_(SHARED_LEVELS))
        )
    )


def fileset_seen_by(account_id: int):
    """WHERE clause: the filesets an account (not an administrator) sees, by its groups as they are now."""
    return or_(Fileset.owner_id == account_id, Fileset.group_id.in_(_groups_seen_by(account_id)))


def job_seen_by(account_id: int):
    """WHERE clause: jobs for the account, run by it, or of a group whose data it sees."""
    return or_(Job.account_id == account_id, Job.run_by_id == account_id, Job.group_id.in_(_groups_seen_by(account_id)))


@dataclass(frozen=True)
class MemberOf:
    group_id: int
    name: str
    permissions: str
    owner: bool


def memberships(catalog: Catalog, account_id: int) -> list[MemberOf]:
    """The groups an account belongs to, by name."""
    query = (
        select(Group.id, Group.name, Group.permissions, Membership.owner)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.account_id == account_id)
        .order_by(Group.name)
    )
    with catalog.session() as s:
        return [MemberOf(i, n, p, bool(o)) for i, n, p, o in s.execute(query)]


def visibility(catalog: Catalog, account_id: int) -> Visibility:
    groups = memberships(catalog, account_id)
    seen = frozenset(g.group_id for g in groups if g.owner or g.permissions in SHARED_LEVELS)
    changed = frozenset(g.group_id for g in groups if g.owner or g.permissions in CHANGING_LEVELS)
    return Visibility(account_id, seen, changed)


def group_id(catalog: Catalog, name: str) -> int | None:
    with catalog.session() as s:
        return s.scalar(select(Group.id).where(Group.name == name))


def group_name(catalog: Catalog, group_id: int | None) -> str | None:
    if group_id is None:
        return None
    with catalog.session() as s:
        return s.scalar(select(Group.name).where(Group.id == group_id))


def listing(catalog: Catalog, group_ids: set[int] | None = None) -> list[dict]:
    """Groups by name with their members (owners first): all, or those in `group_ids`."""
    query = select(Group).order_by(Group.name)
    if group_ids is not None:
        query = query.where(Group.id.in_(group_ids))
    members = (
        select(Membership.group_id, Account.name, Membership.owner)
        .join(Account, Account.id == Membership.account_id)
        .order_by(Membership.owner.desc(), Account.name)
    )
    with catalog.session() as s:
        by_group: dict[int, list[dict]] = {}
        for gid, name, owner in s.execute(members):
            by_group.setdefault(gid, []).append({"name": name, "owner": bool(owner)})
        return [
            {"id": g.id, "name": g.name, "permissions": g.permissions, "members": by_group.get(g.id, [])}
            for g in s.scalars(query)
        ]


def create(catalog: Catalog, name: str, permissions: str) -> int | None:
    """Add a group; None when the name is taken."""
    with catalog.session() as s, s.begin():
        if s.scalar(select(Group.id).where(Group.name == name)) is not None:
            return None
        row = Group(name=name, permissions=permissions)
        s.add(row)
        s.flush()
        return row.id


def set_permissions(catalog: Catalog, group_id: int, permissions: str) -> None:
    with catalog.session() as s, s.begin():
        s.execute(update(Group).where(Group.id == group_id).values(permissions=permissions))


def add_member(catalog: Catalog, group_id: int, account_id: int, owner: bool) -> None:
    """Make the account a member (or change whether it owns the group); the first group an account
    joins becomes its default group."""
    with catalog.session() as s, s.begin():
        row = s.get(Membership, (account_id, group_id))
        if row is None:
            s.add(Membership(account_id=account_id, group_id=group_id, owner=owner))
        else:
            row.owner = owner
        account = s.get(Account, account_id)
        if account is not None and account.default_group_id is None:
            account.default_group_id = group_id


def remove_member(catalog: Catalog, group_id: int, account_id: int) -> bool:
    """Whether the account was a member; a default group it leaves moves to another of its groups."""
    with catalog.session() as s, s.begin():
        row = s.get(Membership, (account_id, group_id))
        if row is None:
            return False
        s.delete(row)
        s.flush()
        account = s.get(Account, account_id)
        if account is not None and account.default_group_id == group_id:
            account.default_group_id = s.scalar(
                select(Membership.group_id).where(Membership.account_id == account_id).limit(1)
            )
        return True


def set_default_group(catalog: Catalog, account_id: int, group_id: int) -> None:
    with catalog.session() as s, s.begin():
        s.execute(update(Account).where(Account.id == account_id).values(default_group_id=group_id))


def default_group_id(catalog: Catalog, account_id: int) -> int | None:
    with catalog.session() as s:
        return s.scalar(select(Account.default_group_id).where(Account.id == account_id))


def members_of(catalog: Catalog, group_ids: set[int]) -> list[str]:
    """Names of the enabled accounts in these groups."""
    query = (
        select(Account.name)
        .join(Membership, Membership.account_id == Account.id)
        .where(Membership.group_id.in_(group_ids), Account.enabled.is_not(false()))
        .distinct()
        .order_by(Account.name)
    )
    with catalog.session() as s:
        return list(s.scalars(query))


def fileset_access(catalog: Catalog, fileset_ids: list[int]) -> dict[int, tuple[int, int | None]]:
    """(owner id, group id) of each of these filesets that exists."""
    with catalog.session() as s:
        rows = s.execute(select(Fileset.id, Fileset.owner_id, Fileset.group_id).where(Fileset.id.in_(fileset_ids)))
        return {i: (owner, group) for i, owner, group in rows}


def job_access(catalog: Catalog, job_id: int) -> tuple[int, int | None, int | None] | None:
    """(for whom, run by, group) of a job, or None when there is no such job."""
    with catalog.session() as s:
        row = s.execute(select(Job.account_id, Job.run_by_id, Job.group_id).where(Job.id == job_id)).first()
        return (row[0], row[1], row[2]) if row else None


def remove_group_rows(catalog: Catalog, group_id: int) -> bool:
    """Forget a group that holds no filesets (memberships go with it); False when it holds some."""
    with catalog.session() as s, s.begin():
        if s.scalar(select(Fileset.id).where(Fileset.group_id == group_id).limit(1)) is not None:
            return False
        s.execute(delete(Membership).where(Membership.group_id == group_id))
        s.execute(update(Account).where(Account.default_group_id == group_id).values(default_group_id=None))
        s.execute(delete(Group).where(Group.id == group_id))
        return True


def with_names(catalog: Catalog, rows: list[dict]) -> list[dict]:
    """Rows with `owner_id` and `group_id`, given "owner" and "group" names as well."""
    with catalog.session() as s:
        accounts = {i: n for i, n in s.execute(select(Account.id, Account.name))}
        groups = {i: n for i, n in s.execute(select(Group.id, Group.name))}
    return [{**r, "owner": accounts.get(r["owner_id"], "?"), "group": groups.get(r["group_id"] or 0)} for r in rows]
