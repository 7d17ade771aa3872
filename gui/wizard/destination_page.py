"""Destination: an existing or new project and dataset, and how filesets are named.

The Project and Dataset lists can be typed into: a name that matches one in the list chooses it,
any other name is a new one, created with the import. "New…" opens a labelled field for the same.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWizardPage,
)

from engine.api import Target
from gui import texts
from gui.widgets import message_label, named, show_message

NONE, NEW = -1, -2


def _typeable(combo: QComboBox) -> QComboBox:
    """An editable list that completes from its entries (anywhere in the name) and never adds to them."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = combo.completer()
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return combo


def _choice(combo: QComboBox) -> int | str | None:
    """What a list says: an entry's data (an id, NONE or NEW), a typed new name, or None when empty."""
    text = combo.currentText().strip()
    if not text:
        return None
    index = combo.findText(text, Qt.MatchFlag.MatchFixedString)  # case-insensitive, whole name
    return combo.itemData(index) if index >= 0 else text


class DestinationPage(QWizardPage):
    def __init__(self, state, ops) -> None:
        super().__init__()
        self.state, self.ops = state, ops
        self.containers: list[dict] = []
        self.setTitle(texts.DEST_TITLE)
        self.setSubTitle(texts.DEST_SUBTITLE)
        self.project = named(_typeable(QComboBox()), "project", texts.PROJECT)
        self.new_project = named(QLineEdit(), "new_project_name", texts.NEW_PROJECT_NAME)
        self.dataset = named(_typeable(QComboBox()), "dataset", texts.DATASET)
        self.new_dataset = named(QLineEdit(), "new_dataset_name", texts.NEW_DATASET_NAME)
        for combo, hint in ((self.project, texts.PROJECT_HINT), (self.dataset, texts.DATASET_HINT)):
            combo.lineEdit().setPlaceholderText(hint)
            combo.setToolTip(hint)
            combo.setAccessibleDescription(hint)
        self.name_first = named(QRadioButton(texts.NAME_FIRST_FILE), "name_after_first_file", texts.NAME_FIRST_FILE)
        self.name_custom = named(QRadioButton(texts.NAME_CUSTOM), "name_custom", texts.NAME_CUSTOM)
        self.custom_name = named(QLineEdit(), "custom_name", "Custom fileset name")
        self.note = message_label("destination_note")
        self.why_not = message_label("destination_why_not")
        group = QButtonGroup(self)
        group.addButton(self.name_first)
        group.addButton(self.name_custom)
        self.name_first.setChecked(True)
        form = QFormLayout()
        form.addRow(f"&{texts.PROJECT}:", self.project)
        self.new_project_label = QLabel(texts.NEW_PROJECT_NAME + ":")
        form.addRow(self.new_project_label, self.new_project)
        form.addRow(f"&{texts.DATASET}:", self.dataset)
        self.new_dataset_label = QLabel(texts.NEW_DATASET_NAME + ":")
        form.addRow(self.new_dataset_label, self.new_dataset)
        form.addRow(texts.NAMING + ":", self.name_first)
        form.addRow("", self.name_custom)
        form.addRow("", self.custom_name)
        for label, field in ((self.new_project_label, self.new_project), (self.new_dataset_label, self.new_dataset)):
            label.setBuddy(field)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.why_not)
        layout.addStretch()
        self.project.currentTextChanged.connect(self._project_changed)
        self.dataset.currentTextChanged.connect(self._refresh)
        for edit in (self.new_project, self.new_dataset, self.custom_name):
            edit.textChanged.connect(self._refresh)
        self.name_custom.toggled.connect(self._refresh)

    def initializePage(self) -> None:  # noqa: N802
        self.ops.op(self.state.session.containers).success(self._loaded).run_in_background()

    def _loaded(self, containers: list[dict]) -> None:
        self.containers = containers
        projects = sorted(
            {(c["project_id"], c["project"]) for c in self.containers if c["project_id"]}, key=lambda p: p[1]
        )
        self.project.blockSignals(True)
        self.project.clear()
        self.project.addItem(texts.NO_PROJECT, NONE)
        for pid, name in projects:
            self.project.addItem(name, pid)
        self.project.addItem(texts.NEW_ITEM, NEW)
        self.project.setCurrentIndex(0)
        self.project.blockSignals(False)
        self._project_changed()

    def _project_changed(self) -> None:
        pid = _choice(self.project)
        typed = self.dataset.currentText() if self.dataset.findText(self.dataset.currentText()) < 0 else ""
        self.dataset.blockSignals(True)
        self.dataset.clear()
        if pid == NONE:
            self.dataset.addItem(texts.NO_DATASET, NONE)
        if isinstance(pid, int) and pid != NEW:
            for c in self.containers:
                if c["project_id"] == (pid if pid > 0 else None):
                    self.dataset.addItem(c["dataset"], c["dataset_id"])
        self.dataset.addItem(texts.NEW_ITEM, NEW)
        self.dataset.setCurrentIndex(0)
        if typed:  # a new dataset's name typed before the project changed is kept
            self.dataset.setEditText(typed)
        self.dataset.blockSignals(False)
        self._refresh()

    def _refresh(self) -> None:
        for label, field, combo in (
            (self.new_project_label, self.new_project, self.project),
            (self.new_dataset_label, self.new_dataset, self.dataset),
        ):
            label.setVisible(_choice(combo) == NEW)
            field.setVisible(_choice(combo) == NEW)
        self.custom_name.setEnabled(self.name_custom.isChecked())
        project, dataset = self._project_name(), self._dataset_name()
        notes = []
        if isinstance(project, str) and project:
            notes.append(texts.NEW_PROJECT_NOTE.format(name=project))
        if isinstance(dataset, str) and dataset:
            notes.append(texts.NEW_DATASET_NOTE.format(name=dataset))
        show_message(self.note, " ".join(notes))
        reason = self.why_not_complete()
        show_message(self.why_not, reason, problem=bool(reason))
        self.why_not.setVisible(bool(reason))
        self.completeChanged.emit()

    def _project_name(self) -> int | str | None:
        """An existing project's id, NONE, a new project's name, or None (nothing chosen or named yet)."""
        pid = _choice(self.project)
        if pid == NEW:
            return self.new_project.text().strip() or None
        return pid

    def _dataset_name(self) -> int | str | None:
        did = _choice(self.dataset)
        if did == NEW:
            return self.new_dataset.text().strip() or None
        return did

    def why_not_complete(self) -> str:
        """The sentence the page shows while Next is disabled; empty when the page is complete."""
        project, dataset = self._project_name(), self._dataset_name()
        if project is None:
            return texts.NEED_PROJECT
        if dataset is None:
            return texts.NEED_DATASET
        if self.name_custom.isChecked() and not self.custom_name.text().strip():
            return texts.NEED_FILESET_NAME
        return ""

    def target(self) -> Target | None:
        project, dataset = self._project_name(), self._dataset_name()
        if dataset is None or dataset == NONE:
            return None
        if isinstance(dataset, int):
            return Target(dataset_id=dataset)
        if isinstance(project, int):
            project = self.project.itemText(self.project.findData(project)) if project != NONE else None
        return Target(dataset_name=dataset, project_name=project)

    def isComplete(self) -> bool:  # noqa: N802
        return not self.why_not_complete()

    def validatePage(self) -> bool:  # noqa: N802
        self.state.target = self.target()
        self.state.fileset_name = self.custom_name.text().strip() if self.name_custom.isChecked() else None
        return True
