"""Commands that read or change the catalog: checksum, filesets, delete, jobs."""

from __future__ import annotations

import os
import stat
import sys

from sqlalchemy import select

from engine.catalog.models import Fileset, FilesetEntry
from engine.checksums import get_algorithm, hash_file
from engine.cli.auth import sign_in
from engine.cli.display import print_json, say
from engine.datadir import open_data_dir
from engine.jobs import list_jobs
from engine.permissions import visible_owner_filter
from engine.recovery import delete_filesets, resume_options, rollback_job
from engine.units import human_size


def run_checksum(args) -> int:
    get_algorithm(args.algorithm)
    status = 0
    for path in args.files:
        try:
            if kind := _not_a_file(os.stat(path).st_mode):
                say(f"inplace: {path} is {kind}, not a file: only files have checksums.", file=sys.stderr)
                status = 1
                continue
            digest, _ = hash_file(path, args.algorithm)
        except OSError as exc:
            say(f"inplace: {path}: cannot be read ({exc.strerror}).", file=sys.stderr)
            status = 1
            continue
        say(f"{digest}  {path}")
    return status


def _not_a_file(mode: int) -> str | None:
    """What a path is when it is not a regular file (reading a FIFO would wait for ever)."""
    kinds = [
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
    ]
    return next((kind for test, kind in kinds if test(mode)), None)


def run_filesets(args) -> int:
    data_dir = open_data_dir(args.data_dir)
    query = select(Fileset).where(Fileset.state == "registered").order_by(Fileset.id)
    if (owner := visible_owner_filter(sign_in(data_dir, args))) is not None:
        query = query.where(Fileset.owner_id == owner)
    with data_dir.session() as s:
        filesets = list(s.scalars(query))
        entries: dict[int, list[FilesetEntry]] = {}
        for e in s.scalars(select(FilesetEntry).order_by(FilesetEntry.id)):
            entries.setdefault(e.fileset_id, []).append(e)
    rows = [
        {
            "id": fs.id,
            "name": fs.name,
            "job_id": fs.job_id,
            "dataset_id": fs.dataset_id,
            "transfer": fs.transfer,
            "repo_dir": fs.repo_dir,
            "created_at": fs.created_at.isoformat(timespec="seconds"),
            "entries": [
                {
                    "source_path": e.source_path,
                    "client_path": e.client_path,
                    "repo_path": e.repo_path,
                    "size": e.size,
                    "checksum_algorithm": e.checksum_algorithm,
                    "checksum": e.checksum,
                }
                for e in entries.get(fs.id, [])
            ],
        }
        for fs in filesets
    ]
    if args.output == "json":
        print_json(rows)
        return 0
    for row in rows:
        say(f"Fileset:{row['id']}  {row['name']}  ({row['transfer']}, {len(row['entries'])} files) {row['repo_dir']}")
        for e in row["entries"]:
            say(f"    {e['source_path']} -> {e['repo_path']}  {e['checksum_algorithm']} {e['checksum']}")
    if not rows:
        say("No filesets yet.")
    return 0


def run_delete(args) -> int:
    data_dir = open_data_dir(args.data_dir)
    account = sign_in(data_dir, args)
    report = delete_filesets(data_dir, args.filesets, account=account)
    say(f"Deleted {report.filesets} filesets ({report.files} files) from the repository.")
    if report.bytes_freed:
        say(f"Space freed: {human_size(report.bytes_freed)}.")
    if report.links_removed:
        say(
            f"{report.links_removed} of them were links: only the links were removed, the originals remain "
            "untouched and no space was freed for them."
        )
    return 0


def run_jobs(args) -> int:
    data_dir = open_data_dir(args.data_dir)
    account = sign_in(data_dir, args)
    if args.rollback:
        report = rollback_job(data_dir, args.rollback, account=account)
        say(f"Job {args.rollback} rolled back: {report.filesets} filesets removed.")
        for line in report.kept:
            say(f"Kept {line}.")
        return 0
    if args.resume:
        from engine.cli.import_cmd import import_with_progress

        paths, options = resume_options(data_dir, args.resume, account=account)
        say(f"Job {args.resume}: importing what it did not finish; no original will be deleted.")
        return import_with_progress(data_dir, account, paths, options, args)
    if args.check:
        return _check_repository(data_dir, account, args)
    jobs = list_jobs(data_dir, account=account)
    if args.output == "json":
        print_json(jobs)
        return 0
    if not jobs:
        say("No jobs yet.")
    for job in jobs:
        say(
            f"Job {job['id']}  {job['state']:<11} {job['transfer']:<9} {job['started_at']}  "
            f"{job['account']} (as {job['os_user']})  {job['summary'] or ''}"
        )
        if job["state"] == "interrupted":
            say(
                f"    interrupted with {job['pending_filesets']} unfinished filesets: "
                f"'inplace jobs --rollback {job['id']}' or '--resume {job['id']}'"
            )
        if job["acknowledgement"]:
            ack = job["acknowledgement"]
            say(f"    responsibilities accepted by {ack['account']} (as {ack['os_user']}) at {ack['accepted_at']}:")
            for st in ack["statements"]:
                say(f"      - {st['text']}")
    return 0


def _check_repository(data_dir, account, args) -> int:
    from engine.consistency import check_repository
    from engine.permissions import require_admin

    require_admin(account, "check the whole repository")
    report = check_repository(data_dir)
    if args.output == "json":
        print_json({"removed": report.removed, "kept": report.kept, "missing": report.missing})
        return 0 if report.clean else 2
    for path in report.removed:
        say(f"removed, belonged to no fileset: {path}")
    for path in report.kept:
        say(f"not in the catalog but holds files, kept for you to look at: {path}")
    for path in report.missing:
        say(f"registered fileset folder is missing: {path}")
    say("The repository matches the catalog." if report.clean else "The repository does not match the catalog.")
    return 0 if report.clean else 2


def run_datasets(args) -> int:
    from engine.containers import list_containers

    data_dir = open_data_dir(args.data_dir)
    rows = list_containers(data_dir, sign_in(data_dir, args))
    if args.output == "json":
        print_json(rows)
        return 0
    if not rows:
        say("No datasets yet. Name one when importing: -T Dataset:name:NAME or -T Project:name:P/Dataset:name:D.")
    for row in rows:
        project = f"Project:{row['project_id']}  {row['project']}  /  " if row["project"] is not None else ""
        say(f"{project}Dataset:{row['dataset_id']}  {row['dataset']}")
    return 0
