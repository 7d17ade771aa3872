"""One fileset of a watch folder imported as one ordinary job: the same checks, policy and
responsibilities as the CLI and the wizard, with the folder's standing acknowledgement standing in for
a person's. Runs in one of the service's import threads; it says what happened, the service records it."""

from __future__ import annotations

from dataclasses import dataclass

from engine.api import (
    Acknowledgement,
    CancelToken,
    ImportOptions,
    ImportPlan,
    Prepared,
    ProgressTracker,
    Session,
    Statement,
    shown,
)
from engine.dropbox.folders import COVERED_WARNINGS, STANDING_ID, WatchedFolder
from engine.errors import Cancelled, EngineError
from engine.states import FileState, JobState

IMPORTED, FAILED, STOPPED = "imported", "failed", "stopped"


@dataclass(frozen=True)
class Outcome:
    kind: str  # IMPORTED, FAILED (reason in message) or STOPPED (the service is stopping: imported next start)
    job_id: int | None
    message: str
    deleted: int = 0  # originals a *_rm transfer deleted


def import_fileset(
    session: Session,
    folder: WatchedFolder,
    plan: ImportPlan,
    options: ImportOptions,
    cancel: CancelToken,
    progress: ProgressTracker | None = None,
) -> Outcome:
    """Prepare, check and run the plan (one fileset) for the folder's account."""
    fs = plan.filesets[0]
    job_id = None
    try:
        prepared = session.prepare(plan, options)
        if prepared.errors:
            return Outcome(FAILED, None, " ".join(e.message for e in prepared.errors))
        ack = None
        if prepared.needs_acknowledgement:
            ack, why_not = standing_acknowledgement(prepared, folder)
            if ack is None:
                return Outcome(FAILED, None, why_not)
        report = prepared.run(ack, progress, cancel)
        job_id = report.job_id
    except Cancelled:
        return Outcome(STOPPED, job_id, f"stopped while importing {fs.name}; it is imported at the next start")
    except EngineError as exc:
        return Outcome(FAILED, job_id, str(exc))
    if report.state == JobState.CANCELLED:
        return Outcome(
            STOPPED, job_id, f"stopped while importing {fs.name} (job {job_id}); it is imported at the next start"
        )
    failed = [o for o in report.files if o.state == FileState.FAILED]
    if report.filesets_failed or report.errors:
        reason = failed[0].error_message if failed else report.summary()
        return Outcome(FAILED, job_id, f"{shown(failed[0].source) + ': ' if failed else ''}{reason}")
    return Outcome(IMPORTED, job_id, report.summary(), report.sources_deleted)


def standing_acknowledgement(prepared: Prepared, folder: WatchedFolder) -> tuple[Acknowledgement | None, str]:
    """The acknowledgement a folder's administrator gave in advance, for this import; or why it does not
    cover it (another transfer, a statement not accepted, a warning not accepted in advance)."""
    standing = folder.standing
    if standing is None:
        return None, f"The {prepared.transfer.name} transfer needs responsibilities no administrator accepted."
    missing = [s for s in prepared.statements if s.id not in folder.accepted_statement_ids]
    if missing:
        return None, f"This responsibility was not accepted in advance: {missing[0].text}"
    unaccepted = [w for w in prepared.warnings if w.code not in COVERED_WARNINGS and w.code not in standing.warnings]
    if unaccepted:
        w = unaccepted[0]
        return None, (
            f"{w.message} An administrator must accept this in advance "
            f"(register the folder again with --accept-warning {w.code}) or fix it."
        )
    ack = prepared.acknowledge()
    if ack is not None:
        ack.statements.append(Statement(STANDING_ID, standing.sentence(folder.path)))
    return ack, ""
