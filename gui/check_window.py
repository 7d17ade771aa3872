"""The "Check imported data" window: each imported fileset's health and when it was last checked."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gui import check_texts as texts
from gui.operations import Operations
from gui.widgets import named
from gui.wizard.state import WizardState


class CheckWindow(QWidget):
    def __init__(self, state: WizardState, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "check_window", texts.CHECK_TITLE)
        self.setWindowTitle(texts.CHECK_TITLE)
        self.state = state
        self.ops = ops
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(texts.CHECK_TITLE))
