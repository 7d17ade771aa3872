"""Tools beside the import: a short column of buttons under the wizard's step list.

Each tool opens its own non-modal window, so the wizard's pages never change. The buttons are
enabled once someone is signed in. To add a tool, register it with ONE line in gui/wizard/wizard.py
(where the check-data tool is registered):

    self.tools.add("watch_folders", texts.TOOL_WATCH_FOLDERS, WatchWindow, admin_only=True)

`WatchWindow(state, ops, parent)` is called when the button is pressed: `state` is the wizard's
WizardState (its `session` is the signed-in account), `ops` the wizard's Operations (run engine
work through `ops.op(...)`), `parent` the wizard. Return a QWidget (a QDialog is fine); the panel
shows it non-modally, brings it back to the front when pressed again, and closes it when the account
signed in changes or the wizard closes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from gui import check_texts as texts
from gui.operations import Operations
from gui.widgets import named

if TYPE_CHECKING:  # the wizard's package imports this module
    from gui.wizard.state import WizardState

OpenWindow = Callable[["WizardState", Operations, QWidget], QWidget]

_STYLE = """
#tools_panel QLabel { color: #c9d6e2; padding: 0 10px; }
#tools_panel QPushButton { text-align: left; padding: 5px 10px; margin: 0 8px; }
"""


@dataclass
class _Tool:
    button: QPushButton
    open_window: OpenWindow
    admin_only: bool
    window: QWidget | None = None


class ToolsPanel(QFrame):
    """The tools' buttons; `add` registers one, `refresh` follows the signed-in account."""

    def __init__(self, state: WizardState, ops: Operations, parent: QWidget) -> None:
        super().__init__(parent)
        named(self, "tools_panel", texts.TOOLS_TITLE)
        self.setStyleSheet(_STYLE)
        self._state = state
        self._ops = ops
        self._owner = parent
        self._session = None  # the session the open windows were made for
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 8, 0, 0)
        self._layout.setSpacing(4)
        self._layout.addWidget(named(QLabel(texts.TOOLS_TITLE), "tools_title"))
        self.tools: dict[str, _Tool] = {}

    def add(self, name: str, label: str, open_window: OpenWindow, admin_only: bool = False) -> QPushButton:
        """A button `label` that opens `open_window(state, ops, parent)`; shown to administrators only if
        `admin_only`."""
        button = named(QPushButton(label), f"tool_{name}", label.rstrip("…."))
        button.setAutoDefault(False)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        button.clicked.connect(lambda: self.open(name))
        self._layout.addWidget(button)
        self.tools[name] = _Tool(button, open_window, admin_only)
        self.refresh()
        return button

    def refresh(self) -> None:
        """Enable the buttons when signed in, show administrators' tools only to them, and close the
        windows made for an account that is no longer signed in."""
        session = self._state.session
        if session is not self._session:
            self.close_windows()
            self._session = session
        admin = session is not None and session.is_admin
        for tool in self.tools.values():
            tool.button.setVisible(admin or not tool.admin_only)
            tool.button.setEnabled(session is not None)
        self.setVisible(bool(self.tools))

    def open(self, name: str) -> QWidget | None:
        """Open the tool's window, or bring it to the front if it is open already."""
        self.refresh()
        tool = self.tools[name]
        if self._state.session is None or not tool.button.isVisible():
            return None
        if tool.window is None:
            window = tool.open_window(self._state, self._ops, self._owner)
            window.setWindowFlag(Qt.WindowType.Window, True)  # its own window, not a child widget
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
            window.destroyed.connect(lambda _obj=None, t=tool: setattr(t, "window", None))
            tool.window = window
        tool.window.show()
        tool.window.raise_()
        tool.window.activateWindow()
        return tool.window

    def close_windows(self) -> None:
        for tool in self.tools.values():
            if tool.window is not None:
                window, tool.window = tool.window, None
                window.close()
