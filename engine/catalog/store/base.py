"""What the store needs of a data dir: sessions on its catalog."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session


class Catalog(Protocol):
    """A data dir, as far as the store is concerned (engine.datadir.DataDir is one)."""

    def session(self) -> Session: ...
