"""The data page says how what was imported before is doing, as its last check found it, offscreen on a
real data dir: a DeltaVision image whose log file was deleted after an ln_s import and checked since,
a file checked and found as imported, a file imported after the check, and a new file."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from gui import texts
from gui.fileset_table import BEFORE, NAME, PROBLEM_ROLE
from tests.conftest import PASSWORD
from tests.gui.conftest import click_next, sign_in

SHOTS = Path(os.environ.get("INPLACE_SHOTS", "")) if os.environ.get("INPLACE_SHOTS") else None


def _write(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(4000))
    return path


def _import(session, paths: list[Path]) -> None:
    prepared = session.prepare([str(p) for p in paths], session.options(transfer="ln_s"))
    assert prepared.run(prepared.acknowledge()).exit_code == 0


@pytest.fixture
def acquisitions(data_dir, tmp_path):
    """The selection: 'cells.dv' lost its log after the import, 'deconvolved.dv' its two logs, 'ok.tif'
    was checked and is fine,
    'later.tif' was imported after the check, 'new.tif' never was. Returns (folder, time of the check)."""
    from engine.api import DataDirectory

    src = tmp_path / "acquisitions"
    dv, log, ok = _write(src / "cells.dv"), _write(src / "cells.dv.log"), _write(src / "ok.tif")
    logs = [_write(src / "deconvolved.dv.log"), _write(src / "deconvolved_log.txt")]
    with DataDirectory.open(data_dir.root) as dd:
        session = dd.sign_in("alice", PASSWORD)
        _import(session, [dv, ok, _write(src / "deconvolved.dv")])
        for lost in (log, *logs):  # deleted after the import: the images' filesets have lost files
            lost.unlink()
        report = session.verify()
        assert report.exit_code == 2
        checked = max(h.checked_at for h in session.fileset_health().values())
        _import(session, [_write(src / "later.tif")])
    _write(src / "new.tif")
    return src, checked


def _rows(page) -> dict[str, tuple[str, str, str]]:
    """By fileset name: (imported before, the line beneath it, its tool tip)."""
    table = page.filesets
    return {
        table.item(r, NAME).text(): (
            table.item(r, BEFORE).text(),
            table.health_text(r),
            table.item(r, BEFORE).toolTip(),
        )
        for r in range(table.rowCount())
    }


def _when(checked: datetime) -> str:
    return f"today {checked:%H:%M}" if checked.date() == datetime.now().date() else f"{checked:%Y-%m-%d %H:%M}"


def test_the_data_page_shows_each_earlier_imports_health_and_last_check(qtbot, wizard, acquisitions):
    src, checked = acquisitions
    sign_in(qtbot, wizard)
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    page.add_paths([str(src)])
    qtbot.waitUntil(lambda: page.scanned is not None and not page.scanning, timeout=15000)

    rows = _rows(page)
    assert set(rows) == {"cells.dv", "deconvolved.dv", "ok.tif", "later.tif", "new.tif"}
    before, line, tip = rows["cells.dv"]
    assert before == texts.BEFORE_ALL  # its one file still there was imported before...
    assert line == "⚠ 1 file missing"  # ...and the fileset it went into has lost the other
    assert f"The last check ({_when(checked)}) found 1 file missing: see “Check imported data”" in tip
    before, line, tip = rows["deconvolved.dv"]
    assert (before, line) == (texts.BEFORE_ALL, "⚠ 2 files need attention")
    assert "found 2 files not as imported (the worst: missing): see “Check imported data”" in tip
    assert rows["ok.tif"][:2] == (texts.BEFORE_ALL, texts.BEFORE_OK.format(when=_when(checked)))
    assert rows["later.tif"][:2] == (texts.BEFORE_ALL, texts.BEFORE_UNCHECKED)
    assert rows["new.tif"][:2] == ("", "")
    assert not page.filesets.isColumnHidden(BEFORE)  # shown because something was imported before
    problems = {
        page.filesets.item(r, NAME).text() for r in range(5) if page.filesets.item(r, BEFORE).data(PROBLEM_ROLE)
    }
    assert problems == {"cells.dv", "deconvolved.dv"}  # drawn in the problem colour
    summary = page.summary.text()
    assert "2 filesets imported before have files that need attention: see “Check imported data”." in summary
    if SHOTS:
        wizard.grab().save(str(SHOTS / "data-page-imported-health.png"))

    # Skipping what was imported before leaves those filesets out, and the summary still tells of the one
    # that needs attention.
    page.skip_imported.setChecked(True)
    qtbot.waitUntil(lambda: page.scanned is not None and not page.scanning, timeout=15000)
    assert set(_rows(page)) == {"new.tif"}
    assert "2 filesets imported before have files that need attention" in page.summary.text()


def test_a_fileset_imported_before_by_someone_this_account_cannot_see_shows_no_health(
    qtbot, wizard, acquisitions, cli, monkeypatch
):
    """Health is told only of filesets the signed-in account may see; 'imported before' stays as it was."""
    src, _ = acquisitions
    monkeypatch.setenv("INPLACE_NEW_PASSWORD", PASSWORD)
    assert cli("admin", "adduser", "bob")[0] == 0
    sign_in_page = wizard.currentPage()
    qtbot.waitUntil(lambda: wizard.state.data_dir is not None, timeout=10000)
    sign_in_page.name.setText("bob")
    sign_in_page.password.setText(PASSWORD)
    sign_in_page.submit()
    qtbot.waitUntil(sign_in_page.isComplete, timeout=10000)
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    page.add_paths([str(src)])
    qtbot.waitUntil(lambda: page.scanned is not None and not page.scanning, timeout=15000)
    rows = _rows(page)
    assert rows["cells.dv"][:2] == (texts.BEFORE_ALL, "")
    assert rows["ok.tif"][:2] == (texts.BEFORE_ALL, "")
    assert rows["deconvolved.dv"][:2] == (texts.BEFORE_ALL, "")
    assert "need attention" not in page.summary.text()
