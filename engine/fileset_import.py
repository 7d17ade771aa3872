"""Import one fileset: each file created and verified by the transfer, the original proved unchanged,
and the whole set kept only when every file succeeded."""

from __future__ import annotations

import os
import time
import traceback

from engine import checkpoints, long_lived
from engine.allocation import Allocated
from engine.errors import Cancelled, ErrorKind, FileFailure, file_failure_from_os_error
from engine.joblog import JobLog
from engine.results import FileOutcome
from engine.sources import Stored, make_read_only
from engine.states import FileState
from engine.transfers import FileTask, Identity
from engine.transfers.create_ahead import CreateAhead
from engine.yielding import let_others_run


def import_fileset(importer, item: Allocated, log: JobLog) -> list[FileOutcome]:
    """Run the importer's transfer over one allocated fileset; every outcome is emitted. What it made
    is listed in `item.created`, for the importer to remove if the fileset is not kept."""
    run, transfer, fs, job = importer.run_state, importer.transfer, item.plan, importer.job_folder
    root = importer.root
    log.write(f"fileset {fs.name} ({fs.rule}, {len(fs.files)} files) -> {job.repo_dir}")
    for problem in fs.problems:
        log.write(f"fileset {fs.name}: problem: {problem}")
    for note in fs.notes:
        log.write(f"fileset {fs.name}: note: {note}")
    outcomes: list[FileOutcome] = []
    identities: list[Identity] = []
    created = item.created
    cancelled = False
    tasks = (
        FileTask(f.path, f"{root}/{name}", run.algorithm, f.size, f.dev, f.ino, importer.on_block)
        for f, name in zip(fs.files, item.names, strict=True)
    )

    def place(task: FileTask) -> tuple[str, Identity]:
        """Create and verify one file and prove its original unchanged (on the second thread when the
        transfer allows); returns the checksum and the original's identity."""
        before = None if transfer.records_identity else Identity.of(os.stat(task.source))
        job.ensure_parent(task.dest)
        checksum = transfer.create(task)
        checkpoints.reached("created")
        transfer.verify(task, checksum)
        hashed = task.identity or before
        assert hashed is not None  # a transfer that records identities sets it when hashing
        return checksum, _unchanged(task, hashed)

    ahead = None
    if transfer.parallel_safe and not fs.problems and len(fs.files) > 1:
        ahead = CreateAhead(place, tasks)
        created.extend(item.names)  # the thread runs ahead: every name may be made from now on
    try:
        for n, (f, name, task) in enumerate(zip(fs.files, item.names, ahead or tasks, strict=True)):
            outcome = run.outcome(f.path, f.size, fs, FileState.TRANSFERRING, repo_path=name)
            outcomes.append(outcome)
            if cancelled or importer.cancel.cancelled:
                cancelled = True
                outcome.state = FileState.CANCELLED
                continue
            if fs.problems:
                run.fail(outcome, FileFailure(ErrorKind.NOT_FOUND, f"Incomplete multi-file set: {fs.problems[0]}."))
                continue
            if not n % 64:  # what the progress shows as current; not every file (its lock is shared)
                importer.progress.update(current_path=f.path)
                if n and not n % long_lived.STEP:  # a plate's outcomes live as long as the job
                    long_lived.keep_out_of_full_collections()
                let_others_run()
            t0 = time.monotonic()
            try:
                try:
                    if ahead is not None:
                        checksum, identity = ahead.take(task)  # done on the second thread, or its error
                    else:
                        created.append(name)  # from here on, whatever lies at `dest` is this fileset's
                        checksum, identity = place(task)
                except FileExistsError:
                    created.remove(name)  # names are unique within the job: never remove what another made
                    raise
                if transfer.deletes_sources:  # what a deletion will require; not kept otherwise (memory)
                    identities.append(identity)
                outcome.checksum = checksum
                outcome.state = FileState.DONE
            except Cancelled:
                cancelled = True
                outcome.state = FileState.CANCELLED
            except FileFailure as exc:
                run.fail(outcome, exc)
            except OSError as exc:
                run.fail(outcome, file_failure_from_os_error(exc, "Transferring", f.path))
            except Exception as exc:  # a broken transfer plugin fails this file, not the whole job
                for line in "".join(traceback.format_exception(exc)).splitlines():
                    log.write(f"  {line}")
                message = f"The {transfer.name} transfer failed on {f.path} ({type(exc).__name__}: {exc})."
                run.fail(outcome, FileFailure(ErrorKind.IO_ERROR, message, f.path))
            outcome.seconds = time.monotonic() - t0
    finally:
        if ahead is not None:
            ahead.close()
    ok = all(o.state == FileState.DONE for o in outcomes)
    if ok and importer.options.make_read_only and transfer.in_place and not transfer.deletes_sources:
        make_read_only([f.path for f in fs.files], log)
    if ok and transfer.deletes_sources:
        item.stored = [
            Stored(o.source, o.repo_path or "", o.checksum_algorithm, ident)
            for o, ident in zip(outcomes, identities, strict=True)
        ]
    for o in outcomes:
        if not ok and o.state == FileState.DONE:
            o.state = FileState.FAILED
            o.error_kind = ErrorKind.FILESET_FAILED
            o.error_message = "Not kept: another file of the same fileset failed, so the whole fileset was rolled back."
        if not ok:
            o.repo_path = None
        if o.state != FileState.DONE:
            log.write(f"{o.state} {o.source}: {o.error_message or ''}")
        run.emit(o)
    return outcomes


def _unchanged(task: FileTask, hashed: Identity) -> Identity:
    """After verification the original must still be exactly the file that was hashed, and the one
    the scan saw; its identity is what a later deletion will require."""
    now = Identity.of(os.stat(task.source))
    if now != hashed or (now.dev, now.ino, now.size) != (task.dev, task.ino, task.size):
        raise FileFailure(ErrorKind.CHANGED, f"{task.source} was modified while it was being imported.", task.source)
    return now
