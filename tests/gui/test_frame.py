"""The wizard's own page frame (gui/wizard/frame.py) keeps QWizard's page life cycle: pages initialised
going forward and cleaned up going back, a commit page with no way back past it, a final page with
Finish, buttons that follow completeChanged, focus on the new page's first field, Enter never on
Cancel, and a new page drawn once its contents are ready (or after PAGE_WAIT_MS)."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QVBoxLayout

from gui.wizard.frame import WizardFrame
from gui.wizard.page import BUTTON_TEXTS, PAGE_WAIT_MS, Button, WizardPage


class Page(WizardPage):
    def __init__(self, name: str, commit: bool = False) -> None:
        super().__init__()
        self.setTitle(name)
        self.setSubTitle(f"The {name} page.")
        self.setCommitPage(commit)
        if commit:
            self.setButtonText(Button.CommitButton, "Go")
        self.field = QLineEdit()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(name))
        layout.addWidget(self.field)
        self.calls: list[str] = []
        self.complete = True
        self.ready = True

    def initializePage(self) -> None:  # noqa: N802
        self.calls.append("initialise")

    def cleanupPage(self) -> None:  # noqa: N802
        self.calls.append("clean up")

    def validatePage(self) -> bool:  # noqa: N802
        self.calls.append("validate")
        return True

    def isComplete(self) -> bool:  # noqa: N802
        return self.complete

    def is_ready(self) -> bool:
        return self.ready


@pytest.fixture
def frame(qtbot):
    made = WizardFrame()
    pages = {10: Page("one"), 20: Page("two", commit=True), 30: Page("three"), 40: Page("four")}
    for page_id, page in pages.items():
        made.setPage(page_id, page)
    qtbot.addWidget(made)
    made.show()
    made.activateWindow()
    made.pages = pages
    return made


def go(qtbot, frame, move) -> None:
    move()
    qtbot.waitUntil(lambda: not frame.page_pending, timeout=PAGE_WAIT_MS + 2000)


def shown(frame) -> dict:
    return {which: (frame.button(which).isVisible(), frame.button(which).isEnabled()) for which in BUTTON_TEXTS}


def title(frame) -> str:
    return frame.findChild(QLabel, "wizard_title").text()


def test_pages_are_initialised_going_forward_and_cleaned_up_going_back(qtbot, frame):
    one, two = frame.pages[10], frame.pages[20]
    assert frame.currentId() == 10 and one.calls == ["initialise"] and title(frame) == "one"
    assert shown(frame)[Button.BackButton] == (True, False) and shown(frame)[Button.NextButton] == (True, True)
    go(qtbot, frame, frame.next)
    assert frame.currentId() == 20 and one.calls == ["initialise", "validate"] and two.calls == ["initialise"]
    go(qtbot, frame, frame.back)
    assert frame.currentId() == 10 and two.calls == ["initialise", "clean up"]
    assert one.calls == ["initialise", "validate"]  # coming back does not initialise it again
    go(qtbot, frame, frame.next)
    assert two.calls == ["initialise", "clean up", "initialise"] and frame.visitedIds() == [10, 20]


def test_a_commit_page_has_its_own_button_and_no_way_back_past_it(qtbot, frame):
    go(qtbot, frame, frame.next)
    assert shown(frame)[Button.CommitButton] == (True, True) and not frame.button(Button.NextButton).isVisible()
    assert frame.button(Button.CommitButton).text() == "Go" and frame.button(Button.CommitButton).isDefault()
    go(qtbot, frame, frame.next)
    assert frame.currentId() == 30 and shown(frame)[Button.BackButton] == (True, False)
    frame.back()
    assert frame.currentId() == 30


def test_the_final_page_finishes_and_buttons_follow_complete_changed(qtbot, frame):
    for _ in range(3):
        go(qtbot, frame, frame.next)
    last = frame.pages[40]
    assert frame.currentId() == 40 and last.isFinalPage()
    assert shown(frame)[Button.FinishButton] == (True, True) and not frame.button(Button.BackButton).isVisible()
    last.complete = False
    last.completeChanged.emit()
    assert not frame.button(Button.FinishButton).isEnabled()
    last.complete = True
    last.completeChanged.emit()
    qtbot.mouseClick(frame.button(Button.FinishButton), Qt.MouseButton.LeftButton)
    assert frame.result() == QDialog.DialogCode.Accepted and not frame.isVisible()


def test_focus_goes_to_the_new_page_and_enter_never_cancels(qtbot, frame):
    go(qtbot, frame, frame.next)
    assert QApplication.focusWidget() is frame.pages[20].field
    cancel = frame.button(Button.CancelButton)
    assert not cancel.autoDefault() and not cancel.isDefault()
    cancel.setFocus()
    qtbot.keyClick(cancel, Qt.Key.Key_Return)  # the default button (Import here), not Cancel
    qtbot.waitUntil(lambda: not frame.page_pending, timeout=PAGE_WAIT_MS + 2000)
    assert frame.isVisible() and frame.currentId() == 30


def test_a_new_page_is_drawn_once_its_contents_are_ready(qtbot, frame):
    two = frame.pages[20]
    two.ready = False
    frame.next()
    assert frame.currentId() == 20 and frame.page_pending
    assert title(frame) == "one" and not frame.button(Button.CommitButton).isEnabled()  # the old page shows
    qtbot.wait(PAGE_WAIT_MS // 3)
    assert frame.page_pending
    two.ready = True
    qtbot.waitUntil(lambda: not frame.page_pending, timeout=1000)
    assert title(frame) == "two" and frame.button(Button.CommitButton).isEnabled()


def test_a_page_that_never_gets_ready_is_shown_after_the_wait(qtbot, frame):
    frame.pages[20].ready = False
    frame.next()
    qtbot.waitUntil(lambda: not frame.page_pending, timeout=PAGE_WAIT_MS + 1000)
    assert title(frame) == "two"
