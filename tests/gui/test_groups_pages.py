"""Groups and importing for others in the wizard (issue 14): the destination page's Group and Import for,
the administrators' Accounts and groups window, and the transfer page's report on the server's set-up.
Real data dirs, real accounts signed in with their passwords, offscreen Qt."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from engine.api import DataDirectory
from engine.errors import EngineError
from tests.conftest import PASSWORD


@contextmanager
def _signed_in(path, name="alice", password=PASSWORD):
    with DataDirectory.open(path) as data_dir:
        yield data_dir.sign_in(name, password)


def _can_sign_in(path, name, password) -> bool:
    data_dir = DataDirectory.open(path)
    try:
        data_dir.sign_in(name, password)
        return True
    except EngineError:
        return False
    finally:
        data_dir.close()


@pytest.fixture
def admin_window(qtbot, loop, data_dir, data_dir_path):
    """The Accounts and groups window for the administrator alice, as the tools panel opens it."""
    from gui.admin_window import AdminWindow
    from gui.app import create_application
    from gui.operations import Operations
    from gui.wizard.state import WizardState

    create_application([])
    state = WizardState()
    state.data_dir = DataDirectory.open(data_dir_path)
    state.session = state.data_dir.sign_in("alice", PASSWORD)
    ops = Operations()
    window = AdminWindow(state, ops)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.busy and bool(window.accounts), timeout=10000)
    yield window
    ops.shutdown()
    state.data_dir.close()


def _shown_as_problem(label) -> bool:
    """A sign, the problem colour (by style sheet or palette) and a description for screen readers."""
    from PySide6.QtGui import QPalette

    colour = label.palette().color(QPalette.ColorRole.WindowText).name()
    coloured = "#b00020" in label.styleSheet() or colour == "#b00020"
    return label.text().startswith("⚠") and coloured and label.accessibleDescription().startswith("Problem:")


def _done(qtbot, window, expected: str) -> None:
    qtbot.waitUntil(lambda: expected in window.status.text() and not window.busy, timeout=10000)


def _select(table, name: str) -> None:
    rows = [table.item(r, 0).text() for r in range(table.rowCount())]
    table.selectRow(rows.index(name))


def _create_account(qtbot, window, name, password, again=None, admin=False) -> None:
    window.tabs.setCurrentIndex(0)
    window.new_name.setText(name)
    window.new_password.setText(password)
    window.new_again.setText(password if again is None else again)
    window.new_admin.setChecked(admin)
    window.create_account.click()


def test_an_administrator_creates_an_account_with_the_rules_shown_first(qtbot, admin_window, data_dir_path):
    window = admin_window
    rules = window.findChild(type(window.status), "password_rules")
    assert rules.isVisible() and "at least 4 characters" in rules.text()  # before anything is typed
    _create_account(qtbot, window, "bob", "abc")
    _done(qtbot, window, "too short")
    assert _shown_as_problem(window.status)
    _create_account(qtbot, window, "bob", "s3cret!", again="typo")
    assert "differ" in window.status.text() and _shown_as_problem(window.status)
    _create_account(qtbot, window, "bob", "s3cret!")
    _done(qtbot, window, "The account bob was created.")
    assert not _shown_as_problem(window.status)  # success is not shown as a problem
    names = [window.account_table.item(r, 0).text() for r in range(window.account_table.rowCount())]
    assert names == ["alice", "bob"] and window.new_name.text() == ""
    assert _can_sign_in(data_dir_path, "bob", "s3cret!")
    _create_account(qtbot, window, "bob", "other1")
    _done(qtbot, window, "already exists")
    assert _shown_as_problem(window.status)


def test_disabling_stops_sign_in_and_enabling_allows_it_again(qtbot, admin_window, data_dir_path):
    window = admin_window
    _create_account(qtbot, window, "bob", "s3cret!")
    _done(qtbot, window, "bob was created")
    _select(window.account_table, "alice")
    window.toggle_enabled.click()
    assert "cannot disable your own account" in window.status.text()  # never locks oneself out
    _select(window.account_table, "bob")
    assert window.toggle_enabled.text() == "Disable account"
    window.toggle_enabled.click()
    _done(qtbot, window, "bob was disabled")
    assert not _can_sign_in(data_dir_path, "bob", "s3cret!")
    _select(window.account_table, "bob")
    assert window.account_table.item(1, 2).text() == "no (disabled)"
    assert window.toggle_enabled.text() == "Enable account"
    window.toggle_enabled.click()
    _done(qtbot, window, "bob can sign in again")
    assert _can_sign_in(data_dir_path, "bob", "s3cret!")


def test_a_reset_password_replaces_the_old_one(qtbot, admin_window, data_dir_path):
    window = admin_window
    _create_account(qtbot, window, "bob", "s3cret!")
    _done(qtbot, window, "bob was created")
    _select(window.account_table, "bob")
    window.reset_password.click()
    dialog = window._password_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    assert "at least 4 characters" in dialog.findChild(type(window.status), "password_intro").text()
    dialog.password.setText("n3w-pass")
    dialog.again.setText("n3w-typo")
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "differ" in dialog.problem.text()
    dialog.again.setText("n3w-pass")
    dialog.buttons.accepted.emit()
    _done(qtbot, window, "The password of bob was changed.")
    assert _can_sign_in(data_dir_path, "bob", "n3w-pass")
    assert not _can_sign_in(data_dir_path, "bob", "s3cret!")


def test_groups_are_created_and_members_added_removed_and_made_owners(qtbot, admin_window, data_dir_path):
    window = admin_window
    for name in ("bob", "carol"):
        _create_account(qtbot, window, name, "s3cret!")
        _done(qtbot, window, f"{name} was created")
    window.tabs.setCurrentIndex(1)
    assert window.group_list.count() == 1  # the data dir's default group, which every account joins
    assert "Choose a group" in window.group_note.text() and window.group_note.isVisible()
    assert not window.add_member.isEnabled()
    window.new_group_name.setText("lab")
    window.new_group_level.setCurrentIndex(window.new_group_level.findData("read-only"))
    window.create_group.click()
    _done(qtbot, window, "The group lab was created.")
    assert window.group_box.title() == "lab"  # the new group is shown at once
    assert window.group_level.currentData() == "read-only"
    window.member_to_add.setCurrentText("bob")
    window.add_member.click()
    _done(qtbot, window, "bob was added to lab")
    window.member_to_add.setCurrentText("carol")
    window.add_as_owner.setChecked(True)
    window.add_member.click()
    _done(qtbot, window, "carol was added to lab")
    with _signed_in(data_dir_path) as session:
        lab = next(g for g in session.groups() if g["name"] == "lab")
    assert {m["name"]: m["owner"] for m in lab["members"]} == {"bob": False, "carol": True}
    assert lab["permissions"] == "read-only"
    _select(window.member_table, "bob")
    assert window.toggle_owner.text() == "Make owner"
    window.toggle_owner.click()
    _done(qtbot, window, "bob is now an owner of lab")
    _select(window.member_table, "carol")
    window.remove_member.click()
    _done(qtbot, window, "carol was removed from lab")
    window.group_level.setCurrentIndex(window.group_level.findData("read-write"))
    window.group_level.activated.emit(window.group_level.currentIndex())
    _done(qtbot, window, "The group lab is now read-write.")
    with _signed_in(data_dir_path) as session:
        lab = next(g for g in session.groups() if g["name"] == "lab")
    assert {m["name"]: m["owner"] for m in lab["members"]} == {"bob": True}
    assert lab["permissions"] == "read-write"
    assert "lab" in window.account_table.item(1, 3).text()  # bob's groups, in the accounts tab
    window.new_group_name.setText("lab")
    window.create_group.click()
    _done(qtbot, window, "already exists")
    assert _shown_as_problem(window.status)
