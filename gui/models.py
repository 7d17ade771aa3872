"""Table models over engine results; the views never touch the engine."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QApplication, QStyle

from engine.api import FileOutcome, ImageStatus, count, human_duration
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


def report_summary(report, transferred: int | None = None, errors: int | None = None) -> str:
    """'2 files transferred, 1 fileset created, 1 error in 3 s.': counts that read correctly. A caller
    that counted the outcomes already passes its counts (each count is a pass over every outcome)."""
    return texts.REPORT_SUMMARY.format(
        transferred=count(report.transferred if transferred is None else transferred, "file"),
        filesets=count(report.filesets_created, "fileset"),
        errors=count(report.errors if errors is None else errors, "error"),
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


def images_summary(rows: list[dict]) -> str:
    """A fileset's images in a few words, e.g. '2 images, 1024×1024×5 z, 3 ch', or why they were not read."""
    read = [r for r in rows if r["status"] == ImageStatus.READ]
    if not read:
        return texts.IMAGES_NOT_READ.format(reason=rows[0]["reason"] or "") if rows else ""
    parts = [count(len(read), "image")]
    sizes = {_sizes(r) for r in read}
    largest = max(read, key=lambda r: [r[f"size_{a}"] or 1 for a in "xyzct"])
    parts.append(sizes.pop() if len(sizes) == 1 else "up to " + _sizes(largest))
    plates = sorted({r["plate"] for r in read if r["plate"]})
    if plates:
        wells = {(r["plate"], r["well"]) for r in read if r["well"]}
        parts.append(texts.IMAGES_PLATE.format(plate=", ".join(plates), wells=count(len(wells), "well")))
    if len(read) < len(rows):
        parts.append(texts.IMAGES_SOME_NOT_READ.format(count=len(rows) - len(read)))
    return ", ".join(parts)


def _sizes(r: dict) -> str:
    """'1024×1024×5 z, 3 ch, 10 t': a plane's pixels, then what there is more than one of."""
    text = f"{r['size_x']}×{r['size_y']}" + (f"×{r['size_z']} z" if (r["size_z"] or 1) > 1 else "")
    more = [f"{r[f'size_{a}']} {word}" for a, word in (("c", "ch"), ("t", "t")) if (r[f"size_{a}"] or 1) > 1]
    return ", ".join([text, *more])


def images_details(rows: list[dict], limit: int = 12) -> str:
    """Every fact of each image, a line each (for a tooltip): the words written out in full."""
    lines = [_image_line(r) for r in rows[:limit]]
    if len(rows) > limit:
        lines.append(texts.IMAGES_MORE.format(count=count(len(rows) - limit, "image")))
    return "\n".join(lines)


def _image_line(r: dict) -> str:
    if r["status"] != ImageStatus.READ:
        return f"{r['name']}: {texts.IMAGES_NOT_READ.format(reason=r['reason'] or '')}"
    facts = [f"{r['size_x']} × {r['size_y']} pixels"]
    if (r["size_z"] or 1) > 1:
        facts.append(count(r["size_z"], "plane"))
    channels = r["size_c"] or 1
    if r["channels"]:
        facts.append(f"{count(channels, 'channel')} ({', '.join(r['channels'])})")
    elif channels > 1:
        facts.append(count(channels, "channel"))
    if (r["size_t"] or 1) > 1:
        facts.append(count(r["size_t"], "time point"))
    if r["pixel_type"]:
        facts.append(r["pixel_type"])
    pixel = [f"{r[f'physical_size_{a}']:.4g}" for a in "xy" if r[f"physical_size_{a}"] is not None]
    if pixel:
        facts.append(f"pixel {' × '.join(pixel)} {r['physical_size_x_unit'] or ''}".rstrip())
    if r["physical_size_z"] is not None and (r["size_z"] or 1) > 1:
        facts.append(f"planes {r['physical_size_z']:.4g} {r['physical_size_z_unit'] or ''} apart".rstrip())
    if r["plate"]:
        field = f", field {r['field_index'] + 1}" if r["field_index"] is not None else ""
        facts.append(f"plate {r['plate']}, well {r['well']}{field}")
    if r["acquired"]:
        facts.append(f"acquired {r['acquired']}")
    if r["levels"] > 1:
        facts.append(count(r["levels"], "resolution level"))
    if r["reason"]:
        facts.append(r["reason"])
    return f"{r['name']}: {', '.join(facts)}"


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
