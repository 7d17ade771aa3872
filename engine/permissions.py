"""Who may do what: administrators manage accounts; only an owner or an administrator changes
or sees an account's data, beyond what its groups' levels allow (engine.groups). The engine checks
these itself, so every front end gets the same rules."""

from __future__ import annotations

from engine.catalog.store import AccountRef
from engine.errors import PermissionDenied


def require_admin(account: AccountRef | None, action: str) -> None:
    """Refuse `action` (e.g. "add an account") unless `account` is an administrator."""
    if account is None or not account.is_admin:
        raise PermissionDenied(f"Only an administrator may {action}.")


def require_owner_or_admin(account: AccountRef | None, owner_id: int, action: str) -> None:
    """Refuse `action` (e.g. "delete fileset 12") unless `account` owns the thing or is an administrator."""
    if account is None or not (account.is_admin or account.id == owner_id):
        raise PermissionDenied(f"Only the owner or an administrator may {action}.")


def visible_owner_filter(account: AccountRef) -> int | None:
    """The account whose view a listing follows (its own data, and its groups' as their levels allow:
    engine.groups), or None (everyone) for an administrator."""
    return None if account.is_admin else account.id
