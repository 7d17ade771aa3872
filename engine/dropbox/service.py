"""The DropBox service: watches the registered folders and imports what lands in them, once complete and
quiet, each fileset as an ordinary job of the folder's account with the folder's import arguments.

It works through engine.api as every front end does: `DataDirectory.session_for` gives it a session for
the account an administrator registered the folder for, and `prepare` / `run` apply the same checks,
policy and responsibilities as the CLI and the wizard. One fileset per job, one job at a time: a failed
fileset leaves nothing behind and never keeps a `*_rm` transfer from deleting the originals of another.

Restart-safe: on start it rolls back the jobs an interrupted service left (a rollback, not a resume: a
resumed `*_rm` job never deletes its originals, so they would stay in the folder for ever as "already
imported"; after the rollback the rescan imports them again under the folder's own rules), then scans
every folder, so what arrived while it was down is imported. Stopping (SIGTERM) cancels the current
import cooperatively: the engine rolls back the fileset it had not registered, and the next start
imports it again.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from engine.api import (
    Acknowledgement,
    CancelToken,
    DataDirectory,
    ImportOptions,
    ImportPlan,
    Prepared,
    Session,
    Statement,
    count,
    shown,
)
from engine.dropbox.folders import COVERED_WARNINGS, STANDING_ID, WatchedFolder
from engine.dropbox.quiet import QuietTracker, readiness, still_as_seen
from engine.errors import Cancelled, EngineError
from engine.states import FileState, JobState

RESCAN_SECONDS = 300.0  # a look at every folder even without events (missed events, network filesystems)
RELOAD_SECONDS = 10.0  # folders added or removed while running are picked up this often
FIRST_BACKOFF, LAST_BACKOFF = 60.0, 3600.0  # a failed fileset is tried again after these, doubling
SETTLE_SECONDS = 1.0  # after an event, wait this long for more before looking (a copy sends many)
EVENTS = {"created", "modified", "moved", "deleted", "closed"}  # reading a file (our own import) is none


@dataclass
class _Failure:
    signature: tuple  # the files as they were when it failed; any change retries at once
    retry_at: float
    delay: float
    reason: str


@dataclass
class _Watch:
    folder: WatchedFolder
    tracker: QuietTracker
    due: float  # the service's clock time of the next look
    failures: dict[str, _Failure] = field(default_factory=dict)
    handle: Any = None  # the observer's watch, to unschedule
    observer: Any = None  # its own PollingObserver, for a polled folder


def _signature(files) -> tuple:
    return tuple(sorted((f.path, f.size, f.mtime) for f in files))


class DropboxService:
    def __init__(
        self,
        data_dir: DataDirectory,
        clock: Callable[[], float] = time.monotonic,
        say: Callable[[str], None] = lambda line: None,
        rescan_seconds: float = RESCAN_SECONDS,
    ) -> None:
        self.data_dir = data_dir
        self.journal = data_dir.dropbox_journal()
        self.clock = clock
        self.say = say
        self.rescan_seconds = rescan_seconds
        self.watches: dict[int, _Watch] = {}
        self.cancel = CancelToken()
        self.stopping = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()  # watches' due times are moved by observer threads
        self._observer: Any = None  # the one inotify observer, shared by every folder that is not polled

    # --- control -----------------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop soon (safe from a signal handler): the current import is cancelled cooperatively."""
        self.stopping.set()
        self.cancel.cancel()
        self._wake.set()

    def run(self, watch_files: bool = True) -> None:
        """Until `stop`: recover, look at every folder, then import as files arrive and become quiet."""
        with self._only_service():
            self.reload(watch_files)
            self.recover()
            last_reload = self.clock()
            try:
                while not self.stopping.is_set():
                    try:
                        wait = self.step()
                    except EngineError as exc:  # the catalog locked or unreachable for a while: try again
                        self.say(f"looking at the folders failed: {exc}; trying again in {RELOAD_SECONDS:g} seconds")
                        wait = RELOAD_SECONDS
                    if self.clock() - last_reload >= RELOAD_SECONDS:
                        self.reload(watch_files)
                        last_reload = self.clock()
                    self._wake.wait(max(0.05, min(wait, RELOAD_SECONDS)))
                    self._wake.clear()
            finally:
                self._stop_observers()

    @contextlib.contextmanager
    def _only_service(self) -> Iterator[None]:
        """One service per data dir: two would import the same arrivals twice over."""
        path = self.data_dir.root / "dropbox.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise EngineError(
                    f"Another DropBox service is running on the data dir {self.data_dir.root}.",
                    "Stop it first (systemctl stop inplace-dropbox), or leave it running.",
                ) from None
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            yield
        finally:
            os.close(fd)

    # --- folders -----------------------------------------------------------------------------------

    def reload(self, watch_files: bool = False) -> None:
        """Follow the registered folders: new ones are looked at at once, removed ones forgotten."""
        folders = {f.id: f for f in self.journal.folders()}
        now = self.clock()
        for folder_id in [i for i in self.watches if i not in folders]:
            self._unwatch(self.watches.pop(folder_id))
            self.say(f"no longer watching folder {folder_id}")
        for folder_id, folder in folders.items():
            watch = self.watches.get(folder_id)
            if watch is None:
                watch = self.watches[folder_id] = _Watch(folder, QuietTracker(folder.quiet_seconds, self.clock), now)
                self.say(f"watching {shown(folder.path)} for {folder.account} ({folder.transfer})")
            else:
                watch.folder = folder
            if watch_files and watch.handle is None and os.path.isdir(folder.path):
                self._watch_files(watch)

    def recover(self) -> None:
        """Roll back the jobs an interrupted service left in its folders (see the module's docstring)."""
        for watch in self.watches.values():
            self._recover(watch)

    def _recover(self, watch: _Watch) -> None:
        folder = watch.folder
        for job_id in self.journal.interrupted_jobs(folder):
            try:
                report = self._session(folder).rollback(job_id)
            except EngineError as exc:
                self.journal.record(folder.id, "failed", folder.path, job_id, f"Recovering job {job_id} failed: {exc}")
                continue
            message = (
                f"Job {job_id} was interrupted; it was rolled back ({count(report.filesets, 'fileset')} removed) "
                "and its files are imported again."
            )
            self.journal.record(folder.id, "rolled back", folder.path, job_id, message)
            self.say(message)

    # --- one look ----------------------------------------------------------------------------------

    def step(self) -> float:
        """Look at every folder that is due; return the seconds until the next one is."""
        for watch in list(self.watches.values()):
            if self.stopping.is_set():
                break
            with self._lock:
                due = watch.due <= self.clock()
                if due:
                    watch.due = self.clock() + self.rescan_seconds
            if due:
                self._look(watch)
        with self._lock:
            next_due = min((w.due for w in self.watches.values()), default=self.clock() + self.rescan_seconds)
        return max(0.0, next_due - self.clock())

    def changed(self, folder_id: int) -> None:
        """Something changed in the folder (an observer's event): look again once the burst settles."""
        watch = self.watches.get(folder_id)
        if watch is not None:
            self._later(watch, min(SETTLE_SECONDS, watch.folder.quiet_seconds))
            self._wake.set()

    def _later(self, watch: _Watch, seconds: float) -> None:
        with self._lock:
            watch.due = min(watch.due, self.clock() + seconds)

    def _session(self, folder: WatchedFolder) -> Session:
        return self.data_dir.session_for(folder.account, folder.id)

    def _look(self, watch: _Watch) -> None:
        folder = watch.folder
        if not os.path.isdir(folder.path):
            self.journal.note(folder.id, f"The folder {folder.path} does not exist or cannot be opened.")
            return
        try:
            session = self._session(folder)
            options = session.options(
                transfer=folder.transfer,
                checksum_algorithm=folder.checksum_algorithm,
                target=folder.target,
                exclude=folder.exclude,
            )
            plan = session.plan([folder.path], options)
        except EngineError as exc:
            self.journal.note(folder.id, f"The folder cannot be imported from: {exc}")
            return
        found = readiness(plan.filesets, watch.tracker)
        if found.next_check is not None:
            self._later(watch, found.next_check)
        waiting = list(found.waiting)
        for i in found.ready:
            if self.stopping.is_set():
                break
            fs = plan.filesets[i]
            if not self._backing_off(watch, fs):
                if not still_as_seen(fs.files):  # changed since the scan: not quiet after all
                    self._later(watch, 0)
                    continue
                self._import(session, watch, replace(plan, filesets=[fs], excluded=[], skipped=[]), options)
            if self._backing_off(watch, fs):
                failure = watch.failures[fs.name]
                self._later(watch, failure.retry_at - self.clock())
                waiting.append(
                    f"{fs.name} failed ({failure.reason}); it is tried again when it changes, or in "
                    f"{failure.retry_at - self.clock():.0f} seconds."
                )
        waiting += [f"{s.path} is left alone: {s.reason}." for s in plan.skipped]
        self.journal.note(folder.id, "\n".join(waiting) or None)

    def _backing_off(self, watch: _Watch, fs) -> bool:
        """Whether this fileset failed as it is now, and its back-off has not run out."""
        failure = watch.failures.get(fs.name)
        return bool(failure and failure.signature == _signature(fs.files) and failure.retry_at > self.clock())

    # --- one import --------------------------------------------------------------------------------

    def _import(self, session: Session, watch: _Watch, plan: ImportPlan, options: ImportOptions) -> None:
        folder, fs = watch.folder, plan.filesets[0]
        job_id = None
        try:
            prepared = session.prepare(plan, options)
            if prepared.errors:
                return self._failed(watch, fs, " ".join(e.message for e in prepared.errors), None)
            ack = None
            if prepared.needs_acknowledgement:
                ack, why_not = standing_acknowledgement(prepared, folder)
                if ack is None:
                    return self._failed(watch, fs, why_not, None)
            report = prepared.run(ack, None, self.cancel)
            job_id = report.job_id
        except Cancelled:
            self.say(f"stopped while importing {fs.name}; it is imported at the next start")
            return None
        except EngineError as exc:
            self._failed(watch, fs, str(exc), job_id)
            self._recover(watch)  # a job stopped by an error is left interrupted: undo it now
            return None
        if report.state == JobState.CANCELLED:
            self.say(f"stopped while importing {fs.name} (job {report.job_id}); it is imported at the next start")
            return None
        failed = [o for o in report.files if o.state == FileState.FAILED]
        if report.filesets_failed or report.errors:
            reason = failed[0].error_message if failed else report.summary()
            return self._failed(watch, fs, f"{shown(failed[0].source) + ': ' if failed else ''}{reason}", job_id)
        watch.failures.pop(fs.name, None)
        message = report.summary() + (
            f" {count(report.sources_deleted, 'original')} deleted." if report.sources_deleted else ""
        )
        self.journal.record(folder.id, "imported", fs.name, job_id, message)
        self.say(f"imported {shown(fs.name)} from {shown(folder.path)} (job {job_id}): {message}")
        return None

    def _failed(self, watch: _Watch, fs, reason: str, job_id: int | None) -> None:
        before = watch.failures.get(fs.name)
        delay = min(LAST_BACKOFF, before.delay * 2) if before else FIRST_BACKOFF
        watch.failures[fs.name] = _Failure(_signature(fs.files), self.clock() + delay, delay, reason)
        self.journal.record(watch.folder.id, "failed", fs.name, job_id, reason)
        self.say(f"failed to import {shown(fs.name)} from {shown(watch.folder.path)}: {reason}")

    # --- watching the filesystem -------------------------------------------------------------------

    def _watch_files(self, watch: _Watch) -> None:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler

        service = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.event_type in EVENTS:
                    service.changed(watch.folder.id)

        try:
            if watch.folder.polling:
                from watchdog.observers.polling import PollingObserver

                observer = PollingObserver(timeout=1)
                watch.handle = observer.schedule(Handler(), watch.folder.path, recursive=True)
                observer.start()
                watch.observer = observer
            else:
                if self._observer is None:
                    from watchdog.observers import Observer

                    self._observer = Observer()
                    self._observer.start()
                watch.handle = self._observer.schedule(Handler(), watch.folder.path, recursive=True)
        except OSError as exc:  # e.g. too many inotify watches: the periodic rescan still sees arrivals
            self.say(f"cannot watch {shown(watch.folder.path)} for changes ({exc}); looking every few minutes")

    def _unwatch(self, watch: _Watch) -> None:
        if watch.observer is not None:
            watch.observer.stop()
            watch.observer.join()
        elif watch.handle is not None and self._observer is not None:
            self._observer.unschedule(watch.handle)

    def _stop_observers(self) -> None:
        for watch in self.watches.values():
            if watch.observer is not None:
                watch.observer.stop()
        if self._observer is not None:
            self._observer.stop()
        for watch in self.watches.values():
            if watch.observer is not None:
                watch.observer.join()
        if self._observer is not None:
            self._observer.join()


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
