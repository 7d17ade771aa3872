"""Groups (labs) and what their members may do with each other's data, and importing for another.

Levels, in the spirit of OMERO's: in a *private* group members see only their own filesets; in a
*read-only* group they see each other's (list, show, verify); in a *read-write* group they may also
delete each other's. A group's owners see and change everything in it and may add or remove its
members and import for them. Administrators may do everything. A fileset with no group (an account
in no group imported it) is its owner's and the administrators' only.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.accounts import DEFAULT_GROUP
from engine.catalog import store
from engine.catalog.store import AccountRef
from engine.catalog.store import groups as group_store
from engine.catalog.store.groups import MemberOf, Visibility
from engine.datadir import DataDir
from engine.errors import PermissionDenied, UsageError
from engine.permissions import require_admin

LEVELS = ("private", "read-only", "read-write")
__all__ = ["DEFAULT_GROUP", "LEVELS"]  # and the functions below


def check_level(permissions: str) -> str:
    if permissions not in LEVELS:
        raise UsageError(f"'{permissions}' is not a group permission level.", f"Use one of: {', '.join(LEVELS)}.")
    return permissions


def visibility(data_dir: DataDir, account: AccountRef) -> Visibility | None:
    """What a listing is limited to: None (everything) for an administrator."""
    return None if account.is_admin else group_store.visibility(data_dir, account.id)


def may_see(data_dir: DataDir, account: AccountRef, owner_id: int, group_id: int | None) -> bool:
    seen = visibility(data_dir, account)
    return seen is None or owner_id == account.id or (group_id is not None and group_id in seen.seen)


def require_may_see(data_dir: DataDir, account: AccountRef, owner_id: int, group_id: int | None, action: str) -> None:
    if not may_see(data_dir, account, owner_id, group_id):  # the group's level would have allowed it
        raise PermissionDenied(f"Only the owner or an administrator may {action}.")


def require_may_change(
    data_dir: DataDir, account: AccountRef, owner_id: int, group_id: int | None, action: str
) -> None:
    """Refuse `action` (a delete, a rollback) unless the account owns the data, administers the
    catalog or the group, or shares a read-write group with it."""
    seen = visibility(data_dir, account)
    if seen is None or owner_id == account.id or (group_id is not None and group_id in seen.changed):
        return
    raise PermissionDenied(f"Only the owner or an administrator may {action}.")  # nor does the group's level


def require_may_see_fileset(
    data_dir: DataDir, account: AccountRef, fileset_id: int, owner_id: int, action: str
) -> None:
    group = group_store.fileset_access(data_dir, [fileset_id]).get(fileset_id, (owner_id, None))[1]
    require_may_see(data_dir, account, owner_id, group, action)


def require_may_change_fileset(
    data_dir: DataDir, account: AccountRef, fileset_id: int, owner_id: int, action: str
) -> None:
    group = group_store.fileset_access(data_dir, [fileset_id]).get(fileset_id, (owner_id, None))[1]
    require_may_change(data_dir, account, owner_id, group, action)


def require_may_change_job(data_dir: DataDir, account: AccountRef, job_id: int, owner_id: int, action: str) -> None:
    """A job is rolled back, resumed or retried by whom it was for, who ran it, or as a delete allows."""
    access = group_store.job_access(data_dir, job_id)
    run_by, group = (access[1], access[2]) if access else (None, None)
    if run_by is not None and run_by == account.id:
        return
    require_may_change(data_dir, account, owner_id, group, action)


# --- listing and changing groups ------------------------------------------------------------------


def list_groups(data_dir: DataDir, account: AccountRef) -> list[dict]:
    """Every group for an administrator; the account's own groups otherwise."""
    if account.is_admin:
        return group_store.listing(data_dir)
    return group_store.listing(data_dir, {g.group_id for g in group_store.memberships(data_dir, account.id)})


def import_groups(data_dir: DataDir, account: AccountRef) -> list[str]:
    """Groups the account may import into: those it is a member of. An administrator too, since a
    fileset's owner is always a member of its group (resolve_ownership refuses any other)."""
    return [g.name for g in group_store.memberships(data_dir, account.id)]


def default_group(data_dir: DataDir, account: AccountRef) -> str | None:
    return group_store.group_name(data_dir, group_store.default_group_id(data_dir, account.id))


def create_group(data_dir: DataDir, account: AccountRef, name: str, permissions: str = "private") -> None:
    require_admin(account, "create a group")
    name = name.strip()
    if not name:
        raise UsageError("A group needs a name.")
    if group_store.create(data_dir, name, check_level(permissions)) is None:
        raise UsageError(f"A group named '{name}' already exists.", "Choose another name.")


def remove_group(data_dir: DataDir, account: AccountRef, name: str) -> None:
    """Remove a group that holds no filesets; its members stay, with their other groups."""
    require_admin(account, "remove a group")
    group_id = _group_id(data_dir, name)
    if not group_store.remove_group_rows(data_dir, group_id):
        raise UsageError(
            f"The group '{name}' holds filesets, so it cannot be removed.",
            "Delete them first, or keep the group and remove its members.",
        )


def set_permissions(data_dir: DataDir, account: AccountRef, name: str, permissions: str) -> None:
    require_admin(account, "change a group's permissions")
    group_store.set_permissions(data_dir, _group_id(data_dir, name), check_level(permissions))


def add_member(data_dir: DataDir, account: AccountRef, group: str, member: str, owner: bool = False) -> None:
    """An administrator adds anyone (as owner or not); a group's owner adds plain members."""
    group_id = _group_id(data_dir, group)
    if owner:
        require_admin(account, "make someone a group's owner")
    else:
        _require_group_admin(data_dir, account, group_id, f"add members to the group '{group}'")
    group_store.add_member(data_dir, group_id, _account(data_dir, member).id, owner)


def remove_member(data_dir: DataDir, account: AccountRef, group: str, member: str) -> None:
    group_id = _group_id(data_dir, group)
    _require_group_admin(data_dir, account, group_id, f"remove members from the group '{group}'")
    if not group_store.remove_member(data_dir, group_id, _account(data_dir, member).id):
        raise UsageError(f"'{member}' is not a member of the group '{group}'.")


def set_default_group(data_dir: DataDir, account: AccountRef, name: str) -> None:
    """An account's own choice of where its imports go unless it names a group."""
    group_id = _group_id(data_dir, name)
    if not any(g.group_id == group_id for g in group_store.memberships(data_dir, account.id)):
        raise UsageError(f"You are not a member of the group '{name}'.", "Ask an administrator to add you.")
    group_store.set_default_group(data_dir, account.id, group_id)


def owned_groups(data_dir: DataDir, account: AccountRef) -> list[MemberOf]:
    return [g for g in group_store.memberships(data_dir, account.id) if g.owner]


def import_for_candidates(data_dir: DataDir, account: AccountRef) -> list[str]:
    """Accounts this one may import for: every enabled account for an administrator, the members of
    the groups it owns for a group owner, nobody otherwise."""
    if account.is_admin:
        return [a["name"] for a in store.accounts.listing(data_dir) if a["enabled"]]
    owned = {g.group_id for g in owned_groups(data_dir, account)}
    return [n for n in group_store.members_of(data_dir, owned) if n != account.name] if owned else []


# --- whom an import is for, and into which group ---------------------------------------------------


@dataclass(frozen=True)
class Ownership:
    """Who an import's filesets belong to, in which group, and who runs it (when that differs)."""

    owner: AccountRef
    group_id: int | None
    group_name: str | None
    run_by: AccountRef | None  # None: the owner runs it

    @property
    def shown(self) -> str:
        """What a job's log adds after "by RUNNER": for whom, and into which group."""
        whom = f" for {self.owner.name}" if self.run_by is not None else ""
        return f"{whom} into the group {self.group_name}" if self.group_name else whom


def resolve_ownership(data_dir: DataDir, account: AccountRef, group: str | None, sudo: str | None) -> Ownership:
    """Apply the rules for `-g/--group` and `--sudo` as the catalog has them now, in a sentence if refused."""
    owner = account
    run_by: AccountRef | None = None
    if sudo is not None and sudo != account.name:
        owner = _account(data_dir, sudo)
        if not owner.enabled:
            raise UsageError(f"The account '{sudo}' is disabled.", "Ask an administrator to enable it first.")
        run_by = account
    their_groups = group_store.memberships(data_dir, owner.id)
    if group is not None:
        chosen = next((g for g in their_groups if g.name == group), None)
        if chosen is None:
            _group_id(data_dir, group)  # an unknown name is said as such
            who = "You are" if run_by is None else f"'{owner.name}' is"
            raise UsageError(f"{who} not a member of the group '{group}'.", "Choose another with -g/--group.")
        group_id: int | None = chosen.group_id
    else:
        group_id = group_store.default_group_id(data_dir, owner.id)
        if group_id is None and len(their_groups) > 1:
            names = ", ".join(g.name for g in their_groups)
            raise UsageError(f"'{owner.name}' belongs to several groups ({names}).", "Choose one with -g/--group.")
        if group_id is None and their_groups:
            group_id = their_groups[0].group_id
    if run_by is not None and not account.is_admin:
        owned = {g.group_id for g in owned_groups(data_dir, account)}
        if group_id is None or group_id not in owned:
            raise PermissionDenied(
                f"Only an administrator or an owner of the group may import for '{owner.name}' into it."
            )
    return Ownership(owner, group_id, group_store.group_name(data_dir, group_id), run_by)


def _group_id(data_dir: DataDir, name: str) -> int:
    group_id = group_store.group_id(data_dir, name)
    if group_id is None:
        raise UsageError(f"There is no group named '{name}'.", "List the groups with 'inplace admin groups'.")
    return group_id


def _account(data_dir: DataDir, name: str) -> AccountRef:
    found = store.accounts.named(data_dir, name)
    if found is None:
        raise UsageError(f"There is no account named '{name}'.", "List them with 'inplace admin accounts'.")
    return found


def _require_group_admin(data_dir: DataDir, account: AccountRef, group_id: int, action: str) -> None:
    if account.is_admin or any(g.group_id == group_id for g in owned_groups(data_dir, account)):
        return
    raise PermissionDenied(f"Only an administrator or an owner of the group may {action}.")
