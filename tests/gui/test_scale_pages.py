"""The wizard with many files: the data page shows a running count while it scans, and the import
page takes a fileset's outcomes, which arrive all at once, a batch at a time, serving the event loop
in between."""

import time

from PySide6.QtCore import QTimer

from gui import texts
from gui.fileset_table import FILES, FOLDER, NAME
from gui.wizard import PageId
from gui.wizard.import_page import ROWS_PER_TICK
from tests.gui.conftest import accept_and_import, click_next, sign_in, walk_to_transfer

WELLS = [(row, column) for row in "ABCDEFGH" for column in range(1, 13)]


def make_plate(root, files: int):
    """An OME-Zarr plate folder with `files` small chunk files spread over 96 wells: one fileset."""
    plate = root / "plate.zarr"
    plate.mkdir(parents=True)
    (plate / ".zattrs").write_text('{"plate": {"name": "scale test"}}')
    per_well = -(-files // len(WELLS))
    made = 0
    for row, column in WELLS:
        folder = plate / row / str(column) / "0" / "0"
        folder.mkdir(parents=True)
        for k in range(min(per_well, files - made)):
            (folder / f"0.0.{k}").write_bytes(made.to_bytes(8, "little") * 8)
            made += 1
    return plate


class Watch:
    """A 5 ms timer that records what `look()` returns and the gaps between its own ticks."""

    def __init__(self, look) -> None:
        self.seen: list = []
        self.gaps: list[float] = []
        self._look = look
        self._last = time.perf_counter()
        self._timer = QTimer(interval=5)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now
        self.seen.append(self._look())

    def stop(self) -> None:
        self._timer.stop()


def test_the_data_page_counts_the_files_found_while_it_scans(qtbot, wizard, tmp_path):
    plate = make_plate(tmp_path / "src", 20_000)
    sign_in(qtbot, wizard)
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    watch = Watch(lambda: (page.scanning, page.summary.text()))
    page.add_paths([str(plate)])
    qtbot.waitUntil(lambda: page.scanned is not None and not page.scanning, timeout=60000)
    watch.stop()
    counts = [text for scanning, text in watch.seen if scanning and "found so far" in text]
    assert counts, "no running count was shown while the scan ran"
    numbers = [int(text.split("… ")[1].split(" ")[0]) for text in counts]
    assert numbers == sorted(numbers) and 0 < numbers[0] <= 20_001
    assert "20001 files" in page.summary.text()  # the chunks and .zattrs; and "found so far" not in page.summary.text()
    assert page.summary.height() >= page.scan_button.sizeHint().height()


def test_the_data_page_lists_what_was_chosen_at_once_while_it_looks_through_it(qtbot, wizard, tmp_path):
    """A plate's plan takes seconds; its row is there from the start, saying it is being looked through."""
    plate = make_plate(tmp_path / "src", 20_000)
    loose = tmp_path / "loose.tif"
    loose.write_bytes(b"II*\x00")
    sign_in(qtbot, wizard)
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    page.add_paths([str(plate), str(loose)])
    table = page.filesets
    assert table.rowCount() == 2  # before any turn of the event loop: the scan has not even started
    assert [table.item(row, NAME).text() for row in range(2)] == ["plate.zarr", "loose.tif"]
    assert [table.images_text(row) for row in range(2)] == [texts.ROW_LOOKING] * 2
    assert table.item(0, FOLDER).text() == str(tmp_path / "src")
    assert not page.isComplete()
    qtbot.waitUntil(lambda: page.scanned is not None and not page.scanning, timeout=60000)
    names = [table.item(row, NAME).text() for row in range(table.rowCount())]
    assert "plate.zarr" in names and texts.ROW_LOOKING not in [table.images_text(r) for r in range(table.rowCount())]
    assert table.item(names.index("plate.zarr"), FILES).text() == "20001"


def test_a_stopped_look_says_so_in_the_rows(qtbot, wizard, tmp_path):
    plate = make_plate(tmp_path / "src", 20_000)
    sign_in(qtbot, wizard)
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    page.add_paths([str(plate)])
    page.stop_or_rescan()  # Stop, before the plan arrives
    assert page.filesets.images_text(0) == texts.ROW_NOT_LOOKED
    assert not page.isComplete()
    page.stop_or_rescan()  # Look again
    assert page.filesets.images_text(0) == texts.ROW_LOOKING
    qtbot.waitUntil(lambda: page.scanned is not None and not page.scanning, timeout=60000)


def test_the_import_page_takes_a_big_fileset_a_batch_at_a_time(qtbot, wizard, tmp_path):
    plate = make_plate(tmp_path / "src", 20_000)
    files = 20_001  # the chunks and .zattrs
    walk_to_transfer(qtbot, wizard, [plate])
    accept_and_import(qtbot, wizard)
    assert wizard.currentId() == PageId.IMPORT
    page = wizard.currentPage()
    batches: list[int] = []  # the size of every append to the page's table
    append = page.model.append
    page.model.append = lambda outcomes: (batches.append(len(outcomes)), append(outcomes))[1]
    watch = Watch(lambda: page.model.rowCount())
    qtbot.waitUntil(lambda: page.isComplete() and page.model.rowCount() == files, timeout=120000)
    watch.stop()
    assert page.rows_waiting == 0
    assert sorted(o.source for o in page.model.outcomes) == sorted(o.source for o in wizard.state.report.files)
    # The rows came in batches of at most ROWS_PER_TICK (the outcomes themselves may reach the page in
    # several hand-overs), and the event loop ran another timer between them many times (appended in
    # one go, the timer would have seen no count between none and all).
    assert sum(batches) == files and max(batches) <= ROWS_PER_TICK
    shown = {n for n in watch.seen if 0 < n < files}
    assert len(shown) >= files // ROWS_PER_TICK // 4
    print(f"longest event-loop gap while {files} outcomes arrived: {max(watch.gaps) * 1000:.0f} ms")
