"""The problems a check found, one group per kind: how many files, a few of them as examples, and
what to do, in plain words. Problem kinds follow engine.states.HealthState."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from engine.api import count, shown
from gui import check_texts as texts
from gui.widgets import message_label, named

EXAMPLES = 5  # paths shown per kind


class ProblemList(QScrollArea):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        named(self, "check_problems", texts.PROBLEMS_TITLE)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.groups: dict[str, QWidget] = {}
        self._clear()

    def _clear(self) -> None:
        body = QWidget()
        self._layout = QVBoxLayout(body)
        self._layout.addStretch()
        self.setWidget(body)
        self.groups = {}

    def show_report(self, report) -> None:
        """One group per kind of problem in `report` (a VerifyReport), worst first."""
        self._clear()
        found = {str(state): entries for state, entries in report.by_state().items()}
        for kind in ("missing", "replaced", "changed", "unreadable"):
            if found.get(kind):
                self._add_group(kind, found[kind])
        self.setVisible(bool(self.groups))

    def _add_group(self, kind: str, entries: list) -> None:
        sentence, hint = texts.PROBLEM_KINDS[kind]
        n = len(entries)
        box = named(QFrame(), f"problem_{kind}")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(box)
        heading = QLabel(
            "⚠ "
            + sentence.format(
                n=count(n, "file") + (" is" if n == 1 else " are"), it="it was" if n == 1 else "they were"
            )
        )
        heading.setWordWrap(True)
        heading.setStyleSheet("font-weight: bold; color: #b00020;")
        layout.addWidget(heading)
        examples = [texts.EXAMPLE.format(path=shown(e.source_path), fileset=e.fileset_id) for e in entries[:EXAMPLES]]
        if n > EXAMPLES:
            examples.append(texts.PROBLEM_MORE.format(n=n - EXAMPLES))
        paths = message_label(f"problem_{kind}_examples")
        paths.setText("\n".join(examples))
        paths.setStyleSheet("font-family: monospace; padding-left: 12px;")
        layout.addWidget(paths)
        todo = message_label(f"problem_{kind}_todo")
        todo.setText(texts.PROBLEM_WHAT_TO_DO.format(hint=hint))
        layout.addWidget(todo)
        box.setAccessibleDescription(f"{heading.text()}. {todo.text()}")
        self._layout.insertWidget(self._layout.count() - 1, box)
        self.groups[kind] = box
