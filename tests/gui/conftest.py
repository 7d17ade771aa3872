"""GUI fixtures: offscreen Qt, a qasync loop that pytest-qt's waits drive, a keyring chosen per test,
and a wizard on a fresh data dir with an account."""

import asyncio
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring  # noqa: E402
import pytest  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402
from keyring.backends import fail  # noqa: E402

from tests.conftest import PASSWORD  # noqa: E402


class MemoryKeyring(KeyringBackend):
    """A working keyring that lives in memory: the 'keyring present' case."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.store = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        self.store.pop((service, username), None)


@pytest.fixture
def loop(qapp):
    import qasync

    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    # Never stop or close the application here: later tests' waits would silently stop working.


@pytest.fixture
def no_keyring():
    keyring.set_keyring(fail.Keyring())
    yield


@pytest.fixture
def memory_keyring():
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(fail.Keyring())


@pytest.fixture
def make_wizard(qtbot, loop, data_dir_path):
    from gui.app import create_application
    from gui.wizard import ImportWizard

    create_application([])
    made = []

    def make(path=None):
        w = ImportWizard(data_dir=str(path or data_dir_path))
        qtbot.addWidget(w)
        w.show()
        made.append(w)
        return w

    yield make
    for w in made:
        w.ops.shutdown()
        if w.state.data_dir is not None:  # the wizard closes it when it closes; a test may not close it
            w.state.data_dir.close()


@pytest.fixture
def wizard(make_wizard, data_dir, no_keyring):
    return make_wizard()


def click_next(qtbot, wizard):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWizard

    page = wizard.currentPage()
    qtbot.waitUntil(lambda: page.isComplete(), timeout=15000)
    button = wizard.button(
        QWizard.WizardButton.CommitButton if page.isCommitPage() else QWizard.WizardButton.NextButton
    )
    qtbot.waitUntil(button.isEnabled, timeout=5000)
    before = wizard.currentId()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() != before and not wizard.page_pending, timeout=5000)  # and drawn


def sign_in(qtbot, wizard, password=PASSWORD):
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: wizard.state.data_dir is not None, timeout=10000)
    page.name.setText("alice")
    page.password.setText(password)
    page.submit()
    qtbot.waitUntil(lambda: page.isComplete() or "failed" in page.status.text(), timeout=10000)


def walk_to_transfer(qtbot, wizard, paths):
    from gui.wizard import PageId

    sign_in(qtbot, wizard)
    click_next(qtbot, wizard)
    wizard.currentPage().add_paths([str(p) for p in paths])
    click_next(qtbot, wizard)
    assert wizard.currentId() == PageId.DESTINATION
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: wizard.state.checks is not None and not page.checking, timeout=15000)
    return page


def responsibilities_shown(qtbot, wizard):
    """The responsibilities page, once the chosen transfer's statements and warnings are shown."""
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: page.prepared is not None, timeout=15000)
    return page


def tick_all(qtbot, wizard):
    for box in responsibilities_shown(qtbot, wizard).boxes:
        box.setChecked(True)


def accept_and_import(qtbot, wizard):
    """From the transfer page: through responsibilities (all ticked) to the running import."""
    click_next(qtbot, wizard)
    tick_all(qtbot, wizard)
    click_next(qtbot, wizard)
