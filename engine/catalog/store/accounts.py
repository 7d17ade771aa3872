"""Accounts and remembered sign-ins in the catalog. The rules about who may add an account stay
with the caller (engine.accounts); the store gives it the facts inside the write transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine

from engine.catalog.models import Account, Group, LoginSession, Membership
from engine.catalog.store.base import Catalog


@dataclass(frozen=True)
class AccountRef:
    """An account as the engine passes it around: who it is, and whether it administers the catalog."""

    id: int
    name: str
    is_admin: bool
    enabled: bool = True  # a disabled account keeps its data but cannot sign in (migration 0009)


def _ref(row: Account) -> AccountRef:
    return AccountRef(row.id, row.name, bool(row.is_admin), row.enabled is not False)


def any_account(engine: Engine) -> bool:
    """Whether the catalog has an account; takes the engine, for the data dir's own check while opening."""
    with engine.connect() as conn:
        return conn.scalar(select(Account.id).limit(1)) is not None


def has_accounts(catalog: Catalog) -> bool:
    with catalog.session() as s:
        return s.scalar(select(Account.id).limit(1)) is not None


def get(catalog: Catalog, account_id: int) -> AccountRef | None:
    with catalog.session() as s:
        row = s.get(Account, account_id)
        return _ref(row) if row else None


def listing(catalog: Catalog, only_id: int | None = None) -> list[dict]:
    """Accounts by name (one of them when `only_id` is given), without their password hashes, each
    with whether it may sign in, its groups and its default group."""
    query = select(Account).order_by(Account.name)
    if only_id is not None:
        query = query.where(Account.id == only_id)
    with catalog.session() as s:
        group_names: dict[int, str] = {i: n for i, n in s.execute(select(Group.id, Group.name))}
        groups: dict[int, list[str]] = {}
        for account_id, group_id in s.execute(select(Membership.account_id, Membership.group_id)):
            groups.setdefault(account_id, []).append(group_names[group_id])
        return [
            {
                "id": a.id,
                "name": a.name,
                "admin": bool(a.is_admin),
                "created_at": a.created_at.isoformat(timespec="seconds"),
                "enabled": a.enabled is not False,
                "groups": sorted(groups.get(a.id, [])),
                "default_group": group_names.get(a.default_group_id) if a.default_group_id else None,
            }
            for a in s.scalars(query)
        ]


def set_enabled(catalog: Catalog, account_id: int, enabled: bool) -> None:
    """Allow or refuse the account's sign-in; a disabled account's remembered sign-ins are dropped."""
    with catalog.session() as s, s.begin():
        s.execute(update(Account).where(Account.id == account_id).values(enabled=enabled))
        if not enabled:
            s.execute(delete(LoginSession).where(LoginSession.account_id == account_id))


def set_password_hash(catalog: Catalog, account_id: int, password_hash: str) -> None:
    """A new password; remembered sign-ins made with the old one are dropped."""
    with catalog.session() as s, s.begin():
        s.execute(update(Account).where(Account.id == account_id).values(password_hash=password_hash))
        s.execute(delete(LoginSession).where(LoginSession.account_id == account_id))


def named(catalog: Catalog, name: str) -> AccountRef | None:
    with catalog.session() as s:
        row = s.scalar(select(Account).where(Account.name == name))
        return _ref(row) if row else None


def credentials(catalog: Catalog, name: str) -> tuple[AccountRef, str] | None:
    """The account of this name with its stored password hash, or None."""
    with catalog.session() as s:
        row = s.scalar(select(Account).where(Account.name == name))
        return (_ref(row), row.password_hash) if row else None


# approve(by as the catalog has it now, whether the catalog has any account, whether the name is taken)
Approval = Callable[[AccountRef | None, bool, bool], None]


def add(
    catalog: Catalog, name: str, password_hash: str, is_admin: bool, *, by_id: int | None, approve: Approval
) -> AccountRef:
    """Add an account once `approve` (which raises to refuse) has seen the facts, in the same write
    transaction, so two first accounts cannot both pass a "no account yet" test."""
    with catalog.session() as s, s.begin():
        exists = s.scalar(select(Account.id).limit(1)) is not None
        by = s.get(Account, by_id) if by_id is not None else None
        taken = s.scalar(select(Account.id).where(Account.name == name)) is not None
        approve(_ref(by) if by else None, exists, taken)
        row = Account(name=name, password_hash=password_hash, is_admin=is_admin, created_at=datetime.now())
        s.add(row)
        s.flush()
        return _ref(row)


def add_login(catalog: Catalog, token_hash: str, account_id: int, expires_at: datetime) -> None:
    """Remember a sign-in (by its token's hash), dropping the expired ones."""
    with catalog.session() as s, s.begin():
        s.execute(delete(LoginSession).where(LoginSession.expires_at < datetime.now()))
        s.add(LoginSession(token_hash=token_hash, account_id=account_id, expires_at=expires_at))


def account_for_login(catalog: Catalog, token_hash: str) -> AccountRef | None:
    """The account a remembered, unexpired sign-in stands for."""
    with catalog.session() as s:
        login = s.get(LoginSession, token_hash)
        if login is None or login.expires_at < datetime.now():
            return None
        row = s.get(Account, login.account_id)
        return _ref(row) if row else None


def remove_login(catalog: Catalog, token_hash: str) -> None:
    with catalog.session() as s, s.begin():
        s.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash))
