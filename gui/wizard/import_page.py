"""Import: overall progress (files, bytes, rate, time left), a live per-file table and log, and a
safe Cancel; at the end, what really happened (files imported, not files looked at)."""

from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from engine.api import count, human_duration, human_size
from engine.states import FileState, JobState
from gui import texts
from gui.models import OutcomeModel, report_summary
from gui.widgets import OneLineLabel, message_label, named, set_bar_value, show_message
from gui.wizard.page import WizardPage

LOG_LINES = 5000
SHOW_EVERY = 0.5  # seconds between visible progress updates: enough for a person, cheap over ssh -X
# A fileset's outcomes arrive when it finishes, so a plate's 200,000 come at once: appended in one go
# they held the GUI thread for 250 ms; 2,000 at a time, one batch per turn of the event loop, take
# at most about 12 ms each.
ROWS_PER_TICK = 2000


class ImportPage(WizardPage):
    def __init__(self, state, ops, runner) -> None:
        super().__init__()
        self.state, self.ops, self.runner = state, ops, runner
        self.done = False
        self.setTitle(texts.IMPORT_TITLE)
        self.setSubTitle(texts.IMPORT_SUBTITLE)
        self.files_bar = named(QProgressBar(), "files_progress", texts.FILES_BAR)
        self.bytes_bar = named(QProgressBar(), "bytes_progress", texts.DATA_BAR)
        # Lines that change ten times a second keep their size, so the page never moves under them
        # (over ssh -X a moved page is uploaded again); the table does not scroll as files finish.
        self.counts = OneLineLabel("progress_counts")
        self.rate = OneLineLabel("progress_rate")
        self.current = OneLineLabel("current_file")
        self.status = message_label("import_status")
        self.status.setMinimumHeight(3 * self.status.fontMetrics().lineSpacing())  # the end's words fit
        # While it runs: the rate and the file being worked on; once it ended (or while it stops): what
        # happened, in the same place, so neither leaves an empty gap and nothing below moves.
        running = QWidget()
        running_lines = QVBoxLayout(running)
        running_lines.setContentsMargins(0, 0, 0, 0)
        running_lines.addWidget(self.rate)
        running_lines.addWidget(self.current)
        running_lines.addStretch()
        self.lines = QStackedWidget()
        self.lines.addWidget(running)
        self.lines.addWidget(self.status)
        self._shown_at = 0.0
        self.model = OutcomeModel(self)
        self.table = named(QTableView(), "live_results", "Files as they finish")
        self.table.setModel(self.model)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # one line a file; the full text in a tooltip
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.log = named(QPlainTextEdit(), "live_log", "Import log")
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(LOG_LINES)
        self.cancel_button = named(QPushButton(texts.CANCEL), "cancel_import", texts.CANCEL)
        bars = QFormLayout()
        bars.addRow(texts.FILES_BAR + ":", self.files_bar)
        bars.addRow(texts.DATA_BAR + ":", self.bytes_bar)
        row = QHBoxLayout()
        row.addWidget(self.counts, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bars)
        layout.addLayout(row)
        layout.addWidget(self.lines)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.log, 1)
        self.cancel_button.clicked.connect(self.cancel)
        self.runner.progressed.connect(self._progress)
        self.runner.files_finished.connect(self._files)
        self._waiting: deque = deque()  # outcomes not yet in the table
        self._rows_timer = QTimer(self, interval=0)
        self._rows_timer.timeout.connect(self._show_some_waiting)
        self.runner.finished.connect(self._finished)
        self.runner.failed.connect(self._failed)

    def _mine(self) -> bool:
        """The runner is shared with the results page's retries; this page hears only its own run."""
        return self.runner.started_by is self

    def initializePage(self) -> None:  # noqa: N802
        s = self.state
        self.done = False
        self._waiting.clear()
        self._rows_timer.stop()
        self.model.replace_all([])
        self.log.clear()
        show_message(self.status, "")
        self.lines.setCurrentIndex(0)
        self.counts.set_line("")
        self.current.set_line("")
        self.rate.set_line(texts.PROGRESS_RATE_UNKNOWN)
        self.cancel_button.setEnabled(True)
        self.files_bar.setRange(0, max(1, s.plan.file_count))
        self.files_bar.setValue(0)
        self.bytes_bar.setRange(0, 1000)
        self.bytes_bar.setValue(0)
        self.log.appendPlainText(
            texts.IMPORT_STARTING.format(
                transfer=s.transfer, files=count(s.plan.file_count, "file"), size=human_size(s.plan.total_bytes)
            )
        )
        self.runner.start(s.prepared, s.acknowledgement, started_by=self)

    @property
    def running(self) -> bool:
        return self.runner.running and self._mine()

    def cancel(self) -> None:
        if self.running:
            self.runner.cancel()
            self.cancel_button.setEnabled(False)
            show_message(self.status, texts.CANCELLING)
            self.lines.setCurrentWidget(self.status)

    def _progress(self, snap) -> None:
        if not self._mine() or self.done:
            return
        now = time.monotonic()
        if now - self._shown_at < SHOW_EVERY and snap.files_done < snap.files_total:
            return
        self._shown_at = now
        set_bar_value(self.files_bar, min(snap.files_done, self.files_bar.maximum()))
        set_bar_value(self.bytes_bar, int(1000 * snap.bytes_done / snap.bytes_total) if snap.bytes_total else 0)
        self.counts.set_line(
            texts.PROGRESS_FILES.format(
                done=snap.files_done,
                total=count(snap.files_total, "file"),
                bytes_done=human_size(snap.bytes_done),
                bytes_total=human_size(snap.bytes_total),
            )
        )
        self.current.set_line(
            texts.NOW.format(path=snap.current_path) if snap.current_path and snap.phase == "importing" else ""
        )
        left = snap.seconds_left
        self.rate.set_line(
            texts.PROGRESS_RATE.format(
                rate=human_size(snap.bytes_per_second), files_rate=snap.files_per_second, left=human_duration(left)
            )
            if left is not None
            else texts.PROGRESS_RATE_UNKNOWN
        )

    def _files(self, outcomes) -> None:
        """Queue the outcomes; the table and the log take them a batch per turn of the event loop."""
        if not self._mine():
            return
        self._waiting.extend(outcomes)
        if not self._rows_timer.isActive():
            self._rows_timer.start()

    @property
    def rows_waiting(self) -> int:
        return len(self._waiting)

    def _show_some_waiting(self) -> None:
        outcomes = [self._waiting.popleft() for _ in range(min(ROWS_PER_TICK, len(self._waiting)))]
        if not self._waiting:
            self._rows_timer.stop()
        self.model.append(outcomes)  # rows below the visible ones cost only the scroll bar
        lines = [
            f"{o.state}: {o.source}" + (f": {o.error_message}" if o.error_message else "")
            for o in outcomes
            if o.state != FileState.DONE
        ]
        if lines:  # the log tells what needs attention; the counts above tell the progress
            self.log.appendPlainText("\n".join(lines))

    def _show_end(self, imported: int, imported_bytes: int, total: int, total_bytes: int) -> None:
        """The bars and counts at the end say what was imported, not how many files were looked at."""
        self.files_bar.setRange(0, max(1, total))
        set_bar_value(self.files_bar, imported)
        set_bar_value(self.bytes_bar, int(1000 * imported_bytes / total_bytes) if total_bytes else 0)
        self.counts.set_line(
            texts.END_COUNTS.format(
                done=imported,
                total=count(total, "file"),
                bytes_done=human_size(imported_bytes),
                bytes_total=human_size(total_bytes),
            )
        )
        self.rate.set_line("")
        self.current.set_line("")
        self.cancel_button.setEnabled(False)

    def _finished(self, report) -> None:
        if not self._mine():
            return
        self.state.report = report
        self.done = True
        done = done_bytes = errors = 0
        for o in report.files:  # one pass on the GUI thread: a plate's report holds 200,000 outcomes
            if o.state == FileState.DONE:
                done += 1
                done_bytes += o.size
            elif o.state == FileState.FAILED:
                errors += 1
        self._show_end(done, done_bytes, self.state.plan.file_count, self.state.plan.total_bytes)
        text = texts.CANCELLED if report.state == JobState.CANCELLED else texts.FINISHED
        summary = report_summary(report, done, errors)
        extra = [summary]
        if report.sources_deleted:
            extra.append(texts.ORIGINALS_DELETED.format(files=count(report.sources_deleted, "original file")))
        if report.sources_kept_reason:
            extra.append(report.sources_kept_reason)
        show_message(self.status, f"{text} {' '.join(extra)}", problem=bool(errors))
        self.lines.setCurrentWidget(self.status)
        self.log.appendPlainText(summary)
        self.completeChanged.emit()
        if self.wizard():
            self.wizard().button(self.wizard().WizardButton.NextButton).setFocus()

    def _failed(self, message: str) -> None:
        if not self._mine():
            return
        self.done = False
        self._show_end(0, 0, self.state.plan.file_count, self.state.plan.total_bytes)
        show_message(self.status, texts.FAILED_TO_RUN.format(message=message), problem=True)
        self.lines.setCurrentWidget(self.status)
        self.log.appendPlainText(texts.FAILED_TO_RUN.format(message=message))

    def isComplete(self) -> bool:  # noqa: N802
        return self.done
