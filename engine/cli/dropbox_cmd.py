"""`inplace dropbox`: register, list, remove and report on watch folders, and run the service."""

from __future__ import annotations

import signal
import sys
from dataclasses import asdict

from engine.api import DropboxService, FolderArguments, WatchedFolder, parse_target
from engine.cli.auth import open_and_sign_in, open_data_dir
from engine.cli.display import print_json, say
from engine.errors import UsageError


def run_add(args) -> int:
    if args.quiet_seconds < 0:
        raise UsageError("--quiet-seconds cannot be negative.", "Give the seconds a file must stay unchanged.")
    arguments = FolderArguments(
        transfer=args.transfer,
        checksum_algorithm=args.checksum_algorithm,
        target=parse_target(args.target) if args.target else None,
        exclude=args.exclude,
        quiet_seconds=args.quiet_seconds,
        polling=args.polling,
        accepted_warnings=tuple(args.accept_warning or ()),
        group=args.group,
    )
    _, session = open_and_sign_in(args)
    folder = session.add_watched_folder(args.folder, args.account, arguments, args.accept_responsibilities)
    say(f"Watch folder {folder.id}: {folder.path} imports for {folder.account} with {folder.transfer}.")
    if folder.standing:
        say(f"You accepted, for every import it makes ({folder.standing.at.isoformat(timespec='seconds')}):")
        for statement in folder.standing.statements:
            say(f"  - {statement.text}")
        for code in folder.standing.warnings:
            say(f"  - the warning '{code}', whenever the checks find it")
    say("A running service picks it up within seconds; start one with 'inplace dropbox run'.")
    return 0


def _folder_row(folder: WatchedFolder) -> dict:
    row = asdict(folder)
    row["added_at"] = folder.added_at.isoformat(timespec="seconds")
    row["checked_at"] = folder.checked_at.isoformat(timespec="seconds") if folder.checked_at else None
    if folder.standing:
        row["standing"]["at"] = folder.standing.at.isoformat(timespec="seconds")
    return row


def _describe(folder: WatchedFolder) -> str:
    where = f", group {folder.group}" if folder.group else ""
    if folder.target:
        where += f", into {folder.target.dataset_name or folder.target.dataset_id}"
    how = "polled" if folder.polling else "watched"
    return (
        f"{folder.id}  {folder.path}  for {folder.account}: {folder.transfer}, {folder.checksum_algorithm}, "
        f"exclude {folder.exclude}, quiet {folder.quiet_seconds:g} s, {how}{where}; added by {folder.added_by} "
        f"on {folder.added_at.isoformat(timespec='seconds')}"
    )


def run_list(args) -> int:
    _, session = open_and_sign_in(args)
    folders = session.watched_folders()
    if args.output == "json":
        print_json([_folder_row(f) for f in folders])
        return 0
    for folder in folders:
        say(_describe(folder))
    if not folders:
        say("No watch folders. An administrator adds one with 'inplace dropbox add FOLDER --account NAME'.")
    return 0


def run_remove(args) -> int:
    _, session = open_and_sign_in(args)
    folder = session.remove_watched_folder(args.folder_id)
    say(f"No longer watching {folder.path}. What it imported stays; its files were not touched.")
    return 0


def run_status(args) -> int:
    _, session = open_and_sign_in(args)
    statuses = session.dropbox_status()
    if args.output == "json":
        rows = []
        for st in statuses:
            events = [{**asdict(e), "at": e.at.isoformat(timespec="seconds")} for e in st.events]
            rows.append({**_folder_row(st.folder), "events": events})
        print_json(rows)
        return 0
    for st in statuses:
        folder = st.folder
        say(_describe(folder))
        if folder.checked_at is None:
            say("    The service has not looked at this folder yet.")
        else:
            say(f"    Last looked at {folder.checked_at.isoformat(timespec='seconds')}.")
        for line in (folder.note or "Nothing is waiting.").splitlines():
            say(f"    {line}")
        for e in st.events:
            job = f" (job {e.job_id})" if e.job_id else ""
            say(f"    {e.at.isoformat(timespec='seconds')} {e.outcome}: {e.fileset}{job}. {e.message or ''}".rstrip())
    if not statuses:
        say("No watch folders.")
    return 0


def run_retry(args) -> int:
    _, session = open_and_sign_in(args)
    session.retry_watched_fileset(args.folder_id, args.fileset)
    say(f"Asked the DropBox service to try {args.fileset} again; it does so within seconds if it is running.")
    return 0


def _say_now(line: str) -> None:
    say(line)
    sys.stdout.flush()  # a service's output goes to the journal as it happens, not when a buffer fills


def run_service(args) -> int:
    data_dir = open_data_dir(args)
    service = DropboxService(data_dir, say=_say_now, max_imports=args.max_imports)
    previous = {sig: signal.signal(sig, lambda *_: service.stop()) for sig in (signal.SIGTERM, signal.SIGINT)}
    say(f"DropBox service on the data dir {data_dir.root}; stop it with SIGTERM or Ctrl-C.")
    try:
        service.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    say("DropBox service stopped.")
    return 0
