"""`inplace relink`: re-point `ln_s` entries at originals that were moved, never touching an original.

Two ways to find the new place: a moved tree (`--from OLD --to NEW`: each entry under OLD is looked
for at the same place under NEW), or a search (`--search ROOT`: a missing entry's file is looked for
under ROOT by name and size). Each candidate must match what was imported (size and modification
time, or size and checksum with `full`); a search that finds more than one match applies none.
A link is replaced atomically (a new link beside it, then a rename over it), and the move is
recorded in the catalog (old path, new path, when, by whom) with the entry's new paths.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from datetime import datetime

from engine.catalog import store
from engine.catalog.store import AccountRef
from engine.catalog.store.health import CheckResult, EntryToCheck, Repointed
from engine.checksums import hash_file
from engine.datadir import DataDir
from engine.errors import UsageError
from engine.jobs import os_user
from engine.paths import client_path
from engine.permissions import visible_owner_filter
from engine.progress import CancelToken
from engine.states import ExitCode, HealthState
from engine.transfers.builtin import BUILTIN_TRANSFERS

LINK_TRANSFERS = tuple(n for n, t in BUILTIN_TRANSFERS.items() if t.in_place and t.follows_source_path)


@dataclass(frozen=True)
class Move:
    """One entry and where its original is now (or why it is left as it was)."""

    entry_id: int
    fileset_id: int
    old_path: str
    new_path: str | None  # None: nothing suitable was found
    reason: str = ""  # why it is left: empty when it matches
    ambiguous: bool = False  # left because more than one file matched (or one file matched several)


@dataclass
class RelinkReport:
    applied: bool  # False for a dry run
    full: bool
    matched: list[Move] = field(default_factory=list)  # relinked, or would be on a dry run
    left: list[Move] = field(default_factory=list)  # candidates that did not match, or were ambiguous

    @property
    def exit_code(self) -> int:
        return ExitCode.PROBLEMS_FOUND if self.left else ExitCode.OK

    def as_dict(self) -> dict:
        def row(m: Move) -> dict:
            return {"entry_id": m.entry_id, "fileset_id": m.fileset_id, "old_path": m.old_path, "new_path": m.new_path}

        return {
            "applied": self.applied,
            "checked_by": "size and checksum" if self.full else "size and modification time",
            "matched": [row(m) for m in self.matched],
            "left": [{**row(m), "reason": m.reason, "ambiguous": m.ambiguous} for m in self.left],
        }


def relink_tree(
    data_dir: DataDir,
    account: AccountRef,
    old_root: str,
    new_root: str,
    full: bool = False,
    dry_run: bool = False,
    cancel: CancelToken | None = None,
) -> RelinkReport:
    """Re-point the account's `ln_s` entries under `old_root` at the same places under `new_root`."""
    old_root, new_root = _root(old_root), _root(new_root)
    if not os.path.isdir(new_root):
        raise UsageError(f"{new_root} is not a folder.", "Give the folder the originals were moved to.")
    report = RelinkReport(not dry_run, full)
    for entry in _link_entries(data_dir, account):
        if not entry.source_path.startswith(old_root + os.sep):
            continue
        if cancel:
            cancel.raise_if_cancelled()
        candidate = new_root + entry.source_path[len(old_root) :]
        reason = _mismatch(entry, candidate, full)
        move = Move(entry.id, entry.fileset_id, entry.source_path, None if reason else candidate, reason)
        (report.left if reason else report.matched).append(move)
    if not dry_run:
        _apply(data_dir, account, report)
    return report


def search(
    data_dir: DataDir,
    account: AccountRef,
    root: str,
    full: bool = False,
    apply: bool = False,
    cancel: CancelToken | None = None,
) -> RelinkReport:
    """For the account's `ln_s` entries whose original is gone, look under `root` for a file of the same
    name and size (and checksum with `full`); propose the single matches, apply them with `apply`."""
    root = _root(root)
    if not os.path.isdir(root):
        raise UsageError(f"{root} is not a folder.", "Give a folder to search.")
    missing = [e for e in _link_entries(data_dir, account) if not os.path.exists(e.source_path)]
    wanted = {(os.path.basename(e.source_path), e.size) for e in missing}
    found: dict[tuple[str, int], list[str]] = {}
    for folder, _, names in os.walk(root):
        if cancel:
            cancel.raise_if_cancelled()
        for name in names:
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode) and (name, st.st_size) in wanted:
                found.setdefault((name, st.st_size), []).append(path)
    report = RelinkReport(apply, full)
    claimed: dict[str, int] = {}
    proposals: list[tuple[EntryToCheck, list[str]]] = []
    for entry in missing:
        candidates = found.get((os.path.basename(entry.source_path), entry.size), [])
        if full:
            candidates = [c for c in candidates if not _mismatch(entry, c, full=True)]
        proposals.append((entry, candidates))
        for c in candidates:
            claimed[c] = claimed.get(c, 0) + 1
    for entry, candidates in proposals:
        if len(candidates) == 1 and claimed[candidates[0]] == 1:
            report.matched.append(Move(entry.id, entry.fileset_id, entry.source_path, candidates[0]))
            continue
        if not candidates:
            reason = "no file of the same name, size" + (" and checksum" if full else "") + " was found"
        elif len(candidates) > 1:
            reason = f"{len(candidates)} files match ({', '.join(sorted(candidates)[:3])}): ambiguous, left alone"
        else:
            reason = f"{candidates[0]} matches more than one missing file: ambiguous, left alone"
        report.left.append(Move(entry.id, entry.fileset_id, entry.source_path, None, reason, bool(candidates)))
    if apply:
        _apply(data_dir, account, report)
    return report


def _root(path: str) -> str:
    return os.path.normpath(os.path.abspath(os.fspath(path)))


def _link_entries(data_dir: DataDir, account: AccountRef) -> list[EntryToCheck]:
    return store.health.entries_to_check(data_dir, visible_owner_filter(account), transfers=LINK_TRANSFERS)


def _mismatch(entry: EntryToCheck, candidate: str, full: bool) -> str:
    """Why `candidate` is not the entry's original, or '' when it is."""
    try:
        st = os.stat(candidate)
    except OSError as exc:
        return f"{candidate}: {exc.strerror}"
    if not stat.S_ISREG(st.st_mode):
        return f"{candidate} is not a file"
    if st.st_size != entry.size:
        return f"{candidate} has {st.st_size} bytes, the imported file had {entry.size}"
    if full:
        if entry.checksum is None:
            return "no checksum was recorded to compare with"
        try:
            digest, _ = hash_file(candidate, entry.checksum_algorithm)
        except OSError as exc:
            return f"{candidate} cannot be read ({exc.strerror})"
        return "" if digest == entry.checksum else f"{candidate} holds other bytes (its checksum differs)"
    if st.st_mtime != (entry.seen_mtime or entry.mtime):
        return f"{candidate} has another modification time (use --full to compare checksums)"
    return ""


def _apply(data_dir: DataDir, account: AccountRef, report: RelinkReport) -> None:
    entries = {e.id: e for e in _link_entries(data_dir, account)}
    user = os_user()
    for move in report.matched:
        assert move.new_path is not None
        entry = entries[move.entry_id]
        link = os.path.join(data_dir.repository, entry.repo_path)
        replace_link(link, move.new_path)
        st = os.stat(move.new_path)
        moved = Repointed(
            entry.id,
            move.old_path,
            move.new_path,
            os.path.realpath(move.new_path),
            client_path(move.new_path),
            (st.st_dev, st.st_ino),
            st.st_mtime,
        )
        try:
            store.health.record_relink(data_dir, moved, account.id, user, datetime.now())
        except BaseException:
            replace_link(link, os.path.abspath(move.old_path))  # the catalog still names the old place
            raise
        store.health.record_checks(
            data_dir, [CheckResult(entry.id, HealthState.OK, f"relinked from {move.old_path}")], datetime.now()
        )


def replace_link(link: str, target: str) -> None:
    """Point the symbolic link `link` at `target` in one step: a new link beside it, renamed over it."""
    spare = f"{link}.relink-{os.getpid()}"
    os.symlink(target, spare)
    try:
        os.replace(spare, link)
    except BaseException:
        os.unlink(spare)
        raise
