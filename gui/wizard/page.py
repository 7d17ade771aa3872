"""The base of the wizard's pages: what the frame (gui/wizard/frame.py) asks of each page, with the
names and meaning of QWizardPage's (title, subtitle, complete, commit, final, the hooks called as a
person moves), and the names of the buttons (QWizard.WizardButton, which the tests use too)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget, QWizard

from gui import texts

if TYPE_CHECKING:  # the frame imports this module
    from gui.wizard.frame import WizardFrame

Button = QWizard.WizardButton  # the keys of button(): only the enum is used, not QWizard itself
BUTTON_TEXTS = {
    Button.BackButton: texts.BACK_BUTTON,
    Button.NextButton: texts.NEXT_BUTTON,
    Button.CommitButton: texts.COMMIT_BUTTON,
    Button.FinishButton: texts.FINISH_BUTTON,
    Button.CancelButton: texts.CANCEL_BUTTON,
}
PAGE_WAIT_MS = 500  # the longest a page change waits for the new page's contents (lists, checks)


class WizardPage(QWidget):
    """One page: its title and subtitle for the header, whether it is complete, and the hooks the
    frame calls as a person moves through the pages (the same names and meaning as QWizardPage's)."""

    completeChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = self._subtitle = ""
        self._commit = self._final = False
        self._button_texts: dict[Button, str] = {}
        self._frame: WizardFrame | None = None

    def setTitle(self, title: str) -> None:  # noqa: N802 (QWizardPage's names, kept for the pages)
        self._title = title

    def title(self) -> str:
        return self._title

    def setSubTitle(self, subtitle: str) -> None:  # noqa: N802
        self._subtitle = subtitle

    def subTitle(self) -> str:  # noqa: N802
        return self._subtitle

    def setCommitPage(self, commit: bool) -> None:  # noqa: N802
        """A commit page's Next is its commit button; once past it, no page before can be returned to."""
        self._commit = commit

    def isCommitPage(self) -> bool:  # noqa: N802
        return self._commit

    def setFinalPage(self, final: bool) -> None:  # noqa: N802
        self._final = final

    def isFinalPage(self) -> bool:  # noqa: N802
        return self._final or self.nextId() == -1

    def setButtonText(self, which: Button, text: str) -> None:  # noqa: N802
        self._button_texts[which] = text

    def buttonText(self, which: Button) -> str:  # noqa: N802
        return self._button_texts.get(which) or BUTTON_TEXTS[which]

    def wizard(self) -> WizardFrame | None:
        return self._frame

    def nextId(self) -> int:  # noqa: N802
        """The page after this one: by default the next id in order, -1 after the last."""
        return self._frame.id_after(self) if self._frame is not None else -1

    def isComplete(self) -> bool:  # noqa: N802
        return True

    def is_ready(self) -> bool:
        """Whether what the page fetches in the background has arrived: a page change waits for it
        (at most PAGE_WAIT_MS) so the page is drawn once, with its contents."""
        return True

    def initializePage(self) -> None:  # noqa: N802
        """Called each time the page is reached going forward (not when coming back to it)."""

    def cleanupPage(self) -> None:  # noqa: N802
        """Called when the person leaves the page with Back."""

    def validatePage(self) -> bool:  # noqa: N802
        """Called when Next, Import or Finish is pressed; False stays on the page."""
        return True
