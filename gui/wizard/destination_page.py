"""Destination: an existing or new project and dataset, and how filesets are named."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QComboBox, QFormLayout, QLineEdit, QRadioButton, QVBoxLayout, QWizardPage

from engine.api import Target
from gui import texts
from gui.widgets import message_label, named

NONE, NEW = -1, -2


class DestinationPage(QWizardPage):
    def __init__(self, state, ops) -> None:
        super().__init__()
        self.state, self.ops = state, ops
        self.containers: list[dict] = []
        self.setTitle(texts.DEST_TITLE)
        self.setSubTitle(texts.DEST_SUBTITLE)
        self.project = named(QComboBox(), "project", texts.PROJECT)
        self.new_project = named(QLineEdit(), "new_project_name", texts.NEW_PROJECT_NAME)
        self.dataset = named(QComboBox(), "dataset", texts.DATASET)
        self.new_dataset = named(QLineEdit(), "new_dataset_name", texts.NEW_DATASET_NAME)
        self.name_first = named(QRadioButton(texts.NAME_FIRST_FILE), "name_after_first_file", texts.NAME_FIRST_FILE)
        self.name_custom = named(QRadioButton(texts.NAME_CUSTOM), "name_custom", texts.NAME_CUSTOM)
        self.custom_name = named(QLineEdit(), "custom_name", "Custom fileset name")
        self.note = message_label("destination_note")
        group = QButtonGroup(self)
        group.addButton(self.name_first)
        group.addButton(self.name_custom)
        self.name_first.setChecked(True)
        form = QFormLayout()
        form.addRow(f"&{texts.PROJECT}:", self.project)
        form.addRow("", self.new_project)
        form.addRow(f"&{texts.DATASET}:", self.dataset)
        form.addRow("", self.new_dataset)
        form.addRow(texts.NAMING + ":", self.name_first)
        form.addRow("", self.name_custom)
        form.addRow("", self.custom_name)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addStretch()
        self.project.currentIndexChanged.connect(self._project_changed)
        self.dataset.currentIndexChanged.connect(self._refresh)
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
        self.project.blockSignals(False)
        self._project_changed()

    def _project_changed(self) -> None:
        pid = self.project.currentData()
        self.dataset.blockSignals(True)
        self.dataset.clear()
        if pid == NONE:
            self.dataset.addItem(texts.NO_DATASET, NONE)
        for c in self.containers:
            if c["project_id"] == (pid if pid and pid > 0 else None) and pid != NEW:
                self.dataset.addItem(c["dataset"], c["dataset_id"])
        self.dataset.addItem(texts.NEW_ITEM, NEW)
        self.dataset.blockSignals(False)
        self._refresh()

    def _refresh(self) -> None:
        self.new_project.setVisible(self.project.currentData() == NEW)
        self.new_dataset.setVisible(self.dataset.currentData() == NEW)
        self.custom_name.setEnabled(self.name_custom.isChecked())
        self.completeChanged.emit()

    def target(self) -> Target | None:
        pid, did = self.project.currentData(), self.dataset.currentData()
        if did == NONE or did is None:
            return None
        if did != NEW:
            return Target(dataset_id=did)
        project = (
            self.new_project.text().strip() if pid == NEW else (self.project.currentText() if pid != NONE else None)
        )
        return Target(dataset_name=self.new_dataset.text().strip(), project_name=project)

    def isComplete(self) -> bool:  # noqa: N802
        if self.project.currentData() == NEW and not self.new_project.text().strip():
            return False
        if self.dataset.currentData() == NEW and not self.new_dataset.text().strip():
            return False
        return not (self.name_custom.isChecked() and not self.custom_name.text().strip())

    def validatePage(self) -> bool:  # noqa: N802
        self.state.target = self.target()
        self.state.fileset_name = self.custom_name.text().strip() if self.name_custom.isChecked() else None
        return True
