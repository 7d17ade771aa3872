"""Data: choose files and folders (dialogs, drag and drop); a background scan shows what they hold,
then a background read fills in each fileset's images."""

from __future__ import annotations

import os
import threading

from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from engine.api import ProgressTracker, count, human_size
from gui import texts
from gui.fileset_table import SHOWN_ROWS, FilesetTable
from gui.operations import plain_sentence
from gui.widgets import DropList, message_label, named, show_message
from gui.wizard.page import WizardPage

IMAGES_SHOWN_EVERY_MS = 500


def _scan(state, paths, progress, cancel):
    """Scan the selection (worker thread); the options are made here too, as they may load plugins.
    `progress` counts the files found so far. What was imported before comes with its health (by
    index in the plan's filesets, then in those it left out), counted by the catalog."""
    session = state.session
    plan = session.plan(paths, state.options(), cancel=cancel, progress=progress)
    health = session.imported_health(plan.filesets + [fs for fs, _why in plan.excluded])
    return plan, session.imported_before(plan), health


class ImagesRead:
    """Images read on a worker thread, waiting for the page: `snapshot()` (polled by the op every
    100 ms on the GUI thread) hands over what arrived since the last call."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._arrived: list[tuple[int, list[dict]]] = []

    def add(self, index: int, images: list[dict]) -> None:
        with self._lock:
            self._arrived.append((index, images))

    def snapshot(self) -> list[tuple[int, list[dict]]]:
        with self._lock:
            arrived, self._arrived = self._arrived, []
        return arrived


def _read_images(session, plan, indexes, into: ImagesRead, cancel) -> None:
    """Read the images of these filesets of the plan, one after another (worker thread)."""
    for index in indexes:
        cancel.raise_if_cancelled()
        into.add(index, session.read_images(plan, index))


class DataPage(WizardPage):
    def __init__(self, state, ops) -> None:
        super().__init__()
        self.state, self.ops = state, ops
        self.scanning = False
        self.scanned = None  # the whole plan of the selection, before anything is left out
        self.imported: set[str] = set()
        self.health: dict = {}  # how what was imported before is doing, by index (session.imported_health)
        self._scan_op = None
        self._images_op = None
        self._dialog: QFileDialog | None = None
        self.setTitle(texts.DATA_TITLE)
        self.setSubTitle(texts.DATA_SUBTITLE)
        self.selection = named(DropList(), "selection", "Selected files and folders")
        self.path_entry = named(QLineEdit(), "path_entry", texts.PATH_ENTRY)
        self.path_entry.setPlaceholderText(texts.PATH_ENTRY)
        self.path_entry.returnPressed.connect(self._path_entered)
        self.add_files = named(QPushButton(texts.ADD_FILES), "add_files", texts.ADD_FILES)
        self.add_folder = named(QPushButton(texts.ADD_FOLDER), "add_folder", texts.ADD_FOLDER)
        self.remove = named(QPushButton(texts.REMOVE), "remove_selected", texts.REMOVE)
        self.skip_imported = named(QCheckBox(texts.SKIP_IMPORTED), "skip_imported", texts.SKIP_IMPORTED)
        self.summary = message_label("scan_summary")
        self.scan_button = named(QPushButton(texts.STOP_SCAN), "stop_or_rescan", texts.STOP_SCAN)
        self.filesets = named(FilesetTable(), "filesets", "Filesets found")
        self.skipped = named(QPlainTextEdit(), "skipped", "Skipped entries and why")
        self.skipped.setReadOnly(True)
        self.skipped.setMaximumHeight(90)

        buttons = QHBoxLayout()
        for b in (self.add_files, self.add_folder, self.remove):
            buttons.addWidget(b)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        # About 40 characters wide like the other pages' fields (it scrolls as a long path is typed):
        # a field is drawn again whole at every keystroke, and over ssh -X the window's width cost 100 KB.
        self.path_entry.setMaximumWidth(self.path_entry.fontMetrics().averageCharWidth() * 40 + 16)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_entry, 1)
        path_row.addStretch()
        layout.addLayout(path_row)
        layout.addWidget(self.selection, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.skip_imported)
        summary_row = QHBoxLayout()
        summary_row.addWidget(self.summary, 1)
        summary_row.addWidget(self.scan_button)
        layout.addLayout(summary_row)
        layout.addWidget(self.filesets, 4)  # the filesets, two lines each, matter more than the selection
        layout.addWidget(self.skipped)

        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self._start_scan)
        # Image details that arrived wait here and are shown at most twice a second: each batch
        # repaints the rows it fills in, and over ssh -X fewer, larger batches cost less.
        self._images_waiting: list[tuple[object, int, list[dict]]] = []
        self._images_timer = QTimer(self, singleShot=True, interval=IMAGES_SHOWN_EVERY_MS)
        self._images_timer.timeout.connect(self._show_images_waiting)
        self._images_shown_at = QElapsedTimer()
        self.add_files.clicked.connect(lambda: self._choose(folder=False))
        self.add_folder.clicked.connect(lambda: self._choose(folder=True))
        self.remove.clicked.connect(self._remove_selected)
        self.selection.paths_dropped.connect(self.add_paths)
        self.skip_imported.toggled.connect(self._changed)
        self.scan_button.clicked.connect(self.stop_or_rescan)
        self.filesets.choice_changed.connect(self._apply_left_out)
        self.skipped.hide()
        self.scan_button.hide()
        # The summary's row keeps its height whether the scan button shows or not: a row that grows
        # moves the lists around it, and over ssh -X all of that is uploaded again.
        keep = self.scan_button.sizePolicy()
        keep.setRetainSizeWhenHidden(True)
        self.scan_button.setSizePolicy(keep)
        self.summary.setMinimumHeight(self.scan_button.sizeHint().height())
        # Nor does it change width as the button's words change, and the table's scroll bar is always
        # there: one that appears as the rows come in narrows the table, which is then drawn again whole.
        widths = [self.scan_button.fontMetrics().horizontalAdvance(t) for t in (texts.STOP_SCAN, texts.SCAN_AGAIN)]
        self.scan_button.setMinimumWidth(self.scan_button.sizeHint().width() - widths[0] + max(widths))
        self.filesets.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)

    def add_paths(self, paths: list[str]) -> None:
        current = set(self.state.paths)
        for p in paths:
            if p not in current:
                self.state.paths.append(p)
                self.selection.addItem(p)
        self._changed()

    def _path_entered(self) -> None:
        path = os.path.abspath(os.path.expanduser(self.path_entry.text().strip()))
        if not self.path_entry.text().strip():
            return
        if os.path.lexists(path):  # one stat of a typed path: cheap enough for the GUI thread
            self.path_entry.clear()
            self.add_paths([path])
        else:
            show_message(self.summary, texts.PATH_MISSING.format(path=path), problem=True)

    def _remove_selected(self) -> None:
        for item in self.selection.selectedItems():
            self.state.paths.remove(item.text())
            self.selection.takeItem(self.selection.row(item))
        self._changed()

    def _choose(self, folder: bool) -> None:
        """A non-native dialog, opened without blocking (its result arrives by signal)."""
        dialog = QFileDialog(self, texts.ADD_FOLDER if folder else texts.ADD_FILES)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setFileMode(QFileDialog.FileMode.Directory if folder else QFileDialog.FileMode.ExistingFiles)
        named(dialog, "choose_folder" if folder else "choose_files")
        dialog.filesSelected.connect(lambda files: self.add_paths([os.path.abspath(f) for f in files]))
        self._dialog = dialog
        dialog.open()

    # --- background scan --------------------------------------------------------------------

    def _changed(self) -> None:
        self.state.exclude_imported = self.skip_imported.isChecked()
        self.state.plan = None
        self.scanned = None
        self._stop_scan()
        self.scanning = bool(self.state.paths)
        self._show_scan_button()
        show_message(self.summary, texts.SCANNING if self.state.paths else texts.SCAN_EMPTY)
        self.filesets.show_selection(self.state.paths)  # at once: the plan may take seconds
        self.completeChanged.emit()
        self._debounce.start()

    def _start_scan(self) -> None:
        self._stop_scan()
        if not self.state.paths:
            return
        self.scanning = True
        self._show_scan_button()
        show_message(self.summary, texts.SCANNING)
        self.completeChanged.emit()
        found = ProgressTracker()  # a big selection takes seconds: the count found so far shows it is working
        self._scan_op = (
            self.ops.op(_scan, self.state, list(self.state.paths), found)
            .with_cancel()
            .with_progress(found, self._files_found)
            .success(self._scanned)
            .failure(lambda exc: show_message(self.summary, plain_sentence(exc), problem=True))
            .finished(self._scan_ended)
            .run_in_background()
        )

    def _files_found(self, snapshot) -> None:
        if self.scanning and snapshot.files_total:
            show_message(self.summary, texts.SCANNING_FOUND.format(files=count(snapshot.files_total, "file")))

    def _stop_scan(self) -> None:
        """A superseded scan stops (the engine checks its token between folders), and so does the
        reading of the images it found."""
        if self._scan_op is not None:
            self._scan_op.cancel()
            self._scan_op = None
        if self._images_op is not None:
            self._images_op.cancel()
            self._images_op = None

    def stop_or_rescan(self) -> None:
        if self.scanning:
            self._debounce.stop()
            self._stop_scan()
            self._scan_ended()
            show_message(self.summary, texts.SCAN_STOPPED)
        else:  # Look again: the rows said "not looked through" (a change of selection has shown them already)
            self.filesets.show_selection(self.state.paths)
            self._start_scan()

    def _scan_ended(self) -> None:
        self.scanning = False
        self._scan_op = None
        if self.scanned is None:  # stopped or failed: the chosen rows no longer say they are being looked at
            self.filesets.show_selection(self.state.paths, looking=False)
        self._show_scan_button()
        self.completeChanged.emit()

    def _show_scan_button(self) -> None:
        self.scan_button.setText(texts.STOP_SCAN if self.scanning else texts.SCAN_AGAIN)
        self.scan_button.setAccessibleName(self.scan_button.text())
        self.scan_button.setVisible(self.scanning or (bool(self.state.paths) and self.scanned is None))

    def _scanned(self, found) -> None:
        plan, imported, health = found
        self.scanned = plan
        self.imported = imported
        self.health = health
        self._show(plan)
        self._apply_left_out()
        self._start_reading_images(plan)

    def _start_reading_images(self, plan) -> None:
        """Read the shown filesets' images in the background; rows fill in as they are read, and
        the page goes on working (Next does not wait for them)."""
        read = ImagesRead()
        indexes = range(min(len(plan.filesets), SHOWN_ROWS))
        self._images_op = (
            self.ops.op(_read_images, self.state.session, plan, indexes, read)
            .with_cancel()
            .with_progress(read, lambda arrived: self._images_arrived(plan, arrived))
            .failure(lambda exc: self.filesets.images_not_read(plain_sentence(exc)))
            .run_in_background()
        )

    def _images_arrived(self, plan, arrived: list[tuple[int, list[dict]]]) -> None:
        """Shown at once after a quiet half second, else when the half second since the last is over."""
        self._images_waiting += [(plan, index, images) for index, images in arrived]
        if not self._images_waiting or self._images_timer.isActive():
            return
        since = self._images_shown_at.elapsed() if self._images_shown_at.isValid() else IMAGES_SHOWN_EVERY_MS
        if since >= IMAGES_SHOWN_EVERY_MS:
            self._show_images_waiting()
        else:
            self._images_timer.start(IMAGES_SHOWN_EVERY_MS - since)

    def _show_images_waiting(self) -> None:
        """Fill in the rows whose images arrived: each repaints its own cell only (turning the table's
        updates off and on again, as this did, repainted the whole table: 3 MB over ssh -X)."""
        self._images_shown_at.start()
        waiting, self._images_waiting = self._images_waiting, []
        for plan, index, images in waiting:
            if plan is self.scanned:  # else read for a selection since changed
                self.filesets.show_images(index, images)

    def _show(self, plan) -> None:
        self.filesets.show_plan(plan, self.imported, self.health)
        skipped = [f"{s.path}: {s.reason}" for s in plan.skipped[:SHOWN_ROWS]]
        self.skipped.setVisible(bool(skipped))
        self.skipped.setPlainText(
            texts.SCAN_SKIPPED.format(count=count(len(plan.skipped), "entry", "entries")) + "\n" + "\n".join(skipped)
        )

    def _apply_left_out(self) -> None:
        """The plan to import: what the scan found, less the filesets the person unticked."""
        if self.scanned is None:
            return
        left_out = self.filesets.left_out()
        plan = self.state.session.without(self.scanned, left_out) if left_out else self.scanned
        self.state.plan = plan
        lines = [
            texts.SCAN_SUMMARY.format(
                filesets=count(len(plan.filesets), "fileset"),
                files=count(plan.file_count, "file"),
                size=human_size(plan.total_bytes),
            )
        ]
        if left_out:
            lines.append(texts.LEFT_OUT_BY_YOU.format(count=count(len(left_out), "fileset")))
        imported = sum(1 for fs in plan.filesets for f in fs.files if f.path in self.imported)
        if imported and not self.state.exclude_imported:
            lines.append(texts.SCAN_IMPORTED.format(count=count(imported, "file")))
        if plan.excluded:
            lines.append(
                texts.SCAN_EXCLUDED.format(count=count(len(plan.excluded), "fileset"), why=plan.excluded[0][1])
            )
        troubled = sum(1 for h in self.health.values() if h.health.is_problem)
        if troubled:  # shown or left out: an earlier import that broke is worth knowing of either way
            have = "has" if troubled == 1 else "have"
            lines.append(texts.SCAN_BEFORE_PROBLEMS.format(count=count(troubled, "fileset"), have=have))
        show_message(self.summary, " ".join(lines))
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return not self.scanning and self.state.plan is not None and bool(self.state.plan.filesets)
