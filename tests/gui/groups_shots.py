"""Screenshots of the pages about groups (offscreen grabs), run on purpose, not with the tests:

    .venv/bin/python -m pytest tests/gui/groups_shots.py      # SCREENSHOTS=folder (docs/screenshots)

alice (an administrator) imports for carol into the group lab of a data dir in /tmp/facility that is
meant for a group but was not set up for one; then the Accounts and groups window."""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.gui.test_groups_pages import _people, _to_destination

OUT = os.environ.get("SCREENSHOTS", str(REPO / "docs" / "screenshots"))


@pytest.fixture
def data_dir_path():
    root = Path("/tmp/facility")
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    return root / "inplace"


def test_groups_screenshots(qtbot, wizard, data_dir_path):
    from tests.gui.conftest import click_next

    _people(data_dir_path)
    wizard.resize(960, 680)
    page = _to_destination(qtbot, wizard, Path("/tmp/facility"))
    page.import_for.setCurrentIndex(page.import_for.findData("carol"))
    page.group.setCurrentIndex(page.group.findData("lab"))
    qtbot.wait(200)
    assert wizard.grab().save(f"{OUT}/groups-destination.png")
    data_dir_path.chmod(0o2770)
    click_next(qtbot, wizard)
    tp = wizard.currentPage()
    qtbot.waitUntil(lambda: wizard.state.checks is not None and not tp.checking, timeout=15000)
    qtbot.wait(200)
    assert wizard.grab().save(f"{OUT}/groups-transfer-setup.png")
    tp.setup_toggle.click()
    qtbot.wait(100)
    assert wizard.grab().save(f"{OUT}/groups-transfer-setup-problems.png")
    click_next(qtbot, wizard)
    resp = wizard.currentPage()
    qtbot.waitUntil(lambda: resp.prepared is not None, timeout=15000)
    qtbot.wait(200)
    assert wizard.grab().save(f"{OUT}/groups-responsibilities.png")
    for box in resp.boxes:
        box.setChecked(True)
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentPage().isComplete(), timeout=30000)
    click_next(qtbot, wizard)
    qtbot.wait(300)
    assert wizard.grab().save(f"{OUT}/groups-results.png")
    window = wizard.tools.open("accounts_groups")
    qtbot.waitUntil(lambda: not window.busy and len(window.accounts) == 4, timeout=10000)
    window.account_table.selectRow(2)
    qtbot.wait(200)
    assert window.grab().save(f"{OUT}/admin-accounts.png")
    window.tabs.setCurrentIndex(1)
    window.group_list.setCurrentRow(1)
    window.member_table.selectRow(1)
    qtbot.wait(200)
    assert window.grab().save(f"{OUT}/admin-groups.png")
    window.close()
