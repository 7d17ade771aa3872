"""Results: every file with its state, where it went, its checksum or its error; a failed-only
filter, retry of failed files, export to CSV and JSON, the job's log, and copying an error; below,
each imported fileset's thumbnail and images as the background reader makes them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from engine.api import count, export_results
from engine.states import FileState
from gui import texts
from gui.image_gallery import SHOWN, ImageGallery
from gui.models import PROBLEMS, FailedOnlyFilter, OutcomeModel, outcomes_summary, report_summary
from gui.operations import plain_sentence
from gui.widgets import message_label, named, remember_column_widths, show_message
from gui.wizard.page import WizardPage

COLUMN_WIDTHS = [80, 160, 100, 110, 90, 120]  # at first, fitting 960x680 with the error readable; kept for the next run


class ResultsPage(WizardPage):
    def __init__(self, state, ops, runner) -> None:
        super().__init__()
        self.state, self.ops, self.runner = state, ops, runner
        self._dialog = None
        self._export_dir = str(Path.home())
        self.retries = 0
        self._retry_deleted = 0
        self.setTitle(texts.RESULTS_TITLE)
        self.setSubTitle(texts.RESULTS_SUBTITLE)
        self.summary = message_label("results_summary")
        self.model = OutcomeModel(self)
        self.filter = FailedOnlyFilter(self)
        self.filter.setSourceModel(self.model)
        self.table = named(QTableView(), "results", "Per-file results")
        self.table.setModel(self.filter)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSortingEnabled(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # the file name and the folder both show
        self.table.setWordWrap(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(col, width)
        remember_column_widths(header, "results")  # widths a person set are kept for the next run
        self.failed_only = named(QCheckBox(texts.FAILED_ONLY), "failed_only", texts.FAILED_ONLY)
        self.retry = named(QPushButton(texts.RETRY), "retry_failed", texts.RETRY)
        self.export_csv = named(QPushButton(texts.EXPORT_CSV), "export_csv", texts.EXPORT_CSV)
        self.export_json = named(QPushButton(texts.EXPORT_JSON), "export_json", texts.EXPORT_JSON)
        self.open_log = named(QPushButton(texts.OPEN_LOG), "open_log", texts.OPEN_LOG)
        self.copy_error = named(QPushButton(texts.COPY_ERROR), "copy_error", texts.COPY_ERROR)
        self.status = message_label("results_status")
        self.gallery = named(ImageGallery(ops), "image_gallery", texts.IMAGES_TITLE)
        # Its scroll bar is there from the start: one appearing as thumbnails arrive, after the page
        # shows, narrowed the gallery, which was then laid out and drawn again (over ssh -X, about 2 MB).
        self.gallery.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.gallery_title = message_label("image_gallery_title")
        self.gallery_box = gallery_box = QWidget()
        box = QVBoxLayout(gallery_box)
        box.setContentsMargins(0, 4, 0, 0)
        box.addWidget(self.gallery_title)
        box.addWidget(self.gallery, 1)
        self.splitter = named(QSplitter(Qt.Orientation.Vertical), "results_splitter", "Files and images")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(gallery_box)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([220, 240])
        self.gallery.updated.connect(self._gallery_updated)
        row = QHBoxLayout()
        row.addWidget(self.failed_only)
        row.addStretch()
        for b in (self.retry, self.copy_error, self.export_csv, self.export_json, self.open_log):
            row.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.failed_only.toggled.connect(self.filter.set_failed_only)
        self.retry.clicked.connect(self.retry_failed)
        self.export_csv.clicked.connect(lambda: self._choose_export(".csv"))
        self.export_json.clicked.connect(lambda: self._choose_export(".json"))
        self.open_log.clicked.connect(self.show_log)
        self.copy_error.clicked.connect(self.copy_selected_error)
        self.runner.finished.connect(self._retried)
        self.runner.failed.connect(self._retry_failed_to_run)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update())

    def initializePage(self) -> None:  # noqa: N802
        self.model.replace_all(self.state.report.files)
        self.retries = self._retry_deleted = 0
        self._update()
        self.gallery.clear_all()
        self.gallery.show_jobs(self.state.session, [self.state.report.job_id])
        self._gallery_updated()

    def _gallery_updated(self) -> None:
        more = f" {texts.IMAGES_FIRST.format(count=SHOWN)}" if self.gallery.more else ""
        self.gallery_title.setText((texts.IMAGES_TITLE if self.gallery.finished else texts.IMAGES_COMING) + more)
        self.gallery_box.setVisible(self.gallery.count() > 0 or not self.gallery.finished)  # hidden: nothing imported

    def cleanupPage(self) -> None:  # noqa: N802
        self.gallery.stop()

    def _update(self) -> None:
        report = self.state.report
        lines = [outcomes_summary(self.model.outcomes)]
        if self.state.import_for:  # for someone else (issue 14): say whose the filesets are
            lines.append(texts.IMPORTED_FOR.format(name=self.state.import_for, me=self.state.session.account_name))
        if self.retries:
            lines.insert(0, texts.AFTER_RETRY)
        deleted = report.sources_deleted + self._retry_deleted
        if deleted:
            lines.append(texts.ORIGINALS_DELETED.format(files=count(deleted, "original file")))
        if report.sources_kept_reason:
            lines.append(report.sources_kept_reason)
        self.summary.setText(" ".join(lines))
        self.retry.setEnabled(bool(self.failed_sources()) and not self.runner.running)
        self.copy_error.setEnabled(bool(self._errors()))

    def failed_sources(self) -> list[str]:
        """Files to retry: those that failed, and those a cancel stopped."""
        return [o.source for o in self.model.outcomes if o.state in (FileState.FAILED, FileState.CANCELLED)]

    # --- retry --------------------------------------------------------------------------------

    def retry_failed(self) -> None:
        sources = self.failed_sources()
        if not sources:
            show_message(self.status, texts.NOTHING_TO_RETRY)
            return
        self.retry.setEnabled(False)
        show_message(self.status, texts.RETRYING.format(count=count(len(sources), "file")))
        s = self.state
        (
            self.ops.op(lambda: s.session.retry(s.report.job_id, s.options(exclude=None), sources))
            .success(self._ask_retry)
            .failure(lambda exc: show_message(self.status, plain_sentence(exc), problem=True))
            .finished(self._update)
            .run_in_background()
        )

    def _ask_retry(self, prepared) -> None:
        if prepared.errors:
            show_message(self.status, f"{prepared.errors[0].message} {prepared.errors[0].hint}".strip(), problem=True)
            return
        if not prepared.needs_acknowledgement:
            self.runner.start(prepared, None, started_by=self)
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
            # every statement and warning was listed in the question, so all of them were accepted
            self.runner.start(prepared, prepared.acknowledge(), started_by=self)
        else:
            show_message(self.status, texts.RETRY_NOT_CONFIRMED)
        self._update()

    def _retried(self, report) -> None:
        if self.runner.started_by is not self:
            return
        newer = {o.source: o for o in report.files}
        merged = [newer.pop(o.source, o) for o in self.model.outcomes] + list(newer.values())
        self.model.replace_all(merged)
        self.retries += 1
        self._retry_deleted += report.sources_deleted
        self.gallery.show_jobs(self.state.session, [*self.gallery.job_ids, report.job_id])
        show_message(self.status, texts.RETRY_DONE.format(job=report.job_id, summary=report_summary(report)))
        self._update()

    def _retry_failed_to_run(self, message: str) -> None:
        if self.runner.started_by is self:
            show_message(self.status, texts.FAILED_TO_RUN.format(message=message), problem=True)
            self._update()

    # --- export, log, copy ------------------------------------------------------------------

    def _choose_export(self, suffix: str) -> None:
        dialog = QFileDialog(self, texts.EXPORT_CSV if suffix == ".csv" else texts.EXPORT_JSON)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(suffix[1:])
        dialog.setDirectory(self._export_dir)  # the person's home, or where they saved last time
        dialog.selectFile(f"import-job-{self.state.report.job_id}{suffix}")
        dialog.resize(900, 520)
        named(dialog, f"export_dialog_{suffix[1:]}")
        dialog.fileSelected.connect(self.export_to)
        self._dialog = dialog
        dialog.open()

    def export_to(self, path: str) -> None:
        self._export_dir = str(Path(path).parent)
        (
            self.ops.op(export_results, list(self.model.outcomes), path)
            .success(lambda _: show_message(self.status, texts.EXPORTED.format(path=path)))
            .failure(
                lambda exc: show_message(
                    self.status, texts.NOT_SAVED.format(path=path, reason=plain_sentence(exc)), problem=True
                )
            )
            .run_in_background()
        )

    def show_log(self) -> None:
        path = self.state.report.log_path
        self.ops.op(Path(path).read_text, "utf-8", "replace").success(self._log_read).run_in_background()

    def _log_read(self, text: str) -> None:
        dialog = named(QDialog(self), "log_dialog", "Job log")
        dialog.setWindowTitle(self.state.report.log_path)
        view = named(QPlainTextEdit(text), "log_text", "Job log text")
        view.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        named(buttons.button(QDialogButtonBox.StandardButton.Close), "close_log", texts.CLOSE)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(view)
        layout.addWidget(buttons)
        dialog.resize(900, 500)
        self._dialog = dialog
        dialog.open()

    def _errors(self) -> list[str]:
        """The errors of the selected rows, else of every failed file."""
        rows = [self.filter.mapToSource(r).row() for r in self.table.selectionModel().selectedRows()]
        chosen = [self.model.outcomes[i] for i in rows] or self.model.outcomes
        return [o.error_message for o in chosen if o.state in PROBLEMS and o.error_message]

    def copy_selected_error(self) -> None:
        errors = self._errors()
        if errors:
            QApplication.clipboard().setText("\n".join(errors))
            show_message(self.status, texts.COPIED.format(errors=count(len(errors), "error")))
