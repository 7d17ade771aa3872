"""Job rows: start and finish them, list them, and tell which were interrupted (their process died).

A job on this host is alive while its process is (pid and start time). A job of another host (one
catalog on PostgreSQL serves several) cannot be judged that way: it holds a lease, a heartbeat that
its import renews (`heartbeat`), and counts as alive until the heartbeat is older than its timeout.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from engine.catalog import store
from engine.catalog.store import AccountRef, leases
from engine.catalog.store.jobs import JobProcess
from engine.datadir import DataDir
from engine.errors import CatalogError, UsageError
from engine.groups import Ownership
from engine.permissions import visible_owner_filter
from engine.states import JobState

# How long another host waits for a heartbeat before it takes a running job for interrupted; a job
# renews its lease every quarter of it. Hosts' clocks are assumed to agree within a few seconds (NTP).
LEASE_SECONDS = int(os.environ.get("INPLACE_LEASE_SECONDS", "120"))
_last_heartbeat: dict[int, float] = {}  # job id -> time.monotonic() of this process's last renewal


def host_id() -> str:
    """This host's name in job rows; INPLACE_HOST_ID stands in for it (tests play two hosts on one)."""
    return os.environ.get("INPLACE_HOST_ID") or socket.gethostname()


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def heartbeat(data_dir: DataDir, job_id: int) -> None:
    """Renew a running job's lease; cheap to call often (it writes once per quarter lease). Stops the
    job with a CatalogError when another host already took it for interrupted."""
    now = time.monotonic()
    if now - _last_heartbeat.get(job_id, now) < LEASE_SECONDS / 4:
        return
    _last_heartbeat[job_id] = now
    if not leases.renew(data_dir, job_id, _utc_now()):
        raise CatalogError(
            f"Job {job_id} is no longer running in the catalog: its lease expired before this host renewed it, "
            "so another host took it for interrupted.",
            "See 'inplace jobs'; a longer INPLACE_LEASE_SECONDS suits hosts that pause for long.",
        )


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


def start_job(
    data_dir: DataDir,
    account: AccountRef,
    transfer: str,
    options,
    paths: list[str],
    acknowledgement=None,
    ownership: Ownership | None = None,
) -> tuple[int, Path]:
    """Create the job row (state running) and return (job id, log path). A resumed job claims the
    interrupted one in the same transaction, so two resumes cannot both go ahead. With `ownership`,
    the job is for its owner, in its group, and records `account` as who ran it when they differ."""
    pid = os.getpid()
    values = {
        "transfer": transfer,
        "checksum_algorithm": options.checksum_algorithm,
        "account_id": ownership.owner.id if ownership else account.id,
        "run_by_id": ownership.run_by.id if ownership and ownership.run_by else None,
        "group_id": ownership.group_id if ownership else None,
        "os_user": os_user(),
        "host": host_id(),
        "pid": pid,
        "process_start": _process_start(pid),
        "heartbeat_at": _utc_now(),
        "lease_seconds": LEASE_SECONDS,
        "request": options.to_json(paths),
        "started_at": datetime.now(),
    }
    started = store.jobs.start(
        data_dir,
        values,
        log_path=lambda job_id: str(data_dir.logs / f"job-{job_id:06d}.log"),
        acknowledgement=acknowledgement.to_record() if acknowledgement is not None else None,
        resumed_from=options.resumed_from,
    )
    if started is None:
        raise UsageError(
            f"Job {options.resumed_from} is no longer interrupted; another command resumed or rolled it back.",
            "List jobs with 'inplace jobs'.",
        )
    job_id, log_path = started
    _last_heartbeat[job_id] = time.monotonic()
    return job_id, Path(log_path)


def finish_job(data_dir: DataDir, job_id: int, state: JobState, summary: str) -> None:
    _last_heartbeat.pop(job_id, None)
    store.jobs.finish(data_dir, job_id, state, summary)


def _is_alive(job: JobProcess) -> bool:
    if job.host != host_id():
        if job.heartbeat_at is None:
            return True  # started before leases (migration 0007): it cannot be judged from here
        return _utc_now() < job.heartbeat_at + timedelta(seconds=job.lease_seconds or LEASE_SECONDS)
    try:
        os.kill(job.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return not job.process_start or _process_start(job.pid) == job.process_start


def mark_interrupted(data_dir: DataDir) -> list[int]:
    """Find running jobs whose process is gone and mark them interrupted; return their ids."""
    return store.jobs.mark_interrupted(data_dir, _is_alive)


def list_jobs(data_dir: DataDir, *, account: AccountRef, limit: int = 50) -> list[dict]:
    """The newest jobs `account` may see: its own, or everyone's for an administrator."""
    # A full disk or a locked catalog must not stop a read-only listing: best effort.
    store.jobs.mark_interrupted(data_dir, _is_alive, best_effort=True)
    out = []
    for listed in store.jobs.newest(data_dir, visible_owner_filter(account), limit):
        job, ack = listed.job, listed.acknowledgement
        out.append(
            {
                "id": job.id,
                "state": (
                    JobState.INTERRUPTED if job.state == JobState.RUNNING and not _is_alive(job.process) else job.state
                ),
                "transfer": job.transfer,
                "account": listed.account,
                "run_by": listed.run_by,
                "group": listed.group,
                "os_user": job.os_user,
                "started_at": job.started_at.isoformat(timespec="seconds"),
                "finished_at": job.finished_at.isoformat(timespec="seconds") if job.finished_at else None,
                "summary": job.summary,
                "log": job.log_path,
                "pending_filesets": listed.pending_filesets,
                **_linked_jobs(job.request),
                "acknowledgement": (
                    {**ack, "accepted_at": ack["accepted_at"].isoformat(timespec="seconds")} if ack else None
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
