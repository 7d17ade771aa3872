"""A data dir: the ManagedRepository, the catalog, logs and settings of one installation."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine.catalog.db import open_catalog, sqlite_url
from engine.config import DEFAULT_SETTINGS_TEXT, SETTINGS_FILE, Settings, resolve_data_dir
from engine.errors import UsageError
from engine.paths import DEFAULT_TEMPLATE

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

    def exists(self) -> bool:
        return self.catalog_path.exists() and self.repository.is_dir()

    @cached_property
    def settings(self) -> Settings:
        return Settings.load(self.root)

    @cached_property
    def engine(self) -> Engine:
        return open_catalog(sqlite_url(self.catalog_path))

    @cached_property
    def _sessions(self) -> sessionmaker[Session]:
        return sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self._sessions()

    def create(self) -> None:
        """Make the directories, the settings file and the catalog; harmless when they exist."""
        try:
            for path in (self.root, self.repository, self.logs):
                path.mkdir(parents=True, exist_ok=True)
            settings = self.root / SETTINGS_FILE
            if not settings.exists():
                settings.write_text(DEFAULT_SETTINGS_TEXT.format(template=DEFAULT_TEMPLATE))
        except OSError as exc:
            raise UsageError(
                f"The data dir {self.root} could not be created ({exc.strerror}).",
                "Choose a folder this account can write, with --data-dir or INPLACE_DATA_DIR.",
            ) from exc
        _ = self.engine

    def require(self) -> DataDir:
        if not self.exists():
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
