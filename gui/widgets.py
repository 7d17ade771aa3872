"""Small widget helpers: every control gets an object name and an accessible name."""

from __future__ import annotations

import os

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QSizePolicy,
    QWidget,
)

PROBLEM_COLOUR = "#b00020"


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
    if bool(label.property("problem")) != problem:  # re-styled only when it changes: a new style
        label.setProperty("problem", problem)  # makes the page lay itself out again around the label
        label.setStyleSheet(f"color: {PROBLEM_COLOUR};" if problem else "")
    label.setAccessibleDescription(("Problem: " if problem else "") + text)


class OneLineLabel(QLabel):
    """A line of text that never changes the page's layout: fixed height, elided in the middle when
    too long, the full text in its tooltip. A wrapping label that grows or shrinks moves everything
    below it, and over `ssh -X` all of that is uploaded again."""

    def __init__(self, object_name: str) -> None:
        super().__init__()
        named(self, object_name)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.fontMetrics().height() + 2)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def set_line(self, text: str) -> None:
        if text != self._full:
            self._full = text
            self.setToolTip(text)
            self.setAccessibleDescription(text)
            self._elide()

    def line(self) -> str:
        return self._full

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, max(self.width(), 40))
        if shown != self.text():
            self.setText(shown)


def set_bar_value(bar: QProgressBar, value: int) -> None:
    """QProgressBar.setValue repaints at once, flushing to the X server while Python holds the
    interpreter lock, so a slow display held the import back: repaint at the next event loop turn."""
    if bar.value() == value:
        return
    bar.setUpdatesEnabled(False)
    bar.setValue(value)
    bar.setUpdatesEnabled(True)  # schedules one update of the bar


def narrow_fields(form: QFormLayout, characters: int = 40) -> None:
    """Keep a form's text fields about `characters` wide instead of the window's width: a field is
    drawn again whole at every keystroke, and over `ssh -X` a 630-pixel field cost 55 KB a key."""
    for row in range(form.rowCount()):
        item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        field = item.widget() if item is not None else None
        if isinstance(field, QLineEdit | QComboBox):
            field.setMaximumWidth(field.fontMetrics().averageCharWidth() * characters + 16)


def remember_column_widths(header: QHeaderView, name: str) -> None:
    """Columns keep the widths a person gave them, from one run of the wizard to the next (the
    header's own saved state, in the user's Qt settings under inplace/wizard)."""
    settings = QSettings("inplace", "wizard")
    key = f"columns/{name}"
    saved = settings.value(key)
    if isinstance(saved, QByteArray) and not saved.isEmpty():
        header.restoreState(saved)
    header.sectionResized.connect(lambda *_: settings.setValue(key, header.saveState()))
