"""Data: choose files and folders (dialogs, drag and drop); a background scan shows what they hold."""

from __future__ import annotations

import os

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizardPage,
)

from engine.api import count, human_size
from gui import texts
from gui.widgets import DropList, message_label, named

SHOWN_ROWS = 500


def _scan(session, options, paths):
    plan = session.plan(paths, options)
    return plan, len(session.imported_before(plan))


class DataPage(QWizardPage):
    def __init__(self, state, ops) -> None:
        super().__init__()
        self.state, self.ops = state, ops
        self.scanning = False
        self._generation = 0
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
        self.filesets = named(QTableWidget(0, len(texts.FILESET_COLUMNS)), "filesets", "Filesets found")
        self.filesets.setHorizontalHeaderLabels(texts.FILESET_COLUMNS)
        self.filesets.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.filesets.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.skipped = named(QPlainTextEdit(), "skipped", "Skipped entries and why")
        self.skipped.setReadOnly(True)
        self.skipped.setMaximumHeight(90)

        buttons = QHBoxLayout()
        for b in (self.add_files, self.add_folder, self.remove):
            buttons.addWidget(b)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(self.path_entry)
        layout.addWidget(self.selection, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.skip_imported)
        layout.addWidget(self.summary)
        layout.addWidget(self.filesets, 2)
        layout.addWidget(self.skipped)

        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self._start_scan)
        self.add_files.clicked.connect(lambda: self._choose(folder=False))
        self.add_folder.clicked.connect(lambda: self._choose(folder=True))
        self.remove.clicked.connect(self._remove_selected)
        self.selection.paths_dropped.connect(self.add_paths)
        self.skip_imported.toggled.connect(self._changed)
        self.skipped.hide()

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
            self.summary.setText(texts.PATH_MISSING.format(path=path))

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
        self.scanning = bool(self.state.paths)
        self.summary.setText(texts.SCANNING if self.state.paths else texts.SCAN_EMPTY)
        self.completeChanged.emit()
        self._debounce.start()

    def _start_scan(self) -> None:
        self._generation += 1
        if self.state.paths:
            self.ops.start(self._scan(self._generation, list(self.state.paths)))

    async def _scan(self, generation: int, paths: list[str]) -> None:
        try:
            options = self.state.options()
            plan, imported = await self.ops.run(_scan, self.state.session, options, paths)
        except Exception as exc:
            if generation == self._generation:
                self.scanning = False
                self.summary.setText(str(exc))
                self.completeChanged.emit()
            return
        if generation != self._generation:
            return  # the selection changed meanwhile; a newer scan is on its way
        self.scanning = False
        self.state.plan = plan
        self._show(plan, imported)
        self.completeChanged.emit()

    def _show(self, plan, imported: int) -> None:
        lines = [
            texts.SCAN_SUMMARY.format(
                filesets=count(len(plan.filesets), "fileset"),
                files=count(plan.file_count, "file"),
                size=human_size(plan.total_bytes),
            )
        ]
        if imported and not self.state.exclude_imported:
            lines.append(texts.SCAN_IMPORTED.format(count=count(imported, "file")))
        if plan.excluded:
            lines.append(f"Left out: {count(len(plan.excluded), 'fileset')}, {plan.excluded[0][1]}.")
        self.summary.setText(" ".join(lines))
        self.filesets.setRowCount(min(len(plan.filesets), SHOWN_ROWS))
        for row, fs in enumerate(plan.filesets[:SHOWN_ROWS]):
            for col, value in enumerate((fs.name, str(len(fs.files)), human_size(fs.size), fs.rule)):
                self.filesets.setItem(row, col, QTableWidgetItem(value))
        skipped = [f"{s.path}: {s.reason}" for s in plan.skipped[:SHOWN_ROWS]]
        self.skipped.setVisible(bool(skipped))
        self.skipped.setPlainText(
            texts.SCAN_SKIPPED.format(count=count(len(plan.skipped), "entry", "entries")) + "\n" + "\n".join(skipped)
        )

    def isComplete(self) -> bool:  # noqa: N802
        return not self.scanning and self.state.plan is not None and bool(self.state.plan.filesets)
