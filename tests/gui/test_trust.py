"""Issue 9's operations and issue 10's "never lose work, say what happened": real failures, real
scans, real imports, offscreen."""

import csv
import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from engine.states import FileState
from gui.wizard import PageId
from tests.gui.conftest import (
    accept_and_import,
    click_next,
    responsibilities_shown,
    sign_in,
    walk_to_transfer,
)


def _two_filesets(root):
    root.mkdir()
    for name in ("a", "b"):
        (root / name).mkdir()
        (root / name / "same.tif").write_bytes(name.encode() * 10)
    return root


def test_failed_checks_say_why_and_can_be_run_again(qtbot, wizard, data_dir, tmp_path):
    """The repository folder vanishes after sign-in: prepare fails for real; the page must not hang."""
    src = _two_filesets(tmp_path / "src")
    sign_in(qtbot, wizard)
    click_next(qtbot, wizard)
    wizard.currentPage().add_paths([str(src)])
    click_next(qtbot, wizard)
    moved = data_dir.repository.with_name("moved-away")
    os.rename(data_dir.repository, moved)
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: not page.checking, timeout=15000)
    assert "could not run" in page.status.text() and page.check_again.isVisible()
    assert not page.isComplete()
    os.rename(moved, data_dir.repository)
    qtbot.mouseClick(page.check_again, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.checking and page.isComplete(), timeout=15000)
    assert not page.check_again.isVisible() and page.choices.count() > 0


def test_plugins_are_not_loaded_before_the_transfer_page_and_one_runner_is_shared(wizard):
    assert wizard.page(PageId.TRANSFER).transfers == []
    assert wizard.import_page.runner is wizard.runner is wizard.page(PageId.RESULTS).runner


def test_a_superseded_scan_is_cancelled_and_a_scan_can_be_stopped(qtbot, wizard, tmp_path):
    src = _two_filesets(tmp_path / "src")
    other = _two_filesets(tmp_path / "other")
    sign_in(qtbot, wizard)
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    page.add_paths([str(src)])
    page._debounce.stop()
    page._start_scan()
    first = page._scan_op
    page.add_paths([str(other)])  # the selection changed: the running scan is told to stop
    assert first.abandoned and first.cancel_token.cancelled
    qtbot.waitUntil(lambda: not first.running, timeout=10000)
    qtbot.waitUntil(page.isComplete, timeout=10000)
    assert len(wizard.state.plan.filesets) == 4
    page.add_paths([str(tmp_path)])
    page._debounce.stop()
    page._start_scan()
    assert page.scan_button.isVisible() and page.scan_button.text() == "Stop looking"
    qtbot.mouseClick(page.scan_button, Qt.MouseButton.LeftButton)
    assert not page.scanning and not page.isComplete() and "Stopped" in page.summary.text()
    assert page.scan_button.text() == "Look again"
    qtbot.mouseClick(page.scan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.isComplete, timeout=10000)


def test_a_fileset_can_be_left_out_and_imported_ones_are_marked(qtbot, make_wizard, data_dir, no_keyring, tmp_path):
    from gui.fileset_table import BEFORE, FOLDER, KIND

    src = _two_filesets(tmp_path / "src")
    wizard = make_wizard()
    walk_to_transfer(qtbot, wizard, [src])
    wizard.back()
    wizard.back()
    data = wizard.currentPage()
    table = data.filesets
    assert {table.item(r, FOLDER).text() for r in range(2)} == {str(src / "a"), str(src / "b")}
    assert table.item(0, KIND).text()
    left = table.item(1, FOLDER).text()
    table.set_included(1, False)
    assert len(wizard.state.plan.filesets) == 1 and "You left out 1 fileset" in data.summary.text()
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    wizard.currentPage().select("upload")
    accept_and_import(qtbot, wizard)
    click_next(qtbot, wizard)
    assert [os.path.dirname(o.source) for o in wizard.state.report.files] == [str(src / "a")] != [left]

    again = make_wizard()
    sign_in(qtbot, again)
    click_next(qtbot, again)
    again.currentPage().add_paths([str(src)])
    qtbot.waitUntil(again.currentPage().isComplete, timeout=10000)
    table = again.currentPage().filesets
    marks = {table.item(r, FOLDER).text(): table.item(r, BEFORE).text() for r in range(2)}
    assert marks == {str(src / "a"): "yes", str(src / "b"): ""}


def test_each_warning_has_its_own_tick_and_exactly_the_ticks_are_recorded(qtbot, wizard, data_dir, tmp_path):
    src = _two_filesets(tmp_path / "src")
    policy = f'[policy]\ntemporary_paths = ["{src}"]\ntemporary_storage = "warning"\n'
    (data_dir.root / "settings.toml").write_text(policy)  # a scratch disk, where ln_s is allowed with a warning
    walk_to_transfer(qtbot, wizard, [src]).select("ln_s")
    click_next(qtbot, wizard)
    page = responsibilities_shown(qtbot, wizard)
    codes = [w.code for w in page.prepared.warnings]
    assert "temporary-storage" in codes
    assert "statement_permanent-storage" not in [b.objectName() for b in page.boxes]  # contradicted: not asked
    assert [b.objectName() for b in page.warning_boxes.values()] == [f"warning_{c}" for c in codes]
    for box in page.boxes[:-1]:
        box.setChecked(True)
    assert not page.isComplete()
    page.boxes[-1].setChecked(True)
    assert page.isComplete()
    statements, warnings = page.ticked()
    assert statements == [s.id for s in page.prepared.statements] and warnings == codes
    click_next(qtbot, wizard)
    recorded = [s.id for s in wizard.state.acknowledgement.statements]
    expected = page.prepared.acknowledge(statements=statements, warnings=warnings).statements
    assert recorded == [s.id for s in expected] and len(recorded) == len(statements) + len(warnings)


def test_escape_asks_before_losing_a_selection(qtbot, wizard, tmp_path):
    src = _two_filesets(tmp_path / "src")
    sign_in(qtbot, wizard)
    click_next(qtbot, wizard)
    wizard.currentPage().add_paths([str(src)])
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    box = wizard.findChild(QMessageBox, "confirm_close")
    assert box is not None and box.isVisible() and wizard.isVisible()
    box.button(QMessageBox.StandardButton.No).click()
    assert wizard.isVisible() and wizard.state.paths == [str(src)]
    wizard.close()  # the window's close button
    box = wizard._confirm
    assert box.isVisible() and wizard.isVisible()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=5000)


def test_enter_on_the_first_run_signs_in_and_never_closes_the_wizard(qtbot, make_wizard, tmp_path, no_keyring):
    w = make_wizard(tmp_path / "fresh")
    page = w.currentPage()
    qtbot.waitUntil(lambda: page.first_run, timeout=5000)
    for field, text in ((page.name, "newcomer"), (page.password, "s3cret!x"), (page.password_again, "s3cret!x")):
        qtbot.keyClicks(field, text)
        qtbot.keyClick(field, Qt.Key.Key_Return)
        assert w.isVisible() and w.currentId() == PageId.SIGN_IN
    qtbot.waitUntil(page.isComplete, timeout=10000)
    qtbot.wait(50)
    assert w.isVisible() and w.currentId() == PageId.SIGN_IN and w.result() == 0
    qtbot.keyClick(page.password_again, Qt.Key.Key_Return)  # signed in: now Enter means Next
    assert w.currentId() == PageId.DATA and w.isVisible()


def test_the_end_states_read_correctly(qtbot, wizard, tmp_path):
    """A failed file: the bars and counts say what was imported; the results say "1 error", the
    error is copyable, the log can be closed, the CSV's seconds are plain decimals."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.tif").write_bytes(b"good")
    (src / "flaky.tif").write_bytes(b"flaky")
    wizard.page(PageId.TRANSFER).extra_specs.append("tests.plugins.flaky_transfer:FlakyCopy")
    walk_to_transfer(qtbot, wizard, [src]).select("flaky_cp")
    accept_and_import(qtbot, wizard)
    importing = wizard.currentPage()
    qtbot.waitUntil(lambda: importing.done, timeout=20000)
    assert importing.files_bar.value() == 1 and importing.files_bar.maximum() == 2
    assert importing.counts.text().startswith("1 of 2 files imported")
    assert importing.rate.text() == "" and "background" not in importing.subTitle()
    click_next(qtbot, wizard)
    results = wizard.currentPage()
    assert results.summary.text().startswith("1 file imported, 1 error.")
    assert results.copy_error.isEnabled()
    qtbot.mouseClick(results.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not results.failed_sources() and not results.runner.running, timeout=20000)
    assert results.summary.text().startswith("After the retry: 2 files imported, 0 errors.")
    assert not results.copy_error.isEnabled()
    results.show_log()
    qtbot.waitUntil(lambda: results._dialog is not None and results._dialog.isVisible(), timeout=5000)
    results._dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close).click()
    assert not results._dialog.isVisible()
    path = tmp_path / "out" / "r.csv"
    path.parent.mkdir()
    results.export_to(str(path))
    qtbot.waitUntil(lambda: "Saved" in results.status.text(), timeout=5000)
    rows = list(csv.DictReader(path.read_text().splitlines()))
    assert all("e" not in r["seconds"] and "." in r["seconds"] for r in rows)
    assert results._export_dir == str(path.parent)
    assert {o.state for o in results.model.outcomes} == {FileState.DONE}
