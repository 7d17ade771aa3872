"""Small widget helpers: every control gets an object name and an accessible name."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QWidget


def named(widget: QWidget, object_name: str, accessible: str | None = None) -> QWidget:
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible or object_name.replace("_", " "))
    return widget


def message_label(object_name: str) -> QLabel:
    label = named(QLabel(), object_name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class DropList(QListWidget):
    """A list of selected paths that also takes files and folders dropped from a file manager."""

    paths_dropped = Signal(list)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDragDropMode(QListWidget.DragDropMode.DropOnly)
        self.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.paths_dropped.emit([os.path.abspath(p) for p in paths])
            event.acceptProposedAction()


def show_message(label: QLabel, text: str, problem: bool = False) -> None:
    """Put a sentence in a message label; a problem is shown as one (colour, a sign, a description
    for screen readers), not as plain black text."""
    label.setText(f"⚠ {text}" if problem and text else text)
    label.setStyleSheet("color: #b00020;" if problem else "")
    label.setAccessibleDescription(("Problem: " if problem else "") + text)
