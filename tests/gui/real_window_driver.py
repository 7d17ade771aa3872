"""Drive the wizard in a real X window (run by test_real_window.py under Xvfb).

    python -m tests.gui.real_window_driver DATA_DIR SOURCE_FOLDER OUTPUT_DIR

Signs in, imports SOURCE_FOLDER with ln_s, and saves a screenshot of every page, grabbed from the X
server itself. Exits 0 when the import succeeded.
"""

import asyncio
import os
import sys
import time

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWizard

from gui.app import create_application
from gui.wizard import ImportWizard, PageId

PASSWORD = os.environ["INPLACE_PASSWORD"]


async def until(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout} s for {condition.__doc__ or condition}")
        await asyncio.sleep(0.05)


async def next_page(wizard):
    page = wizard.currentPage()
    await until(page.isComplete)
    which = QWizard.WizardButton.CommitButton if page.isCommitPage() else QWizard.WizardButton.NextButton
    before = wizard.currentId()
    QTest.mouseClick(wizard.button(which), Qt.MouseButton.LeftButton)
    await until(lambda: wizard.currentId() != before)


def screenshot(wizard, out_dir, name):
    QApplication.processEvents()
    pixmap = wizard.screen().grabWindow(wizard.winId())  # read back from the X server
    path = os.path.join(out_dir, f"{name}.png")
    if not pixmap.save(path):
        raise RuntimeError(f"could not save {path}")
    print(f"screenshot {path} {pixmap.width()}x{pixmap.height()}", flush=True)


async def drive(wizard, source, out_dir):
    page = wizard.currentPage()
    await until(lambda: wizard.state.data_dir is not None)
    await asyncio.sleep(0.3)
    screenshot(wizard, out_dir, "signin")
    page.name.setText("alice")
    QTest.keyClicks(page.password, PASSWORD)
    QTest.keyClick(page.password, Qt.Key.Key_Return)
    await until(page.isComplete)
    QTest.keyClick(page.password, Qt.Key.Key_Return)  # signed in: Enter is Next, and never closes
    await until(lambda: wizard.currentId() == PageId.DATA)
    screenshot(wizard, out_dir, "data-empty")
    wizard.currentPage().add_paths([source])
    await until(wizard.currentPage().isComplete)
    await asyncio.sleep(0.3)
    screenshot(wizard, out_dir, "data")
    await next_page(wizard)
    await until(lambda: wizard.currentPage().project.count() > 1)
    await asyncio.sleep(0.3)
    screenshot(wizard, out_dir, "destination")
    await next_page(wizard)  # destination: no dataset
    transfer = wizard.currentPage()
    await until(lambda: wizard.state.checks is not None and not transfer.checking)
    transfer.select("ln_s")
    await asyncio.sleep(0.3)
    screenshot(wizard, out_dir, "transfer")
    await next_page(wizard)
    await until(lambda: wizard.currentPage().prepared is not None)
    for box in wizard.currentPage().boxes:
        box.setChecked(True)
    await asyncio.sleep(0.3)
    screenshot(wizard, out_dir, "responsibilities")
    await next_page(wizard)
    await until(lambda: wizard.currentId() == PageId.IMPORT)
    await until(wizard.currentPage().isComplete)
    await asyncio.sleep(0.3)
    screenshot(wizard, out_dir, "import")
    await next_page(wizard)
    await asyncio.sleep(0.3)
    screenshot(wizard, out_dir, "results")
    report = wizard.state.report
    print(report.summary(), flush=True)
    return report.exit_code


def main() -> int:
    import qasync

    data_dir, source, out_dir = sys.argv[1:4]
    os.makedirs(out_dir, exist_ok=True)
    app = create_application(sys.argv)
    print(f"platform {app.platformName()}", flush=True)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    wizard = ImportWizard(data_dir=data_dir)
    wizard.show()
    with loop:
        code = loop.run_until_complete(asyncio.wait_for(drive(wizard, source, out_dir), 120))
    wizard.ops.shutdown()
    return code


if __name__ == "__main__":
    sys.exit(main())
