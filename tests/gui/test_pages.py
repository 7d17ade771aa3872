"""Each page's validation, sign-in with and without a keyring, the first run, and start-up checks."""

import os
import subprocess
import sys

from PySide6.QtWidgets import QWidget

from engine.accounts import has_accounts
from engine.datadir import DataDir
from gui.wizard import PageId
from tests.conftest import PASSWORD, REPO, make_tree
from tests.gui.conftest import click_next, responsibilities_shown, sign_in, walk_to_transfer


def test_wrong_password_keeps_next_disabled(qtbot, wizard):
    sign_in(qtbot, wizard, password="wrong")
    page = wizard.currentPage()
    assert not page.isComplete() and "failed" in page.status.text()
    sign_in(qtbot, wizard)
    assert page.isComplete()
    page.password.setText("edited")
    page.password.textEdited.emit("edited")
    assert not page.isComplete()  # changing the password signs out again


def test_without_a_keyring_the_option_is_hidden_with_a_reason(qtbot, wizard):
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: page.keyring_note.text() != "Looking for a password keyring…", timeout=5000)
    assert not page.remember.isVisible()
    assert page.keyring_note.isVisible() and "cannot be remembered" in page.keyring_note.text()


def test_with_a_keyring_the_password_is_remembered_and_offered_next_time(qtbot, make_wizard, data_dir, memory_keyring):
    first = make_wizard()
    page = first.currentPage()
    qtbot.waitUntil(lambda: page.keyring_usable, timeout=5000)
    assert page.remember.isVisible() and not page.keyring_note.isVisible()
    page.remember.setChecked(True)
    sign_in(qtbot, first)
    qtbot.waitUntil(lambda: bool(memory_keyring.store), timeout=5000)
    assert list(memory_keyring.store.values()) == [PASSWORD]
    second = make_wizard()
    page2 = second.currentPage()
    page2.name.setText("alice")
    qtbot.waitUntil(lambda: page2.password.text() == PASSWORD, timeout=5000)
    assert page2.remember.isChecked()


def test_first_run_creates_the_data_dir_and_account(qtbot, make_wizard, tmp_path, no_keyring):
    root = tmp_path / "fresh"
    w = make_wizard(root)
    page = w.currentPage()
    qtbot.waitUntil(lambda: page.first_run and page.create_button.isVisible(), timeout=5000)
    assert "no repository yet" in page.welcome.text()
    assert page.password_rules.isVisible() and "at least 4 characters" in page.password_rules.text()
    assert page.name.text() == ""  # never the system's user name
    page.name.setText("newcomer")
    page.password.setText("abc")
    page.password_again.setText("abc")
    page.submit()
    qtbot.waitUntil(lambda: "too short" in page.status.text(), timeout=10000)  # the rule shown is the engine's
    page.password.setText("s3cret!")
    page.password_again.setText("typo")
    page.submit()
    assert "differ" in page.status.text() and not page.isComplete()
    page.password_again.setText("s3cret!")
    page.submit()
    qtbot.waitUntil(page.isComplete, timeout=10000)
    assert has_accounts(DataDir(root))


def test_a_sign_in_error_is_shown_as_an_error(qtbot, wizard):
    sign_in(qtbot, wizard, password="wrong")
    status = wizard.currentPage().status
    assert status.text().startswith("⚠") and "color" in status.styleSheet()
    assert status.accessibleDescription().startswith("Problem:")
    assert not wizard.currentPage().password_rules.isVisible()  # the rules are for a new password only
    sign_in(qtbot, wizard)
    assert not status.text().startswith("⚠") and status.styleSheet() == ""


def test_the_account_last_used_on_this_data_dir_is_offered(qtbot, make_wizard, data_dir, no_keyring, monkeypatch):
    import json

    from gui.last_account import state_file

    monkeypatch.delenv("INPLACE_USER")
    monkeypatch.setattr("getpass.getuser", lambda: "root")
    first = make_wizard()
    page = first.currentPage()
    qtbot.waitUntil(lambda: first.state.data_dir is not None, timeout=5000)
    assert page.name.text() == "" and page.name.hasFocus()  # never the system's user name
    sign_in(qtbot, first)
    qtbot.waitUntil(state_file().exists, timeout=5000)
    assert json.loads(state_file().read_text()) == {str(data_dir.root): "alice"}  # a name, never a password
    assert PASSWORD not in state_file().read_text()
    second = make_wizard()
    page2 = second.currentPage()
    qtbot.waitUntil(lambda: second.state.data_dir is not None, timeout=5000)
    assert page2.name.text() == "alice" and page2.password.hasFocus()
    state_file().write_text("{not json")  # a broken file is ignored, not an error
    third = make_wizard()
    qtbot.waitUntil(lambda: third.state.data_dir is not None, timeout=5000)
    assert third.currentPage().name.text() == ""


def test_data_page_needs_something_to_import(qtbot, wizard, tmp_path):
    sign_in(qtbot, wizard)
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    assert not page.isComplete()
    empty = tmp_path / "empty"
    empty.mkdir()
    page.add_paths([str(empty)])
    qtbot.waitUntil(lambda: not page.scanning, timeout=5000)
    assert not page.isComplete()  # a folder with nothing importable
    os.mkfifo(empty / "pipe")
    (empty / "img.tif").write_bytes(b"x")
    page.add_paths([str(empty / "img.tif")])
    qtbot.waitUntil(page.isComplete, timeout=5000)
    page.selection.setCurrentRow(1)
    page.remove.click()
    assert wizard.state.paths == [str(empty)]
    qtbot.waitUntil(page.isComplete, timeout=5000)
    assert page.skipped.isVisible() and "named pipe" in page.skipped.toPlainText()


def test_destination_page_validates_new_names_and_builds_the_target(qtbot, wizard, tmp_path):
    from gui.wizard.destination_page import NEW

    (tmp_path / "a.tif").write_bytes(b"a")
    sign_in(qtbot, wizard)
    click_next(qtbot, wizard)
    wizard.currentPage().add_paths([str(tmp_path / "a.tif")])
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: page.project.count() >= 2, timeout=5000)
    assert page.isComplete() and page.target() is None
    assert not page.why_not.isVisible()
    page.project.setCurrentIndex(page.project.findData(NEW))
    assert not page.isComplete()
    assert page.new_project_label.isVisible() and page.new_project_label.text().startswith("Name of the new project")
    assert page.why_not.isVisible() and "choose a project" in page.why_not.text()
    page.new_project.setText("Screen")
    page.dataset.setCurrentIndex(page.dataset.findData(NEW))
    assert not page.isComplete()
    page.new_dataset.setText("Plate 1")
    page.name_custom.setChecked(True)
    assert not page.isComplete()
    assert "type the name for the filesets" in page.why_not.text()
    assert page.why_not.accessibleDescription().startswith("Problem:")
    page.custom_name.setText("run 7")
    assert page.isComplete()
    click_next(qtbot, wizard)
    assert wizard.state.target.project_name == "Screen" and wizard.state.target.dataset_name == "Plate 1"
    assert wizard.state.fileset_name == "run 7"


def test_project_and_dataset_can_be_typed_chosen_or_named_new(qtbot, make_wizard, data_dir, no_keyring, tmp_path):
    from PySide6.QtCore import Qt

    from engine.api import Target
    from engine.containers import resolve_target

    (tmp_path / "a.tif").write_bytes(b"a")
    wizard = make_wizard()
    sign_in(qtbot, wizard)
    session = wizard.state.session
    resolve_target(session.data_dir, Target(project_name="Screens", dataset_name="Plate 1"), session.account.id)
    click_next(qtbot, wizard)
    wizard.currentPage().add_paths([str(tmp_path / "a.tif")])
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: page.project.findText("Screens") >= 0, timeout=5000)
    assert page.project.isEditable() and page.dataset.isEditable()
    page.project.setFocus()
    page.project.lineEdit().selectAll()
    qtbot.keyClicks(page.project.lineEdit(), "screens")  # an existing one, whatever the case
    assert page.dataset.findText("Plate 1") < 0 and not page.isComplete()  # the form follows when...
    qtbot.keyClick(page.project.lineEdit(), Qt.Key.Key_Tab)  # ...the field is left
    assert page.dataset.findText("Plate 1") >= 0 and page.dataset.currentText() == "Plate 1"
    assert page.isComplete() and page.target().dataset_id is not None and page.note.text() == ""
    page.dataset.setFocus()
    page.dataset.lineEdit().selectAll()
    qtbot.keyClicks(page.dataset.lineEdit(), "Plate 2")  # a new one
    assert page.target() == Target(dataset_name="Plate 2", project_name="Screens")
    qtbot.keyClick(page.dataset.lineEdit(), Qt.Key.Key_Tab)
    assert "new dataset “Plate 2”" in page.note.text()
    page.project.setFocus()
    page.project.lineEdit().selectAll()
    qtbot.keyClicks(page.project.lineEdit(), "Time lapse")
    assert page.dataset.currentText() == "Plate 2"  # the new dataset's name is kept
    assert page.target() == Target(dataset_name="Plate 2", project_name="Time lapse")
    page.dataset.lineEdit().clear()
    assert not page.isComplete()  # at once; why, once typing stops
    qtbot.waitUntil(page.why_not.isVisible, timeout=3000)
    assert "choose a dataset" in page.why_not.text()
    completer = page.project.completer()
    completer.setCompletionPrefix("cree")
    assert completer.currentCompletion() == "Screens"  # completes from anywhere in the name


def test_responsibilities_page_needs_every_statement_ticked(qtbot, wizard, tmp_path):
    make_tree(tmp_path / "src")
    walk_to_transfer(qtbot, wizard, [tmp_path / "src"]).select("cp_rm")
    click_next(qtbot, wizard)
    assert wizard.currentId() == PageId.RESPONSIBILITIES
    page = responsibilities_shown(qtbot, wizard)
    labels = " ".join(w.text() for w in page.findChildren(QWidget) if hasattr(w, "text") and isinstance(w.text(), str))
    assert "6 original files" in labels and "bytes) will be deleted" in labels
    for box in page.boxes[:-1]:
        box.setChecked(True)
        assert not page.isComplete()
    page.boxes[-1].setChecked(True)
    assert page.isComplete()


def _inside(widget, kinds) -> bool:
    """Part of another control (a combo box's popup list, a table's corner button)."""
    parent = widget.parent()
    while parent is not None:
        if isinstance(parent, kinds):
            return True
        parent = parent.parent()
    return False


def test_every_control_has_an_object_name_and_accessible_name(qtbot, wizard):
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QAbstractScrollArea, QComboBox, QLineEdit

    controls = (QAbstractButton, QLineEdit, QComboBox, QAbstractScrollArea)
    missing = []
    for page_id in PageId:
        for w in wizard.page(page_id).findChildren(QWidget):
            internal = w.objectName().startswith("qt_") or _inside(w, (QAbstractItemView, QComboBox))
            if isinstance(w, controls) and not internal and not (w.objectName() and w.accessibleName()):
                missing.append((page_id.name, type(w).__name__, w.objectName()))
    assert missing == []


def test_the_whole_flow_works_from_the_keyboard(qtbot, wizard, data_dir, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QFileDialog

    src = tmp_path / "src"
    src.mkdir()
    (src / "k.tif").write_bytes(b"k")
    wizard.activateWindow()
    page = wizard.currentPage()

    def focused():
        return QApplication.focusWidget()

    def press(key, modifier=Qt.KeyboardModifier.NoModifier):
        qtbot.keyClick(focused() or wizard, key, modifier)

    def next_page(page_id):
        qtbot.waitUntil(lambda: wizard.currentPage().isComplete(), timeout=15000)
        press(Qt.Key.Key_Return)  # Next (or Import on the commit page) is the wizard's default button
        qtbot.waitUntil(lambda: wizard.currentId() == page_id and not wizard.page_pending, timeout=10000)

    qtbot.waitUntil(lambda: wizard.state.data_dir is not None, timeout=5000)
    page.name.setFocus()
    qtbot.keyClick(page.name, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(page.name, "alice")
    press(Qt.Key.Key_Tab)
    assert focused() is page.password
    qtbot.keyClicks(page.password, PASSWORD)
    press(Qt.Key.Key_Return)  # signs in
    qtbot.waitUntil(page.isComplete, timeout=10000)
    next_page(PageId.DATA)

    data = wizard.currentPage()
    data.add_folder.setFocus()
    press(Qt.Key.Key_Space)  # opens Qt's own folder dialog (never the platform's), without blocking
    qtbot.waitUntil(lambda: data._dialog is not None and data._dialog.isVisible(), timeout=5000)
    assert data._dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.keyClick(data._dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not data._dialog.isVisible(), timeout=5000)
    data.path_entry.setFocus()
    qtbot.keyClicks(data.path_entry, str(tmp_path / "nowhere"))
    qtbot.keyClick(data.path_entry, Qt.Key.Key_Return)
    assert "does not exist" in data.summary.text() and wizard.state.paths == []
    qtbot.keyClick(data.path_entry, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(data.path_entry, str(src))
    qtbot.keyClick(data.path_entry, Qt.Key.Key_Return)
    assert wizard.state.paths == [str(src)]
    wizard.activateWindow()
    data.selection.setFocus()
    next_page(PageId.DESTINATION)
    next_page(PageId.TRANSFER)

    transfer = wizard.currentPage()
    qtbot.waitUntil(lambda: not transfer.checking and transfer.choices.count() > 0, timeout=10000)
    transfer.choices.setFocus()
    press(Qt.Key.Key_Down)  # upload -> ln_s
    assert wizard.state.transfer == "ln_s"
    next_page(PageId.RESPONSIBILITIES)

    resp = responsibilities_shown(qtbot, wizard)
    assert focused() is resp.boxes[0]
    for i, box in enumerate(resp.boxes):
        if i:
            press(Qt.Key.Key_Tab)
        assert focused() is box
        press(Qt.Key.Key_Space)
    assert resp.isComplete()
    next_page(PageId.IMPORT)
    next_page(PageId.RESULTS)
    assert wizard.state.report.exit_code == 0


def test_no_display_is_a_clear_message_and_a_non_zero_exit():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run(
        [sys.executable, "-m", "gui.app"], capture_output=True, text=True, env=env, cwd=REPO, timeout=60
    )
    assert result.returncode == 2
    assert "no display" in result.stderr and "Traceback" not in result.stderr
    env["DISPLAY"] = ":93"  # nothing listens there
    result = subprocess.run(
        [sys.executable, "-m", "gui.app"], capture_output=True, text=True, env=env, cwd=REPO, timeout=60
    )
    assert result.returncode == 2 and "cannot be reached" in result.stderr


def test_remote_display_settings_are_applied_before_qt_starts(monkeypatch):
    from gui.display import is_remote_display, prepare_environment

    for var in ("QT_XCB_NO_MITSHM", "QT_XCB_GL_INTEGRATION", "SSH_CONNECTION", "SSH_CLIENT"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    assert not is_remote_display()
    monkeypatch.setenv("DISPLAY", "localhost:10.0")
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 5022 10.0.0.1 22")
    assert prepare_environment() is True
    assert os.environ["QT_XCB_NO_MITSHM"] == "1" and os.environ["QT_XCB_GL_INTEGRATION"] == "none"


def test_the_shipped_font_is_loaded_when_the_system_has_none(tmp_path):
    config = tmp_path / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?><fontconfig><cachedir>{tmp_path}/cache</cachedir></fontconfig>')
    code = (
        "from PySide6.QtGui import QFont, QRawFont\n"
        "from gui.app import create_application\n"
        "app = create_application([])\n"
        "print('font=' + QRawFont.fromFont(app.font()).familyName())\n"
    )
    for fonts, expected in ((str(config), "font=DejaVu Sans"), (None, "font=")):
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        if fonts:
            env["FONTCONFIG_FILE"] = fonts
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO, timeout=60
        )
        assert result.returncode == 0, result.stderr
        assert expected in result.stdout


def test_the_steps_are_listed_at_the_side_with_the_current_one_marked(qtbot, wizard):
    from gui.step_list import StepList

    steps = wizard.sideWidget()
    assert isinstance(steps, StepList) and steps.isVisible()
    assert [label.property("state") for label in steps.labels.values()] == ["current"] + ["next"] * 6
    assert steps.labels[PageId.SIGN_IN].accessibleName() == "Step 1 of 7: Sign in, current step"
    assert not wizard.windowIcon().isNull()
    sign_in(qtbot, wizard)
    click_next(qtbot, wizard)
    assert steps.labels[PageId.SIGN_IN].property("state") == "done"
    assert steps.labels[PageId.DATA].property("state") == "current"
    assert steps.labels[PageId.DATA].text().startswith("▸ 2. Data")


def test_the_wizard_fits_a_1024_by_768_screen_on_every_page(qtbot, wizard, tmp_path):
    make_tree(tmp_path / "src")
    frame = 40  # a window manager's title bar and borders
    assert wizard.width() + 10 <= 1024 and wizard.height() + frame <= 768
    assert wizard.minimumWidth() >= 760 and wizard.minimumHeight() >= 520  # never a cramped little box
    sign_in(qtbot, wizard)
    seen = []
    while wizard.currentId() != PageId.RESULTS:
        hint = wizard.minimumSizeHint()
        assert hint.width() <= 1024 and hint.height() + frame <= 768, (wizard.currentId(), hint)
        seen.append(wizard.currentId())
        if wizard.currentId() == PageId.DATA:
            wizard.currentPage().add_paths([str(tmp_path / "src")])
        if wizard.currentId() == PageId.TRANSFER:
            qtbot.waitUntil(lambda: wizard.state.checks is not None, timeout=15000)
            wizard.currentPage().select("ln_s")
        if wizard.currentId() == PageId.RESPONSIBILITIES:
            for box in responsibilities_shown(qtbot, wizard).boxes:
                box.setChecked(True)
        click_next(qtbot, wizard)
    assert len(seen) == 6
