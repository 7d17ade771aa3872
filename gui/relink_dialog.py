"""Relink a moved folder, from the check window: the person names the old and the new place (or a
folder to search), sees a preview first (what matches, what does not, what is ambiguous), then
applies it. The engine checks every file again when applying; originals are never changed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.api import count, shown
from gui import check_texts as texts
from gui.operations import Operations, plain_sentence
from gui.widgets import message_label, named, show_message


class RelinkDialog(QDialog):
    relinked = Signal(int)  # how many files were relinked

    def __init__(self, session, ops: Operations, parent: QWidget | None = None, old_place: str = "") -> None:
        super().__init__(parent)
        named(self, "relink_dialog", texts.RELINK_TITLE)
        self.setWindowTitle(texts.RELINK_TITLE)
        self.session = session
        self.ops = ops
        self.preview = None  # the last dry run's RelinkReport
        self.previewed_for: tuple | None = None  # the inputs the preview was made for
        self.working = None
        layout = QVBoxLayout(self)
        intro = message_label("relink_intro")
        intro.setText(texts.RELINK_INTRO)
        layout.addWidget(intro)

        self.moved = named(QRadioButton(texts.RELINK_MOVED), "relink_mode_moved")
        self.search = named(QRadioButton(texts.RELINK_SEARCH), "relink_mode_search")
        modes = QButtonGroup(self)
        for button in (self.moved, self.search):
            modes.addButton(button)
        self.moved.setChecked(True)
        grid = QGridLayout()
        grid.addWidget(self.moved, 0, 0, 1, 3)
        self.old_place = self._folder_row(grid, 1, texts.RELINK_OLD, "relink_old", old_place)
        self.new_place = self._folder_row(grid, 2, texts.RELINK_NEW, "relink_new")
        grid.addWidget(self.search, 3, 0, 1, 3)
        self.search_place = self._folder_row(grid, 4, texts.RELINK_UNDER, "relink_search_root")
        layout.addLayout(grid)
        self.full = named(QCheckBox(texts.RELINK_FULL), "relink_full")
        layout.addWidget(self.full)
        for signal in (self.moved.toggled, self.full.toggled):
            signal.connect(self._inputs_changed)

        row = QHBoxLayout()
        self.preview_button = named(QPushButton(texts.RELINK_PREVIEW), "relink_preview")
        self.preview_button.clicked.connect(self.run_preview)
        self.apply_button = named(QPushButton(texts.RELINK_APPLY_NONE), "relink_apply")
        self.apply_button.clicked.connect(self.apply)
        row.addWidget(self.preview_button)
        row.addWidget(self.apply_button)
        row.addStretch()
        close = named(QPushButton(texts.CLOSE), "relink_close")
        close.clicked.connect(self.reject)
        row.addWidget(close)
        self.status = message_label("relink_status")
        layout.addWidget(self.status)
        self.results = named(QTreeWidget(), "relink_results", texts.RELINK_PREVIEW)
        self.results.setColumnCount(len(texts.RELINK_COLUMNS))
        self.results.setHeaderLabels(texts.RELINK_COLUMNS)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.results.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a path's file name stays in sight
        self.results.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.results.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.results.header().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.results, 1)
        layout.addLayout(row)
        self._inputs_changed()
        self.resize(860, 560)

    def _folder_row(self, grid: QGridLayout, row: int, label: str, name: str, value: str = "") -> QLineEdit:
        edit = named(QLineEdit(value), name, label.rstrip(":"))
        browse = named(QPushButton(texts.RELINK_BROWSE), f"{name}_browse", f"{texts.RELINK_BROWSE} {label}")
        browse.setAutoDefault(False)
        browse.clicked.connect(lambda: self._browse(edit))
        edit.textChanged.connect(self._inputs_changed)
        caption = message_label(f"{name}_label")
        caption.setText(label)
        grid.addWidget(caption, row, 0)
        grid.addWidget(edit, row, 1)
        grid.addWidget(browse, row, 2)
        return edit

    def _browse(self, edit: QLineEdit) -> None:
        folder = QFileDialog.getExistingDirectory(self, texts.RELINK_TITLE, edit.text())
        if folder:
            edit.setText(folder)

    def inputs(self) -> tuple:
        if self.moved.isChecked():
            return ("moved", self.old_place.text().strip(), self.new_place.text().strip(), self.full.isChecked())
        return ("search", self.search_place.text().strip(), "", self.full.isChecked())

    def _inputs_changed(self) -> None:
        moved = self.moved.isChecked()
        for edit in (self.old_place, self.new_place):
            edit.setEnabled(moved)
        self.search_place.setEnabled(not moved)
        if self.preview is not None and self.inputs() != self.previewed_for:
            self.preview = None
            self.results.clear()
            show_message(self.status, texts.RELINK_CHANGED_INPUT)
        self._update_buttons()

    def _update_buttons(self) -> None:
        idle = self.working is None
        self.preview_button.setEnabled(idle)
        n = len(self.preview.matched) if self.preview is not None else 0
        self.apply_button.setEnabled(idle and n > 0)
        self.apply_button.setText(texts.RELINK_APPLY.format(n=n) if n else texts.RELINK_APPLY_NONE)

    # --- preview, then apply ------------------------------------------------------------------------

    def _call(self, apply: bool):
        mode, first, second, full = self.inputs()
        if mode == "moved":
            return self.ops.op(self.session.relink, first, second, full=full, dry_run=not apply)
        return self.ops.op(self.session.relink_search, first, full=full, apply=apply)

    def _ready(self) -> bool:
        mode, first, second, _ = self.inputs()
        if mode == "moved" and not (first and second):
            show_message(self.status, texts.RELINK_NEED_FOLDERS, problem=True)
            return False
        if mode == "search" and not first:
            show_message(self.status, texts.RELINK_NEED_FOLDER, problem=True)
            return False
        return True

    def run_preview(self) -> None:
        if self.working is not None or not self._ready():
            return
        inputs = self.inputs()
        self._start(self._call(apply=False).success(lambda report: self._previewed(report, inputs)))

    def apply(self) -> None:
        if self.working is not None or self.preview is None:
            return
        if self.inputs() != self.previewed_for:
            show_message(self.status, texts.RELINK_CHANGED_INPUT, problem=True)
            return
        self._start(self._call(apply=True).success(self._applied))

    def _start(self, op) -> None:
        show_message(self.status, texts.RELINK_WORKING)
        self.working = op.with_cancel().failure(self._failed).finished(self._ended)
        self._update_buttons()
        self.working.run_in_background()

    def _failed(self, exc: BaseException) -> None:
        show_message(self.status, plain_sentence(exc), problem=True)

    def _ended(self) -> None:
        self.working = None
        self._update_buttons()

    def _previewed(self, report, inputs: tuple) -> None:
        self.preview, self.previewed_for = report, inputs
        ambiguous = [m for m in report.left if m.ambiguous]
        if not report.matched and not report.left:
            show_message(self.status, texts.RELINK_PREVIEW_NOTHING)
        else:
            said = texts.RELINK_PREVIEW_SAID.format(
                matched=count(len(report.matched), "file"),
                left=len(report.left) - len(ambiguous),
                ambiguous=len(ambiguous),
            )
            show_message(self.status, f"{said} {texts.RELINK_CHECKED_BY[report.full]}")
        self._show(report, "matched")

    def _applied(self, report) -> None:
        self.preview = None
        n = count(len(report.matched), "file")
        if report.left:
            show_message(self.status, texts.RELINK_DONE_LEFT.format(n=n, left=len(report.left)), problem=True)
        else:
            show_message(self.status, texts.RELINK_DONE.format(n=n))
        self._show(report, "applied")
        self.relinked.emit(len(report.matched))

    def _show(self, report, matched_group: str) -> None:
        self.results.clear()
        ambiguous = [m for m in report.left if m.ambiguous]
        unmatched = [m for m in report.left if not m.ambiguous]
        groups = ((matched_group, report.matched), ("left", unmatched), ("ambiguous", ambiguous))
        for key, moves in groups:
            if not moves:
                continue
            top = QTreeWidgetItem([texts.RELINK_GROUPS[key].format(n=len(moves))])
            self.results.addTopLevelItem(top)
            top.setFirstColumnSpanned(True)  # the group's sentence reads across the columns
            for m in moves:
                second = shown(m.new_path) if m.new_path else m.reason
                item = QTreeWidgetItem([shown(m.old_path), second, str(m.fileset_id)])
                item.setToolTip(0, shown(m.old_path))
                item.setToolTip(1, second)
                top.addChild(item)
            top.setExpanded(True)
        self._update_buttons()

    def done(self, result: int) -> None:  # noqa: D102 (Qt's name): closing abandons work in progress
        if self.working is not None:
            self.working.cancel()
            self.working = None
        super().done(result)
