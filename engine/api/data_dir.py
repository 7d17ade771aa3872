"""An open data dir: where it is, its settings, its accounts, and signing in. Close it when done."""

from __future__ import annotations

import os
from pathlib import Path

from engine import accounts
from engine.api.session import Session
from engine.config import resolve_data_dir
from engine.datadir import DataDir, open_data_dir
from engine.errors import UsageError


class DataDirectory:
    def __init__(self, data_dir: DataDir, chosen_by: str = "") -> None:
        self._data_dir = data_dir
        self.chosen_by = chosen_by  # where the choice came from: --data-dir, configuration, ...

    @classmethod
    def open(cls, explicit: str | os.PathLike | None = None, create: bool = False) -> DataDirectory:
        """The data dir chosen by --data-dir, the environment or the configuration; the personal
        default is created on first use, any other must exist (or `create`)."""
        _, chosen_by = resolve_data_dir(explicit)
        return cls(open_data_dir(explicit, create=create), chosen_by)

    @classmethod
    def unopened(cls, explicit: str | os.PathLike | None = None) -> DataDirectory:
        """Where the data dir would be, without touching it (for `admin init`, and the sign-in page)."""
        root, chosen_by = resolve_data_dir(explicit)
        return cls(DataDir(root), chosen_by)

    @property
    def root(self) -> Path:
        return self._data_dir.root

    @property
    def exists(self) -> bool:
        return self._data_dir.exists()

    @property
    def policy(self):
        return self._data_dir.settings.policy

    def has_accounts(self) -> bool:
        return self._data_dir.exists() and accounts.has_accounts(self._data_dir)

    def refuse_initialising(self) -> None:
        """Refuse to start a data dir that has accounts already, or whose catalog was lost (a lost
        catalog is restored from a backup, never replaced by an empty one)."""
        self._data_dir.refuse_if_catalog_lost()
        if self.has_accounts():
            raise UsageError(
                f"{self.root} already holds a data dir with accounts.", "Add one: 'inplace admin adduser NAME'."
            )

    def initialise(self, name: str, password: str) -> Session:
        """Create the data dir with its first account, an administrator."""
        accounts.validate_new_account(name, password)
        self.refuse_initialising()
        self._data_dir.create()
        account = accounts.create_account(self._data_dir, name, password, admin=True, by=None)
        return Session(self._data_dir, account)

    def sign_in(self, name: str, password: str) -> Session:
        return Session(self._data_dir, accounts.authenticate(self._data_dir, name, password))

    def resume_sign_in(self, token: str) -> Session | None:
        """The session a remembered token stands for, or None when it expired or was never valid."""
        account = accounts.account_for_token(self._data_dir, token)
        return Session(self._data_dir, account) if account else None

    def forget_sign_in(self, token: str) -> None:
        accounts.end_session(self._data_dir, token)

    def close(self) -> None:
        self._data_dir.dispose()

    def __enter__(self) -> DataDirectory:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
