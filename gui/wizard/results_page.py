"""Results: every file with its state, where it went, its checksum or its error; a failed-only
filter, retry of failed files, export to CSV and JSON, the job's log, and copying an error."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWizardPage,
)

from engine.api import export_results
from engine.states import FileState
from gui import texts
from gui.models import FailedOnlyFilter, OutcomeModel
from gui.runner import ImportRunner
from gui.widgets import message_label, named


class ResultsPage(QWizardPage):
    def __init__(self, state, ops) -> None:
        super().__init__()
        self.state, self.ops = state, ops
        self.runner = ImportRunner(ops, self)
        self._dialog = None
        self.setTitle(texts.RESULTS_TITLE)
        self.summary = message_label("results_summary")
        self.model = OutcomeModel(self)
        self.filter = FailedOnlyFilter(self)
        self.filter.setSourceModel(self.model)
        self.table = named(QTableView(), "results", "Per-file results")
        self.table.setModel(self.filter)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.failed_only = named(QCheckBox(texts.FAILED_ONLY), "failed_only", texts.FAILED_ONLY)
        self.retry = named(QPushButton(texts.RETRY), "retry_failed", texts.RETRY)
        self.export_csv = named(QPushButton(texts.EXPORT_CSV), "export_csv", texts.EXPORT_CSV)
        self.export_json = named(QPushButton(texts.EXPORT_JSON), "export_json", texts.EXPORT_JSON)
        self.open_log = named(QPushButton(texts.OPEN_LOG), "open_log", texts.OPEN_LOG)
        self.copy_error = named(QPushButton(texts.COPY_ERROR), "copy_error", texts.COPY_ERROR)
        self.status = message_label("results_status")
        row = QHBoxLayout()
        row.addWidget(self.failed_only)
        row.addStretch()
        for b in (self.retry, self.copy_error, self.export_csv, self.export_json, self.open_log):
            row.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.failed_only.toggled.connect(self.filter.set_failed_only)
        self.retry.clicked.connect(self.retry_failed)
        self.export_csv.clicked.connect(lambda: self._choose_export(".csv"))
        self.export_json.clicked.connect(lambda: self._choose_export(".json"))
        self.open_log.clicked.connect(lambda: self.ops.start(self._show_log()))
        self.copy_error.clicked.connect(self.copy_selected_error)
        self.runner.finished.connect(self._retried)
        self.runner.failed.connect(self.status.setText)

    def initializePage(self) -> None:  # noqa: N802
        self.model.replace_all(self.state.report.files)
        self._update()

    def _update(self) -> None:
        report = self.state.report
        failed = len(self.failed_sources())
        self.summary.setText(
            report.summary() + (f" {report.sources_kept_reason}" if report.sources_kept_reason else "")
        )
        self.retry.setEnabled(bool(failed) and not self.runner.running)

    def failed_sources(self) -> list[str]:
        """Files to retry: those that failed, and those a cancel stopped."""
        return [o.source for o in self.model.outcomes if o.state in (FileState.FAILED, FileState.CANCELLED)]

    # --- retry --------------------------------------------------------------------------------

    def retry_failed(self) -> None:
        sources = self.failed_sources()
        if not sources:
            self.status.setText(texts.NOTHING_TO_RETRY)
            return
        self.retry.setEnabled(False)
        self.status.setText(texts.RETRYING.format(count=len(sources)))
        self.ops.start(self._retry(sources))

    async def _retry(self, sources: list[str]) -> None:
        s = self.state
        try:
            prepared = await self.ops.run(s.session.retry, s.report.job_id, s.options(exclude=None), sources)
        except Exception as exc:
            self.status.setText(str(exc))
            self._update()
            return
        if prepared.errors:
            self.status.setText(f"{prepared.errors[0].message} {prepared.errors[0].hint}".strip())
            self._update()
            return
        if not prepared.needs_acknowledgement:
            self.runner.start(prepared, None)
            return
        # The retry is a new job with its own counts: what it takes on is asked again, never assumed.
        lines = [f"• {st.text}" for st in prepared.statements] + [f"• {w.message}" for w in prepared.warnings]
        box = QMessageBox(
            QMessageBox.Icon.Question,
            texts.RETRY,
            texts.RETRY_CONFIRM.format(statements="\n".join(lines)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        named(box, "confirm_retry", texts.RETRY)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda answer: self._retry_answer(answer, prepared))
        self._dialog = box
        box.open()

    def _retry_answer(self, answer: int, prepared) -> None:
        if answer == QMessageBox.StandardButton.Yes:
            self.runner.start(prepared, prepared.acknowledge())
        else:
            self.status.setText(texts.RETRY_NOT_CONFIRMED)
            self._update()

    def _retried(self, report) -> None:
        newer = {o.source: o for o in report.files}
        merged = [newer.pop(o.source, o) for o in self.model.outcomes] + list(newer.values())
        self.model.replace_all(merged)
        self.status.setText(report.summary())
        self._update()

    # --- export, log, copy ------------------------------------------------------------------

    def _choose_export(self, suffix: str) -> None:
        dialog = QFileDialog(self, texts.EXPORT_CSV if suffix == ".csv" else texts.EXPORT_JSON)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(suffix[1:])
        dialog.selectFile(f"import-job-{self.state.report.job_id}{suffix}")
        named(dialog, f"export_dialog_{suffix[1:]}")
        dialog.fileSelected.connect(lambda path: self.ops.start(self.export_to(path)))
        self._dialog = dialog
        dialog.open()

    async def export_to(self, path: str) -> None:
        try:
            await self.ops.run(export_results, list(self.model.outcomes), path)
        except OSError as exc:
            self.status.setText(f"Could not save {path}: {exc.strerror}.")
            return
        self.status.setText(texts.EXPORTED.format(path=path))

    async def _show_log(self) -> None:
        text = await self.ops.run(Path(self.state.report.log_path).read_text, "utf-8", "replace")
        dialog = named(QDialog(self), "log_dialog", "Job log")
        dialog.setWindowTitle(self.state.report.log_path)
        view = named(QPlainTextEdit(text), "log_text", "Job log text")
        view.setReadOnly(True)
        QVBoxLayout(dialog).addWidget(view)
        dialog.resize(900, 500)
        self._dialog = dialog
        dialog.open()

    def copy_selected_error(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        outcomes = [self.filter.mapToSource(r).row() for r in rows]
        errors = [self.model.outcomes[i].error_message for i in outcomes if self.model.outcomes[i].error_message]
        if not errors:
            failed = [o.error_message for o in self.model.outcomes if o.error_message]
            errors = failed[:1]
        if errors:
            QApplication.clipboard().setText("\n".join(errors))
            self.status.setText("Copied.")
