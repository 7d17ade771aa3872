"""Fileset folders for a batch: recorded in the catalog as pending first, created on disk after, so a
kill never leaves a folder the catalog does not know and the catalog's unique names decide between
concurrent imports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine import checkpoints
from engine.catalog.registration import NameTaken, move_pending, record_pending
from engine.grouping import FilesetPlan
from engine.paths import DirectoryAllocator
from engine.sources import Stored
from engine.states import FilesetState


@dataclass
class Allocated:
    plan: FilesetPlan
    fileset_id: int
    repo_dir: str  # relative to the repository root
    log_text: str = ""
    stored: list[Stored] | None = None  # for *_rm: each original as it was when hashed


def allocate(data_dir, allocator: DirectoryAllocator, batch: list[FilesetPlan], row: dict) -> list[Allocated]:
    """Record the batch's folders as pending (each row made from `row` plus the fileset's own
    fields), then create them."""
    account_name, account_id = row.pop("account_name"), row["owner_id"]
    now = datetime.now()
    while True:
        dirs = [allocator.propose(account_name, account_id) for _ in batch]
        rows = [
            {
                **row,
                "name": row["name"] or fs.name,
                "state": FilesetState.PENDING,
                "repo_dir": d,
                "created_at": now,
                "rule": fs.rule,
                "format": fs.format,
            }
            for fs, d in zip(batch, dirs, strict=True)
        ]
        try:
            ids = record_pending(data_dir.engine, rows)
            break
        except NameTaken:
            continue
    checkpoints.reached("recorded")
    allocated = [Allocated(fs, fid, d) for fs, fid, d in zip(batch, ids, dirs, strict=True)]
    for item in allocated:
        _create(data_dir, allocator, item, account_name, account_id)
    checkpoints.reached("allocated")
    return allocated


def _create(data_dir, allocator: DirectoryAllocator, item: Allocated, account_name: str, account_id: int) -> None:
    """Make a recorded folder; if a stray folder already holds the name, move the row on."""
    while True:
        try:
            allocator.create(item.repo_dir)
            return
        except FileExistsError:
            item.repo_dir = allocator.propose(account_name, account_id)
            move_pending(data_dir.engine, item.fileset_id, item.repo_dir)
