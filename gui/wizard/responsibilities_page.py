"""Responsibilities, the commit page: each statement for the chosen transfer must be ticked, and any
warnings from the checks acknowledged, before Import is enabled."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget, QWizard, QWizardPage

from gui import texts
from gui.widgets import message_label, named


class ResponsibilitiesPage(QWizardPage):
    def __init__(self, state, ops) -> None:
        super().__init__()
        self.state, self.ops = state, ops
        self.prepared = None
        self.statements = []
        self.boxes: list[QCheckBox] = []
        self.setTitle(texts.RESP_TITLE)
        self.setSubTitle(texts.RESP_SUBTITLE)
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, texts.IMPORT_BUTTON)
        self.body = QWidget()
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(self.body)
        self.layout_.addStretch()

    def initializePage(self) -> None:  # noqa: N802
        self.prepared = self.state.chosen()
        self.statements = self.prepared.statements
        warnings = self.prepared.warnings
        self.body.deleteLater()
        self.body = QWidget()
        layout = QVBoxLayout(self.body)
        self.boxes = []
        if not self.statements:
            note = message_label("no_responsibilities")
            note.setText(texts.RESP_NONE)
            layout.addWidget(note)
        for i, statement in enumerate(self.statements):
            self.boxes.append(self._box(layout, f"statement_{statement.id}", statement.text, i + 1))
        if warnings:
            heading = QLabel(texts.RESP_WARNINGS)
            heading.setWordWrap(True)
            layout.addWidget(heading)
            for w in warnings:
                note = message_label(f"warning_{w.code}")
                note.setText(f"• {w.message}")
                layout.addWidget(note)
            self.boxes.append(self._box(layout, "warnings_read", texts.RESP_WARNINGS_READ))
        self.layout_.insertWidget(0, self.body)
        if self.boxes:
            self.boxes[0].setFocus()

    def _box(self, layout, name: str, text: str, number: int | None = None) -> QCheckBox:
        # A check box does not wrap long text, so the text sits in a label beside it; the box keeps
        # the whole sentence as its accessible name so screen readers read what is being confirmed.
        row = QWidget()
        row_layout = QVBoxLayout(row)
        box = named(QCheckBox(f"{number}. I understand and accept:" if number else text), name, text)
        row_layout.addWidget(box)
        if number:
            label = QLabel(text)
            label.setWordWrap(True)
            label.setBuddy(box)
            label.setContentsMargins(24, 0, 0, 0)
            row_layout.addWidget(label)
        box.toggled.connect(self._ticked)
        layout.addWidget(row)
        return box

    def _ticked(self, _checked: bool) -> None:
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return all(b.isChecked() for b in self.boxes)

    def validatePage(self) -> bool:  # noqa: N802
        # Every statement and warning shown was ticked (isComplete); the engine records them all.
        self.state.prepared = self.prepared
        self.state.acknowledgement = self.prepared.acknowledge()
        return True
