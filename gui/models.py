"""Table models over engine results; the views never touch the engine."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QApplication, QStyle

from engine.api import FileOutcome
from engine.states import FileState
from gui import texts

_ICONS = {
    FileState.DONE: QStyle.StandardPixmap.SP_DialogApplyButton,
    FileState.FAILED: QStyle.StandardPixmap.SP_MessageBoxCritical,
    FileState.SKIPPED: QStyle.StandardPixmap.SP_MessageBoxInformation,
    FileState.CANCELLED: QStyle.StandardPixmap.SP_DialogCancelButton,
}
STATE_LABELS = {
    FileState.DONE: "done",
    FileState.FAILED: "failed",
    FileState.SKIPPED: "skipped",
    FileState.CANCELLED: "cancelled",
    FileState.PENDING: "waiting",
    FileState.TRANSFERRING: "transferring",
    FileState.VERIFYING: "verifying",
}


class OutcomeModel(QAbstractTableModel):
    """One row per file outcome, appended in batches as the import reports them."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.outcomes: list[FileOutcome] = []
        self._icons: dict = {}

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self.outcomes)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return len(texts.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return texts.COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        o = self.outcomes[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return [
                STATE_LABELS.get(o.state, str(o.state)),
                o.source,
                o.fileset,
                o.repo_path or "",
                o.checksum or "",
                o.error_message or "",
            ][col]
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return self._icon(o.state)
        if role == Qt.ItemDataRole.ToolTipRole and col == 5 and o.error_message:
            return o.error_message
        if role == Qt.ItemDataRole.UserRole:
            return o
        return None

    def _icon(self, state):
        if state not in self._icons and state in _ICONS:
            self._icons[state] = QApplication.style().standardIcon(_ICONS[state])
        return self._icons.get(state)

    def append(self, outcomes: list[FileOutcome]) -> None:
        if not outcomes:
            return
        first = len(self.outcomes)
        self.beginInsertRows(QModelIndex(), first, first + len(outcomes) - 1)
        self.outcomes.extend(outcomes)
        self.endInsertRows()

    def replace_all(self, outcomes: list[FileOutcome]) -> None:
        self.beginResetModel()
        self.outcomes = list(outcomes)
        self.endResetModel()


class FailedOnlyFilter(QSortFilterProxyModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.failed_only = False

    def set_failed_only(self, on: bool) -> None:
        if hasattr(self, "endFilterChange"):  # Qt 6.10+; invalidateFilter() is deprecated there
            self.beginFilterChange()
            self.failed_only = on
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.failed_only = on
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802
        if not self.failed_only:
            return True
        outcome = self.sourceModel().outcomes[row]
        return outcome.state == FileState.FAILED
