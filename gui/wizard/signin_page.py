"""Sign in: the data dir in use, the account and password, and remembering it in a real keyring.

On a first run with no data dir (or no account) the page offers to create both, so a newcomer
reaches an import in well under a minute.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLineEdit, QPushButton, QVBoxLayout

from engine.api import DataDirectory, resolve_data_dir
from gui import keyring_store, texts
from gui.last_account import last_account, remember_account
from gui.operations import plain_sentence
from gui.widgets import message_label, named, narrow_fields, show_message
from gui.wizard.page import WizardPage

log = logging.getLogger(__name__)


def _open(root) -> tuple[DataDirectory, bool, str | None]:
    """Find the data dir; tell whether it already has accounts, and which one was used last here
    (worker thread). A data dir whose catalog was lost is refused here, so the page never offers a
    first account there."""
    data_dir = DataDirectory.unopened(Path(root))
    if not data_dir.has_accounts():
        data_dir.refuse_initialising()
        return data_dir, False, None
    return data_dir, True, last_account(data_dir.root)


class SignInPage(WizardPage):
    def __init__(self, state, ops, data_dir_override=None) -> None:
        super().__init__()
        self.state, self.ops = state, ops
        self._override = data_dir_override
        self.first_run = False
        self.signing_in = False
        self.keyring_usable = False
        self.setTitle(texts.SIGNIN_TITLE)
        self.setSubTitle(texts.SIGNIN_SUBTITLE)
        self.location = message_label("data_dir_label")
        self.welcome = message_label("first_run_label")
        self.name = named(QLineEdit(), "account_name", "Account name")
        self.password = named(QLineEdit(), "password", "Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_again = named(QLineEdit(), "password_again", texts.PASSWORD_AGAIN)
        self.password_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_rules = message_label("password_rules")
        self.password_rules.setText(texts.PASSWORD_RULES)
        self.remember = named(QCheckBox(texts.REMEMBER), "remember_password", texts.REMEMBER)
        self.keyring_note = message_label("keyring_note")
        self.sign_in_button = named(QPushButton(texts.SIGNIN_BUTTON), "sign_in", texts.SIGNIN_BUTTON)
        self.create_button = named(QPushButton(texts.CREATE_BUTTON), "create_account", texts.CREATE_BUTTON)
        self.status = message_label("signin_status")

        form = QFormLayout()
        form.addRow("&Account:", self.name)
        form.addRow("&Password:", self.password)
        form.addRow(texts.PASSWORD_AGAIN + ":", self.password_again)
        form.addRow("", self.password_rules)
        self._again_label = form.labelForField(self.password_again)
        narrow_fields(form)  # a keystroke redraws a field whole: over ssh -X a narrow one costs less
        layout = QVBoxLayout(self)
        for w in (self.location, self.welcome):
            layout.addWidget(w)
        layout.addLayout(form)
        for w in (self.remember, self.keyring_note, self.sign_in_button, self.create_button, self.status):
            layout.addWidget(w)
        layout.addStretch()

        self.sign_in_button.clicked.connect(self.submit)
        self.create_button.clicked.connect(self.submit)
        self.password.returnPressed.connect(self.submit)
        self.password_again.returnPressed.connect(self.submit)
        self.name.textEdited.connect(self._forget_account)
        self.password.textEdited.connect(self._forget_account)
        self.name.editingFinished.connect(lambda: self.ops.start(self._prefill_password()))
        self._set_first_run(False)
        self.remember.hide()
        self.keyring_note.setText(texts.KEYRING_CHECKING)

    # --- start-up: find the data dir and the keyring, both off the GUI thread -----------------

    def initializePage(self) -> None:  # noqa: N802 (Qt's name)
        root, source = (self._override, "chosen for this session") if self._override else resolve_data_dir()
        self.state.data_dir_source = source
        self.location.setText(texts.DATA_DIR_LABEL.format(path=root, source=source))
        self.ops.op(_open, root).success(lambda found: self._found_data_dir(root, *found)).failure(
            self._problem
        ).run_in_background()
        self.ops.start(self._find_keyring())

    def _problem(self, exc: BaseException) -> None:
        show_message(self.status, plain_sentence(exc), problem=True)

    def _found_data_dir(self, root, data_dir, has_users: bool, last: str | None) -> None:
        self.state.data_dir = data_dir
        self._set_first_run(not has_users)
        if not self.name.text():  # the account last used here; never the system's user name
            self.name.setText(last or os.environ.get("INPLACE_USER", ""))
        if self.name.text():
            self.password.setFocus()
        else:
            self.name.setFocus()
        if self.first_run:
            self.welcome.setText(f"<b>{texts.FIRST_RUN_TITLE}</b><br>{texts.FIRST_RUN_TEXT.format(path=root)}")
        self.ops.start(self._prefill_password())

    async def _find_keyring(self) -> None:
        problem = await keyring_store.keyring_problem(self.ops)
        self.keyring_usable = not problem
        self.remember.setVisible(self.keyring_usable)
        self.keyring_note.setVisible(bool(problem))
        self.keyring_note.setText(texts.NO_KEYRING.format(reason=problem) if problem else "")
        await self._prefill_password()

    async def _prefill_password(self) -> None:
        if not (self.keyring_usable and self.state.data_dir and not self.first_run and self.name.text()):
            return
        saved = await keyring_store.load_password(self.ops, str(self.state.data_dir.root), self.name.text())
        if saved and not self.password.text():
            self.password.setText(saved)
            self.remember.setChecked(True)

    def _set_first_run(self, first: bool) -> None:
        self.first_run = first
        for w in (self.welcome, self.password_again, self._again_label, self.create_button, self.password_rules):
            w.setVisible(first)
        self.password.setPlaceholderText(texts.PASSWORD_PLACEHOLDER if first else "")
        self.sign_in_button.setVisible(not first)

    # --- signing in ---------------------------------------------------------------------------

    def _forget_account(self) -> None:
        if self.state.session is not None:
            self.state.session = None
            self.completeChanged.emit()

    def submit(self) -> None:
        if self.state.data_dir is None or self.signing_in:
            return
        if self.first_run and self.password.text() != self.password_again.text():
            show_message(self.status, texts.PASSWORDS_DIFFER, problem=True)
            return
        show_message(self.status, texts.SIGNIN_WORKING)
        name, password = self.name.text().strip(), self.password.text()
        data_dir = self.state.data_dir
        self.signing_in = True
        (
            self.ops.op(data_dir.initialise if self.first_run else data_dir.sign_in, name, password)
            .success(lambda session: self._signed_in(session, name, password))
            .failure(self._problem)
            .finished(self._sign_in_ended)
            .run_in_background()
        )

    def _sign_in_ended(self) -> None:
        self.signing_in = False

    def _signed_in(self, session, name: str, password: str) -> None:
        self._set_first_run(False)
        self.state.session = session
        show_message(self.status, texts.SIGNIN_OK.format(name=session.account_name))
        self.completeChanged.emit()
        self.ops.op(remember_account, self.state.data_dir.root, session.account_name).failure(
            lambda exc: log.warning("could not record the account last used: %s", exc)
        ).run_in_background()
        if self.keyring_usable and self.remember.isChecked():
            self.ops.start(keyring_store.save_password(self.ops, str(self.state.data_dir.root), name, password))

    def isComplete(self) -> bool:  # noqa: N802
        return self.state.session is not None
