"""The wizard's side of what the front ends used to disagree on (tests/engine/test_front_ends_agree.py
drives the CLI through the same cases): the read-only policy, and a retry that asks again."""

import stat

from PySide6.QtWidgets import QMessageBox

from gui.wizard import PageId
from tests.conftest import TEST_SETTINGS
from tests.gui.conftest import accept_and_import, click_next, walk_to_transfer

FLAKY = "tests.plugins.flaky_transfer:FlakySymlink"


def test_the_read_only_policy_applies_in_the_wizard_too(qtbot, wizard, data_dir, tmp_path):
    (data_dir.root / "settings.toml").write_text(TEST_SETTINGS + "read_only_after_import = true\n")
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.tif").write_bytes(b"a")
    page = walk_to_transfer(qtbot, wizard, [src])
    page.select("ln_s")
    accept_and_import(qtbot, wizard)
    click_next(qtbot, wizard)
    assert wizard.currentId() == PageId.RESULTS
    assert wizard.state.report.exit_code == 0
    assert stat.S_IMODE((src / "a.tif").stat().st_mode) & 0o222 == 0


def _confirm_box(qtbot, results):
    qtbot.waitUntil(lambda: isinstance(results._dialog, QMessageBox) and results._dialog.isVisible(), timeout=15000)
    return results._dialog


def test_a_retry_asks_its_own_responsibilities_and_is_linked_to_its_job(qtbot, wizard, data_dir, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.tif").write_bytes(b"good")
    (src / "flaky.tif").write_bytes(b"flaky")
    wizard.page(PageId.TRANSFER).extra_specs.append(FLAKY)
    page = walk_to_transfer(qtbot, wizard, [src])
    page.select("flaky_ln_s")
    accept_and_import(qtbot, wizard)
    click_next(qtbot, wizard)
    results = wizard.currentPage()
    assert results.failed_sources() == [str(src / "flaky.tif")]
    first_job = wizard.state.report.job_id

    results.retry.click()
    box = _confirm_box(qtbot, results)
    assert "original files stay where they are" in box.text() and "1 file" in box.text()  # asked again
    box.done(QMessageBox.StandardButton.Cancel)
    qtbot.waitUntil(lambda: "not confirmed" in results.status.text(), timeout=5000)
    assert [j["id"] for j in wizard.state.session.jobs()] == [first_job]  # a refusal changes nothing

    results.retry.click()
    _confirm_box(qtbot, results).done(QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(lambda: not results.failed_sources() and not results.runner.running, timeout=20000)
    newest = wizard.state.session.jobs()[0]
    assert newest["retry_of"] == first_job and newest["acknowledgement"]["statements"]
