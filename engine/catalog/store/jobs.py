"""Job rows: started (claiming an interrupted job when resuming), finished, listed, and judged
interrupted; and the acknowledgement recorded with a job."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import OperationalError

from engine.catalog.models import Account, Acknowledgement, FileResult, Fileset, Group, Job
from engine.catalog.store.base import Catalog
from engine.catalog.store.groups import job_seen_by
from engine.states import FilesetState, FileState, JobState


@dataclass(frozen=True)
class JobProcess:
    """Where a running job's process is, so the caller can tell whether it is still alive."""

    id: int
    host: str
    pid: int
    process_start: int
    heartbeat_at: datetime | None = None  # the lease (engine.jobs): renewed while the job runs
    lease_seconds: int | None = None


@dataclass(frozen=True)
class JobRecord:
    id: int
    state: str
    transfer: str
    account_id: int
    os_user: str
    started_at: datetime
    finished_at: datetime | None
    summary: str | None
    log_path: str
    request: str  # JSON: the paths and options it was started with
    process: JobProcess
    run_by_id: int | None = None  # who ran it, when it imported for another (migration 0009)


def _record(job: Job) -> JobRecord:
    return JobRecord(
        job.id,
        job.state,
        job.transfer,
        job.account_id,
        job.os_user,
        job.started_at,
        job.finished_at,
        job.summary,
        job.log_path,
        job.request,
        JobProcess(job.id, job.host, job.pid, job.process_start, job.heartbeat_at, job.lease_seconds),
        job.run_by_id,
    )


def start(
    catalog: Catalog,
    values: dict,
    log_path: Callable[[int], str],
    acknowledgement: dict | None = None,
    resumed_from: int | None = None,
) -> tuple[int, str] | None:
    """Insert a running job (`values`: its columns but the log path, which `log_path` makes from its id)
    and its acknowledgement; return (id, log path). With `resumed_from`, the interrupted job is claimed
    in the same transaction, and nothing is written (None) when it is no longer interrupted."""
    with catalog.session() as s, s.begin():
        if resumed_from is not None:
            claim = update(Job).where(Job.id == resumed_from, Job.state == JobState.INTERRUPTED)
            claimed = cast(CursorResult, s.execute(claim.values(state=JobState.RESUMED)))
            if claimed.rowcount != 1:
                return None
        job = Job(state=JobState.RUNNING, log_path="", **values)
        s.add(job)
        s.flush()
        job.log_path = log_path(job.id)
        if acknowledgement is not None:
            s.add(Acknowledgement(job_id=job.id, **acknowledgement))
        return job.id, job.log_path


def finish(catalog: Catalog, job_id: int, state: JobState, summary: str) -> None:
    with catalog.session() as s, s.begin():
        s.execute(update(Job).where(Job.id == job_id).values(state=state, summary=summary, finished_at=datetime.now()))


def set_state(catalog: Catalog, job_id: int, state: JobState) -> None:
    with catalog.session() as s, s.begin():
        s.execute(update(Job).where(Job.id == job_id).values(state=state))


def get(catalog: Catalog, job_id: int) -> JobRecord | None:
    with catalog.session() as s:
        job = s.get(Job, job_id)
        return _record(job) if job else None


def mark_interrupted(catalog: Catalog, is_alive: Callable[[JobProcess], bool], best_effort: bool = False) -> list[int]:
    """Mark running jobs whose process `is_alive` says is gone as interrupted; return their ids. With
    `best_effort`, a catalog that cannot be written now (a full disk, a lock) changes nothing."""
    try:
        with catalog.session() as s, s.begin():
            running = [_record(j).process for j in s.scalars(select(Job).where(Job.state == JobState.RUNNING))]
            dead = [p.id for p in running if not is_alive(p)]
            if dead:
                s.execute(update(Job).where(Job.id.in_(dead)).values(state=JobState.INTERRUPTED))
        return dead
    except OperationalError:
        if best_effort:
            return []
        raise


@dataclass(frozen=True)
class JobListing:
    """A job for a listing, with its account's name, its unfinished filesets and its acknowledgement."""

    job: JobRecord
    account: str
    pending_filesets: int
    acknowledgement: dict | None  # account, os_user, accepted_at, statements
    run_by: str | None = None  # who ran it, when it imported for `account`
    group: str | None = None


def newest(catalog: Catalog, owner_id: int | None, limit: int) -> list[JobListing]:
    """The newest jobs, newest first: those the account `owner_id` sees (for it, run by it, or of a
    group whose data it sees), or everyone's when it is None."""
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if owner_id is not None:
        query = query.where(job_seen_by(owner_id))
    with catalog.session() as s:
        jobs = [_record(j) for j in s.scalars(query)]
        names = {i: n for i, n in s.execute(select(Account.id, Account.name))}
        pending = {
            job_id: n
            for job_id, n in s.execute(
                select(Fileset.job_id, func.count())
                .where(Fileset.state == FilesetState.PENDING)
                .group_by(Fileset.job_id)
            )
        }
        acks = {
            a.job_id: {
                "account": names.get(a.account_id, "?"),
                "os_user": a.os_user,
                "accepted_at": a.accepted_at,
                "statements": json.loads(a.statements),
            }
            for a in s.scalars(select(Acknowledgement).where(Acknowledgement.job_id.in_([j.id for j in jobs])))
        }
        groups = {i: n for i, n in s.execute(select(Group.id, Group.name))}
        group_of: dict[int, int] = {
            i: g for i, g in s.execute(select(Job.id, Job.group_id).where(Job.id.in_([j.id for j in jobs]))) if g
        }
    return [
        JobListing(
            j,
            names.get(j.account_id, "?"),
            pending.get(j.id, 0),
            acks.get(j.id),
            names.get(j.run_by_id) if j.run_by_id is not None else None,
            groups.get(group_of.get(j.id, 0)),
        )
        for j in jobs
    ]


def unfinished_sources(catalog: Catalog, job_id: int) -> tuple[int | None, list[str]]:
    """The owner of a job and the sources it failed or cancelled, in the order it met them."""
    with catalog.session() as s:
        owner = s.scalar(select(Job.account_id).where(Job.id == job_id))
        rows = s.scalars(
            select(FileResult.source_path)
            .where(FileResult.job_id == job_id, FileResult.state.in_([FileState.FAILED, FileState.CANCELLED]))
            .order_by(FileResult.id)
        )
        return owner, list(dict.fromkeys(rows))
