"""The wizard end to end on real files, offscreen: upload and ln_s, refused ln, cancel, retry, export."""

import csv
import json
import os
import re

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QLabel

from engine.states import FileState
from gui.wizard import PageId
from tests.conftest import make_tree
from tests.gui.conftest import accept_and_import, click_next, responsibilities_shown, tick_all, walk_to_transfer


def stored_files(data_dir):
    return sorted(p for p in data_dir.repository.rglob("*") if not p.is_dir() and not p.name.endswith(".log"))


@pytest.mark.parametrize("transfer", ["upload", "ln_s"])
def test_full_flow_puts_the_files_in_the_repository(qtbot, wizard, data_dir, tmp_path, transfer):
    src = tmp_path / "src"
    files = make_tree(src)
    page = walk_to_transfer(qtbot, wizard, [src])
    page.select(transfer)
    assert page.isComplete()
    click_next(qtbot, wizard)
    assert wizard.currentId() == PageId.RESPONSIBILITIES
    resp = responsibilities_shown(qtbot, wizard)
    names = [b.objectName() for b in resp.boxes]
    # ln_s has five statements and the checks' warnings (fresh files, odd names), each its own tick;
    # upload shows the warnings without ticks, as the CLI prints them without asking.
    warnings = [f"warning_{w.code}" for w in resp.prepared.warnings]
    assert warnings
    if transfer == "ln_s":
        assert names[-len(warnings) :] == warnings and len(names) == 5 + len(warnings)
        assert not resp.isComplete()
    else:
        assert names == [] and resp.isComplete()
        assert all(resp.findChild(QLabel, name) for name in warnings)
    tick_all(qtbot, wizard)
    assert resp.isComplete()
    click_next(qtbot, wizard)
    assert wizard.currentId() == PageId.IMPORT
    click_next(qtbot, wizard)
    assert wizard.currentId() == PageId.RESULTS
    results = wizard.currentPage()
    assert results.model.rowCount() == len(files)
    assert {o.state for o in results.model.outcomes} == {FileState.DONE}
    for o in results.model.outcomes:
        stored = data_dir.repository / o.repo_path
        assert stored.read_bytes() == (src / os.path.relpath(o.source, src)).read_bytes()
        assert os.path.islink(stored) == (transfer == "ln_s")
        assert o.checksum and len(o.checksum) == 40
    assert len(stored_files(data_dir)) == len(files)
    assert results.summary.text().startswith(f"{len(files)} files imported, 0 errors.")


def test_ln_across_filesystems_is_refused_on_the_transfer_page_with_its_reason(qtbot, wizard, tmpfs):
    make_tree(tmpfs / "src")
    page = walk_to_transfer(qtbot, wizard, [tmpfs / "src"])
    page.select("ln")
    assert not page.isComplete()
    assert "cannot be used here" in page.choices.currentItem().text()
    details = page.details.toPlainText()
    assert "different filesystem" in details and "ln_s" in details
    page.select("ln_s")
    assert page.isComplete()


def test_cancel_in_the_middle_stops_safely(qtbot, wizard, data_dir, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    block = os.urandom(1 << 20)
    for i in range(300):
        (src / f"f{i:03d}.raw").write_bytes(block + i.to_bytes(4, "little"))
    page = walk_to_transfer(qtbot, wizard, [src])
    page.select("upload")
    accept_and_import(qtbot, wizard)
    importing = wizard.currentPage()
    qtbot.waitUntil(lambda: importing.model.rowCount() > 0, timeout=30000)
    qtbot.mouseClick(importing.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: importing.done, timeout=60000)
    report = wizard.state.report
    assert report.state == "cancelled"
    assert "cancelled" in importing.status.text()
    done = [o for o in report.files if o.state == FileState.DONE]
    assert 0 < len(done) < 300
    assert len(stored_files(data_dir)) == len(done)  # nothing half-done
    assert len(list(src.iterdir())) == 300


def test_retry_of_a_failed_file_and_exports_that_parse_back(qtbot, wizard, data_dir, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.tif").write_bytes(b"good")
    (src / "flaky.tif").write_bytes(b"flaky")
    transfer_page = wizard.page(PageId.TRANSFER)
    transfer_page.extra_specs.append("tests.plugins.flaky_transfer:FlakyCopy")
    page = walk_to_transfer(qtbot, wizard, [src])
    page.select("flaky_cp")
    accept_and_import(qtbot, wizard)
    click_next(qtbot, wizard)
    results = wizard.currentPage()
    assert results.failed_sources() == [str(src / "flaky.tif")]
    results.failed_only.setChecked(True)
    assert results.filter.rowCount() == 1
    assert (
        "Input/output error"
        in results.model.outcomes[
            [o.source for o in results.model.outcomes].index(str(src / "flaky.tif"))
        ].error_message
    )
    results.table.selectRow(0)
    results.copy_selected_error()
    from PySide6.QtWidgets import QApplication

    assert "Input/output error" in QApplication.clipboard().text()

    qtbot.mouseClick(results.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not results.failed_sources() and not results.runner.running, timeout=20000)
    assert results.filter.rowCount() == 0
    results.failed_only.setChecked(False)
    assert {o.state for o in results.model.outcomes} == {FileState.DONE}
    assert len(stored_files(data_dir)) == 2

    for suffix in ("csv", "json"):
        path = tmp_path / f"results.{suffix}"
        results.export_to(str(path))
        qtbot.waitUntil(path.exists, timeout=5000)
        qtbot.waitUntil(lambda: "Saved" in results.status.text(), timeout=5000)
        rows = list(csv.DictReader(path.read_text().splitlines())) if suffix == "csv" else json.loads(path.read_text())
        assert sorted(r["source"] for r in rows) == sorted([str(src / "good.tif"), str(src / "flaky.tif")])
        assert {r["state"] for r in rows} == {"done"}


def test_show_log_opens_the_jobs_log(qtbot, wizard, tmp_path):
    (tmp_path / "a.tif").write_bytes(b"a")
    walk_to_transfer(qtbot, wizard, [tmp_path / "a.tif"]).select("upload")
    accept_and_import(qtbot, wizard)
    click_next(qtbot, wizard)
    results = wizard.currentPage()
    qtbot.mouseClick(results.open_log, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: results._dialog is not None and results._dialog.isVisible(), timeout=5000)
    from PySide6.QtWidgets import QPlainTextEdit

    view = results._dialog.findChild(QPlainTextEdit, "log_text")
    assert re.search(r"\b1 files? transferred", view.toPlainText())  # "1 file" once the engine counts in words
    results._dialog.close()


def test_closing_during_an_import_asks_first(qtbot, wizard, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    src = tmp_path / "src"
    src.mkdir()
    block = os.urandom(1 << 20)
    for i in range(200):
        (src / f"f{i:03d}.raw").write_bytes(block + i.to_bytes(4, "little"))
    walk_to_transfer(qtbot, wizard, [src]).select("upload")
    accept_and_import(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.import_page.running, timeout=5000)
    wizard.reject()
    box = wizard.findChild(QMessageBox, "confirm_close")
    assert box is not None and box.isVisible() and wizard.isVisible()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=60000)
    assert wizard.state.report.state == "cancelled"


def test_drag_and_drop_adds_paths(qtbot, wizard, tmp_path):
    from tests.gui.conftest import sign_in

    (tmp_path / "dropped.tif").write_bytes(b"d")
    sign_in(qtbot, wizard)
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "dropped.tif"))])
    event = QDropEvent(
        QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    page.selection.dropEvent(event)
    assert wizard.state.paths == [str(tmp_path / "dropped.tif")]
    qtbot.waitUntil(page.isComplete, timeout=10000)
    assert "1 fileset, 1 file," in page.summary.text()
