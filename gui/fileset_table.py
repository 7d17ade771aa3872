"""The data page's table of filesets found: a tick to import each (untick to leave it out), its
name, folder, kind, images (filled in as they are read), file count, size, and whether it was
imported before."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem

from engine.api import human_size
from gui import texts
from gui.models import images_details, images_summary

SHOWN_ROWS = 500  # more filesets than this are imported, just not listed one by one
IMPORT, NAME, FOLDER, KIND, IMAGES, FILES, SIZE, BEFORE = range(8)


def kind_of(fileset) -> str:
    """The format when the grouping rule knows it, else the rule's name."""
    return getattr(fileset, "format", None) or fileset.rule


def imported_before(fileset, imported: set[str]) -> str:
    seen = sum(1 for f in fileset.files if f.path in imported)
    if not seen:
        return ""
    return texts.BEFORE_ALL if seen == len(fileset.files) else texts.BEFORE_SOME.format(seen=seen)


class FilesetTable(QTableWidget):
    choice_changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(0, len(texts.FILESET_COLUMNS), parent)
        self.setHorizontalHeaderLabels(texts.FILESET_COLUMNS)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)  # the name and its folder share
        header.setSectionResizeMode(FOLDER, QHeaderView.ResizeMode.Stretch)  # the room the others leave
        for col, width in ((IMPORT, 55), (KIND, 110), (IMAGES, 190), (FILES, 45), (SIZE, 80), (BEFORE, 110)):
            self.setColumnWidth(col, width)
        self.verticalHeader().hide()
        self.itemChanged.connect(self._ticked)

    def show_plan(self, plan, imported: set[str]) -> None:
        self.blockSignals(True)
        self.setRowCount(min(len(plan.filesets), SHOWN_ROWS))
        for row, fs in enumerate(plan.filesets[:SHOWN_ROWS]):
            tick = QTableWidgetItem()
            tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            tick.setCheckState(Qt.CheckState.Checked)
            tick.setData(Qt.ItemDataRole.AccessibleTextRole, texts.IMPORT_THIS.format(name=fs.name))
            tick.setToolTip(texts.LEAVE_OUT_TIP)
            self.setItem(row, IMPORT, tick)
            folder = os.path.dirname(next((f.path for f in fs.files if f.selected), fs.files[0].path))
            values = {
                NAME: fs.name,
                FOLDER: folder,
                KIND: kind_of(fs),
                IMAGES: texts.IMAGES_READING,
                FILES: str(len(fs.files)),
                SIZE: human_size(fs.size),
                BEFORE: imported_before(fs, imported),
            }
            for col, value in values.items():
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if col in (FILES, SIZE):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(row, col, item)
        self.blockSignals(False)

    def show_images(self, row: int, images: list[dict]) -> None:
        """What the images of the fileset in `row` are, once read (rows past SHOWN_ROWS are not shown)."""
        item = self.item(row, IMAGES) if row < self.rowCount() else None
        if item is None:
            return
        self.blockSignals(True)
        item.setText(images_summary(images))
        item.setToolTip(images_details(images))
        self.blockSignals(False)

    def images_not_read(self, reason: str) -> None:
        """The rows still waiting say why they will not be filled in."""
        for row in range(self.rowCount()):
            if self.item(row, IMAGES).text() == texts.IMAGES_READING:
                self.item(row, IMAGES).setText(texts.IMAGES_NOT_READ.format(reason=reason))

    def images_pending(self) -> int:
        """Rows whose images are still being read."""
        return sum(1 for row in range(self.rowCount()) if self.item(row, IMAGES).text() == texts.IMAGES_READING)

    def left_out(self) -> list[int]:
        """Indexes, in the plan, of the filesets the person unticked."""
        return [row for row in range(self.rowCount()) if self.item(row, IMPORT).checkState() != Qt.CheckState.Checked]

    def set_included(self, row: int, included: bool) -> None:
        state = Qt.CheckState.Checked if included else Qt.CheckState.Unchecked
        self.item(row, IMPORT).setCheckState(state)

    def _ticked(self, item: QTableWidgetItem) -> None:
        if item.column() == IMPORT:
            self.choice_changed.emit()
