"""Commands that read or change the catalog: checksum, filesets, delete, jobs, datasets."""

from __future__ import annotations

import sys

from engine.api import checksum_file, count, human_size, require_algorithm
from engine.cli.auth import open_and_sign_in
from engine.cli.display import print_json, say
from engine.errors import UsageError
from engine.states import ExitCode, HealthState, JobState, label


def run_checksum(args) -> int:
    require_algorithm(args.algorithm)
    status = 0
    for path in args.files:
        try:
            digest = checksum_file(path, args.algorithm)
        except UsageError as exc:
            say(f"inplace: {exc}", file=sys.stderr)
            status = 1
            continue
        say(f"{digest}  {path}")
    return status


def run_filesets(args) -> int:
    _, session = open_and_sign_in(args)
    rows = session.filesets()
    health = session.fileset_health()
    images = session.images_by_fileset()
    for row in rows:
        row["images"] = images.get(row["id"], [])
        found = health.get(row["id"])
        row["health"] = str(found.health) if found else "unchecked"
        row["checked_at"] = found.checked_at.isoformat(timespec="seconds") if found and found.checked_at else None
    if args.output == "json":
        print_json(rows)
        return 0
    for row in rows:
        if row["health"] == HealthState.UNCHECKED:
            health_words = label(HealthState.UNCHECKED)
        else:
            checked = f"last checked {row['checked_at']}" if row["checked_at"] else "some files not checked yet"
            health_words = f"{label(row['health'])}, {checked}"
        say(
            f"Fileset:{row['id']}  {row['name']}  ({row['transfer']}, {len(row['entries'])} files) {row['repo_dir']}"
            f"  owner: {row.get('owner', '?')} [{row.get('group') or 'no group'}]  health: {health_words}"
        )
        say(f"    {images_line(row['images'])}")
        for e in row["entries"]:
            say(f"    {e['source_path']} -> {e['repo_path']}  {e['checksum_algorithm']} {e['checksum']}")
    if not rows:
        say("No filesets yet.")
    return 0


def images_line(images: list[dict]) -> str:
    """The series count and each distinct dimension, e.g. 2 images: X1080 Y1080 Z1 C1 T1 uint16 (x2)."""
    from engine.cli.images_cmd import NOT_YET, describe

    if not images:
        return f"images {NOT_YET}"
    shapes: dict[str, int] = {}
    for image in images:
        shapes[describe(image)] = shapes.get(describe(image), 0) + 1
    listed = "; ".join(f"{s} (x{n})" if n > 1 else s for s, n in list(shapes.items())[:3])
    more = f"; and {len(shapes) - 3} other sizes" if len(shapes) > 3 else ""
    return f"{count(len(images), 'image')}: {listed}{more}"


def run_delete(args) -> int:
    _, session = open_and_sign_in(args)
    report = session.delete(args.filesets)
    say(f"Deleted {count(report.filesets, 'fileset')} ({count(report.files, 'file')}) from the repository.")
    if report.bytes_freed:
        say(f"Space freed: {human_size(report.bytes_freed)}.")
    if report.links_removed:
        say(
            f"{report.links_removed} of them were links: only the links were removed, the originals remain "
            "untouched and no space was freed for them."
        )
    return 0


def run_jobs(args) -> int:
    _, session = open_and_sign_in(args)
    if args.rollback:
        report = session.rollback(args.rollback)
        say(f"Job {args.rollback} rolled back: {count(report.filesets, 'fileset')} removed.")
        for line in report.kept:
            say(f"Kept {line}.")
        return 0
    if args.resume or args.retry:
        from engine.cli.import_cmd import import_with_progress

        if args.resume:
            prepared = session.resume(args.resume)
            say(f"Job {args.resume}: importing what it did not finish; no original will be deleted.")
        else:
            prepared = session.retry(args.retry)
            say(f"Job {args.retry}: importing again the {count(prepared.plan.file_count, 'file')} it did not import.")
        return import_with_progress(prepared, args)
    if args.check:
        return _check_repository(session, args)
    jobs = session.jobs()
    if args.output == "json":
        print_json(jobs)
        return 0
    if not jobs:
        say("No jobs yet.")
    for job in jobs:
        say(
            f"Job {job['id']}  {label(job['state']):<20} {job['transfer']:<9} {job['started_at']}  "
            f"{_whose(job)} (as {job['os_user']})  {job['summary'] or ''}"
        )
        for key, words in (("retry_of", "retries the failed files of job"), ("resumed_from", "resumes job")):
            if job.get(key):
                say(f"    {words} {job[key]}")
        if job["state"] == JobState.INTERRUPTED:
            say(
                f"    interrupted with {count(job['pending_filesets'], 'unfinished fileset')}: "
                f"'inplace jobs --rollback {job['id']}' or '--resume {job['id']}'"
            )
        if job["acknowledgement"]:
            ack = job["acknowledgement"]
            say(f"    responsibilities accepted by {ack['account']} (as {ack['os_user']}) at {ack['accepted_at']}:")
            for st in ack["statements"]:
                say(f"      - {st['text']}")
    return 0


def _whose(job: dict) -> str:
    """"alice", or "steward for alice" when one account imported for another; and the group."""
    who = f"{job['run_by']} for {job['account']}" if job.get("run_by") else job["account"]
    return f"{who} [{job['group']}]" if job.get("group") else who


def _check_repository(session, args) -> int:
    report = session.check_repository()
    if args.output == "json":
        print_json({"removed": report.removed, "kept": report.kept, "missing": report.missing})
        return ExitCode.OK if report.clean else ExitCode.IMPORT_ERRORS
    for path in report.removed:
        say(f"removed, belonged to no fileset: {path}")
    for path in report.kept:
        say(f"not in the catalog but holds files, kept for you to look at: {path}")
    for path in report.missing:
        say(f"registered fileset folder is missing: {path}")
    say("The repository matches the catalog." if report.clean else "The repository does not match the catalog.")
    return ExitCode.OK if report.clean else ExitCode.IMPORT_ERRORS


def run_datasets(args) -> int:
    _, session = open_and_sign_in(args)
    rows = session.containers()
    if args.output == "json":
        print_json(rows)
        return 0
    if not rows:
        say("No datasets yet. Name one when importing: -T Dataset:name:NAME or -T Project:name:P/Dataset:name:D.")
    for row in rows:
        project = f"Project:{row['project_id']}  {row['project']}  /  " if row["project"] is not None else ""
        say(f"{project}Dataset:{row['dataset_id']}  {row['dataset']}")
    return 0
