"""Column types of the catalog: file names and paths stored by engine.fsnames' rule, so any name,
valid UTF-8 or not, goes in and comes back out exactly."""

from __future__ import annotations

from sqlalchemy.types import String, Text, TypeDecorator

from engine.fsnames import from_catalog, to_catalog


class FsText(TypeDecorator):
    """A text column that can hold any file name, including ones that are not valid UTF-8."""

    impl: type[String] = Text  # Text is a String; FsString narrows it to String(n)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else to_catalog(value)

    def process_result_value(self, value, dialect):
        return None if value is None else from_catalog(value)


class FsString(FsText):
    """`FsText` for a column declared with a length (`String(n)`)."""

    impl = String
    cache_ok = True
