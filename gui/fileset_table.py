"""The data page's table of filesets found: a tick to import each (untick to leave it out), its
name with what its images are beneath it (filled in as they are read), folder, kind, file count,
size, and whether it was imported before, with how that import is doing beneath (its last check)."""

from __future__ import annotations

import os

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
)

from engine.api import FilesetHealth, human_size
from gui import texts
from gui.check_window import when_words
from gui.models import images_details, images_summary
from gui.widgets import PROBLEM_COLOUR

SHOWN_ROWS = 500  # more filesets than this are imported, just not listed one by one
IMPORT, NAME, FOLDER, KIND, FILES, SIZE, BEFORE = range(7)
IMAGES_ROLE = Qt.ItemDataRole.UserRole + 1  # on the name's cell: what the fileset's images are
HEALTH_ROLE = Qt.ItemDataRole.UserRole + 2  # on the imported-before cell: how that import is doing
PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 3  # ...and whether that is a problem (drawn as one)
KIND_ROLE = Qt.ItemDataRole.UserRole + 4  # on the kind's cell, beneath the format: plate, multi-file or single image


def kind_of(fileset) -> str:
    """The format when the grouping rule knows it, else the rule's name."""
    return getattr(fileset, "format", None) or fileset.rule


def imported_before(fileset, imported: set[str]) -> str:
    seen = sum(1 for f in fileset.files if f.path in imported)
    if not seen:
        return ""
    return texts.BEFORE_ALL if seen == len(fileset.files) else texts.BEFORE_SOME.format(seen=seen)


def health_line(health: FilesetHealth) -> str:
    """How what was imported before is doing, in a few words: as its last check found it."""
    if health.health.is_problem:
        if health.problems == 1:
            return texts.BEFORE_ONE_PROBLEM.format(state=texts.BEFORE_STATES[str(health.health)])
        return texts.BEFORE_PROBLEMS.format(n=health.problems)
    if health.checked_at is None:
        return texts.BEFORE_UNCHECKED
    return texts.BEFORE_OK.format(when=when_words(health.checked_at))


def health_tip(health: FilesetHealth) -> str:
    """The same in a whole sentence, with what to do about a problem."""
    if health.health.is_problem:
        when = when_words(health.checked_at) if health.checked_at else texts.BEFORE_PARTLY_CHECKED
        state = texts.BEFORE_STATES[str(health.health)]
        if health.problems == 1:
            return texts.BEFORE_TIP_ONE_PROBLEM.format(when=when, state=state)
        return texts.BEFORE_TIP_PROBLEMS.format(when=when, n=health.problems, state=state)
    if health.checked_at is None:
        return texts.BEFORE_TIP_UNCHECKED
    return texts.BEFORE_TIP_OK.format(when=when_words(health.checked_at))


class TwoLines(QStyledItemDelegate):
    """A cell of two lines: its text, and beneath it, in the quieter colour (or the problem colour), what
    `second` holds: a fileset's images beneath its name, its kind beneath its format, an earlier import's
    health beneath "yes".
    Two lines in one cell leave the table's width to the columns it had (a column more would not fit)."""

    def __init__(self, parent, second: int, elide_first: Qt.TextElideMode) -> None:
        super().__init__(parent)
        self.second, self.elide_first = second, elide_first

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        cell = QStyleOptionViewItem(option)
        self.initStyleOption(cell, index)
        style = cell.widget.style() if cell.widget else QApplication.style()
        first, second = cell.text, index.data(self.second) or ""
        cell.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, cell, painter, cell.widget)
        area = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, cell, cell.widget).adjusted(3, 0, -3, 0)
        metrics = cell.fontMetrics
        selected = bool(cell.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        quiet = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        top = area.adjusted(0, 0, 0, -area.height() // 2)
        bottom = area.adjusted(0, area.height() // 2, 0, 0)
        problem = bool(index.data(PROBLEM_ROLE)) and not selected
        beneath = QColor(PROBLEM_COLOUR) if problem else cell.palette.color(quiet)
        painter.save()
        for rect, text, colour, elide in (
            (top, first, cell.palette.color(role), self.elide_first),
            (bottom, second, beneath, Qt.TextElideMode.ElideRight),
        ):
            painter.setPen(colour)
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
        for col, width in ((IMPORT, 55), (FOLDER, 110), (KIND, 90), (FILES, 45), (SIZE, 75), (BEFORE, 180)):
            self.setColumnWidth(col, width)
        self.setItemDelegateForColumn(NAME, TwoLines(self, IMAGES_ROLE, Qt.TextElideMode.ElideMiddle))
        self.setItemDelegateForColumn(BEFORE, TwoLines(self, HEALTH_ROLE, Qt.TextElideMode.ElideRight))
        self.setItemDelegateForColumn(KIND, TwoLines(self, KIND_ROLE, Qt.TextElideMode.ElideRight))
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() * 2 + 10)
        self.itemChanged.connect(self._ticked)

    def show_plan(self, plan, imported: set[str], health: dict[int, FilesetHealth] | None = None) -> None:
        """The plan's filesets; `health` (by index in the plan) says how those imported before are doing."""
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
            self._fill(
                row,
                {
                    NAME: fs.name,
                    FOLDER: folder,
                    KIND: kind_of(fs),
                    FILES: str(len(fs.files)),
                    SIZE: human_size(fs.size),
                    BEFORE: imported_before(fs, imported),
                },
            )
            self.item(row, NAME).setData(IMAGES_ROLE, texts.IMAGES_READING)
            self.item(row, KIND).setData(KIND_ROLE, str(fs.kind))
            self.item(row, KIND).setToolTip(f"{kind_of(fs)}: {fs.kind}")
            if health and row in health:
                self._set_health(self.item(row, BEFORE), health[row])
        # The "Imported before" column only when something was: otherwise its width goes to the names.
        self.setColumnHidden(BEFORE, not any(self.item(r, BEFORE).text() for r in range(self.rowCount())))
        self.blockSignals(False)

    def show_selection(self, paths: list[str], looking: bool = True) -> None:
        """Until the plan is made (seconds for a plate): one row for each file or folder chosen, saying
        it is being looked through, so the page shows at once what it works on. No tick yet: what
        there is to import is not known."""
        self.blockSignals(True)
        self.setRowCount(min(len(paths), SHOWN_ROWS))
        for row, path in enumerate(paths[:SHOWN_ROWS]):
            waiting = QTableWidgetItem()
            waiting.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.setItem(row, IMPORT, waiting)
            folder, name = os.path.split(path.rstrip("/") or "/")
            self._fill(row, {NAME: name or path, FOLDER: folder, KIND: "", FILES: "", SIZE: "", BEFORE: ""})
            state = texts.ROW_LOOKING if looking else texts.ROW_NOT_LOOKED
            self.item(row, NAME).setData(IMAGES_ROLE, state)
            self.item(row, NAME).setData(Qt.ItemDataRole.AccessibleTextRole, f"{name or path}: {state}")
        self.setColumnHidden(BEFORE, True)
        self.blockSignals(False)

    def _fill(self, row: int, values: dict[int, str]) -> None:
        """A row's text cells, each with its full text as tooltip; counts and sizes to the right."""
        for col, value in values.items():
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            if col in (FILES, SIZE):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.setItem(row, col, item)

    def _set_health(self, item: QTableWidgetItem, health: FilesetHealth) -> None:
        line, tip = health_line(health), health_tip(health)
        item.setData(HEALTH_ROLE, line)
        item.setData(PROBLEM_ROLE, health.health.is_problem)
        item.setToolTip(tip)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{item.text()}: {tip}")

    def health_text(self, row: int) -> str:
        """What the row says beneath "imported before" of how that import is doing."""
        return self.item(row, BEFORE).data(HEALTH_ROLE) or ""

    def show_images(self, row: int, images: list[dict]) -> None:
        """What the images of the fileset in `row` are, once read (rows past SHOWN_ROWS are not shown)."""
        if row < self.rowCount():
            self._set_images(self.item(row, NAME), images_summary(images), images_details(images))

    def images_text(self, row: int) -> str:
        """What the row says of its fileset's images (beneath its name)."""
        return self.item(row, NAME).data(IMAGES_ROLE) or ""

    def kind_text(self, row: int) -> str:
        """What kind of fileset the row is (plate, multi-file image, single image), beneath its format."""
        return self.item(row, KIND).data(KIND_ROLE) or ""

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
