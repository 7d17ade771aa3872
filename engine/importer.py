"""Run an import job: check, record intent, transfer and verify, register or roll back, clean up.

Crash safety: a batch of fileset folders is recorded as `pending` in one catalog transaction, and
only then created (engine/allocation.py), so a kill never leaves a folder the catalog does not know;
a fileset becomes `registered` in the transaction that adds its entries. Whatever is still
`pending` after a crash belongs to an interrupted job and is removed by recovery. Originals of
`*_rm` transfers are deleted only after every fileset of the run was registered and the repository
was synced to disk, and each only when it is provably the file that was stored (engine/sources.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from engine import checkpoints, long_lived
from engine.allocation import Allocated, JobFolder, allocate
from engine.catalog import pending
from engine.catalog.registration import imported_meanwhile, keep_results, register
from engine.catalog.store.accounts import AccountRef
from engine.catalog.store.base import exclusive
from engine.checks import CheckReport, refuse_on_errors, run_checks
from engine.checksums import DEFAULT_ALGORITHM, get_algorithm
from engine.containers import Target, resolve_target
from engine.datadir import DataDir
from engine.dependents import PATH_FREE_TRANSFERS, linked_originals
from engine.errors import EngineError, ErrorKind, FileFailure
from engine.explain import explain
from engine.fileset_import import import_fileset
from engine.group_modes import share_made
from engine.grouping import FilesetPlan
from engine.groups import resolve_ownership
from engine.images import queue_filesets
from engine.joblog import JobLog
from engine.jobs import finish_job, heartbeat, start_job
from engine.paths import client_path, real_path_resolver
from engine.plan import ImportPlan
from engine.progress import CancelToken, ProgressTracker
from engine.responsibilities import require_acknowledgement
from engine.results import FileOutcome, JobReport
from engine.run_state import RunState
from engine.scan import DEFAULT_DEPTH
from engine.sources import delete_sources
from engine.states import FileState, JobState, StopReason
from engine.transfers import DEFAULT_TRANSFER, Transfer, get_transfer
from engine.yielding import ROWS_PER_STATEMENT, let_others_run

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
    depth: int = DEFAULT_DEPTH  # folder levels scanned below a selected folder
    include_all: bool = False  # also import files in no image format
    group: str | None = None  # the group the filesets belong to (-g); None: the owner's default group
    sudo: str | None = None  # the account imported for (--sudo), when not the one signed in

    def to_json(self, paths: list[str]) -> str:
        d = asdict(self)
        d["target"] = asdict(self.target) if self.target else None
        return json.dumps({"paths": paths, "options": d})


class Importer:
    """One run over one plan. Thread-safe to poll `progress` and to cancel from another thread."""

    def __init__(
        self,
        data_dir: DataDir,
        account: AccountRef,
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
        self.root = str(data_dir.repository)

    def run(self, plan: ImportPlan, checks: CheckReport | None = None, required_statements=None) -> JobReport:
        """Import the plan. Refuses before writing anything when the checks (run here unless the
        front end hands in the report it showed) find errors, or responsibilities are missing."""
        # The plan's objects (a plate's hundreds of thousands) live through the whole run and after it,
        # in the report and the wizard: kept out of the collector's full passes (engine/long_lived.py).
        long_lived.keep_out_of_full_collections()
        return self._run(plan, checks, required_statements)

    def _run(self, plan: ImportPlan, checks: CheckReport | None, required_statements) -> JobReport:
        opts = self.options
        require_acknowledgement(
            self.transfer, self.account, plan.file_count, plan.total_bytes, self.acknowledgement, required_statements
        )
        self.progress.update(phase="checking")
        if checks is None or self.transfer.name not in checks.by_transfer:
            checks = run_checks(self.data_dir, plan, self.account, [self.transfer], opts.make_read_only)
        refuse_on_errors(checks, self.transfer)
        self.ownership = resolve_ownership(self.data_dir, self.account, opts.group, opts.sudo)
        dataset_id = resolve_target(self.data_dir, opts.target, self.ownership.owner.id)
        job_id, log_path = start_job(
            self.data_dir, self.account, self.transfer.name, opts, plan.paths, self.acknowledgement, self.ownership
        )
        report = JobReport(job_id, JobState.RUNNING, self.transfer.name, str(log_path))
        self.run_state = RunState(report, self.progress, self.on_file, opts.checksum_algorithm, opts.name)
        log = JobLog(log_path)
        self.job_folder = JobFolder(
            self.data_dir, job_id, self.ownership.owner.name, self.ownership.owner.id, _selection_parent(plan)
        )
        started = time.monotonic()
        try:
            self._start(plan, log, started)
            self._import_batches(plan, log, dataset_id)
        except BaseException as exc:
            plain = self._stopped(exc, log)
            if plain is exc:
                raise
            raise plain from exc
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
        self._finish_folder(log_path)
        finish_job(self.data_dir, job_id, report.state, report.summary())
        self.progress.update(phase="done")
        return report

    def _start(self, plan: ImportPlan, log: JobLog, started: float) -> None:
        opts, report = self.options, self.run_state.report
        if opts.resumed_from is not None:
            from engine.recovery import remove_pending

            removed = remove_pending(self.data_dir, opts.resumed_from)
            log.write(f"resuming job {opts.resumed_from}: removed its {removed} unfinished filesets")
        self.progress.update(
            phase="importing",
            files_total=plan.file_count,
            bytes_total=plan.total_bytes,
            filesets_total=len(plan.filesets),
            started_at=started,
        )
        log.write(
            f"job {report.job_id}: {self.transfer.name} of {plan.file_count} files in {len(plan.filesets)} "
            f"filesets by {self.account.name}{self.ownership.shown}, checksums {opts.checksum_algorithm}"
            + (f", retrying job {opts.retry_of}" if opts.retry_of else "")
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
                outcome = self.run_state.outcome(f.path, f.size, fs, FileState.SKIPPED, message=reason)
                self.run_state.emit(outcome, planned=False)

    def _import_batches(self, plan: ImportPlan, log: JobLog, dataset_id: int | None) -> None:
        row = {
            "job_id": self.run_state.report.job_id,
            "owner_id": self.ownership.owner.id,
            "group_id": self.ownership.group_id,
            "dataset_id": dataset_id,
            "name": self.options.name,
            "transfer": self.transfer.name,
        }
        stop: StopReason | None = None
        for batch in _batches(plan.filesets):
            if stop:
                self.run_state.mark_not_attempted(batch, stop)
                continue
            allocated = allocate(self.job_folder, batch, row)
            stop = self._run_batch(allocated, log)
        self._record([], [])

    def _stopped(self, exc: BaseException, log: JobLog) -> BaseException:
        """Beyond a single file (catalog, repository, a bug): delete nothing and leave the pending
        filesets to recovery, exactly as if the process had been killed. Recording that is best
        effort (the disk may be full or the catalog locked); the first error is the one to report."""
        job_id = self.run_state.report.job_id
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
            return exc
        return type(plain)(
            f"{plain.message} Job {job_id} stopped part-way; no original was deleted.",
            f"{plain.hint} Then finish the job with 'inplace jobs --resume {job_id}', "
            f"or undo it with 'inplace jobs --rollback {job_id}'.",
        )

    # --- batches -------------------------------------------------------------------------------

    def _run_batch(self, allocated: list[Allocated], log: JobLog) -> StopReason | None:
        """Import each fileset of the batch, then register the good ones in one transaction."""
        report = self.run_state.report
        registered: list[tuple[Allocated, list[FileOutcome]]] = []
        failed_ids: list[int] = []
        stop: StopReason | None = None
        for item in allocated:
            heartbeat(self.data_dir, report.job_id)  # the job's lease, for other hosts (engine/jobs.py)
            if stop:
                self._roll_back(item)
                failed_ids.append(item.fileset_id)
                self.run_state.mark_not_attempted([item.plan], stop)
                continue
            outcomes = import_fileset(self, item, log)
            self.progress.fileset_finished()
            if all(o.state == FileState.DONE for o in outcomes):
                registered.append((item, outcomes))
                continue
            self._roll_back(item)
            failed_ids.append(item.fileset_id)
            report.filesets_failed += 1
            if any(o.state == FileState.CANCELLED for o in outcomes):
                stop = StopReason.CANCELLED
            elif not self.options.continue_on_error:
                stop = StopReason.EARLIER_FAILURE
        checkpoints.reached("before-register")
        registered = self._record(registered, failed_ids)
        checkpoints.reached("registered")
        queue_filesets(self.data_dir, [item.fileset_id for item, _ in registered])  # images, in the background
        report.filesets_created += len(registered)
        self.run_state.stored.extend(s for item, _ in registered for s in item.stored or [])
        return stop

    def _record(self, registered, failed_ids):
        """One transaction: register good filesets, drop rolled-back ones, store new file results.

        For a transfer that reaches originals by name (ln_s), every link is checked once more while
        the catalog is locked: a `*_rm` run deletes only under the same lock, after looking for
        registered links, so either it sees these filesets or they see its deletions."""
        with self.data_dir.engine.begin() as conn:
            exclusive(conn)  # SQLite's BEGIN IMMEDIATE holds it already; PostgreSQL takes an advisory lock
            checkpoints.reached("registering")
            if self.transfer.follows_source_path:
                registered = self._drop_broken_links(registered, failed_ids)
            chunks = self._entries(registered)
            if self.options.exclude and registered:  # another host may have registered some meanwhile
                entries = [e for chunk in chunks for e in chunk]
                late = imported_meanwhile(conn, self.options.exclude, entries)
                registered = self._drop_imported_meanwhile(registered, late, failed_ids)
                chunks = iter([[e for e in entries if e["fileset_id"] not in late]])
            kept = [item.fileset_id for item, _ in registered]
            register(conn, kept, next(chunks, []), failed_ids)
            for chunk in chunks:  # a plate's entries, a chunk at a time, in the same transaction
                register(conn, kept, chunk, [])
                let_others_run()
            pending.clear(conn, kept)
            for rows in self.run_state.take_result_rows():
                keep_results(conn, rows)
                let_others_run()
        return registered

    def _drop_imported_meanwhile(self, registered, late: set[int], failed_ids):
        """Filesets another import registered while this one ran are skipped, as the plan would have."""
        for item, outs in registered:
            if item.fileset_id not in late:
                continue
            for o in outs:
                o.state, o.repo_path, o.checksum = FileState.SKIPPED, None, None
                o.error_message = "another import registered this file while this one ran (--exclude)"
            self.progress.advance(skipped=len(outs))
            self._roll_back(item)
            failed_ids.append(item.fileset_id)
        return [(item, outs) for item, outs in registered if item.fileset_id not in late]

    def _drop_broken_links(self, registered, failed_ids):
        kept = []
        for item, outs in registered:
            broken = next((o for f, o in zip(item.plan.files, outs, strict=True) if not self._leads_to(o, f)), None)
            if broken is None:
                kept.append((item, outs))
                continue
            for o in outs:
                failure = FileFailure(ErrorKind.NOT_FOUND, f"{broken.source} disappeared before it was registered.")
                self.run_state.fail(o, failure)
                o.repo_path = None
            self._roll_back(item)
            failed_ids.append(item.fileset_id)
            self.run_state.report.filesets_failed += 1
        return kept

    def _leads_to(self, outcome: FileOutcome, f) -> bool:
        """The repository's link still reaches the very file that was imported."""
        let_others_run()  # a stat per file, under the catalog's lock: others must still get their turn
        try:
            st = os.stat(f"{self.root}/{outcome.repo_path}")
        except OSError:
            return False
        return (st.st_dev, st.st_ino) == (f.dev, f.ino)

    def _entries(self, registered) -> Iterator[list[dict]]:
        """fileset_entries rows, ROWS_PER_STATEMENT at a time."""
        real_path = (lambda p: None) if self.transfer.name in PATH_FREE_TRANSFERS else real_path_resolver()
        transfer, read_only = self.transfer.name, self.options.make_read_only and self.transfer.in_place
        chunk: list[dict] = []
        for item, outs in registered:
            fileset_id = item.fileset_id
            for f, o in zip(item.plan.files, outs, strict=True):
                path = f.path
                chunk.append(
                    {
                        "fileset_id": fileset_id,
                        "source_path": path,
                        "source_real_path": real_path(path),
                        "client_path": client_path(path),
                        "repo_path": o.repo_path,
                        "file_name": path.rpartition("/")[2],
                        "size": f.size,
                        "mtime": f.mtime,
                        "checksum_algorithm": o.checksum_algorithm,
                        "checksum": o.checksum,
                        "transfer": transfer,
                        "made_read_only": read_only,
                        "source_dev": f.dev,  # the original's identity, for `inplace verify` (migration 0005)
                        "source_ino": f.ino,
                    }
                )
                if len(chunk) >= ROWS_PER_STATEMENT:
                    yield chunk
                    chunk = []
        if chunk:
            yield chunk

    def on_block(self, n: int) -> None:
        """Called by the transfer for each block read: the place a cancel takes effect."""
        self.cancel.raise_if_cancelled()
        self.progress.advance(bytes_=n)

    def _roll_back(self, item: Allocated) -> None:
        self.job_folder.remove(item.created)
        item.created = []

    def _finish_folder(self, log_path) -> None:
        """The job's folder goes if the job kept nothing; otherwise a copy of the job's log lies beside it."""
        self.job_folder.finish()
        repo_dir = self.job_folder.repo_dir
        if repo_dir is not None and os.path.isdir(f"{self.root}/{repo_dir}"):
            shutil.copyfile(log_path, f"{self.root}/{repo_dir}.log")
            share_made(self.data_dir.root, f"{self.root}/{repo_dir}.log")  # the group reads it, whatever the umask

    def _clean_up_sources(self, plan: ImportPlan, log: JobLog) -> None:
        report = self.run_state.report
        if not self.options.delete_sources:
            report.sources_kept_reason = "This run resumed an interrupted job, so no original was deleted."
        elif report.state != JobState.COMPLETED or report.errors:
            report.sources_kept_reason = "Nothing was deleted because the import was not fully successful."
        else:
            os.sync()  # copies, links and the catalog reach the disk before any original goes
            checkpoints.reached("before-delete")
            # The catalog stays locked while originals go: no ln_s import can register a link to
            # one of them in between (it checks its links under the same lock).
            stored = self.run_state.stored
            with self.data_dir.engine.begin() as conn:
                exclusive(conn)
                linked = linked_originals(conn, [s.source for s in stored])
                report.sources_deleted, report.sources_left_behind = delete_sources(
                    self.transfer, stored, self.repository, plan.selection, linked, log
                )
            return
        log.write(report.sources_kept_reason)


def _selection_parent(plan: ImportPlan) -> str:
    """The common parent of what was selected (and of any member a set pulled in from elsewhere):
    below the job's folder, every file keeps its path relative to it."""
    folders = {os.path.dirname(p) for p in plan.paths}
    folders.update(os.path.dirname(f.path) for fs in plan.filesets for f in fs.files if not f.selected)
    return os.path.commonpath(sorted(folders)) if folders else "/"


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
