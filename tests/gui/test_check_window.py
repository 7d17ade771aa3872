"""The tools panel and the "Check imported data" window, offscreen, on a real data dir whose real
originals are moved, renamed, changed and replaced after an import."""

from __future__ import annotations

import os
import shutil

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from gui import check_texts as texts
from gui.check_window import CHECKED, HEALTH, NAME, OWNER
from tests.conftest import PASSWORD
from tests.engine.processes import catalog_rows
from tests.gui.conftest import sign_in


def test_the_tools_panel_is_enabled_once_signed_in_and_opens_one_window(qtbot, wizard):
    button = wizard.tools.tools["check_data"].button
    assert button.isVisible() and not button.isEnabled()
    sign_in(qtbot, wizard)
    qtbot.waitUntil(button.isEnabled, timeout=5000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    window = wizard.tools.tools["check_data"].window
    assert window is not None and window.isVisible() and window.isWindow()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert wizard.tools.tools["check_data"].window is window  # pressed again: the same window, in front
    wizard.page(10)._forget_account()  # signing out closes it
    qtbot.waitUntil(lambda: wizard.tools.tools["check_data"].window is None, timeout=5000)
    assert not button.isEnabled()


def import_ln_s(data_dir, src):
    """An ln_s import of `src` through the engine's public face, as another front end would."""
    from engine.api import DataDirectory

    with DataDirectory.open(data_dir.root) as dd:
        session = dd.sign_in("alice", PASSWORD)
        prepared = session.prepare([str(src)], session.options(transfer="ln_s"))
        report = prepared.run(prepared.acknowledge())
    assert report.exit_code == 0


def make_tree(root):
    files = {}
    for name in ("a/one.tif", "a/two.tif", "b/three.tif", "four.tif", "five.tif"):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(3000))
        files[name] = path
    return files


def open_check_window(qtbot, wizard):
    sign_in(qtbot, wizard)
    button = wizard.tools.tools["check_data"].button
    qtbot.waitUntil(button.isEnabled, timeout=5000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    window = wizard.tools.tools["check_data"].window
    qtbot.waitUntil(lambda: window.table.rowCount() > 0, timeout=10000)
    return window


def column(window, col):
    return [window.table.item(r, col).text() for r in range(window.table.rowCount())]


def check_and_wait(qtbot, window, selected=False):
    qtbot.mouseClick(window.check_selected_button if selected else window.check_button, Qt.MouseButton.LeftButton)
    assert window.checking is not None and not window.check_button.isEnabled()
    qtbot.waitUntil(lambda: window.checking is None, timeout=20000)
    qtbot.waitUntil(lambda: window.check_button.isEnabled(), timeout=10000)


def link_target(data_dir, name):
    (rel,) = [r for (r,) in catalog_rows(data_dir, "SELECT repo_path FROM fileset_entries") if r.endswith(name)]
    return os.readlink(data_dir.repository / rel)


def test_a_check_finds_moved_changed_and_replaced_files_and_says_what_to_do(qtbot, wizard, data_dir, tmp_path):
    src = tmp_path / "src"
    files = make_tree(src)
    import_ln_s(data_dir, src)
    window = open_check_window(qtbot, wizard)
    assert set(column(window, HEALTH)) == {"not checked yet"} and set(column(window, CHECKED)) == {"not yet"}

    (tmp_path / "moved").mkdir()
    os.rename(src / "a", tmp_path / "moved/a")  # a folder moved: two files missing
    with open(files["four.tif"], "ab") as f:  # an edit in place: changed
        f.write(b"more")
    st = files["b/three.tif"].stat()
    other = tmp_path / "other.tif"  # another file of the same size and time put in its place: replaced
    other.write_bytes(os.urandom(st.st_size))
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(other, files["b/three.tif"])

    check_and_wait(qtbot, window)
    assert "5 files" in window.status.text() and "4 files need attention" in window.status.text()
    assert set(window.problems.groups) == {"missing", "changed", "replaced"}
    missing = window.findChild(QLabel, "problem_missing_examples").text()
    assert str(src / "a/one.tif") in missing and str(src / "a/two.tif") in missing
    assert "Relink" in window.findChild(QLabel, "problem_missing_todo").text()
    assert str(files["four.tif"]) in window.findChild(QLabel, "problem_changed_examples").text()
    assert str(files["b/three.tif"]) in window.findChild(QLabel, "problem_replaced_examples").text()
    qtbot.waitUntil(lambda: any("missing" in h for h in column(window, HEALTH)), timeout=5000)  # reloaded
    assert "✓ ok" in column(window, HEALTH)
    assert all(c.startswith("today ") for c in column(window, CHECKED))

    # Relink the moved folder: the old place is offered, a preview first changes nothing, then apply.
    qtbot.mouseClick(window.relink_button, Qt.MouseButton.LeftButton)
    dialog = window.relink_dialog
    assert dialog.old_place.text() == str(src / "a") and not dialog.apply_button.isEnabled()
    dialog.new_place.setText(str(tmp_path / "moved/a"))
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    assert dialog.results.topLevelItem(0).text(0).startswith("Will be relinked (2)")
    assert "Nothing has been changed" in dialog.status.text()
    assert link_target(data_dir, "one.tif") == str(src / "a/one.tif")  # a preview changes nothing
    qtbot.waitUntil(dialog.apply_button.isEnabled, timeout=5000)
    assert dialog.apply_button.text() == "Relink 2 files"
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: dialog.results.topLevelItem(0) is not None and "Relinked" in dialog.status.text(), timeout=10000
    )
    assert link_target(data_dir, "one.tif") == str(tmp_path / "moved/a/one.tif")
    # The window checks again by itself: only the changed and replaced files are left.
    qtbot.waitUntil(
        lambda: window.checking is None and set(window.problems.groups) == {"changed", "replaced"}, timeout=20000
    )


def test_a_search_preview_shows_ambiguous_matches_and_offers_nothing_to_apply(qtbot, wizard, data_dir, tmp_path):
    src = tmp_path / "src"
    files = make_tree(src)
    import_ln_s(data_dir, src)
    found = tmp_path / "found"
    (found / "x").mkdir(parents=True)
    shutil.copy2(files["five.tif"], found / "five.tif")  # two equal candidates: ambiguous
    shutil.move(files["five.tif"], found / "x/five.tif")
    window = open_check_window(qtbot, wizard)
    check_and_wait(qtbot, window)
    assert set(window.problems.groups) == {"missing"}
    dialog = window.open_relink()
    dialog.search.setChecked(True)
    assert not dialog.old_place.isEnabled() and dialog.search_place.isEnabled()
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    assert "Choose a folder" in dialog.status.text()
    dialog.search_place.setText(str(found))
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    assert dialog.results.topLevelItem(0).text(0).startswith("Ambiguous, left as they are (1)")
    assert "1 are ambiguous" in dialog.status.text() and not dialog.apply_button.isEnabled()
    assert link_target(data_dir, "five.tif") == str(files["five.tif"])


def test_a_full_check_of_selected_filesets_shows_bytes_and_accepts_a_restored_file(qtbot, wizard, data_dir, tmp_path):
    src = tmp_path / "src"
    files = make_tree(src)
    import_ln_s(data_dir, src)
    backup = tmp_path / "backup.tif"
    shutil.copy2(files["four.tif"], backup)
    with open(files["four.tif"], "r+b") as f:
        f.write(b"X")  # same size: a quick check sees only the time; a full one the contents
    window = open_check_window(qtbot, wizard)
    row = column(window, NAME).index(next(n for n in column(window, NAME) if n.startswith("four")))
    window.table.selectRow(row)
    window.full_box.setChecked(True)
    check_and_wait(qtbot, window, selected=True)
    assert "Checked 1 file" in window.status.text() and set(window.problems.groups) == {"changed"}
    qtbot.waitUntil(lambda: column(window, HEALTH)[0] == "⚠ changed", timeout=5000)  # problems go first
    row = 0
    assert column(window, NAME)[row].startswith("four") and window.table.selectionModel().isRowSelected(row)
    shutil.copy2(backup, files["four.tif"])  # restored from the backup
    check_and_wait(qtbot, window, selected=True)
    assert "every file is as it was imported" in window.status.text() and not window.problems.groups
    health = lambda: dict(zip(column(window, NAME), column(window, HEALTH), strict=True))  # noqa: E731
    qtbot.waitUntil(lambda: set(health().values()) == {"✓ ok", "not checked yet"}, timeout=5000)
    assert next(h for n, h in health().items() if n.startswith("four")) == "✓ ok"


def test_stop_keeps_what_was_checked_and_the_window_closes_with_the_wizard(qtbot, wizard, data_dir, tmp_path):
    src = tmp_path / "src"
    make_tree(src)
    import_ln_s(data_dir, src)
    window = open_check_window(qtbot, wizard)
    window.start_check()
    window.stop()
    qtbot.waitUntil(lambda: window.checking is None, timeout=10000)
    assert window.status.text() == texts.STOPPED and window.check_button.isEnabled()
    assert catalog_rows(data_dir, "SELECT count(*) FROM fileset_entries WHERE checked_at IS NOT NULL") == [(0,)]
    wizard.reject()
    qtbot.waitUntil(lambda: wizard.tools.tools["check_data"].window is None, timeout=5000)


def test_an_ordinary_account_sees_and_checks_only_its_own_filesets(qtbot, wizard, cli, data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("INPLACE_NEW_PASSWORD", PASSWORD)
    assert cli("admin", "adduser", "bob")[0] == 0
    make_tree(tmp_path / "alice")
    import_ln_s(data_dir, tmp_path / "alice")
    bob = tmp_path / "bob"
    bob.mkdir()
    (bob / "mine.tif").write_bytes(os.urandom(100))
    monkeypatch.setenv("INPLACE_USER", "bob")
    assert cli("import", "--transfer", "ln_s", "--accept-responsibilities", bob)[0] == 0
    (tmp_path / "alice/four.tif").unlink()  # alice's problem is not bob's to see
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: wizard.state.data_dir is not None, timeout=10000)
    page.name.setText("bob")
    page.password.setText(PASSWORD)
    page.submit()
    qtbot.waitUntil(page.isComplete, timeout=10000)
    window = wizard.tools.open("check_data")
    qtbot.waitUntil(lambda: window.table.rowCount() > 0, timeout=10000)
    assert column(window, NAME) == [next(n for n in column(window, NAME) if n.startswith("mine.tif"))]
    assert window.table.isColumnHidden(OWNER) and "yours" in window.findChild(QLabel, "check_intro").text()
    check_and_wait(qtbot, window)
    assert "Checked 1 file" in window.status.text() and not window.problems.groups
