"""When the data dir's policy refuses temporary storage, the transfer page names the setting that
decides it, and an administrator can change it there; the checks follow at once."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from engine.accounts import authenticate, create_account
from gui.wizard import PageId
from tests.conftest import PASSWORD
from tests.gui.conftest import click_next, walk_to_transfer


def _temporary_here(data_dir, tmp_path):
    (data_dir.root / "settings.toml").write_text(f'[policy]\ntemporary_paths = ["{tmp_path}"]\n# kept\n')
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.tif").write_bytes(b"a")
    return tmp_path / "src"


def test_an_administrator_is_told_the_setting_and_can_change_it(qtbot, wizard, data_dir, tmp_path):
    src = _temporary_here(data_dir, tmp_path)
    page = walk_to_transfer(qtbot, wizard, [src])
    page.select("upload")
    assert not page.policy_note.isVisible()  # only where the policy decides
    page.select("ln_s")
    assert not page.isComplete()
    assert page.policy_note.isVisible() and page.change_policy.isVisible()
    note = page.policy_note.text()
    assert "temporary_storage" in note and "[policy]" in note and str(data_dir.root / "settings.toml") in note
    assert str(tmp_path) in note and "refuse" in note
    qtbot.mouseClick(page.change_policy, Qt.MouseButton.LeftButton)
    dialog = page._policy_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    assert dialog.level.currentData() == "error" and dialog.paths.toPlainText() == str(tmp_path)
    dialog.level.setCurrentIndex(dialog.level.findData("warning"))
    save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "rules were changed" in page.status.text(), timeout=10000)
    assert page.isComplete()  # ln_s may run now, with a warning to accept: no restart
    assert page.policy.temporary_storage == "warning" and "warn about" in page.policy_note.text()
    text = (data_dir.root / "settings.toml").read_text()
    assert 'temporary_storage = "warning"' in text and "# kept" in text
    click_next(qtbot, wizard)
    assert wizard.currentId() == PageId.RESPONSIBILITIES


def test_someone_else_is_told_who_can_change_it(qtbot, make_wizard, data_dir, no_keyring, tmp_path):
    create_account(data_dir, "bob", PASSWORD, by=authenticate(data_dir, "alice", PASSWORD))
    src = _temporary_here(data_dir, tmp_path)
    wizard = make_wizard()
    signin = wizard.currentPage()
    qtbot.waitUntil(lambda: wizard.state.data_dir is not None, timeout=5000)
    signin.name.setText("bob")
    signin.password.setText(PASSWORD)
    signin.submit()
    qtbot.waitUntil(signin.isComplete, timeout=10000)
    click_next(qtbot, wizard)
    wizard.currentPage().add_paths([str(src)])
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: wizard.state.checks is not None and not page.checking, timeout=15000)
    page.select("ln_s")
    assert page.policy_note.isVisible() and "Only an administrator" in page.policy_note.text()
    assert not page.change_policy.isVisible()
