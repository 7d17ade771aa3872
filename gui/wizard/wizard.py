"""The wizard: pages with explicit ids, one shared state, one operations layer, a safe close."""

from __future__ import annotations

import enum

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from gui import check_texts, texts, watch_texts
from gui.admin_window import AdminWindow
from gui.check_window import CheckWindow
from gui.operations import Operations
from gui.runner import ImportRunner
from gui.step_list import StepList
from gui.tools_panel import ToolsPanel
from gui.watch_window import WatchWindow
from gui.widgets import named
from gui.wizard.data_page import DataPage
from gui.wizard.destination_page import DestinationPage
from gui.wizard.frame import WizardFrame
from gui.wizard.import_page import ImportPage
from gui.wizard.page import Button
from gui.wizard.responsibilities_page import ResponsibilitiesPage
from gui.wizard.results_page import ResultsPage
from gui.wizard.signin_page import SignInPage
from gui.wizard.state import WizardState
from gui.wizard.transfer_page import TransferPage


class PageId(enum.IntEnum):
    SIGN_IN = 10
    DATA = 20
    DESTINATION = 30
    TRANSFER = 40
    RESPONSIBILITIES = 50
    IMPORT = 60
    RESULTS = 70


DEFAULT_SIZE = QSize(960, 680)
MINIMUM_SIZE = QSize(800, 560)


class ImportWizard(WizardFrame):
    def __init__(self, data_dir=None, parent=None) -> None:
        super().__init__(parent)
        named(self, "import_wizard", texts.WINDOW_TITLE)
        self.setWindowTitle(texts.WINDOW_TITLE)
        self.state = WizardState()
        self.ops = Operations(on_error=self._show_error)
        self.runner = ImportRunner(self.ops, self)  # the one runner: the import and the retries share it
        self._confirm: QMessageBox | None = None
        self._close_when_done = False
        pages = {
            PageId.SIGN_IN: SignInPage(self.state, self.ops, data_dir),
            PageId.DATA: DataPage(self.state, self.ops),
            PageId.DESTINATION: DestinationPage(self.state, self.ops),
            PageId.TRANSFER: TransferPage(self.state, self.ops),
            PageId.RESPONSIBILITIES: ResponsibilitiesPage(self.state, self.ops),
            PageId.IMPORT: ImportPage(self.state, self.ops, self.runner),
            PageId.RESULTS: ResultsPage(self.state, self.ops, self.runner),
        }
        for page_id, page in pages.items():
            named(page, f"page_{page_id.name.lower()}", page.title())
            self.setPage(page_id, page)
        self.setStartId(PageId.SIGN_IN)
        self.steps = StepList([(int(i), p.title()) for i, p in pages.items()], QApplication.windowIcon())
        self.setSideWidget(self.steps)
        self.currentIdChanged.connect(self.steps.show_current)
        self.steps.show_current(PageId.SIGN_IN)
        # Tools beside the import (gui/tools_panel.py): one line each, enabled once signed in.
        self.tools = ToolsPanel(self.state, self.ops, self)
        self.tools.add("check_data", check_texts.TOOL_CHECK_DATA, CheckWindow)
        self.tools.add("watch_folders", watch_texts.TOOL_WATCH_FOLDERS, WatchWindow)
        self.tools.add("accounts_groups", texts.ADMIN_TOOL, AdminWindow, admin_only=True)
        self.steps.layout().addWidget(self.tools)  # below the step list
        pages[PageId.SIGN_IN].completeChanged.connect(self.tools.refresh)
        self.currentIdChanged.connect(lambda _id: self.tools.refresh())
        for button, name in (
            (Button.NextButton, "next"),
            (Button.BackButton, "back"),
            (Button.CancelButton, "cancel"),
            (Button.FinishButton, "finish"),
            (Button.CommitButton, "commit"),
        ):
            named(self.button(button), f"wizard_{name}", self.buttonText(button).replace("&", "") or name)
        self.runner.finished.connect(self._import_finished)
        self.runner.failed.connect(self._import_finished)
        self.setMinimumSize(MINIMUM_SIZE)
        self.resize(DEFAULT_SIZE)  # fits a 1024x768 screen with the window's frame and a panel

    @property
    def import_page(self) -> ImportPage:
        return self.page(PageId.IMPORT)

    def _show_error(self, sentence: str) -> None:
        """The error presenter: one plain sentence in a window-modal box, opened without blocking."""
        box = named(QMessageBox(QMessageBox.Icon.Warning, texts.APP_NAME, sentence, parent=self), "error_message")
        box.open()

    # --- Enter signs in; it never closes the wizard ---------------------------------------------

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        # On the sign-in page Enter submits the sign-in (the fields' returnPressed); until it succeeded
        # it must not reach a wizard button (Next, Finish) or the dialog's accept.
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and self.currentId() == PageId.SIGN_IN and not self.currentPage().isComplete():
            event.accept()
            return
        super().keyPressEvent(event)

    # --- closing never loses work silently, and never abandons a running import -----------------

    def would_lose_work(self) -> bool:
        """A selection is made and nothing was imported yet: closing throws the choices away."""
        return bool(self.state.paths) and self.currentId() < PageId.IMPORT

    def reject(self) -> None:  # Escape, Cancel and the window's close button all end here
        if self.runner.running:
            self._ask(texts.CLOSE_RUNNING_TITLE, texts.CLOSE_RUNNING_TEXT, self._close_after_cancel)
        elif self.would_lose_work():
            self._ask(texts.CLOSE_LOSE_TITLE, texts.CLOSE_LOSE_TEXT, lambda: WizardFrame.reject(self))
        else:
            super().reject()

    def accept(self) -> None:  # Finish, on the results page: a retry may be running
        if self.runner.running:
            self._ask(texts.CLOSE_RUNNING_TITLE, texts.CLOSE_RUNNING_TEXT, self._close_after_cancel)
        else:
            super().accept()

    def _ask(self, title: str, text: str, then) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self
        )
        named(box, "confirm_close", title)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(lambda answer: then() if answer == QMessageBox.StandardButton.Yes else None)
        self._confirm = box
        box.open()

    def _close_after_cancel(self) -> None:
        self._close_when_done = True
        self.runner.cancel()

    def done(self, result: int) -> None:  # noqa: D102 (Qt's name): every way of closing ends here
        super().done(result)
        self.tools.close_windows()
        self.runner.cancel()
        self.ops.shutdown()
        if self.state.data_dir is not None:
            self.state.data_dir.close()

    def _import_finished(self, _report_or_message) -> None:
        if self._close_when_done:
            WizardFrame.reject(self)
