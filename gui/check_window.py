"""The "Check imported data" window: each imported fileset's health and when it was last checked, a
check run in the background with its progress, the problems found in plain words with what to do,
and the way to relink folders that were moved. Engine work only through `Operations` and engine.api."""

from __future__ import annotations

import os
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.api import ProgressTracker, count, human_duration, human_size
from gui import check_texts as texts
from gui.check_problems import ProblemList
from gui.operations import Op, Operations
from gui.relink_dialog import RelinkDialog
from gui.widgets import message_label, named, show_message

if TYPE_CHECKING:  # the wizard's package imports this module
    from gui.wizard.state import WizardState

NAME, OWNER, FILES, IMPORTED, HEALTH, CHECKED = range(6)
RANK = {kind: rank for rank, kind in enumerate(("changed", "unreadable", "replaced", "missing"), 1)}


def when_words(when: datetime | None, now: datetime | None = None) -> str:
    """A time of a check as a person reads it: 'today 14:03', or the date."""
    if when is None:
        return texts.NEVER_CHECKED
    now = now or datetime.now()
    if when.date() == now.date():
        return f"today {when:%H:%M}"
    return f"{when:%Y-%m-%d %H:%M}"


def took_words(seconds: float) -> str:
    if seconds < 1:
        return texts.UNDER_A_SECOND
    return f"{seconds:.0f} seconds" if seconds < 60 else human_duration(seconds)


def health_words(summary) -> str:
    words = texts.HEALTH_WORDS.get(str(summary.health), str(summary.health))
    if summary.problems and summary.files > 1:
        return texts.HEALTH_PROBLEMS.format(words=words, n=summary.problems, files=summary.files)
    return words


class CheckWindow(QWidget):
    def __init__(self, state: WizardState, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "check_window", texts.CHECK_TITLE)
        self.setWindowTitle(texts.CHECK_TITLE)
        assert state.session is not None
        self.session = state.session
        self.ops = ops
        self.summaries: list = []
        self.report = None  # the last VerifyReport
        self.checking: Op | None = None
        self.stopping = False
        self.relink_dialog: RelinkDialog | None = None
        self.loading: Op | None = None
        self._build()
        self.resize(900, 700)
        self.load()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        intro = message_label("check_intro")
        intro.setText(texts.CHECK_INTRO_ALL if self.session.is_admin else texts.CHECK_INTRO_OWN)
        layout.addWidget(intro)
        self.table = named(QTableWidget(0, len(texts.FILESET_COLUMNS)), "check_filesets", texts.CHECK_TITLE)
        self.table.setHorizontalHeaderLabels(texts.FILESET_COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for col, width in ((OWNER, 90), (FILES, 60), (IMPORTED, 90), (HEALTH, 190), (CHECKED, 130)):
            self.table.setColumnWidth(col, width)
        self.table.setColumnHidden(OWNER, not self.session.is_admin)
        self.table.setSortingEnabled(False)  # the rows follow `summaries`: problems first
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 2)

        buttons = QHBoxLayout()
        self.check_button = named(QPushButton(texts.CHECK_QUICK), "check_now")
        self.check_button.setToolTip(texts.CHECK_QUICK_TIP)
        self.check_button.clicked.connect(lambda: self.start_check(selected=False))
        self.check_selected_button = named(QPushButton(texts.CHECK_SELECTED), "check_selected")
        self.check_selected_button.clicked.connect(lambda: self.start_check(selected=True))
        self.full_box = named(QCheckBox(texts.CHECK_FULL), "check_full")
        self.full_box.setToolTip(texts.CHECK_FULL_TIP)
        self.stop_button = named(QPushButton(texts.STOP), "check_stop")
        self.stop_button.clicked.connect(self.stop)
        self.relink_button = named(QPushButton(texts.RELINK), "check_relink")
        self.relink_button.clicked.connect(self.open_relink)
        for w in (self.check_button, self.check_selected_button, self.full_box, self.stop_button):
            buttons.addWidget(w)
        buttons.addStretch()
        buttons.addWidget(self.relink_button)
        layout.addLayout(buttons)

        self.progress = named(QProgressBar(), "check_progress")
        self.progress.setTextVisible(False)
        layout.addWidget(self.progress)
        self.status = message_label("check_status")
        layout.addWidget(self.status)
        self.problems = ProblemList()
        layout.addWidget(self.problems, 3)
        close = named(QPushButton(texts.CLOSE), "check_close")
        close.clicked.connect(self.close)
        close_row = QHBoxLayout()
        close_row.addStretch()
        close_row.addWidget(close)
        layout.addLayout(close_row)
        self._set_running(False)
        show_message(self.status, texts.LOADING)

    # --- the list of filesets -------------------------------------------------------------------

    def load(self) -> None:
        """Read each fileset's health and last check (cheap: counted by the catalog)."""
        if self.loading is not None:
            self.loading.cancel()  # a newer reading replaces it
        self.loading = self.ops.op(self.session.fileset_summaries).success(self.show_filesets).run_in_background()

    def show_filesets(self, summaries: list) -> None:
        self.loading = None
        # Filesets with problems first (the worst on top), then the newest.
        summaries = sorted(summaries, key=lambda s: (-RANK[str(s.health)] if s.health.is_problem else 0, -s.id))
        selected = set(self.selected_ids())
        self.table.clearSelection()
        self.summaries = summaries
        self.table.setRowCount(len(summaries))
        for row, s in enumerate(summaries):
            cells = {
                NAME: f"{s.name}  (fileset {s.id})",
                OWNER: s.owner,
                FILES: f"{s.files}",
                IMPORTED: texts.IMPORTED_HOW.get(s.transfer, texts.IMPORTED_COPY),
                HEALTH: health_words(s),
                CHECKED: when_words(s.checked_at) if s.checked_at or not s.problems else texts.PARTLY_CHECKED,
            }
            for col, text in cells.items():
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, s.id)
                if col == HEALTH and s.health.is_problem:
                    item.setForeground(Qt.GlobalColor.darkRed)
                if col == NAME:
                    item.setToolTip(f"{s.name}\n{human_size(s.size)}, imported {s.created_at:%Y-%m-%d %H:%M}")
                self.table.setItem(row, col, item)
            if s.id in selected:  # the same filesets stay selected when the rows move
                flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
                self.table.selectionModel().select(self.table.model().index(row, 0), flags)
        if self.status.text() == texts.LOADING:  # the first reading; later ones keep what a check said
            show_message(self.status, texts.LAST_RESULT_NONE if summaries else texts.NO_FILESETS)
        self._set_running(self.checking is not None)

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return [self.summaries[r].id for r in rows if r < len(self.summaries)]

    def _selection_changed(self) -> None:
        self._set_running(self.checking is not None)

    # --- checking -------------------------------------------------------------------------------

    def start_check(self, selected: bool = False, full: bool | None = None) -> None:
        if self.checking is not None:
            return
        ids = self.selected_ids() if selected else None
        full = self.full_box.isChecked() if full is None else full
        tracker = ProgressTracker()
        self.stopping = False
        self.checking = (
            self.ops.op(self.session.verify, ids, full=full, progress=tracker)
            .with_cancel()
            .with_progress(tracker, self._show_progress)
            .success(self._checked)
            .finished(self._check_ended)
        )
        self._set_running(True)
        self.progress.setRange(0, 0)
        show_message(self.status, texts.CHECKING.format(done=0, total="…"))
        self.checking.run_in_background()

    def stop(self) -> None:
        if self.checking is not None and self.checking.cancel_token is not None:
            self.stopping = True
            self.checking.cancel_token.cancel()  # the engine stops; `finished` still comes
            show_message(self.status, texts.STOPPING)

    def _show_progress(self, snap) -> None:
        if self.checking is None or self.stopping or not snap.files_total:
            return
        self.progress.setRange(0, snap.files_total)
        self.progress.setValue(snap.files_done)
        if snap.bytes_total:
            text = texts.CHECKING_BYTES.format(
                done=f"{snap.files_done:,}",
                total=f"{snap.files_total:,}",
                read=human_size(snap.bytes_done),
                size=human_size(snap.bytes_total),
            )
        else:
            text = texts.CHECKING.format(done=f"{snap.files_done:,}", total=f"{snap.files_total:,}")
        show_message(self.status, text)

    def _checked(self, report) -> None:
        self.report = report
        files = count(len(report.entries), "file")
        took = took_words(report.seconds)
        problems = report.problems
        if problems:
            n = count(len(problems), "file")
            show_message(self.status, texts.CHECK_DONE_PROBLEMS.format(files=files, took=took, problems=n), True)
        else:
            show_message(self.status, texts.CHECK_DONE_OK.format(files=files, took=took))
        self.problems.show_report(report)

    def _check_ended(self) -> None:
        self.checking = None
        self.progress.setRange(0, 1)
        self.progress.setValue(1 if not self.stopping else 0)
        if self.stopping:
            show_message(self.status, texts.STOPPED)
        self._set_running(False)
        self.load()

    def _set_running(self, running: bool) -> None:
        self.check_button.setEnabled(not running and bool(self.summaries))
        self.check_selected_button.setEnabled(not running and bool(self.selected_ids()))
        self.full_box.setEnabled(not running)
        self.stop_button.setVisible(running)
        self.relink_button.setEnabled(not running)

    # --- relinking ------------------------------------------------------------------------------

    def missing_paths(self) -> list[str]:
        if self.report is None:
            return []
        return [e.source_path for e in self.report.problems if str(e.health) == "missing"]

    def open_relink(self) -> RelinkDialog:
        if self.relink_dialog is None:
            self.relink_dialog = RelinkDialog(
                self.session, self.ops, self, old_place=common_folder(self.missing_paths())
            )
            self.relink_dialog.relinked.connect(self._relinked)
            self.relink_dialog.finished.connect(self._relink_closed)
        self.relink_dialog.show()
        self.relink_dialog.raise_()
        return self.relink_dialog

    def _relink_closed(self, _result: int) -> None:
        self.relink_dialog = None

    def _relinked(self, _n: int) -> None:
        """Files were relinked: check again, so the problems shown are the ones that are left."""
        self.load()
        if self.checking is None:
            self.start_check(selected=False, full=False)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if self.loading is not None:
            self.loading.cancel()
        if self.checking is not None:
            self.checking.cancel()  # the engine stops; nothing more is delivered to this window
            self.checking = None
        if self.relink_dialog is not None:
            self.relink_dialog.close()
        super().closeEvent(event)


def common_folder(paths: list[str]) -> str:
    """The deepest folder all `paths` share: where a moved tree most likely was ('' when none)."""
    if not paths:
        return ""
    try:
        common = os.path.commonpath([os.path.dirname(p) for p in paths])
    except ValueError:
        return ""
    return "" if common in ("", os.sep) else common
