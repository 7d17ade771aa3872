"""The part of a session about people: groups and memberships, account administration, importing
for another person, and the server's set-up for a group. Session inherits it; every rule is checked
in the engine (engine.groups, engine.accounts), so the CLI and the wizard cannot disagree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine import accounts
from engine import groups as grouping
from engine.catalog.store import AccountRef

if TYPE_CHECKING:
    from engine.datadir import DataDir
    from engine.server_setup import SetupReport


class PeopleMixin:
    data_dir: DataDir
    account: AccountRef

    # --- groups ------------------------------------------------------------------------------------

    def groups(self) -> list[dict]:
        """Groups this account belongs to (every group for an administrator), by name, each
        {"id", "name", "permissions" ("private" | "read-only" | "read-write"),
        "members": [{"name", "owner": bool}]} with owners first."""
        return grouping.list_groups(self.data_dir, self.account)

    def import_groups(self) -> list[str]:
        """Names of the groups this account may import into: the ones it is a member of."""
        return grouping.import_groups(self.data_dir, self.account)

    @property
    def default_group(self) -> str | None:
        """Where this account's imports go unless a group is chosen; None when it is in no group."""
        return grouping.default_group(self.data_dir, self.account)

    def set_default_group(self, name: str) -> None:
        """Choose one's own default group among one's groups."""
        grouping.set_default_group(self.data_dir, self.account, name)

    def create_group(self, name: str, permissions: str = "private") -> None:
        """Add a group (administrators). `permissions`: private, read-only or read-write."""
        grouping.create_group(self.data_dir, self.account, name, permissions)

    def remove_group(self, name: str) -> None:
        """Remove a group that holds no filesets (administrators)."""
        grouping.remove_group(self.data_dir, self.account, name)

    def set_group_permissions(self, name: str, permissions: str) -> None:
        """Change a group's level (administrators); listings follow it at once."""
        grouping.set_permissions(self.data_dir, self.account, name, permissions)

    def add_member(self, group: str, account: str, owner: bool = False) -> None:
        """Add `account` to `group`, or change whether it owns it. An administrator may do both; a
        group's owner may add plain members to that group."""
        grouping.add_member(self.data_dir, self.account, group, account, owner)

    def remove_member(self, group: str, account: str) -> None:
        """Take `account` out of `group` (an administrator, or an owner of that group); its data stays."""
        grouping.remove_member(self.data_dir, self.account, group, account)

    def with_owner_names(self, rows: list[dict]) -> list[dict]:
        """Listing rows with `owner_id` and `group_id` gain "owner" and "group" (names; group None)."""
        from engine.catalog.store import groups as group_store

        return group_store.with_names(self.data_dir, rows)

    # --- accounts ----------------------------------------------------------------------------------

    def set_account_enabled(self, name: str, enabled: bool) -> None:
        """Allow or refuse an account's sign-in (administrators). Disabling keeps all its data and
        ends its remembered sign-ins; signing in is then refused in a sentence."""
        accounts.set_account_enabled(self.data_dir, name, enabled, by=self.account)

    def reset_password(self, name: str, new_password: str) -> None:
        """Give an account a new password (administrators); its remembered sign-ins end."""
        accounts.reset_password(self.data_dir, name, new_password, by=self.account)

    # --- importing for another person --------------------------------------------------------------

    def import_for_candidates(self) -> list[str]:
        """Accounts this one may import for (ImportOptions.sudo): every enabled account for an
        administrator, the members of the groups it owns for a group owner, none otherwise."""
        return grouping.import_for_candidates(self.data_dir, self.account)

    # --- the server's set-up -----------------------------------------------------------------------

    def server_setup(self, group: str | None = None) -> SetupReport:
        """What an in-place import by members of the OS group `group` (the data dir's own group when
        None) needs of the data dir and what is wrong now: `.problems` (plain sentences), `.commands`
        (exact shell commands that fix them), `.ok`. Reads only; `apply_server_setup` acts."""
        from engine.server_setup import inspect_setup

        return inspect_setup(self.data_dir, group)

    def apply_server_setup(self, group: str) -> SetupReport:
        """Fix what `server_setup(group)` found (administrators; run as root or the data dir's owner),
        idempotently, then prove it: a folder made as a member is removed as the owner. Returns the
        report after the fix, with `.proof` saying what the test did."""
        from engine.permissions import require_admin
        from engine.server_setup import apply_setup

        require_admin(self.account, "change the data dir's set-up")
        return apply_setup(self.data_dir, group)
