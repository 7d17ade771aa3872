"""Watched folders: registered by an administrator with their import arguments, listed, removed, and
reported on. An in-place or deleting transfer needs a standing acknowledgement: the administrator accepts
the transfer's responsibilities once, for every import the folder will make, and that is recorded with
who and when, and repeated in each job's acknowledgement."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from datetime import datetime

from engine.catalog import store
from engine.catalog.store import AccountRef
from engine.catalog.store.dropbox import EventRecord, FolderRecord
from engine.checksums import get_algorithm
from engine.containers import Target
from engine.datadir import DataDir
from engine.errors import PermissionDenied, UsageError
from engine.groups import resolve_ownership
from engine.jobs import mark_interrupted, os_user
from engine.permissions import require_admin
from engine.plan import EXCLUDE_MODES
from engine.responsibilities import Statement, _texts, needs_acknowledgement
from engine.states import JobState
from engine.transfers import get_transfer

DEFAULT_QUIET_SECONDS = 60.0
DEFAULT_MAX_IMPORTS = 2  # the service's imports at once: more rarely helps on one filesystem
# Warnings the standing acknowledgement covers without naming them: the service itself waited for the
# folder's quiet period before importing (recently-modified), and a sanitised name harms nothing.
COVERED_WARNINGS = ("recently-modified", "names-sanitised")
STANDING_ID = "dropbox-standing"


@dataclass(frozen=True)
class FolderArguments:
    """The import arguments an administrator chose for a folder."""

    transfer: str = "upload"
    checksum_algorithm: str = "SHA1-160"
    target: Target | None = None
    exclude: str = "clientpath"  # never off: a file already imported is never imported twice
    quiet_seconds: float = DEFAULT_QUIET_SECONDS
    polling: bool = False
    accepted_warnings: tuple[str, ...] = field(default_factory=tuple)
    group: str | None = None  # the group its filesets belong to; None: the account's default group


@dataclass(frozen=True)
class StandingAcknowledgement:
    by: str
    os_user: str
    at: datetime
    statements: list[Statement]
    warnings: list[str]

    def sentence(self, folder: str) -> str:
        return (
            f"Accepted in advance for every import from the watch folder {folder} by the administrator "
            f"'{self.by}' (as {self.os_user}) on {self.at.isoformat(timespec='seconds')}; "
            "imported by the DropBox service."
        )


@dataclass(frozen=True)
class WatchedFolder:
    """A registered folder as front ends and the service see it."""

    id: int
    path: str
    account: str
    transfer: str
    checksum_algorithm: str
    target: Target | None
    exclude: str
    quiet_seconds: float
    polling: bool
    added_by: str
    added_by_is_admin: bool
    added_at: datetime
    standing: StandingAcknowledgement | None
    note: str | None  # what the service found waiting on its last look
    checked_at: datetime | None
    group: str | None = None  # the group its imports go into (None: the account's default group)

    @property
    def accepted_statement_ids(self) -> set[str]:
        return {s.id for s in self.standing.statements} if self.standing else set()


@dataclass(frozen=True)
class FolderStatus:
    folder: WatchedFolder
    events: list[EventRecord]  # newest first


def standing_statements(transfer: str) -> list[Statement]:
    """The statements an administrator accepts for every import a folder with this transfer will make."""
    texts = _texts()
    t = get_transfer(transfer)
    ids = texts["transfers"].get(t.name)
    if ids is None:
        ids = (texts["transfers"]["in_place"] if t.in_place else []) + (
            texts["transfers"]["deleting"] if t.deletes_sources else []
        )
    fill = {"files": "the original files of each import", "size": "whatever their size"}
    return [Statement(i, texts["statements"][i].format(**fill)) for i in dict.fromkeys(ids)]


def _folder(record: FolderRecord) -> WatchedFolder:
    options = record.options
    target = Target(**options["target"]) if options.get("target") else None
    standing = None
    if record.accepted_statements is not None:
        standing = StandingAcknowledgement(
            record.added_by,
            record.accepted_os_user or "?",
            record.added_at,
            [Statement(s["id"], s["text"]) for s in record.accepted_statements],
            list(record.accepted_warnings),
        )
    return WatchedFolder(
        record.id,
        record.path,
        record.account_name,
        options["transfer"],
        options["checksum_algorithm"],
        target,
        options.get("exclude") or "clientpath",
        record.quiet_seconds,
        record.polling,
        record.added_by,
        record.added_by_is_admin,
        record.added_at,
        standing,
        record.note,
        record.checked_at,
        options.get("group"),
    )


def add_folder(
    data_dir: DataDir, by: AccountRef, path: str, account: str, arguments: FolderArguments, accept: bool
) -> WatchedFolder:
    """Register `path` for `account` (administrators only). An in-place or deleting transfer needs
    `accept`: the administrator's standing acknowledgement of its responsibilities."""
    require_admin(by, "register a watch folder")
    path = os.path.abspath(path)
    if not os.path.isdir(path):
        raise UsageError(f"{path} is not a folder.", "Create it first, then register it.")
    account_id = store.dropbox.account_id(data_dir, account)
    if account_id is None:
        raise UsageError(f"There is no account '{account}'.", "Add it with 'inplace admin adduser NAME'.")
    if arguments.group is not None:  # a group the account is not in is refused now, not at each import
        found = store.accounts.credentials(data_dir, account)
        if found is not None:
            resolve_ownership(data_dir, found[0], arguments.group, None)
    transfer = get_transfer(arguments.transfer)  # unknown names fail here, in a sentence
    get_algorithm(arguments.checksum_algorithm)
    if arguments.exclude not in EXCLUDE_MODES:
        raise UsageError(f"Unknown exclusion '{arguments.exclude}'.", f"Use one of: {', '.join(EXCLUDE_MODES)}.")
    if arguments.quiet_seconds < 0:
        raise UsageError("The quiet period cannot be negative.", "Give the seconds a file must stay unchanged.")
    statements = None
    if needs_acknowledgement(transfer):
        if not accept:
            raise UsageError(
                f"The {transfer.name} transfer needs its responsibilities accepted for every import this folder "
                "will make.",
                "Read them ('inplace import --advanced-help') and add --accept-responsibilities.",
            )
        statements = [{"id": s.id, "text": s.text} for s in standing_statements(transfer.name)]
    options = {
        "transfer": transfer.spec or transfer.name,
        "checksum_algorithm": arguments.checksum_algorithm,
        "target": asdict(arguments.target) if arguments.target else None,
        "exclude": arguments.exclude,
        "group": arguments.group,
    }
    record = store.dropbox.add(
        data_dir,
        {
            "path": path,
            "account_id": account_id,
            "options": options,
            "quiet_seconds": float(arguments.quiet_seconds),
            "polling": arguments.polling,
            "added_by_id": by.id,
            "added_at": datetime.now(),
            "accepted_statements": statements,
            "accepted_warnings": list(arguments.accepted_warnings) if statements is not None else None,
            "accepted_os_user": os_user() if statements is not None else None,
        },
    )
    if record is None:
        raise UsageError(f"{path} is watched already.", "See 'inplace dropbox list'; remove it first to change it.")
    return _folder(record)


def list_folders(data_dir: DataDir, account: AccountRef | None) -> list[WatchedFolder]:
    """Every folder for an administrator (or the service: None), else the account's own."""
    owner = None if account is None or account.is_admin else account.id
    return [_folder(r) for r in store.dropbox.folders(data_dir, owner)]


def get_folder(data_dir: DataDir, folder_id: int) -> WatchedFolder | None:
    record = store.dropbox.get(data_dir, folder_id)
    return _folder(record) if record else None


def remove_folder(data_dir: DataDir, by: AccountRef, folder_id: int) -> WatchedFolder:
    require_admin(by, "remove a watch folder")
    folder = get_folder(data_dir, folder_id)
    if folder is None or not store.dropbox.remove(data_dir, folder_id):
        raise UsageError(f"There is no watch folder {folder_id}.", "List them with 'inplace dropbox list'.")
    return folder


def folder_status(data_dir: DataDir, account: AccountRef, limit: int = 10) -> list[FolderStatus]:
    return [FolderStatus(f, store.dropbox.events(data_dir, f.id, limit)) for f in list_folders(data_dir, account)]


def ask_retry(data_dir: DataDir, by: AccountRef, folder_id: int, fileset: str) -> None:
    """Ask the running service to try a failed fileset of the folder again now, without waiting for
    its back-off (the folder's account or an administrator). Recorded as an event, with who asked."""
    folder = get_folder(data_dir, folder_id)
    if folder is None or (not by.is_admin and folder.account != by.name):
        raise UsageError(f"There is no watch folder {folder_id}.", "List them with 'inplace dropbox list'.")
    failed = {e.fileset for e in store.dropbox.events(data_dir, folder_id, 200) if e.outcome == "failed"}
    if fileset not in failed:
        raise UsageError(
            f"Nothing named {fileset} failed in the watch folder {folder.path}.",
            "See what failed with 'inplace dropbox status'.",
        )
    store.dropbox.add_event(data_dir, folder_id, store.dropbox.RETRY_ASKED, fileset, None, f"asked by {by.name}")


def account_for_folder(data_dir: DataDir, account_name: str, folder_id: int) -> AccountRef:
    """The account a watch folder imports for: only because an administrator registered the folder for
    it. Refused when the folder is gone, names another account, or was registered by an account that is
    no longer an administrator."""
    folder = get_folder(data_dir, folder_id)
    if folder is None or folder.account != account_name:
        raise PermissionDenied(f"No watch folder {folder_id} imports for '{account_name}'.")
    if not folder.added_by_is_admin:
        raise PermissionDenied(
            f"The watch folder {folder.path} was registered by '{folder.added_by}', who is no longer an administrator."
        )
    found = store.accounts.credentials(data_dir, account_name)
    if found is None:
        raise PermissionDenied(f"There is no account '{account_name}'.")
    return found[0]


class DropboxJournal:
    """What the service reads and writes about its folders, bound to one data dir."""

    def __init__(self, data_dir: DataDir) -> None:
        self._data_dir = data_dir

    def folders(self) -> list[WatchedFolder]:
        return list_folders(self._data_dir, None)

    def note(self, folder_id: int, note: str | None) -> None:
        store.dropbox.set_note(self._data_dir, folder_id, note)

    def record(self, folder_id: int, outcome: str, fileset: str, job_id: int | None, message: str | None) -> None:
        store.dropbox.add_event(self._data_dir, folder_id, outcome, fileset, job_id, message)

    def last_event_id(self) -> int:
        return store.dropbox.last_event_id(self._data_dir)

    def retry_requests(self, after_event: int) -> list[tuple[int, int, str]]:
        """(event id, folder id, fileset) of each retry asked for since `after_event`."""
        return store.dropbox.retry_requests(self._data_dir, after_event)

    def interrupted_jobs(self, folder: WatchedFolder) -> list[int]:
        """The folder's jobs whose process died (or that stopped on an error) and were not recovered."""
        mark_interrupted(self._data_dir)
        account_id = store.dropbox.account_id(self._data_dir, folder.account)
        if account_id is None:
            return []
        return store.dropbox.jobs_for_folder(self._data_dir, folder.path, account_id, [JobState.INTERRUPTED])
