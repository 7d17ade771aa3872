"""Groups and importing for others in the wizard (issue 14): the destination page's Group and Import for,
the administrators' Accounts and groups window, and the transfer page's report on the server's set-up.
Real data dirs, real accounts signed in with their passwords, offscreen Qt."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from PySide6.QtCore import Qt

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
    assert window.group_box.title() == "The group lab"  # the new group is shown at once
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


# --- the destination page: Group and Import for ------------------------------------------------------


def _people(data_dir_path) -> None:
    """bob owns the read-only group lab, carol is a member of it; dave is in no group but the default.
    alice (the administrator) is in lab too, so she chooses between two groups."""
    with _signed_in(data_dir_path) as session:
        for name in ("bob", "carol", "dave"):
            session.add_account(name, "s3cret!")
        session.create_group("lab", "read-only")
        session.add_member("lab", "bob", owner=True)
        session.add_member("lab", "carol")
        session.add_member("lab", "alice")


def _to_destination(qtbot, wizard, tmp_path, name="alice", password=PASSWORD):
    from gui.wizard import PageId
    from tests.gui.conftest import click_next

    source = tmp_path / f"src-{name}"
    source.mkdir()
    (source / "cells.tif").write_bytes(b"cells" * 100)
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: wizard.state.data_dir is not None, timeout=10000)
    page.name.setText(name)
    page.password.setText(password)
    page.submit()
    qtbot.waitUntil(page.isComplete, timeout=10000)
    click_next(qtbot, wizard)
    wizard.currentPage().add_paths([str(source)])
    click_next(qtbot, wizard)
    assert wizard.currentId() == PageId.DESTINATION
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: page.import_for.count() > 0 and page.project.count() >= 2, timeout=10000)
    return page


def test_a_personal_data_dir_shows_neither_group_nor_import_for(qtbot, wizard, tmp_path):
    page = _to_destination(qtbot, wizard, tmp_path)
    assert not page.group.isVisible() and not page.group_label.isVisible()
    assert not page.import_for.isVisible() and not page.import_for_label.isVisible()
    assert page.validatePage()
    assert wizard.state.import_for is None and wizard.state.group == "default"
    assert wizard.state.options().sudo is None


def test_an_administrator_chooses_the_group_and_whom_to_import_for(qtbot, wizard, data_dir_path, tmp_path):
    _people(data_dir_path)
    page = _to_destination(qtbot, wizard, tmp_path)
    assert page.group.isVisible() and page.import_for.isVisible()
    assert [page.group.itemData(i) for i in range(page.group.count())] == ["default", "lab"]
    assert page.group.currentData() == "default"  # her default group, preselected
    people = [page.import_for.itemText(i) for i in range(page.import_for.count())]
    assert people == ["myself (alice)", "bob", "carol", "dave"]
    assert page.import_for.currentData() is None and "belong to" not in page.note.text()
    page.import_for.setCurrentIndex(page.import_for.findData("dave"))
    assert not page.group.isVisible()  # dave is only in the default group: nothing to choose
    assert "belong to dave" in page.note.text()
    page.import_for.setCurrentIndex(page.import_for.findData("carol"))
    assert [page.group.itemData(i) for i in range(page.group.count())] == ["default", "lab"]
    page.group.setCurrentIndex(page.group.findData("lab"))
    assert page.validatePage()
    options = wizard.state.options()
    assert (options.group, options.sudo) == ("lab", "carol")


def test_a_group_owner_imports_only_for_members_of_the_groups_it_owns(qtbot, wizard, data_dir_path, tmp_path):
    _people(data_dir_path)
    page = _to_destination(qtbot, wizard, tmp_path, "bob", "s3cret!")
    people = [page.import_for.itemData(i) for i in range(page.import_for.count())]
    assert people == [None, "alice", "carol"]  # lab's members; not dave, who is in no group bob owns
    assert page.group.isVisible() and page.group.currentData() == "default"  # bob's own two groups
    page.import_for.setCurrentIndex(page.import_for.findData("carol"))
    assert not page.group.isVisible()  # for carol, bob may import only into lab
    assert page.validatePage()
    assert (wizard.state.group, wizard.state.import_for) == ("lab", "carol")
    assert wizard.state.options().sudo == "carol"  # the engine agrees: no refusal


def test_a_plain_member_sees_no_import_for(qtbot, wizard, data_dir_path, tmp_path):
    _people(data_dir_path)
    page = _to_destination(qtbot, wizard, tmp_path, "carol", "s3cret!")
    assert not page.import_for.isVisible()
    assert page.group.isVisible() and page.group.currentData() == "default"


def test_an_import_for_someone_else_belongs_to_them_and_records_who_ran_it(qtbot, wizard, data_dir_path, tmp_path):
    from engine.api import Target
    from engine.containers import resolve_target
    from gui.wizard import PageId
    from tests.gui.conftest import click_next, responsibilities_shown, tick_all

    _people(data_dir_path)
    with _signed_in(data_dir_path, "bob", "s3cret!") as bob:  # bob's own dataset, which carol may not use
        resolve_target(bob.data_dir, Target(dataset_name="Plate 1", project_name="Screens"), bob.account.id)
    page = _to_destination(qtbot, wizard, tmp_path, "bob", "s3cret!")
    page.import_for.setCurrentIndex(page.import_for.findData("carol"))
    projects = [page.project.itemText(i) for i in range(page.project.count())]
    assert projects == ["(no project)", "New…"]  # not bob's Screens: the filesets go into carol's
    assert "Type the names of carol's project and dataset" in page.note.text()
    page.dataset.lineEdit().setText("Plate 1")
    assert page.target() == Target(dataset_name="Plate 1", project_name=None)
    click_next(qtbot, wizard)
    transfer = wizard.currentPage()
    qtbot.waitUntil(lambda: wizard.state.checks is not None and not transfer.checking, timeout=15000)
    assert not transfer.setup_note.isVisible()  # a personal data dir: nothing about a shared set-up
    click_next(qtbot, wizard)
    resp = responsibilities_shown(qtbot, wizard)
    assert "importing for carol" in resp.status.text() and "you (bob) accept" in resp.status.text()
    tick_all(qtbot, wizard)
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentPage().isComplete(), timeout=30000)
    click_next(qtbot, wizard)
    assert wizard.currentId() == PageId.RESULTS
    summary = wizard.currentPage().summary.text()
    assert "They belong to carol; the job records that you (bob) imported them." in summary
    with _signed_in(data_dir_path, "carol", "s3cret!") as carol:
        job = carol.jobs(limit=1)[0]
        assert (job["account"], job["run_by"], job["group"]) == ("carol", "bob", "lab")
        assert [f["name"] for f in carol.filesets()] == ["cells.tif"]  # hers
        assert [c["dataset"] for c in carol.containers()] == ["Plate 1"]  # made for her
    with _signed_in(data_dir_path, "dave", "s3cret!") as dave:
        assert dave.filesets() == []  # not in lab: does not see it


# --- the transfer page: a shared data dir's set-up --------------------------------------------------


def test_a_shared_data_dir_set_up_wrongly_is_reported_with_the_fix_without_blocking(
    qtbot, wizard, data_dir_path, tmp_path
):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWizard

    from tests.gui.conftest import click_next

    data_dir_path.chmod(0o2770)  # meant for a group (setgid), but its folders were left as they were
    _to_destination(qtbot, wizard, tmp_path)
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: wizard.state.checks is not None and not page.checking, timeout=15000)
    note = page.setup_note.text()
    assert page.setup_note.isVisible() and _shown_as_problem(page.setup_note)
    assert "not set up so that every member can import" in note
    assert not page.setup_details.isVisible() and page.setup_toggle.text() == "Show the 5 problems"
    qtbot.mouseClick(page.setup_toggle, Qt.MouseButton.LeftButton)
    problems = page.setup_details.text()
    assert page.setup_details.isVisible() and page.setup_toggle.text() == "Hide the problems"
    for problem in (f"{data_dir_path / 'logs'} has mode 07", "lock out the next", "catalog.sqlite has mode 0600"):
        assert problem in problems  # every problem, not only the first
    assert f"inplace --data-dir {data_dir_path} admin setup-group" in note and "--apply" in note
    assert "your own import can go ahead" in note
    assert page.isComplete()  # a warning: this import is not blocked
    with _signed_in(data_dir_path) as session:
        fixed = session.apply_server_setup(session.server_setup().group)
    assert fixed.ok
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.BackButton), Qt.MouseButton.LeftButton)
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.state.checks is not None and not page.checking, timeout=15000)
    assert not page.setup_note.isVisible() and not page.setup_details.isVisible()
    assert not page.setup_toggle.isVisible()


# --- the tools panel: the window is offered to administrators only ----------------------------------


def test_the_tools_panel_offers_accounts_and_groups_to_administrators_only(qtbot, wizard, data_dir_path, tmp_path):
    from gui.admin_window import AdminWindow

    _people(data_dir_path)
    _to_destination(qtbot, wizard, tmp_path)  # alice, an administrator
    button = wizard.tools.tools["accounts_groups"].button
    assert button.isVisible() and button.isEnabled() and button.text() == "Accounts and groups…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    window = wizard.tools.tools["accounts_groups"].window
    assert isinstance(window, AdminWindow) and window.isVisible()
    qtbot.waitUntil(lambda: not window.busy and len(window.accounts) == 4, timeout=10000)
    window.close()


def test_a_member_is_not_offered_accounts_and_groups(qtbot, wizard, data_dir_path, tmp_path):
    _people(data_dir_path)
    _to_destination(qtbot, wizard, tmp_path, "bob", "s3cret!")  # owns a group, but is no administrator
    assert not wizard.tools.tools["accounts_groups"].button.isVisible()
    assert wizard.tools.open("accounts_groups") is None


def test_every_control_of_the_window_has_an_object_name_and_accessible_name(qtbot, admin_window):
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QListWidget, QTabBar, QTableWidget

    kinds = (QAbstractButton, QComboBox, QLineEdit, QListWidget, QTableWidget)
    controls = [c for kind in kinds for c in admin_window.findChildren(kind)]
    controls = [
        c
        for c in controls
        if not c.objectName().startswith("qt_")
        and not isinstance(c.parent(), QComboBox | QTabBar)  # a list's own text field, the tabs' arrows
        and not c.parent().objectName().startswith("qt_")  # a table's corner button
    ]
    assert len(controls) > 15
    for control in controls:
        assert control.objectName() and control.accessibleName(), control
