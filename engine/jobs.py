"""Job rows: start and finish them, list them, and tell which were interrupted (their process died)."""

from __future__ import annotations

import getpass
import json
import os
import socket
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from engine.catalog.models import Account, Acknowledgement, Fileset, Job
from engine.datadir import DataDir
from engine.errors import UsageError
from engine.permissions import visible_owner_filter
from engine.states import FilesetState, JobState


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.geteuid())


def _process_start(pid: int) -> int:
    """The kernel's start time of a process (clock ticks since boot), or 0 when unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return int(f.read().rsplit(b")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return 0


def start_job(data_dir: DataDir, account: Account, transfer: str, options, paths: list[str], acknowledgement=None):
    """Create the job row (state running) and return (job id, log path). A resumed job claims the
    interrupted one in the same transaction, so two resumes cannot both go ahead."""
    pid = os.getpid()
    with data_dir.session() as s, s.begin():
        if options.resumed_from is not None:
            claimed = s.execute(
                update(Job)
                .where(Job.id == options.resumed_from, Job.state == JobState.INTERRUPTED)
                .values(state=JobState.RESUMED)
            )
            if claimed.rowcount != 1:
                raise UsageError(
                    f"Job {options.resumed_from} is no longer interrupted; another command resumed or rolled it back.",
                    "List jobs with 'inplace jobs'.",
                )
        job = Job(
            state=JobState.RUNNING,
            transfer=transfer,
            checksum_algorithm=options.checksum_algorithm,
            account_id=account.id,
            os_user=os_user(),
            host=socket.gethostname(),
            pid=pid,
            process_start=_process_start(pid),
            log_path="",
            request=options.to_json(paths),
            started_at=datetime.now(),
        )
        s.add(job)
        s.flush()
        job.log_path = str(data_dir.logs / f"job-{job.id:06d}.log")
        if acknowledgement is not None:
            s.add(acknowledgement.to_row(job.id))
        return job.id, Path(job.log_path)


def finish_job(data_dir: DataDir, job_id: int, state: JobState, summary: str) -> None:
    with data_dir.session() as s, s.begin():
        s.execute(update(Job).where(Job.id == job_id).values(state=state, summary=summary, finished_at=datetime.now()))


def _is_alive(job: Job) -> bool:
    if job.host != socket.gethostname():
        return True  # another machine's job: it cannot be judged from here
    try:
        os.kill(job.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return not job.process_start or _process_start(job.pid) == job.process_start


def mark_interrupted(data_dir: DataDir) -> list[int]:
    """Find running jobs whose process is gone and mark them interrupted; return their ids."""
    with data_dir.session() as s, s.begin():
        running = list(s.scalars(select(Job).where(Job.state == JobState.RUNNING)))
        dead = [job.id for job in running if not _is_alive(job)]
        if dead:
            s.execute(update(Job).where(Job.id.in_(dead)).values(state=JobState.INTERRUPTED))
    return dead


def list_jobs(data_dir: DataDir, *, account: Account, limit: int = 50) -> list[dict]:
    """The newest jobs `account` may see: its own, or everyone's for an administrator."""
    try:
        mark_interrupted(data_dir)
    except OperationalError:  # a full disk or a locked catalog must not stop a read-only listing
        pass
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if (owner := visible_owner_filter(account)) is not None:
        query = query.where(Job.account_id == owner)
    with data_dir.session() as s:
        jobs = list(s.scalars(query))
        names = dict(s.execute(select(Account.id, Account.name)).all())
        pending = dict(
            s.execute(
                select(Fileset.job_id, func.count())
                .where(Fileset.state == FilesetState.PENDING)
                .group_by(Fileset.job_id)
            ).all()
        )
        acks = {
            a.job_id: a
            for a in s.scalars(select(Acknowledgement).where(Acknowledgement.job_id.in_([j.id for j in jobs])))
        }
    out = []
    for job in jobs:
        ack = acks.get(job.id)
        out.append(
            {
                "id": job.id,
                "state": JobState.INTERRUPTED if job.state == JobState.RUNNING and not _is_alive(job) else job.state,
                "transfer": job.transfer,
                "account": names.get(job.account_id, "?"),
                "os_user": job.os_user,
                "started_at": job.started_at.isoformat(timespec="seconds"),
                "finished_at": job.finished_at.isoformat(timespec="seconds") if job.finished_at else None,
                "summary": job.summary,
                "log": job.log_path,
                "pending_filesets": pending.get(job.id, 0),
                **_linked_jobs(job.request),
                "acknowledgement": (
                    {
                        "account": names.get(ack.account_id, "?"),
                        "os_user": ack.os_user,
                        "accepted_at": ack.accepted_at.isoformat(timespec="seconds"),
                        "statements": json.loads(ack.statements),
                    }
                    if ack
                    else None
                ),
            }
        )
    return out


def _linked_jobs(request: str) -> dict:
    """The job a run retried or resumed, from the options it was started with."""
    try:
        options = json.loads(request).get("options", {})
    except ValueError:
        options = {}
    return {"retry_of": options.get("retry_of"), "resumed_from": options.get("resumed_from")}
