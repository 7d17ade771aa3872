"""Which originals registered filesets reach through symbolic links, so no `*_rm` run deletes them.

An `ln_s` entry's repository file is a symbolic link to its original's path: deleting the file at
the end of that path breaks the image, whoever imported it. Plugin transfers are counted too, since
what they leave in the repository is not known here. Candidates come from the catalog by real path
or file name (both indexed); each is then confirmed by resolving its path now.
"""

from __future__ import annotations

import os

from engine.catalog import store
from engine.paths import real_path_resolver
from engine.transfers.builtin import BUILTIN_TRANSFERS

PATH_FREE_TRANSFERS = tuple(n for n, t in BUILTIN_TRANSFERS.items() if not t.follows_source_path)


def linked_originals(conn, paths: list[str]) -> dict[str, str]:
    """Map each of `paths` that a registered fileset reaches through a link to a description of it.
    `conn` is a catalog connection (the deletion step passes the one that holds the write lock), or
    the data dir, to read the catalog afresh."""
    resolve = real_path_resolver()
    real = {resolve(p): p for p in paths}
    names = sorted({os.path.basename(p) for p in paths})
    found: dict[str, str] = {}
    for source_path, real_path, fileset_id in store.filesets.link_candidates(
        conn, list(real), names, PATH_FREE_TRANSFERS
    ):
        for path in _reached(source_path, real_path, real):
            found.setdefault(path, f"fileset {fileset_id} (linked from {source_path})")
    return found


def _reached(source_path: str, real_path: str | None, real: dict[str, str]) -> list[str]:
    """Which candidates the entry's link reaches: as recorded at import, and as resolved now."""
    return [real[r] for r in {real_path, source_path, _resolve(source_path)} if r in real]


def _resolve(path: str) -> str:
    try:
        return os.path.realpath(path, strict=True)
    except OSError:
        return ""
