"""Copy a catalog from one database to another (SQLite to PostgreSQL when a facility grows to several
import hosts, PostgreSQL to an SQLite file for a backup), keeping every id and never handing one out
again, and check afterwards that each table holds as many rows as the source's."""

from __future__ import annotations

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.engine import Connection, Engine

from engine.catalog.db import open_catalog, shown_url
from engine.catalog.models import Base
from engine.catalog.store.base import exclusive
from engine.errors import CatalogError

CHUNK = 1000  # rows per INSERT


def copy_catalog(source: Engine, target_url: str) -> dict[str, int]:
    """Copy every table of `source` into the empty database at `target_url` (its schema is made by the
    migrations), parents before children; return the rows copied per table. Both catalogs are locked
    for writing meanwhile; the target is left unchanged when anything fails."""
    target = open_catalog(target_url)
    tables = list(Base.metadata.sorted_tables)  # dependency order: a row's parent is always there first
    try:
        with source.begin() as src, target.begin() as dst:
            exclusive(src)
            exclusive(dst)
            filled = [t.name for t in tables if _count(dst, t)]
            if filled and _count(dst, Base.metadata.tables["accounts"]):
                raise CatalogError(
                    f"The database {shown_url(target_url)} is not empty (it has rows in {', '.join(filled)}).",
                    "Move the catalog into a new, empty database.",
                )
            for t in reversed(tables):  # a catalog without accounts holds only what its migrations seeded
                dst.execute(t.delete())
            counts = {t.name: _copy(src, dst, t) for t in tables}
            for t in tables:
                if "id" in t.c and t.c.id.autoincrement in (True, "auto") and t.c.id.primary_key:
                    _continue_ids(dst, t.name, _high_water(src, t.name))
            differ = [name for name, n in counts.items() if _count(dst, Base.metadata.tables[name]) != n]
            if differ:
                raise CatalogError(
                    f"The copy of the catalog differs from it in {', '.join(differ)}, so nothing was moved.",
                    "Report this with a copy of the catalog.",
                )
        return counts
    finally:
        target.dispose()


def _count(conn: Connection, table: Table) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _copy(src: Connection, dst: Connection, table: Table) -> int:
    n = 0
    result = src.execute(select(table).order_by(*table.primary_key.columns))
    for rows in result.partitions(CHUNK):
        dst.execute(insert(table), [dict(row._mapping) for row in rows])
        n += len(rows)
    return n


def _high_water(src: Connection, table: str) -> int:
    """The largest id the source ever handed out for `table`: deleted newest rows included."""
    largest = src.execute(text(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')).scalar_one()
    if src.dialect.name == "sqlite":
        seq = src.execute(text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": table}).scalar()
    else:
        name = src.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table}).scalar()
        seq = src.execute(text(f"SELECT last_value FROM {name} WHERE is_called")).scalar() if name else None
    return max(largest, seq or 0)


def _continue_ids(dst: Connection, table: str, high_water: int) -> None:
    """Make the target's next id for `table` come after `high_water`."""
    if dst.dialect.name == "postgresql":
        name = dst.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table}).scalar()
        if name and high_water:
            dst.execute(text("SELECT setval(:s, :v, true)"), {"s": name, "v": high_water})
        return
    if not high_water or not dst.execute(text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")).first():
        return
    if not dst.execute(
        text("UPDATE sqlite_sequence SET seq = MAX(seq, :v) WHERE name = :t"), {"t": table, "v": high_water}
    ).rowcount:
        if "AUTOINCREMENT" in (
            dst.execute(text("SELECT sql FROM sqlite_master WHERE name = :t"), {"t": table}).scalar() or ""
        ):
            dst.execute(text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :v)"), {"t": table, "v": high_water})
