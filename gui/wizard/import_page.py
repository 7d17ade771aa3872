"""Import: overall progress (files, bytes, rate, time left), a live per-file table and log, and a
safe Cancel that says what happened."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWizardPage,
)

from engine.api import human_duration, human_size
from engine.states import FileState, JobState
from gui import texts
from gui.models import OutcomeModel
from gui.runner import ImportRunner
from gui.widgets import message_label, named

LOG_LINES = 5000


class ImportPage(QWizardPage):
    def __init__(self, state, ops) -> None:
        super().__init__()
        self.state, self.ops = state, ops
        self.done = False
        self.runner = ImportRunner(ops, self)
        self.setTitle(texts.IMPORT_TITLE)
        self.setSubTitle(texts.IMPORT_SUBTITLE)
        self.files_bar = named(QProgressBar(), "files_progress", "Files imported")
        self.bytes_bar = named(QProgressBar(), "bytes_progress", "Data imported")
        self.counts = message_label("progress_counts")
        self.rate = message_label("progress_rate")
        self.current = message_label("current_file")
        self.status = message_label("import_status")
        self.model = OutcomeModel(self)
        self.table = named(QTableView(), "live_results", "Files as they finish")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.log = named(QPlainTextEdit(), "live_log", "Import log")
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(LOG_LINES)
        self.cancel_button = named(QPushButton(texts.CANCEL), "cancel_import", texts.CANCEL)
        row = QHBoxLayout()
        row.addWidget(self.counts, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        for w in (self.files_bar, self.bytes_bar):
            layout.addWidget(w)
        layout.addLayout(row)
        layout.addWidget(self.rate)
        layout.addWidget(self.current)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.log, 1)
        self.cancel_button.clicked.connect(self.cancel)
        self.runner.progressed.connect(self._progress)
        self.runner.files_finished.connect(self._files)
        self.runner.finished.connect(self._finished)
        self.runner.failed.connect(self._failed)

    def initializePage(self) -> None:  # noqa: N802
        s = self.state
        self.done = False
        self.model.replace_all([])
        self.log.clear()
        self.status.setText("")
        self.cancel_button.setEnabled(True)
        self.files_bar.setRange(0, max(1, s.plan.file_count))
        self.bytes_bar.setRange(0, 1000)
        self.log.appendPlainText(
            f"Starting {s.transfer} of {s.plan.file_count} files ({human_size(s.plan.total_bytes)})."
        )
        self.runner.start(s.prepared, s.acknowledgement)

    @property
    def running(self) -> bool:
        return self.runner.running

    def cancel(self) -> None:
        if self.runner.running:
            self.runner.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText(texts.CANCELLING)

    def _progress(self, snap) -> None:
        self.files_bar.setValue(min(snap.files_done, self.files_bar.maximum()))
        self.bytes_bar.setValue(int(1000 * snap.bytes_done / snap.bytes_total) if snap.bytes_total else 0)
        self.counts.setText(
            texts.PROGRESS_FILES.format(
                done=snap.files_done,
                total=snap.files_total,
                bytes_done=human_size(snap.bytes_done),
                bytes_total=human_size(snap.bytes_total),
            )
        )
        self.current.setText(f"Now: {snap.current_path}" if snap.current_path and snap.phase == "importing" else "")
        left = snap.seconds_left
        self.rate.setText(
            texts.PROGRESS_RATE.format(
                rate=human_size(snap.bytes_per_second), files_rate=snap.files_per_second, left=human_duration(left)
            )
            if left is not None
            else texts.PROGRESS_RATE_UNKNOWN
        )

    def _files(self, outcomes) -> None:
        self.model.append(outcomes)
        self.table.scrollToBottom()
        lines = [
            f"{o.state}: {o.source}" + (f": {o.error_message}" if o.error_message else "")
            for o in outcomes
            if o.state != FileState.DONE
        ]
        done = sum(1 for o in outcomes if o.state == FileState.DONE)
        if done:
            lines.append(f"{done} more files done, last {outcomes[-1].source}")
        self.log.appendPlainText("\n".join(lines))

    def _finished(self, report) -> None:
        self.state.report = report
        self.done = True
        self.cancel_button.setEnabled(False)
        text = texts.CANCELLED if report.state == JobState.CANCELLED else texts.FINISHED
        extra = [report.summary()]
        if report.sources_deleted:
            extra.append(f"{report.sources_deleted} originals were deleted as requested.")
        if report.sources_kept_reason:
            extra.append(report.sources_kept_reason)
        self.status.setText(f"{text} {' '.join(extra)}")
        self.log.appendPlainText(report.summary())
        self.completeChanged.emit()
        if self.wizard():
            self.wizard().button(self.wizard().WizardButton.NextButton).setFocus()

    def _failed(self, message: str) -> None:
        self.done = False
        self.cancel_button.setEnabled(False)
        self.status.setText(texts.FAILED_TO_RUN.format(message=message))
        self.log.appendPlainText(texts.FAILED_TO_RUN.format(message=message))

    def isComplete(self) -> bool:  # noqa: N802
        return self.done
