"""A data dir: the ManagedRepository, the catalog, logs and settings of one installation."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from engine.catalog.db import (
    Engine,
    Session,
    SessionFactory,
    check_catalog_url,
    create_sqlite_file,
    open_catalog,
    restrict_sqlite_files,
    session_factory,
    shown_url,
    sqlite_url,
)
from engine.catalog.store.accounts import any_account
from engine.config import DEFAULT_SETTINGS_TEXT, SETTINGS_FILE, Settings, resolve_data_dir, set_catalog_url
from engine.errors import CatalogError, CatalogLost, UsageError
from engine.group_modes import setup_hint
from engine.paths import DEFAULT_TEMPLATE
from engine.repository import holds_files

CATALOG_FILE = "catalog.sqlite"


@dataclass
class DataDir:
    root: Path

    @property
    def repository(self) -> Path:
        return self.root / "ManagedRepository"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def catalog_path(self) -> Path:
        return self.root / CATALOG_FILE

    @property
    def catalog_url(self) -> str:
        """Where the catalog is: settings.toml's catalog_url (PostgreSQL), or catalog.sqlite here."""
        return self.settings.catalog_url or sqlite_url(self.catalog_path)

    @property
    def catalog_is_local(self) -> bool:
        """The catalog is this data dir's own catalog.sqlite, whose file modes and loss it looks after."""
        return self.settings.catalog_url is None

    @property
    def catalog_shown(self) -> str:
        """The catalog as messages name it: its file, or its URL without a password."""
        return str(self.catalog_path) if self.catalog_is_local else shown_url(self.catalog_url)

    def exists(self) -> bool:
        if not self.repository.is_dir():
            return False
        return self.catalog_path.exists() if self.catalog_is_local else True

    @property
    def settings(self) -> Settings:
        """settings.toml, read again whenever it changed: an edited policy applies to the next check
        without a restart (one stat per look)."""
        try:
            st = (self.root / SETTINGS_FILE).stat()
            stamp: tuple[int, int, int] | None = (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            stamp = None
        cached = self.__dict__.get("_settings")
        if cached is None or cached[0] != stamp:
            cached = self.__dict__["_settings"] = (stamp, Settings.load(self.root))
        return cached[1]

    @property
    def shared_with_group(self) -> bool:
        """A data dir whose folder has the setgid bit or group write is meant for a group of people."""
        try:
            mode = self.root.stat().st_mode
        except OSError:
            return False
        return bool(mode & (stat.S_ISGID | stat.S_IWGRP))

    @property
    def private_file_mode(self) -> int:
        """The catalog holds password hashes: its owner's only, or its owner's and group's when shared."""
        return 0o660 if self.shared_with_group else 0o600

    @cached_property
    def engine(self) -> Engine:
        """The catalog, opened once: refused when it was lost, created and kept private otherwise."""
        if not self.catalog_is_local:  # a database server: its own administrator keeps it private
            engine = open_catalog(self.catalog_url)
        else:
            path, mode = self.catalog_path, self.private_file_mode
            if not _has_content(path):
                self.refuse_if_catalog_lost()
                create_sqlite_file(path, mode)
            try:
                engine = open_catalog(sqlite_url(path))
            except CatalogError as exc:  # another account's file: most often a data dir not set up for its group
                exc.hint = setup_hint(path) or exc.hint
                raise
            restrict_sqlite_files(path, mode)
        self._restrict_logs()
        if not any_account(engine) and self._holds_files():
            engine.dispose()
            raise self._lost("has no accounts")
        return engine

    def refuse_if_catalog_lost(self) -> None:
        """Refuse a data dir whose catalog is missing or empty while its repository or logs hold files:
        starting a new catalog there would orphan every file and let anyone run `admin init` again."""
        if not self.catalog_is_local:
            return  # an empty database is found out when it is opened: it has no accounts
        if not _has_content(self.catalog_path) and self._holds_files():
            raise self._lost("is missing" if not self.catalog_path.exists() else "is empty")

    def _holds_files(self) -> bool:
        return holds_files(self.repository) or holds_files(self.logs)

    def _lost(self, what: str) -> CatalogLost:
        if not self.catalog_is_local:
            return CatalogLost(
                f"The catalog database {self.catalog_shown} {what}, but this data dir holds imported files or "
                "job logs: restore the database from a backup, or correct catalog_url in settings.toml."
            )
        return CatalogLost(
            f"The catalog {self.catalog_path} {what}, but this data dir holds imported files or job logs: "
            f"restore catalog.sqlite from a backup to {self.catalog_path} before using it."
        )

    @cached_property
    def _sessions(self) -> SessionFactory:
        return session_factory(self.engine)

    def session(self) -> Session:
        return self._sessions()

    def create(self, catalog_url: str | None = None) -> None:
        """Make the directories, the settings file and the catalog (in the database `catalog_url` names,
        else catalog.sqlite here); harmless when they exist."""
        if catalog_url is not None:
            check_catalog_url(catalog_url)
        try:
            for path in (self.root, self.repository, self.logs):
                path.mkdir(parents=True, exist_ok=True)
            settings = self.root / SETTINGS_FILE
            if not settings.exists():
                settings.write_text(DEFAULT_SETTINGS_TEXT.format(template=DEFAULT_TEMPLATE))
            if catalog_url is not None and catalog_url != sqlite_url(self.catalog_path):
                set_catalog_url(self.root, catalog_url)
                self.__dict__.pop("_settings", None)
        except OSError as exc:
            raise UsageError(
                f"The data dir {self.root} could not be created ({exc.strerror}).",
                "Choose a folder this account can write, with --data-dir or INPLACE_DATA_DIR.",
            ) from exc
        _ = self.engine

    def move_catalog(self, url: str, switch: bool = True) -> dict[str, int]:
        """Copy the catalog into the empty database `url` (engine.catalog.move) and, with `switch`,
        name it in settings.toml; a local catalog.sqlite left behind is renamed so nobody takes it for
        the catalog. Refused while a job runs: its writes after the copy would be lost."""
        from engine.catalog.move import copy_catalog
        from engine.catalog.store import leases
        from engine.jobs import mark_interrupted

        check_catalog_url(url)
        if url in (self.catalog_url, sqlite_url(self.catalog_path)) and (switch or url == self.catalog_url):
            raise UsageError(f"The catalog is {self.catalog_shown} already.", "Name another database with --to.")
        mark_interrupted(self)
        running = leases.running(self)
        if running:
            raise UsageError(
                f"Jobs {', '.join(map(str, running))} are running, so the catalog cannot be moved now.",
                "Wait until they finish, then run the command again.",
            )
        counts = copy_catalog(self.engine, url)
        if not switch:
            return counts
        was_local = self.catalog_is_local
        self.dispose()
        self.__dict__.pop("engine", None)
        self.__dict__.pop("_sessions", None)
        set_catalog_url(self.root, None if url == sqlite_url(self.catalog_path) else url)
        self.__dict__.pop("_settings", None)
        if was_local:
            for suffix in ("", "-wal", "-shm"):
                old = Path(f"{self.catalog_path}{suffix}")
                if old.exists():
                    old.rename(f"{self.catalog_path}.moved{suffix}")
        return counts

    def _restrict_logs(self) -> None:
        """Job logs name every source path: the logs folder is its owner's (and a sharing group's) only."""
        try:
            st = self.logs.stat()
        except FileNotFoundError:
            return
        if st.st_uid == os.geteuid():
            self.logs.chmod((0o770 if self.shared_with_group else 0o700) | (st.st_mode & stat.S_ISGID))

    def require(self) -> DataDir:
        if not self.exists():
            self.refuse_if_catalog_lost()
            raise UsageError(
                f"There is no data dir at {self.root}.",
                f"Create one with: inplace --data-dir {self.root} admin init --user NAME",
            )
        _ = self.engine
        return self

    def dispose(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()


def open_data_dir(explicit: str | os.PathLike | None = None, create: bool = False) -> DataDir:
    """The data dir chosen by configuration; the personal default is created on first use."""
    root, source = resolve_data_dir(explicit)
    data_dir = DataDir(root)
    if create or (source == "the personal default" and not data_dir.exists()):
        data_dir.create()
        return data_dir
    return data_dir.require()


def _has_content(path: Path) -> bool:
    """SQLite takes a missing or empty file for a new database; this data dir does not."""
    try:
        return path.stat().st_size > 0
    except FileNotFoundError:
        return False
