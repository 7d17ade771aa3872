"""The DropBox service: watches the registered folders and imports what lands in them, once complete and
quiet, each fileset as an ordinary job of the folder's account with the folder's import arguments.

It works through engine.api as every front end does: `DataDirectory.session_for` gives it a session for
the account an administrator registered the folder for, and `prepare` / `run` apply the same checks,
policy and responsibilities as the CLI and the wizard. One fileset per job: a failed fileset leaves
nothing behind and never keeps a `*_rm` transfer from deleting the originals of another.

Throttled: at most `max_imports` jobs run at once, each in its own thread (copying and hashing release
the interpreter, so they really run side by side). The looks at the folders stay in the main thread and
never wait for an import; a fileset that is ready while every import thread is busy waits, reported as
such. An import holds the catalog's write lock only for its own short transactions (allocating,
registering), never while it copies or hashes, so imports and people's own work interleave.

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
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from engine import long_lived
from engine.api import CancelToken, DataDirectory, ImportOptions, ImportPlan, ProgressTracker, Session, count, shown
from engine.dropbox import fileset_job
from engine.dropbox.folders import DEFAULT_MAX_IMPORTS, WatchedFolder
from engine.dropbox.notify import Notifier
from engine.dropbox.quiet import QuietTracker, readiness, still_as_seen
from engine.errors import EngineError, UsageError

RESCAN_SECONDS = 300.0  # a look at every folder even without events (missed events, network filesystems)
RELOAD_SECONDS = 10.0  # folders added or removed while running are picked up this often
FIRST_BACKOFF, LAST_BACKOFF = 60.0, 3600.0  # a failed fileset is tried again after these, doubling
SETTLE_SECONDS = 1.0  # after an event, wait this long for more before looking (a copy sends many)
EVENTS = {"created", "modified", "moved", "deleted", "closed"}  # reading a file (our own import) is none
# A test seam, like engine/checkpoints.py but for one thread: with a folder named here, an import whose
# fileset NAME has a file NAME.hold there touches NAME.held as it starts to transfer a file and waits while
# NAME.hold exists and the service is not stopping (its other imports go on). Off: one lookup per import.
HOLD_ENV = "INPLACE_DROPBOX_HOLD"


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
    importing: dict[str, datetime] = field(default_factory=dict)  # fileset name: when its import started
    finished: int = 0  # imports of this folder that ended: a plan made before one ended may be stale
    wants_thread: bool = False  # a ready fileset waits for a free import thread: look when one ends


def _signature(files) -> tuple:
    return tuple(sorted((f.path, f.size, f.mtime) for f in files))


class DropboxService:
    def __init__(
        self,
        data_dir: DataDirectory,
        clock: Callable[[], float] = time.monotonic,
        say: Callable[[str], None] = lambda line: None,
        rescan_seconds: float = RESCAN_SECONDS,
        max_imports: int = DEFAULT_MAX_IMPORTS,
    ) -> None:
        if max_imports < 1:
            raise UsageError("At least one import must be allowed at a time.", "Give --max-imports 1 or more.")
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
        self.max_imports = max_imports
        self._pool = ThreadPoolExecutor(max_imports, thread_name_prefix="dropbox-import")
        self._running: set[Future] = set()
        self._recovering = threading.Lock()  # two failed imports of a folder never roll back one job twice
        self._last_retry_event = self.journal.last_event_id()

    # --- control -----------------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop soon (safe from a signal handler): the running imports are cancelled cooperatively."""
        self.stopping.set()
        self.cancel.cancel()
        self._wake.set()

    def run(self, watch_files: bool = True) -> None:
        """Until `stop`: recover, look at every folder, then import as files arrive and become quiet.
        Under systemd (Type=notify) it says READY=1 once every folder is watched, and keeps STATUS= and
        the watchdog up to date from its main loop."""
        notifier = Notifier()
        with self._only_service():
            self.reload(watch_files)
            self.recover()
            notifier.send(READY=1, STATUS=self.status_line())
            self.say(f"watching {count(len(self.watches), 'folder')}, at most {self.max_imports} imports at once")
            last_reload, last_status = self.clock(), ""
            try:
                while not self.stopping.is_set():
                    try:
                        self.take_retry_requests()
                        wait = self.step()
                    except EngineError as exc:  # the catalog locked or unreachable for a while: try again
                        self.say(f"looking at the folders failed: {exc}; trying again in {RELOAD_SECONDS:g} seconds")
                        wait = RELOAD_SECONDS
                    if self.clock() - last_reload >= RELOAD_SECONDS:
                        self.reload(watch_files)
                        last_reload = self.clock()
                        if not self._running:
                            long_lived.collect_everything()  # what finished imports kept out of its sight
                    status = self.status_line()
                    notifier.alive(status if status != last_status else None)
                    last_status = status
                    self._wake.wait(max(0.05, min(wait, RELOAD_SECONDS, notifier.watchdog_every or RELOAD_SECONDS)))
                    self._wake.clear()
            finally:
                notifier.send(STOPPING=1, STATUS="stopping: cancelling the running imports")
                self._stop_observers()
                self.close()

    def close(self) -> None:
        """Wait for the import threads to end (after `stop`, they end at their next block)."""
        self._pool.shutdown(wait=True)

    def wait_for_imports(self) -> None:
        """Wait until every import started so far has ended (tests, and the benchmark, look after it)."""
        with self._lock:
            running = set(self._running)
        wait(running)

    def status_line(self) -> str:
        """One line for `systemctl status`."""
        with self._lock:
            importing = sum(len(w.importing) for w in self.watches.values())
        return (
            f"watching {count(len(self.watches), 'folder')}; {importing} of at most {self.max_imports} "
            "imports running"
        )

    def take_retry_requests(self) -> None:
        """Someone asked (wizard, CLI) to try a failed fileset again now: forget its back-off."""
        for event_id, folder_id, fileset in self.journal.retry_requests(self._last_retry_event):
            self._last_retry_event = max(self._last_retry_event, event_id)
            watch = self.watches.get(folder_id)
            if watch is None:
                continue
            with self._lock:
                watch.failures.pop(fileset, None)
            self._later(watch, 0)

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
        with self._recovering:
            for job_id in self.journal.interrupted_jobs(folder):
                self._roll_back(folder, job_id)

    def _roll_back(self, folder: WatchedFolder, job_id: int) -> None:
        try:
            report = self._session(folder).rollback(job_id)
        except EngineError as exc:
            self.journal.record(folder.id, "failed", folder.path, job_id, f"Recovering job {job_id} failed: {exc}")
            return
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
        with self._lock:
            finished_before = watch.finished  # an import ending after this may not be in the plan yet
        try:
            session = self._session(folder)
            options = session.options(
                transfer=folder.transfer,
                checksum_algorithm=folder.checksum_algorithm,
                target=folder.target,
                exclude=folder.exclude,
                group=folder.group,
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
            if self._backing_off(watch, fs):
                failure = watch.failures[fs.name]
                self._later(watch, failure.retry_at - self.clock())
                waiting.append(
                    f"{fs.name} failed ({failure.reason.rstrip('.')}); it is tried again when it changes, or in "
                    f"{failure.retry_at - self.clock():.0f} seconds."
                )
                continue
            if not still_as_seen(fs.files):  # changed since the scan: not quiet after all
                self._later(watch, 0)
                continue
            one = replace(plan, filesets=[fs], excluded=[], skipped=[])
            started = self._start_import(session, watch, one, options, finished_before)
            if started is None:
                watch.wants_thread = True
                waiting.append(
                    f"{fs.name} is complete and quiet; it waits for one of the {self.max_imports} imports "
                    "running now to end."
                )
        with self._lock:
            importing = sorted(watch.importing.items())
        waiting += [f"{name} is being imported (since {at:%H:%M:%S})." for name, at in importing]
        waiting += [f"{s.path} is left alone: {s.reason}." for s in plan.skipped]
        self.journal.note(folder.id, "\n".join(waiting) or None)

    def _backing_off(self, watch: _Watch, fs) -> bool:
        """Whether this fileset failed as it is now, and its back-off has not run out."""
        with self._lock:
            failure = watch.failures.get(fs.name)
        return bool(failure and failure.signature == _signature(fs.files) and failure.retry_at > self.clock())

    # --- imports, each in a thread of its own ------------------------------------------------------

    def _start_import(
        self, session: Session, watch: _Watch, plan: ImportPlan, options: ImportOptions, finished_before: int
    ) -> bool | None:
        """Start importing the plan's one fileset in an import thread: True when started, False when it is
        being imported already (or the plan may be stale: look again), None when every thread is busy."""
        name = plan.filesets[0].name
        with self._lock:
            if name in watch.importing:
                return False
            if watch.finished != finished_before:  # it may have been imported since the plan was made
                watch.due = self.clock()
                return False
            if len(self._running) >= self.max_imports:
                return None
            watch.importing[name] = datetime.now()
            future = self._pool.submit(self._import, session, watch, plan, options)
            self._running.add(future)
        future.add_done_callback(self._import_ended)
        return True

    def _import_ended(self, future: Future) -> None:
        with self._lock:
            self._running.discard(future)
            for watch in self.watches.values():
                if watch.wants_thread:
                    watch.wants_thread, watch.due = False, self.clock()
        self._wake.set()  # a thread is free: a fileset waiting for one starts now

    def _import(self, session: Session, watch: _Watch, plan: ImportPlan, options: ImportOptions) -> None:
        folder, fs = watch.folder, plan.filesets[0]
        try:
            progress = _hold(fs.name, self.cancel)
            outcome = fileset_job.import_fileset(session, folder, plan, options, self.cancel, progress)
            if outcome.kind == fileset_job.STOPPED:
                self.say(outcome.message)
            elif outcome.kind == fileset_job.FAILED:
                self._failed(watch, fs, outcome.message, outcome.job_id)
                self._recover(watch)  # a job stopped by an error is left interrupted: undo it now
            else:
                with self._lock:
                    watch.failures.pop(fs.name, None)
                deleted = f" {count(outcome.deleted, 'original')} deleted." if outcome.deleted else ""
                self.journal.record(folder.id, "imported", fs.name, outcome.job_id, outcome.message + deleted)
                self.say(
                    f"imported {shown(fs.name)} from {shown(folder.path)} (job {outcome.job_id}): "
                    f"{outcome.message}{deleted}"
                )
        except Exception as exc:  # noqa: BLE001 - the catalog unreachable, say: the next look tries again
            self.say(f"importing {shown(fs.name)} from {shown(folder.path)} failed: {exc}")
        finally:
            with self._lock:
                watch.importing.pop(fs.name, None)
                watch.finished += 1
                watch.due = self.clock()

    def _failed(self, watch: _Watch, fs, reason: str, job_id: int | None) -> None:
        with self._lock:
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


def _hold(name: str, cancel: CancelToken) -> ProgressTracker | None:
    """The test seam HOLD_ENV names (see there): None when off."""
    folder = os.environ.get(HOLD_ENV)
    if not folder:
        return None
    hold, held = Path(folder, f"{name}.hold"), Path(folder, f"{name}.held")

    class Holding(ProgressTracker):
        def update(self, **changes: object) -> None:
            super().update(**changes)
            if "current_path" in changes and hold.exists():  # a file's transfer starts
                held.touch()
                while hold.exists() and not cancel.cancelled:
                    time.sleep(0.01)

    return Holding()
