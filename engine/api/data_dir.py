"""An open data dir: where it is, its settings, its accounts, and signing in. Close it when done."""

from __future__ import annotations

import os
from pathlib import Path

from engine import accounts
from engine.api.session import Session
from engine.config import resolve_data_dir
from engine.datadir import DataDir, open_data_dir
from engine.dropbox.folders import DropboxJournal, account_for_folder
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
    def catalog_shown(self) -> str:
        """Where the catalog is, as messages name it (a file, or a database URL without its password)."""
        return self._data_dir.catalog_shown

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

    def initialise(self, name: str, password: str, catalog_url: str | None = None) -> Session:
        """Create the data dir with its first account, an administrator; its catalog in the database
        `catalog_url` names (PostgreSQL, for several import hosts), or catalog.sqlite in the data dir."""
        accounts.validate_new_account(name, password)
        self.refuse_initialising()
        self._data_dir.create(catalog_url)
        if catalog_url is not None and accounts.has_accounts(self._data_dir):
            raise UsageError(
                f"The catalog database {self._data_dir.catalog_shown} already holds accounts.",
                "Give an empty database to --catalog-url, or use the data dir that catalog belongs to.",
            )
        account = accounts.create_account(self._data_dir, name, password, admin=True, by=None)
        return Session(self._data_dir, account)

    def move_catalog(self, session: Session, url: str, switch: bool = True) -> dict[str, int]:
        """Copy the catalog into the empty database `url` and, with `switch`, use it from now on;
        administrators only, while no job runs. Returns the rows copied per table."""
        session.require_admin("move the catalog")
        return self._data_dir.move_catalog(url, switch=switch)

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

    # --- the DropBox service -------------------------------------------------------------------

    def session_for(self, account_name: str, folder_id: int) -> Session:
        """A session for the account a watch folder imports for, without its password: for the DropBox
        service, which acts for an account only because an administrator registered that folder for it.
        Refused (PermissionDenied) when the folder is gone, imports for another account, or was registered
        by an account that is no longer an administrator."""
        return Session(self._data_dir, account_for_folder(self._data_dir, account_name, folder_id))

    def dropbox_journal(self) -> DropboxJournal:
        """What the DropBox service reads and writes about its folders: their registrations, what waits
        in each, the imports made or failed there, and the jobs an interrupted service left."""
        return DropboxJournal(self._data_dir)

    def __enter__(self) -> DataDirectory:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
