"""Run an import job: allocate, record intent, transfer and verify, register or roll back, clean up.

Crash safety: a batch of fileset directories is recorded as `pending` in one catalog transaction,
and only then created, so a kill never leaves a directory the catalog does not know; a fileset
becomes `registered` in the transaction that adds its entries. Whatever is still `pending` after a
crash belongs to an interrupted job and is removed by recovery. Sources of `*_rm` transfers are
deleted only after every fileset of the run was registered and the repository was synced to disk,
and each only when it is provably the file that was stored (engine/sources.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import traceback
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import delete, insert, update
from sqlalchemy.exc import IntegrityError

from engine import checkpoints
from engine.catalog.models import Account, FileResult, Fileset, FilesetEntry
from engine.checks import CheckReport, refuse_on_errors, run_checks
from engine.checksums import DEFAULT_ALGORITHM, get_algorithm
from engine.containers import Target, resolve_target
from engine.datadir import DataDir
from engine.dependents import PATH_FREE_TRANSFERS, linked_originals
from engine.errors import Cancelled, EngineError, ErrorKind, FileFailure, file_failure_from_os_error
from engine.explain import explain
from engine.grouping import FilesetPlan
from engine.joblog import JobLog
from engine.jobs import finish_job, start_job
from engine.paths import DirectoryAllocator, client_path, repository_names
from engine.plan import ImportPlan
from engine.progress import CancelToken, ProgressTracker
from engine.repository import remove_fileset_dir, write_new_file
from engine.responsibilities import require_acknowledgement
from engine.results import FileOutcome, JobReport
from engine.sources import Stored, delete_sources, make_read_only
from engine.states import FilesetState, FileState, JobState
from engine.transfers import DEFAULT_TRANSFER, FileTask, Identity, Transfer, get_transfer

BATCH_FILESETS = 256
BATCH_BYTES = 256 << 20


@dataclass
class ImportOptions:
    transfer: str = DEFAULT_TRANSFER
    checksum_algorithm: str = DEFAULT_ALGORITHM
    target: Target | None = None
    name: str | None = None  # names the filesets instead of their first file
    exclude: str | None = None
    continue_on_error: bool = False
    make_read_only: bool = False
    delete_sources: bool = True  # False when resuming: a resumed *_rm job never deletes
    resumed_from: int | None = None
    retry_of: int | None = None  # the job whose failed files this run imports again

    def to_json(self, paths: list[str]) -> str:
        d = asdict(self)
        d["target"] = asdict(self.target) if self.target else None
        return json.dumps({"paths": paths, "options": d})


@dataclass
class _Allocated:
    plan: FilesetPlan
    fileset_id: int
    repo_dir: str  # relative to the repository root
    log_text: str = ""
    stored: list[Stored] | None = None  # for *_rm: each original as it was when hashed


class Importer:
    """One run over one plan. Thread-safe to poll `progress` and to cancel from another thread."""

    def __init__(
        self,
        data_dir: DataDir,
        account: Account,
        options: ImportOptions,
        progress: ProgressTracker | None = None,
        cancel: CancelToken | None = None,
        on_file=None,
        acknowledgement=None,
    ) -> None:
        self.data_dir = data_dir
        self.account = account
        self.options = options
        self.progress = progress or ProgressTracker()
        self.cancel = cancel or CancelToken()
        self.on_file = on_file or (lambda outcome: None)
        self.acknowledgement = acknowledgement
        self.transfer: Transfer = get_transfer(options.transfer)
        get_algorithm(options.checksum_algorithm)  # unknown names fail before the job starts
        self.repository = data_dir.repository

    def run(self, plan: ImportPlan, checks: CheckReport | None = None, required_statements=None) -> JobReport:
        """Import the plan. Refuses before writing anything when the checks (run here unless the
        front end hands in the report it showed) find errors, or responsibilities are missing."""
        opts = self.options
        require_acknowledgement(
            self.transfer, self.account, plan.file_count, plan.total_bytes, self.acknowledgement, required_statements
        )
        self.progress.update(phase="checking")
        if checks is None or self.transfer.name not in checks.by_transfer:
            checks = run_checks(self.data_dir, plan, self.account, [self.transfer], opts.make_read_only)
        refuse_on_errors(checks, self.transfer)
        dataset_id = resolve_target(self.data_dir, opts.target, self.account.id)
        job_id, log_path = start_job(
            self.data_dir, self.account, self.transfer.name, opts, plan.paths, self.acknowledgement
        )
        report = self.report = JobReport(job_id, JobState.RUNNING, self.transfer.name, str(log_path))
        self._unrecorded: list[FileOutcome] = []
        self._stored: list[Stored] = []
        log = JobLog(log_path)
        if opts.resumed_from is not None:
            from engine.recovery import remove_pending

            removed = remove_pending(self.data_dir, opts.resumed_from)
            log.write(f"resuming job {opts.resumed_from}: removed its {removed} unfinished filesets")
        started = time.monotonic()
        self.progress.update(
            phase="importing",
            files_total=plan.file_count,
            bytes_total=plan.total_bytes,
            filesets_total=len(plan.filesets),
            started_at=started,
        )
        log.write(
            f"job {job_id}: {self.transfer.name} of {plan.file_count} files in {len(plan.filesets)} filesets "
            f"by {self.account.name}, checksums {opts.checksum_algorithm}"
        )
        if self.acknowledgement is not None:
            ack = self.acknowledgement
            log.write(f"responsibilities for {ack.transfer} accepted by {ack.account_name} (as {ack.os_user}):")
            for statement in ack.statements:
                log.write(f"  - {statement.text}")
        for skipped in plan.skipped:
            log.write(f"skipped {skipped.path}: {skipped.reason}")
        for fs, reason in plan.excluded:
            for f in fs.files:
                self._emit(self._outcome(f.path, f.size, fs, FileState.SKIPPED, message=reason), planned=False)
        allocator = DirectoryAllocator(str(self.repository), self.data_dir.settings.template)
        stop_reason = ""
        try:
            for batch in _batches(plan.filesets):
                if stop_reason:
                    self._mark_not_attempted(batch, stop_reason)
                    continue
                allocated = self._allocate(batch, allocator, job_id, dataset_id)
                stop_reason = self._run_batch(allocated, log)
            self._record([], [])
        except BaseException as exc:
            # Beyond a single file (catalog, repository, a bug): delete nothing and leave the
            # pending filesets to recovery, exactly as if the process had been killed. Recording
            # that is best effort: the disk may be full or the catalog locked, and the first error
            # is the one to report.
            with contextlib.suppress(Exception):
                log.write(f"job stopped by an error: {exc!r}; recover it with 'inplace jobs --rollback {job_id}'")
            with contextlib.suppress(Exception):
                log.close()
            with contextlib.suppress(Exception):
                finish_job(self.data_dir, job_id, JobState.INTERRUPTED, f"stopped by an error: {exc}")
            self.progress.update(phase="done")
            place = f"the data dir {self.data_dir.root}"
            plain = explain(exc, self.data_dir.catalog_path, place) if isinstance(exc, Exception) else None
            if plain is None or isinstance(exc, EngineError):
                raise
            raise type(plain)(
                f"{plain.message} Job {job_id} stopped part-way; no original was deleted.",
                f"{plain.hint} Then finish the job with 'inplace jobs --resume {job_id}', "
                f"or undo it with 'inplace jobs --rollback {job_id}'.",
            ) from exc
        report.seconds = time.monotonic() - started
        cancelled = any(o.state == FileState.CANCELLED for o in report.files)
        report.state = (
            JobState.CANCELLED if cancelled else JobState.FAILED if report.filesets_failed else JobState.COMPLETED
        )
        self.progress.update(phase="cleaning")
        if self.transfer.deletes_sources:
            self._clean_up_sources(plan, log)
        log.write(report.summary())
        log.close()
        finish_job(self.data_dir, job_id, report.state, report.summary())
        self.progress.update(phase="done")
        return report

    # --- batches -------------------------------------------------------------------------------

    def _allocate(self, batch, allocator, job_id, dataset_id) -> list[_Allocated]:
        """Record the batch's directories as pending, then create them: the catalog knows every
        directory before it exists, and its unique names decide between concurrent imports."""
        now = datetime.now()
        while True:
            dirs = [allocator.propose(self.account.name, self.account.id) for _ in batch]
            rows = [
                {
                    "job_id": job_id,
                    "owner_id": self.account.id,
                    "dataset_id": dataset_id,
                    "name": self.options.name or fs.name,
                    "state": FilesetState.PENDING,
                    "repo_dir": d,
                    "transfer": self.transfer.name,
                    "created_at": now,
                    "rule": fs.rule,
                    "format": fs.format,
                }
                for fs, d in zip(batch, dirs, strict=True)
            ]
            stmt = insert(Fileset.__table__).returning(Fileset.id, sort_by_parameter_order=True)
            try:
                with self.data_dir.engine.begin() as conn:
                    ids = conn.execute(stmt, rows).scalars().all()
                break
            except IntegrityError:  # another import recorded one of these names first
                continue
        checkpoints.reached("recorded")
        allocated = [_Allocated(fs, fid, d) for fs, fid, d in zip(batch, ids, dirs, strict=True)]
        for item in allocated:
            self._create_dir(item, allocator)
        checkpoints.reached("allocated")
        return allocated

    def _create_dir(self, item: _Allocated, allocator) -> None:
        """Make a recorded directory; if a stray folder already holds the name, move the row on."""
        while True:
            try:
                allocator.create(item.repo_dir)
                return
            except FileExistsError:
                new = allocator.propose(self.account.name, self.account.id)
                with self.data_dir.engine.begin() as conn:
                    conn.execute(update(Fileset).where(Fileset.id == item.fileset_id).values(repo_dir=new))
                item.repo_dir = new

    def _run_batch(self, allocated: list[_Allocated], log: JobLog) -> str:
        """Import each fileset of the batch, then register the good ones in one transaction."""
        report = self.report
        registered: list[tuple[_Allocated, list[FileOutcome]]] = []
        failed_ids: list[int] = []
        stop_reason = ""
        for item in allocated:
            if stop_reason:
                self._roll_back(item)
                failed_ids.append(item.fileset_id)
                self._mark_not_attempted([item.plan], stop_reason)
                continue
            outcomes = self._import_fileset(item, log)
            item.log_text = log.take_fileset_lines()
            self.progress.fileset_finished()
            if all(o.state == FileState.DONE for o in outcomes):
                registered.append((item, outcomes))
                continue
            self._roll_back(item)
            failed_ids.append(item.fileset_id)
            report.filesets_failed += 1
            if any(o.state == FileState.CANCELLED for o in outcomes):
                stop_reason = "cancelled before it started"
            elif not self.options.continue_on_error:
                stop_reason = "not attempted: an earlier fileset failed (use --continue to go on after failures)"
        checkpoints.reached("before-register")
        registered = self._record(registered, failed_ids)
        checkpoints.reached("registered")
        for item, _ in registered:
            write_new_file(os.path.join(self.repository, f"{item.repo_dir}.log"), item.log_text)
        report.filesets_created += len(registered)
        self._stored.extend(s for item, _ in registered for s in item.stored or [])
        return stop_reason

    def _record(self, registered, failed_ids) -> None:
        """One transaction: register good filesets, drop rolled-back ones, store new file results.

        For a transfer that reaches originals by name (ln_s), every link is checked once more while
        the catalog is locked: a `*_rm` run deletes only under the same lock, after looking for
        registered links, so either it sees these filesets or they see its deletions."""
        job_id = self.report.job_id
        with self.data_dir.engine.begin() as conn:
            if self.transfer.follows_source_path:
                registered = self._drop_broken_links(registered, failed_ids)
            if registered:
                ids = [item.fileset_id for item, _ in registered]
                conn.execute(update(Fileset).where(Fileset.id.in_(ids)).values(state=FilesetState.REGISTERED))
                conn.execute(insert(FilesetEntry.__table__), self._entries(registered))
            if failed_ids:
                conn.execute(delete(Fileset).where(Fileset.id.in_(failed_ids)))
            if self._unrecorded:
                conn.execute(insert(FileResult.__table__), [_result_row(job_id, o) for o in self._unrecorded])
                self._unrecorded = []
        return registered

    def _drop_broken_links(self, registered, failed_ids):
        kept = []
        for item, outs in registered:
            broken = next((o for f, o in zip(item.plan.files, outs, strict=True) if not _leads_to(o, f, self)), None)
            if broken is None:
                kept.append((item, outs))
                continue
            for o in outs:
                self._fail(
                    o, FileFailure(ErrorKind.NOT_FOUND, f"{broken.source} disappeared before it was registered.")
                )
                o.repo_path = None
            self._roll_back(item)
            failed_ids.append(item.fileset_id)
            self.report.filesets_failed += 1
        return kept

    def _entries(self, registered) -> list[dict]:
        real_path = (lambda p: None) if self.transfer.name in PATH_FREE_TRANSFERS else os.path.realpath
        return [
            {
                "fileset_id": item.fileset_id,
                "source_path": f.path,
                "source_real_path": real_path(f.path),
                "client_path": client_path(f.path),
                "repo_path": o.repo_path,
                "file_name": os.path.basename(f.path),
                "size": f.size,
                "mtime": f.mtime,
                "checksum_algorithm": o.checksum_algorithm,
                "checksum": o.checksum,
                "transfer": self.transfer.name,
                "made_read_only": self.options.make_read_only and self.transfer.in_place,
            }
            for item, outs in registered
            for f, o in zip(item.plan.files, outs, strict=True)
        ]

    # --- one fileset ---------------------------------------------------------------------------

    def _import_fileset(self, item: _Allocated, log: JobLog) -> list[FileOutcome]:
        fs = item.plan
        base = os.path.join(self.repository, item.repo_dir)
        names = repository_names([f.path for f in fs.files])
        log.write(f"fileset {fs.name} ({fs.rule}, {len(fs.files)} files) -> {item.repo_dir}", fileset=True)
        outcomes: list[FileOutcome] = []
        identities: list[Identity] = []
        made_dirs = {base}
        for problem in fs.problems:
            log.write(f"problem: {problem}", fileset=True)
        cancelled = False
        for f, name in zip(fs.files, names, strict=True):
            dest = os.path.join(base, name)
            outcome = self._outcome(f.path, f.size, fs, FileState.TRANSFERRING, repo_path=f"{item.repo_dir}/{name}")
            if cancelled or self.cancel.cancelled:
                cancelled = True
                outcome.state = FileState.CANCELLED
                outcomes.append(outcome)
                continue
            if fs.problems:
                self._fail(outcome, FileFailure(ErrorKind.NOT_FOUND, f"Incomplete multi-file set: {fs.problems[0]}."))
                outcomes.append(outcome)
                continue
            parent = os.path.dirname(dest)
            if parent not in made_dirs:
                os.makedirs(parent, exist_ok=True)
                made_dirs.add(parent)
            self.progress.update(current_path=f.path)
            task = FileTask(f.path, dest, self.options.checksum_algorithm, f.size, f.dev, f.ino, self._on_block)
            t0 = time.monotonic()
            try:
                before = Identity.of(os.stat(f.path))
                checksum = self.transfer.create(task)
                checkpoints.reached("created")
                outcome.state = FileState.VERIFYING
                self.transfer.verify(task, checksum)
                identities.append(_unchanged(f, task.identity or before))
                outcome.checksum = checksum
                outcome.state = FileState.DONE
            except Cancelled:
                cancelled = True
                outcome.state = FileState.CANCELLED
            except FileFailure as exc:
                self._fail(outcome, exc)
            except OSError as exc:
                self._fail(outcome, file_failure_from_os_error(exc, "Transferring", f.path))
            except Exception as exc:  # a broken transfer plugin fails this file, not the whole job
                for line in "".join(traceback.format_exception(exc)).splitlines():
                    log.write(f"  {line}")
                message = f"The {self.transfer.name} transfer failed on {f.path} ({type(exc).__name__}: {exc})."
                self._fail(outcome, FileFailure(ErrorKind.IO_ERROR, message, f.path))
            outcome.seconds = time.monotonic() - t0
            outcomes.append(outcome)
        ok = all(o.state == FileState.DONE for o in outcomes)
        if ok and self.options.make_read_only and self.transfer.in_place and not self.transfer.deletes_sources:
            make_read_only([f.path for f in fs.files], log)
        if ok and self.transfer.deletes_sources:
            item.stored = [
                Stored(o.source, o.repo_path, o.checksum_algorithm, ident)
                for o, ident in zip(outcomes, identities, strict=True)
            ]
        for o in outcomes:
            if not ok and o.state == FileState.DONE:
                o.state = FileState.FAILED
                o.error_kind = ErrorKind.FILESET_FAILED
                o.error_message = (
                    "Not kept: another file of the same fileset failed, so the whole fileset was rolled back."
                )
            if not ok:
                o.repo_path = None
            line = f"{o.state} {o.source}" + (f" -> {o.repo_path} {o.checksum}" if ok else f": {o.error_message or ''}")
            log.write(line, fileset=True)
            self._emit(o)
        return outcomes

    def _on_block(self, n: int) -> None:
        self.cancel.raise_if_cancelled()
        self.progress.advance(bytes_=n)

    def _roll_back(self, item: _Allocated) -> None:
        remove_fileset_dir(self.repository, item.repo_dir)

    # --- helpers -------------------------------------------------------------------------------

    def _outcome(self, path: str, size: int, fs: FilesetPlan, state: FileState, repo_path=None, message=None):
        return FileOutcome(
            source=path,
            fileset=self.options.name or fs.name,
            transfer=self.transfer.name,
            size=size,
            checksum_algorithm=self.options.checksum_algorithm,
            state=state,
            repo_path=repo_path,
            error_message=message,
        )

    @staticmethod
    def _fail(outcome: FileOutcome, exc: FileFailure) -> None:
        outcome.state = FileState.FAILED
        outcome.error_kind = str(exc.kind)
        outcome.error_message = exc.message

    def _emit(self, outcome: FileOutcome, planned: bool = True) -> None:
        """Every outcome passes here once: into the report, the catalog's queue, progress, listeners."""
        self.report.files.append(outcome)
        self._unrecorded.append(outcome)
        self.progress.advance(
            files=int(planned),
            failed=int(outcome.state == FileState.FAILED),
            skipped=int(outcome.state == FileState.SKIPPED),
        )
        self.on_file(outcome)

    def _mark_not_attempted(self, filesets: list[FilesetPlan], reason: str) -> None:
        state = FileState.CANCELLED if reason.startswith("cancelled") else FileState.SKIPPED
        for fs in filesets:
            for f in fs.files:
                self._emit(self._outcome(f.path, f.size, fs, state, message=reason))

    def _clean_up_sources(self, plan: ImportPlan, log: JobLog) -> None:
        report = self.report
        if not self.options.delete_sources:
            report.sources_kept_reason = "This run resumed an interrupted job, so no original was deleted."
        elif report.state != JobState.COMPLETED or report.errors:
            report.sources_kept_reason = "Nothing was deleted because the import was not fully successful."
        else:
            os.sync()  # copies, links and the catalog reach the disk before any original goes
            checkpoints.reached("before-delete")
            # The catalog stays locked while originals go: no ln_s import can register a link to
            # one of them in between (it checks its links under the same lock).
            with self.data_dir.engine.begin() as conn:
                linked = linked_originals(conn, [s.source for s in self._stored])
                report.sources_deleted, report.sources_left_behind = delete_sources(
                    self.transfer, self._stored, self.repository, plan.selection, linked, log
                )
            return
        log.write(report.sources_kept_reason)


def _batches(filesets: list[FilesetPlan]):
    batch: list[FilesetPlan] = []
    size = 0
    for fs in filesets:
        batch.append(fs)
        size += fs.size
        if len(batch) >= BATCH_FILESETS or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _leads_to(outcome: FileOutcome, f, importer: Importer) -> bool:
    """The repository's link still reaches the very file that was imported."""
    try:
        st = os.stat(os.path.join(importer.repository, outcome.repo_path))
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == (f.dev, f.ino)


def _unchanged(f, hashed: Identity) -> Identity:
    """After verification the original must still be exactly the file that was hashed, and the one
    the scan saw; its identity is what a later deletion will require."""
    now = Identity.of(os.stat(f.path))
    if now != hashed or (now.dev, now.ino, now.size) != (f.dev, f.ino, f.size):
        raise FileFailure(ErrorKind.CHANGED, f"{f.path} was modified while it was being imported.", f.path)
    return now


def _result_row(job_id: int, o: FileOutcome) -> dict:
    """A file_results row: the outcome's own fields, under the catalog's names for two of them."""
    row = o.as_dict()
    row["source_path"] = row.pop("source")
    row["fileset_name"] = row.pop("fileset")
    row["job_id"] = job_id
    return row
