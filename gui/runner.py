"""The wizard's one import runner: an `Op` running the engine on a worker thread, progress polled
every 100 ms. The import page and the results page (for retries) share it; each run remembers which
page started it, so only that page hears about it.

Per-file outcomes arrive on the worker thread; they are queued and handed to the GUI thread in
batches at each poll, so a fast import of many small files costs the GUI one update per tick.
"""

from __future__ import annotations

import queue

from PySide6.QtCore import QObject, Signal

from engine.api import CancelToken, ProgressTracker
from gui.operations import plain_sentence

OUTCOMES_PER_POLL = 20_000  # about 8 ms of the GUI thread; polls come every 100 ms


class ImportRunner(QObject):
    progressed = Signal(object)  # ProgressSnapshot
    files_finished = Signal(list)  # list[FileOutcome], in order
    finished = Signal(object)  # JobReport
    failed = Signal(str)  # a plain sentence: the import could not run

    def __init__(self, ops, parent=None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.progress = ProgressTracker()
        self.cancel_token = CancelToken()
        self.started_by: object | None = None
        self._outcomes: queue.SimpleQueue = queue.SimpleQueue()
        self.running = False

    def start(self, prepared, acknowledgement, started_by: object) -> None:
        """Run a prepared import with what the person accepted; `started_by` hears about it."""
        self.progress = ProgressTracker()
        self.cancel_token = CancelToken()
        self.started_by = started_by
        self.running = True
        (
            self.ops.op(prepared.run, acknowledgement, self.progress, self.cancel_token, self._outcomes.put)
            .with_progress(self.progress, self._poll)
            .success(self._succeeded)
            .failure(self._failed)
            .run_in_background()
        )

    def cancel(self) -> None:
        self.cancel_token.cancel()

    def _succeeded(self, report) -> None:
        self.running = False
        self._hand_over(None)  # every outcome reaches the page before the end does
        self.finished.emit(report)

    def _failed(self, exc: BaseException) -> None:  # the engine left nothing half-done
        self.running = False
        self._hand_over(None)
        self.failed.emit(plain_sentence(exc))

    def _poll(self, snapshot) -> None:
        self._hand_over(OUTCOMES_PER_POLL)
        self.progressed.emit(snapshot)

    def _hand_over(self, limit: int | None) -> None:
        """The queued outcomes, at most `limit` of them: a plate's 200,000 arrive at once, and taken
        in one go they held the GUI thread for 77 ms."""
        batch = []
        while limit is None or len(batch) < limit:
            try:
                batch.append(self._outcomes.get_nowait())
            except queue.Empty:
                break
        if batch:
            self.files_finished.emit(batch)
