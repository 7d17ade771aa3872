"""What the data, destination and results pages would send over a forwarded X display, counted as
the area they repaint (4 bytes a pixel, see test_x_traffic.py): image details fill in their own
cells, not the whole table; a keystroke in the destination's names stays under 30 KB and the form
follows it without moving; the results page's table fits the default window."""

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from gui.fileset_table import NAME
from gui.wizard.destination_page import FORM_PAUSE_MS
from tests.gui.conftest import accept_and_import, click_next, sign_in, walk_to_transfer
from tests.gui.test_x_traffic import Repaints, _destination, _folder


def _settle(qtbot, rounds=5) -> None:
    for _ in range(rounds):
        QApplication.processEvents()
    qtbot.wait(50)
    QApplication.processEvents()


def _cost(repaints: Repaints) -> int:
    return sum(4 * r.width() * r.height() for r in repaints.rects)


def _data_page_scanned(qtbot, wizard, tmp_path, files=3):
    sign_in(qtbot, wizard)
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    page.add_paths([str(_folder(tmp_path / "src", files=files))])
    qtbot.waitUntil(lambda: page.scanned is not None and page.filesets.images_pending() == 0, timeout=60000)
    return page


def test_image_details_are_shown_twice_a_second_at_most_in_their_own_cells(qtbot, wizard, tmp_path):
    page = _data_page_scanned(qtbot, wizard, tmp_path)
    plan, table = page.scanned, page.filesets
    rows = table.rowCount()
    arrived = [(row, wizard.state.session.read_images(plan, row)) for row in range(rows)]
    table.show_plan(plan, page.imported, page.health)  # the rows wait for their images again
    assert table.images_pending() == rows
    repaints = Repaints(wizard)
    _settle(qtbot)
    repaints.rects = []
    qtbot.wait(600)  # quiet for more than half a second
    page._images_arrived(plan, arrived[:1])  # shown at once
    assert table.images_pending() == rows - 1
    page._images_arrived(plan, arrived[1:])  # arrived 100 ms later: waits for the half second to end
    assert table.images_pending() == rows - 1
    qtbot.waitUntil(lambda: table.images_pending() == 0, timeout=2000)
    _settle(qtbot)
    cells = sum(4 * table.visualRect(table.model().index(r, NAME)).width() * 50 for r in range(rows))
    whole_table = 4 * table.width() * table.height()
    assert 0 < _cost(repaints) <= cells < whole_table / 2  # the whole table was repainted a batch


def test_the_table_keeps_its_width_as_more_rows_arrive_than_it_shows(qtbot, wizard, tmp_path):
    sign_in(qtbot, wizard)
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    page.add_paths([str(_folder(tmp_path / "src", files=200))])
    qtbot.waitUntil(lambda: page.scan_button.isVisible(), timeout=15000)
    while_scanning = (page.summary.geometry(), page.filesets.viewport().geometry())
    qtbot.waitUntil(lambda: page.scanned is not None and page.filesets.images_pending() == 0, timeout=60000)
    _settle(qtbot)
    assert page.filesets.rowCount() == 200 and page.filesets.verticalScrollBar().maximum() > 0
    # a scroll bar that appeared narrowed the table, drawn again whole (2.3 MB over ssh -X)
    assert (page.summary.geometry(), page.filesets.viewport().geometry()) == while_scanning


def test_the_path_field_is_about_forty_characters_wide(qtbot, wizard):
    sign_in(qtbot, wizard)
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    forty = page.path_entry.fontMetrics().averageCharWidth() * 40 + 16
    assert page.path_entry.width() == forty  # as wide as it may be, not squeezed to its placeholder
    assert page.path_entry.width() < page.selection.width() / 2
    repaints = Repaints(wizard)
    page.path_entry.setFocus()
    costs = [repaints.bytes_after(lambda c=c: qtbot.keyClicks(page.path_entry, c)) for c in "/data"]
    assert max(costs) < 30_000


def test_a_keystroke_in_a_name_costs_under_30_kb_and_the_form_follows_without_moving(qtbot, wizard, tmp_path):
    """Every key, the first too, repaints the field and at most Next; what the name means for the rest
    of the form (a new dataset's row, why Next waits, the note) is drawn once the field is left, in
    room kept for it."""
    page = _destination(qtbot, wizard, tmp_path)
    places = {w: w.geometry() for w in (page.dataset, page.new_dataset, page.name_first, page.why_not, page.note)}
    repaints = Repaints(wizard)
    page.project.setFocus()
    page.project.lineEdit().selectAll()
    costs = [repaints.bytes_after(lambda c=c: qtbot.keyClicks(page.project.lineEdit(), c)) for c in "Screens"]
    assert max(costs) < 30_000, costs  # the first was 162 KB: it showed a row and a sentence
    assert not page.isComplete() and not wizard.button(wizard.WizardButton.NextButton).isEnabled()  # at once
    assert not page.new_dataset.isVisible() and page.note.text() == ""  # the form waits...
    left = repaints.bytes_after(lambda: qtbot.keyClick(page.project.lineEdit(), Qt.Key.Key_Tab))
    assert page.new_dataset.isVisible() and page.why_not.isVisible()  # ...until the field is left,
    assert "Screens" in page.note.text() and 30_000 < left < 4 * wizard.width() * wizard.height() / 4
    assert {w: w.geometry() for w in places} == places  # ...and shows in room kept for it
    assert page.new_dataset.width() == page.dataset.width()  # as wide as the other fields
    page.dataset.setFocus()
    page.dataset.lineEdit().selectAll()
    costs = [repaints.bytes_after(lambda c=c: qtbot.keyClicks(page.dataset.lineEdit(), c)) for c in "Plate 1"]
    assert max(costs) < 30_000, costs
    assert page.isComplete() and wizard.button(wizard.WizardButton.NextButton).isEnabled()


def test_the_form_follows_a_typed_name_once_typing_pauses(qtbot, wizard, tmp_path):
    page = _destination(qtbot, wizard, tmp_path)
    page.project.setFocus()
    page.project.lineEdit().selectAll()
    note = Repaints(page.note)
    _settle(qtbot)
    note.rects = []
    for c in "Screens":
        qtbot.keyClicks(page.project.lineEdit(), c)
        _settle(qtbot, 2)
    assert not note.rects and page.note.text() == ""  # not at every keystroke
    assert page.project.lineEdit().hasFocus()
    qtbot.waitUntil(lambda: "Screens" in page.note.text(), timeout=FORM_PAUSE_MS + 1000)  # once typing stops
    qtbot.waitUntil(lambda: bool(note.rects), timeout=2000)
    assert page.new_dataset.isVisible() and page.why_not.isVisible()


def test_the_results_page_keeps_its_geometry_as_thumbnails_arrive(qtbot, wizard, tmp_path):
    walk_to_transfer(qtbot, wizard, [_folder(tmp_path / "src", files=20)]).select("ln_s")
    accept_and_import(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentPage().done, timeout=60000)
    wizard.next()  # not waiting for the page to be drawn: it is laid out at once
    results = wizard.currentPage()

    def geometry():
        viewports = (results.table.viewport(), results.gallery.viewport())
        return results.splitter.sizes(), [v.geometry() for v in viewports], results.gallery_box.isVisible()

    shown = geometry()
    assert results.gallery.count() == 0  # as the page shows: the thumbnails are still being made
    qtbot.waitUntil(lambda: results.gallery.finished, timeout=30000)
    _settle(qtbot)
    assert results.gallery.count() == 20 and results.gallery.verticalScrollBar().maximum() > 0
    assert geometry() == shown  # a scroll bar appearing narrowed the gallery after the page showed


def test_the_results_table_fits_the_default_window(qtbot, make_wizard, data_dir, no_keyring, tmp_path):
    QSettings("inplace", "wizard").remove("columns/results")  # a first run: no widths kept from before
    wizard = make_wizard()
    walk_to_transfer(qtbot, wizard, [_folder(tmp_path / "src")]).select("ln_s")
    accept_and_import(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentPage().done, timeout=60000)
    click_next(qtbot, wizard)
    results = wizard.currentPage()
    header = results.table.horizontalHeader()
    assert (wizard.width(), wizard.height()) == (960, 680)
    assert not results.table.horizontalScrollBar().isVisible()
    last = header.count() - 1  # the error's column, readable
    assert header.sectionViewportPosition(last) + 60 < results.table.viewport().width()
