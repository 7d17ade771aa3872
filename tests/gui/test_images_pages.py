"""Images in the wizard: the data page fills in each fileset's images as a background read finds them
(the page stays usable meanwhile), and the results page shows each imported fileset's thumbnail and
what its images are, once the engine's background reader has made them."""

import os
import shutil
import time

import pytest
from PySide6.QtCore import QTimer

from gui.fileset_table import BEFORE, KIND, NAME
from gui.image_gallery import ICON
from gui.wizard import PageId
from tests.conftest import SAMPLES
from tests.gui.conftest import accept_and_import, click_next, sign_in, walk_to_transfer

tifffile = pytest.importorskip("tifffile")
nd2 = pytest.importorskip("nd2")

OME_TIFF = SAMPLES / "viv" / "avivator_data" / "multi-channel.ome.tif"
ND2 = SAMPLES / "nd2" / "cluster.nd2"
OPERETTA = SAMPLES / "hcs" / "operetta"


def ome_tiff_summary() -> str:
    """What the data page should say of the OME-TIFF sample, from tifffile's own reading."""
    with tifffile.TiffFile(OME_TIFF) as tif:
        sizes = dict(zip(tif.series[0].axes, tif.series[0].shape, strict=True))
    return f"1 image, {sizes['X']}×{sizes['Y']}, {sizes['C']} ch"


def nd2_summary() -> str:
    with nd2.ND2File(ND2) as f:
        s = f.sizes
    return f"1 image, {s['X']}×{s['Y']}×{s['Z']} z, {s['C']} ch, {s['T']} t"


def selection(root, copies: int):
    """Many readable filesets (hard links of one OME-TIFF), a plate, an ND2, and a .tif that is no TIFF."""
    many = root / "many"
    many.mkdir(parents=True)
    for i in range(copies):
        os.link(OME_TIFF, many / f"copy_{i:03}.ome.tif")
    shutil.copytree(OPERETTA, root / "operetta")
    shutil.copy(ND2, root / "cluster.nd2")
    (root / "broken.tif").write_bytes(b"this is not a TIFF file" * 10)
    return root


class Ticks:
    """A 10 ms timer on the GUI thread noting when it ran, and what the page showed then."""

    def __init__(self, page) -> None:
        self.page = page
        self.seen: list[tuple[float, int, int, bool]] = []  # time, rows shown, rows still reading, Next enabled
        self.timer = QTimer(interval=10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        table = self.page.filesets
        self.seen.append((time.monotonic(), table.rowCount(), table.images_pending(), self.page.isComplete()))


def test_the_data_page_fills_in_images_in_the_background(qtbot, wizard, tmp_path):
    copies = 480  # read over several of the page's half-second updates even on a fast machine; under SHOWN_ROWS
    src = selection(tmp_path / "src", copies)
    sign_in(qtbot, wizard)
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    ticks = Ticks(page)
    page.add_paths([str(src)])
    expected_rows = copies + 3
    qtbot.waitUntil(lambda: page.filesets.rowCount() == expected_rows, timeout=30000)
    qtbot.waitUntil(lambda: page.filesets.images_pending() == 0, timeout=60000)
    qtbot.waitUntil(lambda: ticks.seen[-1][2] == 0, timeout=5000)  # the timer saw the last row filled
    ticks.timer.stop()

    # Rows filled in a few at a time while the event loop kept running, and Next was usable meanwhile.
    reading = [t for t in ticks.seen if t[1] == expected_rows and 0 < t[2] < expected_rows]
    assert len({pending for _, _, pending, _ in reading}) >= 2, "the rows did not fill in step by step"
    assert any(complete for *_, complete in reading), "Next waited for the images"
    # While the images were read, the GUI thread never stopped for long: a read on the GUI thread
    # would show as one gap as long as the whole read.
    start = next(t for t, rows, *_ in ticks.seen if rows == expected_rows)
    end = next(t for t, rows, pending, _ in ticks.seen if rows == expected_rows and pending == 0)
    during = [t for t, *_ in ticks.seen if start <= t <= end]
    longest = max(b - a for a, b in zip(during, during[1:], strict=False))
    assert end - start > 0.2, "too little to read to tell a stalled page from a working one"
    assert longest < (end - start) / 2, f"the GUI thread stopped for {longest:.2f} s of {end - start:.2f} s"

    table = page.filesets
    said = {table.item(r, NAME).text(): table.images_text(r) for r in range(table.rowCount())}
    tips = {table.item(r, NAME).text(): table.item(r, NAME).toolTip() for r in range(table.rowCount())}
    assert said["copy_000.ome.tif"] == ome_tiff_summary()
    assert said["cluster.nd2"] == nd2_summary()
    with nd2.ND2File(ND2) as f:
        channels = [c.channel.name for c in f.metadata.channels]
    assert ", ".join(channels) in tips["cluster.nd2"]
    plate = next(text for name, text in said.items() if name.lower().startswith("index"))
    assert plate.startswith("2 images, ") and ", plate " in plate and plate.endswith(", 1 well")
    assert said["broken.tif"].startswith("not read: ") and "not a TIFF file" in said["broken.tif"]
    # Each fileset's format, and beneath it what kind of fileset it is.
    rows = range(table.rowCount())
    kinds = {table.item(r, NAME).text(): (table.item(r, KIND).text(), table.kind_text(r)) for r in rows}
    plate_name = next(name for name in said if name.lower().startswith("index"))
    assert kinds[plate_name][1] == "plate" and kinds["cluster.nd2"][1] == "single image"
    assert kinds["copy_000.ome.tif"] == ("OME-TIFF", "single image")
    assert table.isColumnHidden(BEFORE)  # nothing was imported before: its width goes to the names


def test_a_changed_selection_stops_the_read_of_the_old_one(qtbot, wizard, tmp_path):
    src = selection(tmp_path / "src", 100)
    sign_in(qtbot, wizard)
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    page.add_paths([str(src)])
    qtbot.waitUntil(lambda: page.filesets.rowCount() == 103, timeout=30000)
    old = page._images_op
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(ND2, other / "cluster.nd2")
    page.add_paths([str(other)])  # a new scan of the changed selection; the old read stops
    qtbot.waitUntil(lambda: old.abandoned and not old.running, timeout=30000)
    qtbot.waitUntil(lambda: page.scanned is not None and page.filesets.images_pending() == 0, timeout=60000)
    names = [page.filesets.item(r, NAME).text() for r in range(page.filesets.rowCount())]
    texts = [page.filesets.images_text(r) for r in range(page.filesets.rowCount())]
    assert texts[names.index("cluster.nd2")] == nd2_summary()


def test_the_results_page_shows_thumbnails_and_what_was_not_read(qtbot, wizard, data_dir, tmp_path):
    from PIL import Image

    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(OME_TIFF, src / "cells.ome.tif")
    shutil.copy(ND2, src / "cluster.nd2")
    shutil.copytree(OPERETTA, src / "operetta")
    (src / "broken.tif").write_bytes(b"this is not a TIFF file" * 10)
    walk_to_transfer(qtbot, wizard, [src])
    accept_and_import(qtbot, wizard)
    click_next(qtbot, wizard)
    assert wizard.currentId() == PageId.RESULTS
    page = wizard.currentPage()
    gallery = page.gallery
    first = []
    gallery.updated.connect(lambda: first or first.append([gallery.item(i).text() for i in range(gallery.count())]))
    # The page is there and usable before the thumbnails: the reader starts a quiet second after the import.
    assert page.model.rowCount() > 0 and not gallery.finished
    page.failed_only.setChecked(True)
    page.failed_only.setChecked(False)
    qtbot.waitUntil(lambda: gallery.finished, timeout=60000)
    # The first look answers at once, with a cell per fileset waiting for its thumbnail.
    assert len(first[0]) == 4 and all(text.endswith("\nthumbnail being made…") for text in first[0])
    assert page.gallery_box.isVisible()

    session = wizard.state.session
    imported = session.job_images([wizard.state.report.job_id])
    assert gallery.count() == len(imported) == 4
    cells = {gallery.item(i).text().split("\n")[0]: gallery.item(i) for i in range(gallery.count())}
    for fileset in imported:
        cell = cells[fileset["name"]]
        images = session.images(fileset["fileset_id"])
        read = [r for r in images if r["status"] == "read"]
        if not read:
            assert cell.text().split("\n")[1] == f"not read: {images[0]['reason']}"
            continue
        picture = fileset["overview"] or images[0]["thumbnail"]
        with Image.open(picture) as png:
            width, height = png.size
        icon = cell.icon().availableSizes()[0]
        scale = min(ICON / width, ICON / height)
        assert (icon.width(), icon.height()) == (round(width * scale), round(height * scale))
        assert cell.text().split("\n")[1].startswith(f"{len(read)} image")
    assert cells["cluster.nd2"].text().split("\n")[1] == nd2_summary()
    assert "not a TIFF file" in cells["broken.tif"].toolTip()


def test_a_retried_files_fileset_joins_the_gallery(qtbot, wizard, data_dir, tmp_path):
    from PySide6.QtCore import Qt

    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(ND2, src / "cluster.nd2")
    shutil.copy(OME_TIFF, src / "flaky.ome.tif")  # the flaky transfer fails it the first time
    wizard.page(PageId.TRANSFER).extra_specs.append("tests.plugins.flaky_transfer:FlakyCopy")
    walk_to_transfer(qtbot, wizard, [src]).select("flaky_cp")
    accept_and_import(qtbot, wizard)
    click_next(qtbot, wizard)
    page = wizard.currentPage()
    gallery = page.gallery
    qtbot.waitUntil(lambda: gallery.finished, timeout=60000)
    assert [gallery.item(i).text().split("\n")[0] for i in range(gallery.count())] == ["cluster.nd2"]
    qtbot.mouseClick(page.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.failed_sources() and not page.runner.running, timeout=20000)
    qtbot.waitUntil(lambda: gallery.finished and gallery.count() == 2, timeout=60000)
    cell = next(gallery.item(i) for i in range(gallery.count()) if gallery.item(i).text().startswith("flaky"))
    assert cell.text().split("\n")[1] == ome_tiff_summary() and not cell.icon().isNull()
