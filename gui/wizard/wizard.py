"""The wizard: pages with explicit ids, one shared state, one operations layer, a safe close."""

from __future__ import annotations

import enum

from PySide6.QtWidgets import QMessageBox, QWizard

from gui import texts
from gui.operations import Operations
from gui.widgets import named
from gui.wizard.data_page import DataPage
from gui.wizard.destination_page import DestinationPage
from gui.wizard.import_page import ImportPage
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


class ImportWizard(QWizard):
    def __init__(self, data_dir=None, parent=None) -> None:
        super().__init__(parent)
        named(self, "import_wizard", texts.WINDOW_TITLE)
        self.setWindowTitle(texts.WINDOW_TITLE)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.state = WizardState()
        self.ops = Operations(on_error=self._show_error)
        self._confirm: QMessageBox | None = None
        self._close_when_done = False
        pages = {
            PageId.SIGN_IN: SignInPage(self.state, self.ops, data_dir),
            PageId.DATA: DataPage(self.state, self.ops),
            PageId.DESTINATION: DestinationPage(self.state, self.ops),
            PageId.TRANSFER: TransferPage(self.state, self.ops),
            PageId.RESPONSIBILITIES: ResponsibilitiesPage(self.state, self.ops),
            PageId.IMPORT: ImportPage(self.state, self.ops),
            PageId.RESULTS: ResultsPage(self.state, self.ops),
        }
        for page_id, page in pages.items():
            named(page, f"page_{page_id.name.lower()}", page.title())
            self.setPage(page_id, page)
        self.setStartId(PageId.SIGN_IN)
        for button, name in (
            (QWizard.WizardButton.NextButton, "next"),
            (QWizard.WizardButton.BackButton, "back"),
            (QWizard.WizardButton.CancelButton, "cancel"),
            (QWizard.WizardButton.FinishButton, "finish"),
            (QWizard.WizardButton.CommitButton, "commit"),
        ):
            named(self.button(button), f"wizard_{name}", self.buttonText(button).replace("&", "") or name)
        self.import_page.runner.finished.connect(self._import_finished)
        self.resize(960, 720)

    @property
    def import_page(self) -> ImportPage:
        return self.page(PageId.IMPORT)

    def _show_error(self, exc: BaseException) -> None:
        box = named(QMessageBox(QMessageBox.Icon.Warning, texts.APP_NAME, str(exc), parent=self), "error_message")
        box.open()

    # --- closing never abandons a running import silently -------------------------------------

    def reject(self) -> None:
        if not self.import_page.running:
            self.ops.shutdown()
            super().reject()
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            texts.CLOSE_RUNNING_TITLE,
            texts.CLOSE_RUNNING_TEXT,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        named(box, "confirm_close", texts.CLOSE_RUNNING_TITLE)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(self._close_answer)
        self._confirm = box
        box.open()

    def _close_answer(self, answer: int) -> None:
        if answer == QMessageBox.StandardButton.Yes:
            self._close_when_done = True
            self.import_page.cancel()

    def done(self, result: int) -> None:  # noqa: D102 (Qt's name): every way of closing ends here
        super().done(result)
        self.ops.shutdown()
        if self.state.data_dir is not None:
            self.state.data_dir.close()

    def _import_finished(self, _report) -> None:
        if self._close_when_done:
            self.ops.shutdown()
            QWizard.reject(self)
