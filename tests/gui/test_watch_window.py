"""The "Watch folders" window, offscreen, on a real data dir where the DropBox service (in this
process, its clock in the test's hands) imported one file, waits for another to become quiet, and
failed on a third; the window shows each with its reason, and its retry reaches the service."""

from __future__ import annotations

import os
import shutil

import pytest
from PySide6.QtCore import Qt

from engine.api import DataDirectory, DropboxService, FolderArguments
from tests.conftest import PASSWORD, REPO, SAMPLES
from tests.engine.test_dropbox import Clock, look
from tests.gui.conftest import sign_in

A_TIFF = next(next((SAMPLES / "hcs" / "cv8000").glob("*/CV8000*")).glob("*.tif"))
SCREENSHOT = REPO / "docs" / "screenshots" / "watch-folders.png"


@pytest.fixture
def scene(data_dir, tmp_path):
    """alice's folder: one file imported, one still arriving; bob's: an ln_s import the policy refuses."""
    incoming, scratch = tmp_path / "microscope-1", tmp_path / "scratch" / "bob"
    incoming.mkdir()
    scratch.mkdir(parents=True)
    with DataDirectory.open(data_dir.root) as dd:
        admin = dd.sign_in("alice", PASSWORD)
        admin.add_account("bob", PASSWORD)
        admin.set_policy(temporary_paths=[str(tmp_path / "scratch")])
        admin.add_watched_folder(str(incoming), "alice", FolderArguments(quiet_seconds=30))
        admin.add_watched_folder(str(scratch), "bob", FolderArguments(transfer="ln_s", quiet_seconds=0), True)
        clock = Clock()
        service = DropboxService(dd, clock=clock)
        service.reload()
        shutil.copy(A_TIFF, incoming / "plate-A01.tif")
        shutil.copy(A_TIFF, scratch / "cells.tif")
        look(service)
        clock.advance(30)
        look(service)  # plate-A01.tif imported, cells.tif failed
        shutil.copy(A_TIFF, incoming / "plate-A02.tif")
        service.changed(min(service.watches))  # what the observer reports for alice's folder
        clock.advance(10)
        look(service)  # plate-A02.tif waits
        yield dd, service
        service.close()


def open_window(qtbot, wizard):
    sign_in(qtbot, wizard)
    button = wizard.tools.tools["watch_folders"].button
    qtbot.waitUntil(button.isEnabled, timeout=5000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    window = wizard.tools.tools["watch_folders"].window
    qtbot.waitUntil(lambda: window.folders.rowCount() == 2, timeout=10000)
    return window


def waiting(window) -> str:
    return "\n".join(window.waiting.item(i).text() for i in range(window.waiting.count()))


def column(table, n: int) -> list[str]:
    return [table.item(row, n).text() if table.item(row, n) else "" for row in range(table.rowCount())]


def test_the_window_shows_what_waits_was_imported_and_failed_and_asks_for_a_retry(qtbot, wizard, scene, tmp_path):
    dd, service = scene
    window = open_window(qtbot, wizard)
    assert column(window.folders, 1) == ["alice", "bob"]
    assert column(window.folders, 2) == ["upload, watched", "ln_s, watched"]

    # alice's folder: what was imported, and what waits with the time it becomes quiet.
    window.folders.selectRow(0)
    assert "plate-A02.tif waits until its files stop changing" in waiting(window)
    assert "imported at about" in waiting(window)
    assert column(window.events, 1) == ["✓ imported"] and column(window.events, 2) == ["plate-A01.tif"]
    assert column(window.events, 3)[0].isdigit()
    window.events.selectRow(0)
    assert not window.retry.isEnabled()  # only a failure can be tried again

    # bob's folder: the failure, with its reason; tried again on request.
    window.folders.selectRow(1)
    assert column(window.events, 1) == ["⚠ failed"] and column(window.events, 2) == ["cells.tif"]
    window.events.selectRow(0)
    assert window.retry.isEnabled()
    assert "temporary storage" in window.reason.text()
    if os.environ.get("INPLACE_SCREENSHOTS"):
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(SCREENSHOT))
    qtbot.mouseClick(window.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Asked the DropBox service" in window.retry_message.text(), timeout=10000)
    qtbot.waitUntil(lambda: "retry asked" in column(window.events, 1), timeout=10000)

    before = len([e for st in dd.sign_in("alice", PASSWORD).dropbox_status() for e in st.events])
    service.take_retry_requests()  # what the running service does on every turn of its loop
    look(service)  # well within the back-off: only the request makes it try again
    after = dd.sign_in("alice", PASSWORD).dropbox_status()
    assert len([e for st in after for e in st.events]) == before + 1
    assert [e.outcome for e in after[1].events][:2] == ["failed", "retry asked"]
    assert (tmp_path / "scratch" / "bob" / "cells.tif").exists()


def test_an_account_sees_only_its_own_folders_and_is_told_when_it_has_none(qtbot, wizard, data_dir, tmp_path):
    folder = tmp_path / "bobs"
    folder.mkdir()
    with DataDirectory.open(data_dir.root) as dd:
        admin = dd.sign_in("alice", PASSWORD)
        admin.add_account("bob", PASSWORD)
        admin.add_watched_folder(str(folder), "bob", FolderArguments())
        admin.add_account("carol", PASSWORD, admin=False)
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: wizard.state.data_dir is not None, timeout=10000)
    page.name.setText("carol")
    page.password.setText(PASSWORD)
    page.submit()
    button = wizard.tools.tools["watch_folders"].button
    qtbot.waitUntil(button.isEnabled, timeout=10000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    window = wizard.tools.tools["watch_folders"].window
    qtbot.waitUntil(lambda: "No watch folder imports for you" in window.message.text(), timeout=10000)
    assert window.folders.rowCount() == 0
    assert "As an administrator" not in window.findChild(type(window.message), "watch_intro").text()
