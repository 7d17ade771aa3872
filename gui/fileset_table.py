"""The data page's table of filesets found: a tick to import each (untick to leave it out), its
name with what its images are beneath it (filled in as they are read), folder, kind, file count,
size, and whether it was imported before."""

from __future__ import annotations

import os

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
)

from engine.api import human_size
from gui import texts
from gui.models import images_details, images_summary

SHOWN_ROWS = 500  # more filesets than this are imported, just not listed one by one
IMPORT, NAME, FOLDER, KIND, FILES, SIZE, BEFORE = range(7)
IMAGES_ROLE = Qt.ItemDataRole.UserRole + 1  # on the name's cell: what the fileset's images are


def kind_of(fileset) -> str:
    """The format when the grouping rule knows it, else the rule's name."""
    return getattr(fileset, "format", None) or fileset.rule


def imported_before(fileset, imported: set[str]) -> str:
    seen = sum(1 for f in fileset.files if f.path in imported)
    if not seen:
        return ""
    return texts.BEFORE_ALL if seen == len(fileset.files) else texts.BEFORE_SOME.format(seen=seen)


class NameAndImages(QStyledItemDelegate):
    """The fileset's cell: its name, and beneath it, in the quieter colour, what its images are.
    Two lines in one cell leave the table's width to the columns it had (a column more would not fit)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        cell = QStyleOptionViewItem(option)
        self.initStyleOption(cell, index)
        style = cell.widget.style() if cell.widget else QApplication.style()
        name, images = cell.text, index.data(IMAGES_ROLE) or ""
        cell.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, cell, painter, cell.widget)
        area = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, cell, cell.widget).adjusted(3, 0, -3, 0)
        metrics = cell.fontMetrics
        selected = bool(cell.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        quiet = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        top = area.adjusted(0, 0, 0, -area.height() // 2)
        bottom = area.adjusted(0, area.height() // 2, 0, 0)
        painter.save()
        for rect, text, colour, elide in (
            (top, name, role, Qt.TextElideMode.ElideMiddle),
            (bottom, images, quiet, Qt.TextElideMode.ElideRight),
        ):
            painter.setPen(cell.palette.color(colour))
            flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            painter.drawText(rect, flags, metrics.elidedText(text, elide, rect.width()))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), option.fontMetrics.height() * 2 + 10)


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
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)  # the name takes the room the others leave
        for col, width in ((IMPORT, 55), (FOLDER, 110), (KIND, 100), (FILES, 45), (SIZE, 75), (BEFORE, 105)):
            self.setColumnWidth(col, width)
        self.setItemDelegateForColumn(NAME, NameAndImages(self))
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() * 2 + 10)
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
            self.item(row, NAME).setData(IMAGES_ROLE, texts.IMAGES_READING)
        self.blockSignals(False)

    def show_images(self, row: int, images: list[dict]) -> None:
        """What the images of the fileset in `row` are, once read (rows past SHOWN_ROWS are not shown)."""
        if row < self.rowCount():
            self._set_images(self.item(row, NAME), images_summary(images), images_details(images))

    def images_text(self, row: int) -> str:
        """What the row says of its fileset's images (beneath its name)."""
        return self.item(row, NAME).data(IMAGES_ROLE) or ""

    def images_not_read(self, reason: str) -> None:
        """The rows still waiting say why they will not be filled in."""
        for row in range(self.rowCount()):
            if self.images_text(row) == texts.IMAGES_READING:
                said = texts.IMAGES_NOT_READ.format(reason=reason)
                self._set_images(self.item(row, NAME), said, said)

    def images_pending(self) -> int:
        """Rows whose images are still being read."""
        return sum(1 for row in range(self.rowCount()) if self.images_text(row) == texts.IMAGES_READING)

    def _set_images(self, item: QTableWidgetItem, summary: str, details: str) -> None:
        self.blockSignals(True)
        item.setData(IMAGES_ROLE, summary)
        item.setToolTip(f"{item.text()}\n{details}")
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{item.text()}: {summary}")
        self.blockSignals(False)

    def left_out(self) -> list[int]:
        """Indexes, in the plan, of the filesets the person unticked."""
        return [row for row in range(self.rowCount()) if self.item(row, IMPORT).checkState() != Qt.CheckState.Checked]

    def set_included(self, row: int, included: bool) -> None:
        state = Qt.CheckState.Checked if included else Qt.CheckState.Unchecked
        self.item(row, IMPORT).setCheckState(state)

    def _ticked(self, item: QTableWidgetItem) -> None:
        if item.column() == IMPORT:
            self.choice_changed.emit()
