"""`inplace verify` and `inplace relink`: is the imported data still there, and re-point moved originals.
Exit codes: 0 all ok (or every move matched), 2 problems found (or entries left as they were)."""

from __future__ import annotations

from engine.api import EntryCheck, RelinkReport, VerifyReport, count, human_duration, parse_duration
from engine.cli.auth import open_and_sign_in
from engine.cli.display import print_json, say
from engine.errors import UsageError
from engine.states import HealthState, label

EXAMPLES = 3  # paths shown per problem kind

# One sentence per kind of problem, and what to do about it.
PROBLEM_SENTENCES = {
    HealthState.MISSING: (
        "{n} no longer found where {it} was imported from",
        "If a folder was moved, 'inplace relink --from OLD --to NEW' (or '--search FOLDER') points the links "
        "at the new place; otherwise restore from a backup.",
    ),
    HealthState.REPLACED: (
        "{n} replaced by another file at the same path",
        "Restore the imported version, or delete the fileset and import the new file.",
    ),
    HealthState.CHANGED: (
        "{n} changed since import (size, modification time or checksum differ)",
        "Restore the imported version from a backup; a full check ('--full') accepts a restored file again.",
    ),
    HealthState.UNREADABLE: (
        "{n} cannot be read by this account",
        "Give read permission back to the repository's users (for example 'chmod a+r FILE').",
    ),
}


def run_verify(args) -> int:
    if not args.filesets and not args.all:
        raise UsageError("Say which filesets to verify.", "Give their ids, or --all for every fileset you may see.")
    if args.filesets and args.all:
        raise UsageError("Give fileset ids or --all, not both.")
    budget = parse_duration(args.budget) if args.budget else None
    _, session = open_and_sign_in(args)
    report = session.verify(args.filesets or None, full=args.full, budget=budget)
    if args.output == "json":
        print_json(report.as_dict())
    else:
        print_verify(report)
    return report.exit_code


def print_verify(report: VerifyReport) -> None:
    mode = "full (checksums)" if report.full else "quick (size, time, same file)"
    say(
        f"Checked {count(len(report.entries), 'file')} of {count(len(report.filesets), 'fileset')}, {mode}, "
        f"in {human_duration(report.seconds)}."
    )
    if report.remaining:
        left = count(report.remaining, "file")
        say(f"The time budget ran out: {left} left for the next run (least recently checked first).")
    found = report.by_state()
    for state, (sentence, hint) in PROBLEM_SENTENCES.items():
        problems = found.get(state, [])
        if not problems:
            continue
        n = len(problems)
        say(sentence.format(n=count(n, "file") + (" is" if n == 1 else " are"), it="it" if n == 1 else "they") + ":")
        for e in problems[:EXAMPLES]:
            say(f"    {_where(e)}" + (f"  ({e.note})" if e.note else ""))
        if n > EXAMPLES:
            say(f"    and {n - EXAMPLES} more ('--output json' lists every file)")
        say(f"  What to do: {hint}")
    if not report.problems:
        say("Every file checked is as it was imported.")
    else:
        bad = [i for i, h in report.filesets.items() if h.is_problem]
        say(f"Filesets with problems: {', '.join(f'{i} ({label(report.filesets[i])})' for i in sorted(bad))}.")


def _where(e: EntryCheck) -> str:
    return f"Fileset:{e.fileset_id}  {e.source_path}"


def run_relink(args) -> int:
    if args.history:
        return run_relink_history(args)
    if args.filesets:
        raise UsageError(
            "Fileset ids go with --history; a relink works on folders.", "Use --from and --to, or --search."
        )
    _, session = open_and_sign_in(args)
    if args.search:
        if args.old_root or args.new_root:
            raise UsageError("Use --search on its own, or --from with --to.")
        report = session.relink_search(args.search, full=args.full, apply=args.apply)
    else:
        if not (args.old_root and args.new_root):
            raise UsageError(
                "Say where the originals were and where they are now.", "Use --from OLD_ROOT --to NEW_ROOT."
            )
        if args.apply:
            raise UsageError("--apply is for --search; --from/--to apply unless --dry-run is given.")
        report = session.relink(args.old_root, args.new_root, full=args.full, dry_run=args.dry_run)
    if args.output == "json":
        print_json(report.as_dict())
    else:
        print_relink(report)
    return report.exit_code


def print_relink(report: RelinkReport) -> None:
    checked = "size and checksum" if report.full else "size and modification time (add --full to compare checksums)"
    verb = "Relinked" if report.applied else "Would relink"
    say(f"{verb} {count(len(report.matched), 'file')}; each candidate checked by {checked}.")
    for m in report.matched:
        say(f"    Fileset:{m.fileset_id}  {m.old_path} -> {m.new_path}")
    if report.left:
        say(f"Left as {'they were' if len(report.left) > 1 else 'it was'}: {count(len(report.left), 'file')}:")
        for m in report.left:
            say(f"    Fileset:{m.fileset_id}  {m.old_path}  ({m.reason})")
    if report.matched and not report.applied:
        say("Nothing was changed. Run again without --dry-run (or with --apply for --search) to relink.")


def run_relink_history(args) -> int:
    if args.search or args.old_root or args.new_root or args.apply or args.dry_run or args.full:
        raise UsageError("--history lists past relinks: give it only fileset ids, if any.")
    _, session = open_and_sign_in(args)
    records = session.relink_history(args.filesets or None)
    if args.output == "json":
        print_json(
            [
                {
                    "fileset_id": r.fileset_id,
                    "entry_id": r.entry_id,
                    "old_path": r.old_path,
                    "new_path": r.new_path,
                    "account": r.account,
                    "os_user": r.os_user,
                    "relinked_at": r.relinked_at.isoformat(timespec="seconds"),
                }
                for r in records
            ]
        )
        return 0
    if not records:
        say("No file was relinked" + (" in these filesets." if args.filesets else "."))
        return 0
    say(f"{count(len(records), 'relink')}, oldest first:")
    for r in records:
        when = r.relinked_at.isoformat(sep=" ", timespec="seconds")
        say(f"  {when}  Fileset:{r.fileset_id}  by {r.account} (OS user {r.os_user})")
        say(f"      from {r.old_path}")
        say(f"      to   {r.new_path}")
    return 0
