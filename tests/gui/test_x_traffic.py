"""What a forwarded X display would be sent: Qt draws on the client and uploads the pixels it
repainted, so the area repainted is the cost (4 bytes a pixel). Ticks and keystrokes repaint their
own widget, never the whole window; the import page does not move under its changing lines; the
Advanced settings take no room while closed; column widths are kept. Bytes over a real `ssh -X`
are measured in bench/bench_ssh_x.py."""

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QRegion, QStandardItemModel
from PySide6.QtWidgets import QApplication, QPushButton, QStackedWidget, QTableView, QWidget

from gui import texts
from gui.widgets import remember_column_widths
from gui.wizard import PageId
from tests.gui.conftest import accept_and_import, click_next, responsibilities_shown, sign_in, walk_to_transfer


class Repaints(QObject):
    """The window's repainted rectangles (a top-level window is told of every pass over it)."""

    def __init__(self, window) -> None:
        super().__init__()
        self.window, self.rects = window, []
        window.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        if obj is self.window and event.type() == QEvent.Type.Paint:
            self.rects += list(event.region())
        return False

    def bytes_after(self, action) -> int:
        for _ in range(5):
            QApplication.processEvents()
        self.rects = []
        action()
        for _ in range(5):
            QApplication.processEvents()
        return sum(4 * r.width() * r.height() for r in self.rects)


class RepaintedArea(QObject):
    """What every widget of a window repainted, in the window's coordinates, one region per pass of
    Qt's repaint (each pass is uploaded once, so a region's area in pixels is what a pass costs)."""

    def __init__(self, window) -> None:
        super().__init__()
        self.window, self.passes = window, []
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        if isinstance(obj, QWidget) and obj.window() is self.window:
            if obj is self.window and event.type() == QEvent.Type.UpdateRequest:
                self.passes.append(QRegion())
            elif event.type() == QEvent.Type.Paint and obj.isVisible():
                region = event.region().translated(obj.mapTo(self.window, QPoint(0, 0)))
                if not self.passes:
                    self.passes.append(QRegion())
                self.passes[-1] = self.passes[-1].united(region)
        return False

    def close(self) -> None:
        QApplication.instance().removeEventFilter(self)

    def union(self) -> QRegion:
        whole = QRegion()
        for region in self.passes:
            whole = whole.united(region)
        return whole

    def pixels(self) -> int:
        return sum(area(region) for region in self.passes)


def area(region: QRegion) -> int:
    return sum(r.width() * r.height() for r in region)


def _in_window(widget, window) -> QRegion:
    return QRegion(QRect(widget.mapTo(window, QPoint(0, 0)), widget.size()))


def _folder(root, files=3):
    root.mkdir()
    for i in range(files):
        (root / f"f{i:04d}.tif").write_bytes(b"x" * (100 + i))
    return root


def test_a_tick_repaints_its_box_and_the_button_not_the_window(qtbot, wizard, tmp_path):
    walk_to_transfer(qtbot, wizard, [_folder(tmp_path / "src")]).select("ln_s")
    click_next(qtbot, wizard)
    page = responsibilities_shown(qtbot, wizard)
    repaints = Repaints(wizard)
    whole = 4 * wizard.width() * wizard.height()
    costs = [
        repaints.bytes_after(lambda b=box: qtbot.mouseClick(b, Qt.MouseButton.LeftButton, pos=b.rect().center()))
        for box in page.boxes
    ]
    assert all(box.isChecked() for box in page.boxes) and page.isComplete()
    assert wizard.button(wizard.WizardButton.CommitButton).isEnabled()
    assert max(costs) < 100_000 < whole  # QWizard's own answer repainted the whole window twice a tick


def test_a_keystroke_repaints_a_narrow_field(qtbot, wizard):
    sign_in_page = wizard.currentPage()
    qtbot.waitUntil(lambda: wizard.state.data_dir is not None, timeout=10000)
    repaints = Repaints(wizard)
    sign_in_page.name.clear()
    sign_in_page.name.setFocus()
    costs = [repaints.bytes_after(lambda c=c: qtbot.keyClicks(sign_in_page.name, c)) for c in "alice"]
    assert max(costs) < 30_000


def _destination(qtbot, wizard, tmp_path):
    """The destination page of a signed-in wizard with a small folder selected, its lists filled."""
    sign_in(qtbot, wizard)
    click_next(qtbot, wizard)
    wizard.currentPage().add_paths([str(_folder(tmp_path / "src"))])
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: page.project.count() > 1, timeout=10000)
    return page


def test_keystrokes_on_the_destination_page_do_not_repaint_the_window(qtbot, wizard, tmp_path):
    page = _destination(qtbot, wizard, tmp_path)
    repaints = Repaints(wizard)
    page.project.setFocus()
    costs = [repaints.bytes_after(lambda c=c: qtbot.keyClicks(page.project.lineEdit(), c)) for c in "Screens"]
    assert max(costs) < 4 * wizard.width() * wizard.height() / 4


def test_the_import_page_does_not_move_or_scroll_as_files_finish(qtbot, wizard, tmp_path):
    walk_to_transfer(qtbot, wizard, [_folder(tmp_path / "src", files=300)]).select("ln_s")
    accept_and_import(qtbot, wizard)
    importing = wizard.currentPage()
    assert wizard.currentId() == PageId.IMPORT
    heights = {w: w.height() for w in (importing.counts, importing.rate, importing.current)}
    table_top = importing.table.y()
    qtbot.waitUntil(lambda: importing.done, timeout=60000)
    assert importing.model.rowCount() == 300
    assert importing.table.verticalScrollBar().value() == 0  # no scrolling per batch
    assert {w: w.height() for w in heights} == heights and importing.table.y() == table_top
    assert importing.counts.line().startswith("300 of 300 files imported")


def test_a_closed_advanced_box_takes_no_room_below_its_tick(qtbot, wizard, tmp_path):
    page = walk_to_transfer(qtbot, wizard, [_folder(tmp_path / "src")])
    assert not page.advanced.isChecked() and not page.advanced_body.isVisible()
    qtbot.mouseClick(page.advanced, Qt.MouseButton.LeftButton, pos=page.advanced.rect().center())
    assert page.advanced_body.isVisible() and page.algorithm.isVisible()
    qtbot.mouseClick(page.advanced, Qt.MouseButton.LeftButton, pos=page.advanced.rect().center())
    assert not page.advanced_body.isVisible()


@pytest.fixture
def table_factory(qtbot):
    def make():
        model = QStandardItemModel(3, 4)
        view = QTableView()
        qtbot.addWidget(view)
        view.setModel(model)
        view._model = model  # kept alive with the view
        remember_column_widths(view.horizontalHeader(), "test_table")
        return view

    return make


def test_column_widths_are_kept_for_the_next_run(table_factory, qapp):
    first = table_factory()
    first.horizontalHeader().resizeSection(1, 333)
    second = table_factory()  # as the next run of the wizard would
    assert second.horizontalHeader().sectionSize(1) == 333


def test_the_results_page_keeps_its_column_widths(qtbot, make_wizard, data_dir, no_keyring):
    first = make_wizard().page(PageId.RESULTS)
    first.table.horizontalHeader().resizeSection(2, 271)
    second = make_wizard().page(PageId.RESULTS)
    assert second.table.horizontalHeader().sectionSize(2) == 271


def test_the_responsibilities_are_prepared_ahead_and_shown_at_once(qtbot, wizard, tmp_path):
    """Prepared while the transfer page shows, so the page is drawn once, with its statements; a
    choice made since (another transfer) is never answered with what was prepared for the old one."""
    page = walk_to_transfer(qtbot, wizard, [_folder(tmp_path / "src")])
    page.select("ln_s")
    qtbot.waitUntil(lambda: wizard.state.chosen_ahead is not None, timeout=10000)
    page.select("cp")
    assert wizard.state.chosen_ahead is None  # made for ln_s: dropped
    qtbot.waitUntil(lambda: wizard.state.chosen_ahead is not None, timeout=10000)
    click_next(qtbot, wizard)
    responsibilities = wizard.currentPage()
    assert responsibilities.prepared is not None  # at once, without waiting
    assert responsibilities.prepared.options.transfer == "cp"
    assert responsibilities.status.text() != texts.CHECKING


def test_the_data_page_does_not_move_when_a_scan_starts_or_ends(qtbot, wizard, tmp_path):
    sign_in(qtbot, wizard)
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    page.add_paths([str(_folder(tmp_path / "src"))])
    qtbot.waitUntil(lambda: page.scan_button.isVisible(), timeout=15000)  # "Stop scan" while it runs
    while_scanning = (page.selection.geometry(), page.filesets.y())
    qtbot.waitUntil(page.isComplete, timeout=15000)
    assert not page.scan_button.isVisible()
    assert (page.selection.geometry(), page.filesets.y()) == while_scanning


def test_a_progress_bar_is_never_repainted_while_python_waits(qtbot):
    """QProgressBar.setValue repaints at once, inside the Python call, so a full X connection held
    the interpreter lock and the import with it; set_bar_value leaves the repaint to the event loop."""
    from PySide6.QtWidgets import QProgressBar

    from gui.widgets import set_bar_value

    bar = QProgressBar()
    qtbot.addWidget(bar)
    bar.setRange(0, 100)
    painted = Repaints(bar)
    bar.show()
    qtbot.waitUntil(lambda: bool(painted.rects), timeout=2000)  # shown and drawn once
    painted.rects = []

    bar.setValue(10)  # Qt's own: painted before the call returns
    assert painted.rects
    painted.rects = []
    set_bar_value(bar, 20)
    assert not painted.rects and bar.value() == 20
    qtbot.waitUntil(lambda: bool(painted.rects), timeout=2000)  # painted at the next turn of the loop


def _changing_area(wizard, before_id) -> QRegion:
    """What a page change may repaint: the page area, the header's words, the two steps whose mark
    moves, and the row of buttons."""
    window = wizard
    allowed = _in_window(wizard.findChild(QStackedWidget, "wizard_pages"), window)
    for name in ("wizard_title", "wizard_subtitle"):
        label = wizard.findChild(QWidget, name)
        allowed = allowed.united(QRegion(QRect(label.mapTo(window, QPoint(0, 0)), label.size())))
    steps = wizard.sideWidget().labels
    for page_id in (before_id, wizard.currentId()):
        allowed = allowed.united(_in_window(steps[page_id], window))
    buttons = [b for b in wizard.findChildren(QPushButton) if b.objectName().startswith("wizard_") and b.isVisible()]
    row = QRect()
    for b in buttons:
        row = row.united(QRect(b.mapTo(window, QPoint(0, 0)), b.size()))
    return allowed.united(QRegion(row))


def test_a_page_change_repaints_the_page_area_once_not_the_window(qtbot, wizard, tmp_path):
    """QWizard hid and showed all its contents and turned the whole window's updates off and on at
    each page change: the whole window was uploaded once or twice (2.6 MB over ssh -X). Now only the
    page area, the header's words, the step marks and the buttons are repainted, together at most once."""
    sign_in(qtbot, wizard)
    click_next(qtbot, wizard)
    wizard.currentPage().add_paths([str(_folder(tmp_path / "src"))])
    qtbot.waitUntil(wizard.currentPage().isComplete, timeout=15000)
    whole = wizard.width() * wizard.height()
    for _ in range(3):  # data -> destination -> transfer -> responsibilities
        _settle_events(qtbot)
        before = wizard.currentId()
        old_header = QRegion()  # the header's old words are repainted too
        for name in ("wizard_title", "wizard_subtitle"):
            old_header = old_header.united(_in_window(wizard.findChild(QWidget, name), wizard))
        painted = RepaintedArea(wizard)
        click_next(qtbot, wizard)
        qtbot.waitUntil(lambda: wizard.currentPage().is_ready(), timeout=15000)
        _settle_events(qtbot)
        painted.close()
        allowed = _changing_area(wizard, before).united(old_header)
        outside = painted.union().subtracted(allowed)
        assert outside.isEmpty(), f"page {wizard.currentId()}: repainted outside the changed area: {list(outside)}"
        # Besides small passes (the field left and Next pressed, released and turned off while the
        # page gets ready: under 20,000 pixels in all), everything is drawn in one pass, once.
        drawings = [p for p in painted.passes if area(p) > 20_000]
        small = sum(area(p) for p in painted.passes if area(p) <= 20_000)
        assert len(drawings) == 1 and small < 20_000, [(area(p), list(p)[:3]) for p in painted.passes]
        assert area(drawings[0]) <= area(allowed) < 0.7 * whole


def _settle_events(qtbot) -> None:
    for _ in range(5):
        QApplication.processEvents()
    qtbot.wait(100)
    QApplication.processEvents()
