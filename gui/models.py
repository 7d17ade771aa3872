"""Table models over engine results; the views never touch the engine."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QApplication, QStyle

from engine.api import FileOutcome, count, human_duration
from engine.states import LABELS, FileState
from gui import texts

_ICONS = {
    FileState.DONE: QStyle.StandardPixmap.SP_DialogApplyButton,
    FileState.FAILED: QStyle.StandardPixmap.SP_MessageBoxCritical,
    FileState.SKIPPED: QStyle.StandardPixmap.SP_MessageBoxInformation,
    FileState.CANCELLED: QStyle.StandardPixmap.SP_DialogCancelButton,
}
STATE_LABELS = LABELS  # the words the CLI uses too


STATE, SOURCE, FILESET, REPO_PATH, CHECKSUM, ERROR = range(6)
PROBLEMS = (FileState.FAILED, FileState.CANCELLED)


def report_summary(report) -> str:
    """'2 files transferred, 1 fileset created, 1 error in 3 s.': counts that read correctly."""
    return texts.REPORT_SUMMARY.format(
        transferred=count(report.transferred, "file"),
        filesets=count(report.filesets_created, "fileset"),
        errors=count(report.errors, "error"),
        took=human_duration(report.seconds),
    )


def outcomes_summary(outcomes: list[FileOutcome]) -> str:
    """Where every file stands now (after retries too): the one count the results page shows."""
    states = [o.state for o in outcomes]
    parts = [count(states.count(FileState.DONE), "file") + " imported", count(states.count(FileState.FAILED), "error")]
    for state, word in ((FileState.SKIPPED, "skipped"), (FileState.CANCELLED, "cancelled")):
        if states.count(state):
            parts.append(f"{states.count(state)} {word}")
    return ", ".join(parts) + "."


def shown_error(o: FileOutcome) -> str:
    """The Error column holds errors only; why a file was skipped is said in its State column."""
    return (o.error_message or "") if o.state in PROBLEMS else ""


def shown_state(o: FileOutcome) -> str:
    label = STATE_LABELS.get(o.state, str(o.state))
    if o.state == FileState.SKIPPED and o.error_message:
        return f"{label}: {o.error_message}"
    return label


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
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = [shown_state(o), o.source, o.fileset, o.repo_path or "", o.checksum or "", shown_error(o)][col]
            return text if role == Qt.ItemDataRole.DisplayRole or text else None  # tooltips: the full text
        if role == Qt.ItemDataRole.DecorationRole and col == STATE:
            return self._icon(o.state)
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
