"""`inplace verify`: is every imported file still what was imported?

Quick: each entry still resolves to a readable regular file with the recorded size and modification
time, and is the same file (device and inode) where the import recorded one. Full: the bytes are
hashed again with the recorded algorithm (streamed, each byte read once). What is checked depends on
where the data lives: an `ln_s` entry's original (through the repository's link), an `ln` entry's
repository link (the original's inode) and, while it exists, the original's path; a copy's
repository file (bit rot in the repository is a problem too).

A run checks the least recently checked entries first and may stop at a time budget, so a nightly
run covers a large repository over a few nights. Results are stored per entry with the time of the
check; a fileset's health is the worst of its entries.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from engine.catalog import store
from engine.catalog.store import AccountRef
from engine.catalog.store.health import CheckResult, EntryToCheck
from engine.checksums import hash_file
from engine.datadir import DataDir
from engine.errors import EngineError, UsageError
from engine.groups import require_may_see_fileset
from engine.permissions import visible_owner_filter
from engine.progress import CancelToken, ProgressTracker
from engine.states import ExitCode, HealthState
from engine.transfers import get_transfer

SHOW_PATH_EVERY = 100  # a quick check names the file it is at every so many files (it is there only briefly)
SYMLINK, HARDLINK, HARDLINK_ONLY, COPY = "symlink", "hardlink", "hardlink_only", "copy"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.IGNORECASE)
_UNITS = {None: 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """Seconds in '90', '90s', '30m', '1.5h' or '1d'."""
    match = _DURATION.match(text)
    if not match:
        raise UsageError(f"'{text}' is not a duration.", "Write it as 90s, 30m, 2h or 1d.")
    return float(match.group(1)) * _UNITS[match.group(2) and match.group(2).lower()]


@functools.lru_cache(maxsize=64)
def kind_of(transfer: str) -> str:
    """Where an entry's data lives, by its transfer (an unknown plugin is checked as a copy)."""
    try:
        t = get_transfer(transfer)
    except EngineError:
        return COPY
    if t.in_place and t.follows_source_path:
        return SYMLINK
    if t.in_place:
        return HARDLINK_ONLY if t.deletes_sources else HARDLINK
    return COPY


@dataclass(slots=True)
class EntryCheck:
    """What one check found, for the front ends."""

    entry_id: int
    fileset_id: int
    transfer: str
    source_path: str
    client_path: str
    repo_path: str
    health: HealthState
    note: str | None

    def as_dict(self) -> dict:
        return {
            "entry_id": self.entry_id,
            "fileset_id": self.fileset_id,
            "transfer": self.transfer,
            "source_path": self.source_path,
            "client_path": self.client_path,
            "repo_path": self.repo_path,
            "state": str(self.health),
            "note": self.note,
        }


@dataclass
class VerifyReport:
    full: bool
    entries: list[EntryCheck] = field(default_factory=list)
    filesets: dict[int, HealthState] = field(default_factory=dict)  # health of the filesets checked, after
    remaining: int = 0  # entries not reached within the budget
    bytes_read: int = 0
    seconds: float = 0.0

    @property
    def problems(self) -> list[EntryCheck]:
        return [e for e in self.entries if e.health.is_problem]

    def by_state(self) -> dict[HealthState, list[EntryCheck]]:
        found: dict[HealthState, list[EntryCheck]] = {}
        for e in self.problems:
            found.setdefault(e.health, []).append(e)
        return found

    @property
    def exit_code(self) -> int:
        return ExitCode.PROBLEMS_FOUND if self.problems else ExitCode.OK

    def as_dict(self) -> dict:
        return {
            "mode": "full" if self.full else "quick",
            "checked": len(self.entries),
            "remaining": self.remaining,
            "problems": len(self.problems),
            "bytes_read": self.bytes_read,
            "seconds": round(self.seconds, 3),
            "filesets": {str(i): str(h) for i, h in sorted(self.filesets.items())},
            "entries": [e.as_dict() for e in self.entries],
        }


class _OutOfTime(Exception):
    """The budget ran out in the middle of hashing a file: that entry stays as it was."""


def verify(
    data_dir: DataDir,
    account: AccountRef,
    fileset_ids: list[int] | None = None,
    full: bool = False,
    budget: float | None = None,
    progress: ProgressTracker | None = None,
    cancel: CancelToken | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> VerifyReport:
    """Check the account's filesets (all of them for an administrator), or those given, least recently
    checked first; with `budget` (seconds) stop once it is spent, after at least one entry.
    Raises Cancelled when `cancel` is set; what was checked before is kept.

    Entries are read a batch at a time as plain rows and their results written a batch per
    transaction, so memory stays flat (but for the report's list) and the catalog costs little beside
    the one open and stat each entry needs."""
    progress = progress or ProgressTracker()
    cancel = cancel or CancelToken()
    if fileset_ids is not None:
        _require_filesets(data_dir, account, fileset_ids)
    owner = visible_owner_filter(account)
    files_total, bytes_total = store.health.count_to_check(data_dir, owner, fileset_ids)
    report = VerifyReport(full)
    progress.update(
        phase="verifying", files_total=files_total, bytes_total=bytes_total if full else 0, started_at=time.monotonic()
    )
    started = clock()
    run_started = datetime.now()
    repository = str(data_dir.repository)
    checked_filesets: set[int] = set()

    def out_of_time() -> bool:
        return budget is not None and bool(report.entries) and clock() - started >= budget

    def on_block(n: int) -> None:
        cancel.raise_if_cancelled()
        report.bytes_read += n
        progress.advance(bytes_=n)
        if out_of_time():
            raise _OutOfTime

    try:
        for batch in store.health.batches_to_check(data_dir, owner, fileset_ids, checked_before=run_started):
            results: list[CheckResult] = []
            try:
                stopped = _check_batch(
                    batch, results, repository, full, report, progress, cancel, out_of_time, on_block
                )
            finally:  # a cancel keeps what was checked
                store.health.record_checks(data_dir, results, datetime.now(), {e.id: e.health for e in batch})
                checked_filesets.update(e.fileset_id for e in batch[: len(results)])
            if stopped:
                report.remaining = max(files_total - len(report.entries), 0)
                break
    finally:
        report.seconds = clock() - started
    health = store.health.fileset_health(data_dir, owner, checked_filesets)
    report.filesets = {i: h.health for i, h in health.items()}
    progress.update(phase="done", current_path="")
    return report


def _check_batch(
    batch: list[EntryToCheck],
    results: list[CheckResult],
    repository: str,
    full: bool,
    report: VerifyReport,
    progress: ProgressTracker,
    cancel: CancelToken,
    out_of_time: Callable[[], bool],
    on_block: Callable[[int], None],
) -> bool:
    """Check a batch's entries in order into `results`; True when the budget ran out."""
    shown = report.entries
    for index, entry in enumerate(batch):
        cancel.raise_if_cancelled()
        if out_of_time():
            return True
        if full or not index % SHOW_PATH_EVERY:
            progress.update(current_path=entry.source_path)
        try:
            result = check_entry(entry, repository, full, on_block)
        except _OutOfTime:
            return True
        results.append(result)
        shown.append(_shown(entry, result))
        progress.advance(files=1, failed=int(result.health.is_problem))
    return False


def _require_filesets(data_dir: DataDir, account: AccountRef, fileset_ids: list[int]) -> None:
    owners = store.health.fileset_owners(data_dir, fileset_ids)
    for fileset_id in fileset_ids:
        if fileset_id not in owners:
            raise UsageError(f"There is no fileset {fileset_id}.", "List them with 'inplace filesets'.")
        require_may_see_fileset(data_dir, account, fileset_id, owners[fileset_id], f"verify fileset {fileset_id}")


def _shown(entry: EntryToCheck, result: CheckResult) -> EntryCheck:
    return EntryCheck(
        entry.id,
        entry.fileset_id,
        entry.transfer,
        entry.source_path,
        entry.client_path,
        entry.repo_path,
        result.health,
        result.note,
    )


# --- one entry -------------------------------------------------------------------------------------


def check_entry(
    entry: EntryToCheck, repository: str, full: bool, on_block: Callable[[int], None] | None = None
) -> CheckResult:
    """Check one entry (quick, or `full`: hash it again) and say what was found."""
    repo = f"{repository}/{entry.repo_path}"
    kind = kind_of(entry.transfer)
    expected = None
    if entry.source_dev is not None and entry.source_ino is not None:
        expected = (entry.source_dev, entry.source_ino)
    if kind == SYMLINK:
        try:
            target = os.readlink(repo)
        except FileNotFoundError:
            return CheckResult(entry.id, HealthState.MISSING, f"the repository's link {repo} is gone")
        except OSError as exc:
            if exc.errno == errno.EINVAL:
                return CheckResult(entry.id, HealthState.REPLACED, f"{repo} is no longer a link")
            return CheckResult(entry.id, HealthState.UNREADABLE, f"{repo}: {exc.strerror}")
        if target != entry.source_path and target != os.path.abspath(entry.source_path):
            return CheckResult(entry.id, HealthState.REPLACED, f"the repository's link now points to {target}")
        return _check_file(entry, repo, expected, entry.seen_mtime or entry.mtime, full, on_block, name=target)
    if kind in (HARDLINK, HARDLINK_ONLY):
        if kind == HARDLINK:
            original = _identity(entry.source_path)
            expected = expected or original
            if original is not None and expected is not None and original != expected:
                return CheckResult(
                    entry.id,
                    HealthState.REPLACED,
                    "another file now stands at the original's path; the repository keeps the imported one",
                )
        return _check_file(entry, repo, expected, entry.seen_mtime or entry.mtime, full, on_block, follow=False)
    # A copy: the repository's own file. The import recorded the original's time, not the copy's, so
    # the first good check records the copy's.
    return _check_file(entry, repo, None, entry.seen_mtime, full, on_block, follow=False)


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _open_stat(path: str, follow: bool, name: str) -> os.stat_result | CheckResult:
    """The file's status through an open descriptor (which proves it readable), or why not."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return CheckResult(0, HealthState.MISSING, f"{name} does not exist")
        if exc.errno == errno.ELOOP:
            return CheckResult(0, HealthState.REPLACED, f"a symbolic link now stands at {name}")
        if exc.errno in (errno.EACCES, errno.EPERM):
            return CheckResult(0, HealthState.UNREADABLE, f"{name} cannot be read by this account (permission denied)")
        return CheckResult(0, HealthState.UNREADABLE, f"{name} cannot be read ({exc.strerror})")
    try:
        return os.fstat(fd)
    finally:
        os.close(fd)


def _check_file(
    entry: EntryToCheck,
    path: str,
    expected: tuple[int, int] | None,
    mtime: float | None,
    full: bool,
    on_block: Callable[[int], None] | None,
    follow: bool = True,
    name: str | None = None,
) -> CheckResult:
    """Check the file at `path` (called `name` in what is said about it)."""
    st = _open_stat(path, follow, name or path)
    name = name or path
    if isinstance(st, CheckResult):
        return CheckResult(entry.id, st.health, st.note)
    if not stat.S_ISREG(st.st_mode):
        return CheckResult(entry.id, HealthState.REPLACED, f"{name} is no longer a regular file")
    identity = (st.st_dev, st.st_ino)
    other_file = expected is not None and identity != expected
    differs = _differences(entry, st, mtime)
    if full and entry.checksum is not None:
        try:
            digest, _ = hash_file(path, entry.checksum_algorithm, on_block)
        except PermissionError:
            return CheckResult(entry.id, HealthState.UNREADABLE, f"{name} cannot be read by this account")
        except OSError as exc:
            return CheckResult(entry.id, HealthState.UNREADABLE, f"{name} cannot be read ({exc.strerror})")
        if digest == entry.checksum and st.st_size == entry.size:
            # The very bytes that were imported (a restore from a backup, say): accept this file as
            # the entry's from now on, so quick checks compare with it.
            note = "the same bytes as imported, in a file restored or rewritten since" if other_file or differs else ""
            recorded = (entry.source_dev, entry.source_ino)
            return CheckResult(
                entry.id,
                HealthState.OK,
                note or None,
                identity=None if identity == recorded else identity,
                seen_mtime=None if st.st_mtime == mtime else st.st_mtime,
            )
        state = HealthState.REPLACED if other_file else HealthState.CHANGED
        return CheckResult(entry.id, state, f"its checksum differs from the imported one ({name})")
    if other_file:
        return CheckResult(entry.id, HealthState.REPLACED, f"a different file now stands at {name}")
    if differs:
        return CheckResult(entry.id, HealthState.CHANGED, f"{name}: {differs}")
    return CheckResult(entry.id, HealthState.OK, seen_mtime=st.st_mtime if mtime is None else None)


def _differences(entry: EntryToCheck, st: os.stat_result, mtime: float | None) -> str:
    found = []
    if st.st_size != entry.size:
        found.append(f"size is {st.st_size} bytes, was {entry.size}")
    if mtime is not None and st.st_mtime != mtime:
        found.append("modification time differs")
    return "; ".join(found)
