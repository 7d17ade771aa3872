"""Our own wizard frame: a header, a stack of pages, a side panel and the buttons, in a dialog.

QWizard hides and shows all its contents and turns the whole window's updates off and on at every
page change, so over `ssh -X` each page change uploaded the whole window again (2.6 MB at 960x680).
Here a page change shows the new page in the stack and touches only what differs: the page area,
the header's words, and the buttons. The page life cycle follows QWizard's (initializePage going
forward, cleanupPage going back, validatePage before leaving, nextId, a commit page after which there
is no way back, a final page with Finish; gui/wizard/page.py), and buttons are named by
QWizard.WizardButton.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gui.widgets import named
from gui.wizard.page import BUTTON_TEXTS, PAGE_WAIT_MS, Button, WizardPage

NAVIGATION = (Button.BackButton, Button.NextButton, Button.CommitButton, Button.FinishButton)
SETTLE_MS = 30  # a new page's own deferred layouts (item views lay out on a timer) run before it is drawn


class WizardFrame(QDialog):
    """The dialog around the pages. Subclasses add pages with setPage and may override reject/accept."""

    currentIdChanged = Signal(int)
    WizardButton = Button

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pages: dict[int, WizardPage] = {}
        self._history: list[int] = []  # the pages passed to reach the current one, and it
        self._initialised: set[int] = set()
        self._start: int | None = None
        self._pending: int | None = None  # the page switched to but not yet drawn
        self._waited = QElapsedTimer()
        self._reveal_timer = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._reveal_timer.timeout.connect(self._reveal_when_ready)
        self._header_title = named(QLabel(), "wizard_title")
        bold = QFont(self._header_title.font())
        bold.setBold(True)
        self._header_title.setFont(bold)
        self._header_subtitle = named(QLabel(), "wizard_subtitle")
        self._header_subtitle.setContentsMargins(15, 0, 0, 0)
        for label in (self._header_title, self._header_subtitle):  # new words never move the page below,
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)  # and only the words
            label.setFixedHeight(label.fontMetrics().height() + 2)  # are drawn again, not the window's width
        self._stack = named(QStackedWidget(), "wizard_pages", "Page")
        self._side = QVBoxLayout()
        self._side.setContentsMargins(0, 0, 0, 0)
        self._buttons: dict[Button, QPushButton] = {}
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addStretch()
        for which, text in BUTTON_TEXTS.items():
            button = QPushButton(text)
            button.setAutoDefault(False)  # only Next, Import or Finish is the default; never Cancel
            self._buttons[which] = button
            row.addWidget(button)
        self._buttons[Button.BackButton].clicked.connect(self.back)
        self._buttons[Button.NextButton].clicked.connect(self.next)
        self._buttons[Button.CommitButton].clicked.connect(self.next)
        self._buttons[Button.FinishButton].clicked.connect(self._finish)
        self._buttons[Button.CancelButton].clicked.connect(self.reject)
        middle = QHBoxLayout()
        middle.setContentsMargins(9, 15, 4, 18)
        middle.setSpacing(20)
        middle.addLayout(self._side)
        middle.addWidget(self._stack, 1)
        layout = QVBoxLayout(self)  # the spacing of QWizard's classic style, which the pages were made for
        layout.setContentsMargins(11, 10, 11, 11)
        layout.setSpacing(0)
        layout.addWidget(self._header_title, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self._header_subtitle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addSpacing(15)
        layout.addWidget(_line())
        layout.addLayout(middle, 1)
        layout.addWidget(_line())
        layout.addSpacing(10)
        layout.addLayout(row)

    # --- building -----------------------------------------------------------------------------

    def setPage(self, page_id: int, page: WizardPage) -> None:  # noqa: N802 (QWizard's names)
        page._frame = self
        if page.layout() is not None:  # the page's top and bottom line up with the side panel's
            margins = page.layout().contentsMargins()
            page.layout().setContentsMargins(margins.left(), 0, margins.right(), 0)
        self._pages[page_id] = page
        self._stack.addWidget(page)
        page.completeChanged.connect(lambda p=page: self._page_changed(p))

    def setStartId(self, page_id: int) -> None:  # noqa: N802
        self._start = page_id

    def setSideWidget(self, widget: QWidget) -> None:  # noqa: N802
        self._side.addWidget(widget)

    def sideWidget(self) -> QWidget | None:  # noqa: N802
        item = self._side.itemAt(0)
        return item.widget() if item is not None else None

    # --- where the person is ------------------------------------------------------------------

    def page(self, page_id: int) -> WizardPage | None:
        return self._pages.get(page_id)

    def pageIds(self) -> list[int]:  # noqa: N802
        return sorted(self._pages)

    def visitedIds(self) -> list[int]:  # noqa: N802
        return list(self._history)

    def currentId(self) -> int:  # noqa: N802
        return self._history[-1] if self._history else -1

    def currentPage(self) -> WizardPage | None:  # noqa: N802
        return self._pages.get(self.currentId())

    def nextId(self) -> int:  # noqa: N802
        page = self.currentPage()
        return page.nextId() if page is not None else -1

    def id_after(self, page: WizardPage) -> int:
        ids = self.pageIds()
        here = next(i for i, p in self._pages.items() if p is page)
        later = [i for i in ids if i > here]
        return later[0] if later else -1

    def button(self, which: Button) -> QPushButton:
        return self._buttons[which]

    def buttonText(self, which: Button) -> str:  # noqa: N802
        page = self.currentPage()
        return page.buttonText(which) if page is not None else BUTTON_TEXTS[which]

    # --- moving -------------------------------------------------------------------------------

    def setVisible(self, visible: bool) -> None:  # noqa: N802 (Qt's name): the start page on first show
        if visible and not self._history and self._pages:
            self._show_page(self._start if self._start is not None else self.pageIds()[0], forward=True)
        super().setVisible(visible)

    def next(self) -> None:
        self._reveal()  # one still waiting is shown first (next() and back() called in a row)
        page = self.currentPage()
        if page is None or not page.isComplete() or not page.validatePage():
            return
        following = page.nextId()
        if following in self._pages:
            self._show_page(following, forward=True)

    def back(self) -> None:
        self._reveal()
        if not self._can_go_back():
            return
        leaving = self._history.pop()
        self._pages[leaving].cleanupPage()
        self._initialised.discard(leaving)
        self._show_page(self._history[-1], forward=False)

    def _finish(self) -> None:
        page = self.currentPage()
        if page is not None and page.isComplete() and page.validatePage():
            self.accept()

    @property
    def page_pending(self) -> bool:
        """A page change waits for the new page's contents; the old page still shows."""
        return self._pending is not None

    def _show_page(self, page_id: int, forward: bool) -> None:
        """Switch to the page, and draw it once it is ready: the stack's updates are off until then, so
        the old page stays on screen and the new one is drawn once, with its contents, instead of being
        drawn empty and again as its lists fill in (over ssh -X each drawing is 1.5 MB)."""
        page = self._pages[page_id]
        drawn = self.isVisible()  # at start-up nothing has been drawn yet: nothing to wait for
        if drawn:
            self._stack.setUpdatesEnabled(False)
        if forward:
            self._history.append(page_id)
            if page_id not in self._initialised:
                self._initialised.add(page_id)
                page.initializePage()
        self._stack.setCurrentWidget(page)
        self._pending = page_id
        (_first_focusable(page) or self._default_button()).setFocus()
        if drawn:
            for which in NAVIGATION:  # no second click on a page not shown yet
                if self._buttons[which].isEnabled():
                    self._buttons[which].setEnabled(False)
            self._waited.start()
            self._reveal_timer.start()
        else:
            self._reveal()

    def _reveal_when_ready(self) -> None:
        page = self._pages.get(self._pending) if self._pending is not None else None
        if page is None:
            return
        if page.is_ready() or self._waited.elapsed() >= PAGE_WAIT_MS:
            self._reveal()
        else:
            self._reveal_timer.start()

    def _reveal(self) -> None:
        """Draw the waiting page: its area once, the header's words, the buttons that change."""
        if self._pending is None:
            return
        page_id, self._pending = self._pending, None
        self._reveal_timer.stop()
        page = self._pages[page_id]
        self._header_title.setText(page.title())
        self._header_subtitle.setText(page.subTitle())
        self._update_buttons(page)
        self.currentIdChanged.emit(page_id)  # the step list marks it (a bold label lays the window out again)
        for _ in range(3):  # all laid out (the page, the stack, the window) before anything is drawn: a
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)  # later layout redraws lines
        self._stack.setUpdatesEnabled(True)  # one repaint of the page area

    # --- the buttons --------------------------------------------------------------------------

    def _can_go_back(self) -> bool:
        return len(self._history) > 1 and not self._pages[self._history[-2]].isCommitPage()

    def _page_changed(self, page: WizardPage) -> None:
        """A page's completeChanged: enable the buttons again, nothing else (no layout, no repaint)."""
        if page is self.currentPage() and self._pending is None:  # a waiting page's buttons follow when it shows
            self._update_buttons(page)

    def _update_buttons(self, page: WizardPage) -> None:
        final, can_continue, complete = page.isFinalPage(), page.nextId() != -1, page.isComplete()
        states = {
            Button.BackButton: (not final, self._can_go_back()),
            Button.NextButton: (can_continue and not page.isCommitPage(), can_continue and complete),
            Button.CommitButton: (can_continue and page.isCommitPage(), can_continue and complete),
            Button.FinishButton: (final, final and complete),
            Button.CancelButton: (True, True),
        }
        for which, (shown, enabled) in states.items():
            button = self._buttons[which]
            text = page.buttonText(which)
            if button.text() != text:
                button.setText(text)
                button.setAccessibleName(text.replace("&", ""))
            if button.isEnabled() != enabled:
                button.setEnabled(enabled)
            if button.isVisibleTo(self) != shown:
                button.setVisible(shown)
        default = self._default_button()
        if not default.isDefault():
            default.setDefault(True)

    def _default_button(self) -> QPushButton:
        page = self.currentPage()
        if page is None or page.nextId() == -1:
            return self._buttons[Button.FinishButton]
        return self._buttons[Button.CommitButton if page.isCommitPage() else Button.NextButton]


def _line() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


def _first_focusable(page: QWidget) -> QWidget | None:
    """The page's first child that Tab reaches, as QWizard chooses it: the new page's first field."""
    candidate = page
    for _ in range(100):
        candidate = candidate.nextInFocusChain()
        if candidate is None or candidate is page:
            return None
        if candidate.focusPolicy() & Qt.FocusPolicy.TabFocus and page.isAncestorOf(candidate):
            return candidate
    return None
