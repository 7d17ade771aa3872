"""The steps of the wizard at its side, the current one marked: where a person is, and what is left.

Plain colours and text only, no images but the small icon: cheap to draw over `ssh -X`. Only the two
labels whose state changes are touched when the page changes.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

from gui import texts
from gui.widgets import named

SIDE_WIDTH = 190
_STYLE = """
#step_list { background: #24425e; }
#step_list QLabel { color: #c9d6e2; padding: 6px 10px; }
#step_list QLabel[state="done"] { color: #ffffff; }
#step_list QLabel[state="current"] { color: #24425e; background: #ffffff; font-weight: bold; }
#step_list #app_name { color: #ffffff; font-weight: bold; padding: 0 10px 12px 10px; }
"""


class StepList(QFrame):
    def __init__(self, steps: list[tuple[int, str]], icon: QIcon | None = None, parent=None) -> None:
        super().__init__(parent)
        named(self, "step_list", texts.STEPS)
        self.setStyleSheet(_STYLE)
        self.setFixedWidth(SIDE_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 16, 0, 16)
        layout.setSpacing(2)
        if icon is not None and not icon.isNull():
            logo = named(QLabel(), "app_icon", texts.APP_NAME)
            logo.setPixmap(icon.pixmap(QSize(48, 48)))
            logo.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            layout.addWidget(logo)
        title = named(QLabel(texts.APP_NAME), "app_name", texts.APP_NAME)
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(title)
        self.labels: dict[int, QLabel] = {}
        self._order = [page_id for page_id, _ in steps]
        for number, (page_id, name) in enumerate(steps, 1):
            label = named(QLabel(f"{number}. {name}"), f"step_{name.lower().replace(' ', '_')}")
            label.setProperty("step_name", name)
            self.labels[page_id] = label
            layout.addWidget(label)
        layout.addStretch()
        self.current: int | None = None

    def show_current(self, page_id: int) -> None:
        """Mark `page_id` as the current step, those before it as done, those after as to come."""
        if page_id not in self.labels:
            return
        self.current = page_id
        here = self._order.index(page_id)
        for i, pid in enumerate(self._order):
            label = self.labels[pid]
            state = "done" if i < here else "current" if i == here else "next"
            if label.property("state") == state:
                continue  # nothing to redraw
            label.setProperty("state", state)
            name = label.property("step_name")
            label.setText(f"{'▸ ' if state == 'current' else ''}{i + 1}. {name}")
            label.setAccessibleName(
                texts.STEP_ACCESSIBLE[state].format(number=i + 1, total=len(self._order), name=name)
            )
            label.style().unpolish(label)
            label.style().polish(label)
