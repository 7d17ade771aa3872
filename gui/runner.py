"""Runs one import job for the wizard: the engine on a worker thread, progress polled every 100 ms.

Per-file outcomes arrive on the worker thread; they are queued and handed to the GUI thread in
batches by the same timer, so a fast import of many small files costs the GUI one update per tick.
"""

from __future__ import annotations

import queue

from PySide6.QtCore import QObject, QTimer, Signal

from engine.api import CancelToken, ProgressTracker

POLL_MS = 100


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
        self._outcomes: queue.SimpleQueue = queue.SimpleQueue()
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self.running = False

    def start(self, prepared, acknowledgement) -> None:
        """Run a prepared import with what the person accepted."""
        self.progress = ProgressTracker()
        self.cancel_token = CancelToken()
        self.running = True
        self._timer.start()
        self.ops.start(self._run(prepared, acknowledgement))

    async def _run(self, prepared, acknowledgement) -> None:
        try:
            report = await self.ops.run(
                prepared.run, acknowledgement, self.progress, self.cancel_token, self._outcomes.put
            )
        except Exception as exc:  # shown as one sentence; the engine left nothing half-done
            self._stop()
            self.failed.emit(str(exc))
            return
        self._stop()
        self.finished.emit(report)

    def cancel(self) -> None:
        self.cancel_token.cancel()

    def _stop(self) -> None:
        self.running = False
        self._timer.stop()
        self._poll()

    def _poll(self) -> None:
        batch = []
        while True:
            try:
                batch.append(self._outcomes.get_nowait())
            except queue.Empty:
                break
        if batch:
            self.files_finished.emit(batch)
        self.progressed.emit(self.progress.snapshot())
