"""Screenshots of the wizard's images: the data page once every fileset's images are read, and the
results page once every thumbnail is shown. Run under Xvfb (the README's come from here):

    INPLACE_PASSWORD=... xvfb-run -s "-screen 0 1280x900x24" \
        python -m tests.gui.images_screenshots DATA_DIR SOURCE_FOLDER OUTPUT_DIR
"""

import asyncio
import os
import sys

from gui.app import create_application
from gui.wizard import ImportWizard, PageId
from tests.gui.real_window_driver import Shots, next_page, type_into, until


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
    import qasync

    data_dir, source, out_dir = sys.argv[1:4]
    os.makedirs(out_dir, exist_ok=True)
    app = create_application(sys.argv)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    wizard = ImportWizard(data_dir=data_dir)
    wizard.show()
    with loop:
        code = loop.run_until_complete(asyncio.wait_for(drive(wizard, source, out_dir), 180))
    wizard.ops.shutdown()
    return code


if __name__ == "__main__":
    sys.exit(main())
