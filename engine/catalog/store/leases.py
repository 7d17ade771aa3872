"""Job leases: a running job renews its heartbeat, so other hosts can tell it is alive (engine.jobs)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult

from engine.catalog.models import Job
from engine.catalog.store.base import Catalog
from engine.states import JobState


def renew(catalog: Catalog, job_id: int, now: datetime) -> bool:
    """Renew a running job's heartbeat; False when the job is no longer running (another host took
    it for interrupted when its lease expired, or it was stopped)."""
    with catalog.session() as s, s.begin():
        result = cast(
            CursorResult,
            s.execute(update(Job).where(Job.id == job_id, Job.state == JobState.RUNNING).values(heartbeat_at=now)),
        )
        return result.rowcount == 1


def running(catalog: Catalog) -> list[int]:
    """The ids of jobs the catalog says are running."""
    with catalog.session() as s:
        return list(s.scalars(select(Job.id).where(Job.state == JobState.RUNNING)))
