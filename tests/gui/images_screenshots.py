"""Screenshots of the wizard's images: the data page once every fileset's images are read, and the
results page once every thumbnail is shown. Run under Xvfb (the README's come from here):

    INPLACE_PASSWORD=... xvfb-run -s "-screen 0 1280x900x24" \
        python -m tests.gui.images_screenshots DATA_DIR SOURCE_FOLDER OUTPUT_DIR
"""

import os
import sys

from gui.wizard import PageId
from tests.gui.real_window_driver import Shots, next_page, run_drive, type_into, until


async def drive(wizard, source, out_dir):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    shots = Shots(wizard, out_dir, "images")
    page = wizard.currentPage()
    await until(lambda: wizard.state.data_dir is not None)
    page.name.setText("alice")
    QTest.keyClicks(page.password, os.environ["INPLACE_PASSWORD"])
    QTest.keyClick(page.password, Qt.Key.Key_Return)
    await until(page.isComplete)
    await next_page(wizard)
    data = wizard.currentPage()
    data.add_paths([source])
    await until(lambda: data.scanned is not None and data.filesets.images_pending() == 0)
    await shots.take("data")
    await next_page(wizard)
    destination = wizard.currentPage()
    await until(lambda: destination.project.count() > 1)
    type_into(destination.project, "Screens")
    type_into(destination.dataset, "Samples")
    QTest.keyClick(destination.dataset.lineEdit(), Qt.Key.Key_Tab)
    await next_page(wizard)
    transfer = wizard.currentPage()
    await until(lambda: wizard.state.checks is not None and not transfer.checking)
    transfer.select("ln_s")
    await next_page(wizard)
    await until(lambda: wizard.currentPage().prepared is not None)
    for box in wizard.currentPage().boxes:
        box.setChecked(True)
    await next_page(wizard)
    await until(lambda: wizard.currentId() == PageId.IMPORT)
    await until(wizard.currentPage().isComplete)
    await next_page(wizard)
    results = wizard.currentPage()
    await shots.take("results-waiting")
    await until(lambda: results.gallery.finished)
    await shots.take("results")
    return wizard.state.report.exit_code


def main() -> int:
    data_dir, source, out_dir = sys.argv[1:4]
    return run_drive(data_dir, out_dir, lambda wizard: drive(wizard, source, out_dir), 180)


if __name__ == "__main__":
    sys.exit(main())
