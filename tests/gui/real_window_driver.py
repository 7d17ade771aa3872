"""Drive the wizard in a real X window (run by test_real_window.py under Xvfb).

    python -m tests.gui.real_window_driver DATA_DIR SOURCE_FOLDER OUTPUT_DIR TRANSFER [PROJECT DATASET]

Signs in, imports SOURCE_FOLDER with TRANSFER into PROJECT/DATASET (typed into the destination page's
lists: an existing name or a new one), and saves a screenshot of every page as TRANSFER-PAGE.png
(or $SCREENSHOT_PREFIX-PAGE.png), grabbed from the X server itself. Exits 0 when the import succeeded.
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
    await until(wizard.button(which).isEnabled)  # off while the page waits for its contents to be drawn
    before = wizard.currentId()
    QTest.mouseClick(wizard.button(which), Qt.MouseButton.LeftButton)
    await until(lambda: wizard.currentId() != before)


class Shots:
    def __init__(self, wizard, out_dir, prefix):
        self.wizard, self.out_dir, self.prefix = wizard, out_dir, prefix

    async def take(self, name):
        await asyncio.sleep(0.3)
        QApplication.processEvents()
        pixmap = self.wizard.screen().grabWindow(self.wizard.winId())  # read back from the X server
        path = os.path.join(self.out_dir, f"{self.prefix}-{name}.png")
        if not pixmap.save(path):
            raise RuntimeError(f"could not save {path}")
        print(f"screenshot {path} {pixmap.width()}x{pixmap.height()}", flush=True)


def type_into(combo, text):
    combo.setFocus()
    combo.lineEdit().selectAll()
    QTest.keyClicks(combo.lineEdit(), text)
    QApplication.processEvents()
    popup = combo.completer().popup()
    if popup.isVisible():  # a person typing a whole name leaves the list of completions by Escape
        QTest.keyClick(popup, Qt.Key.Key_Escape)


async def drive(wizard, source, out_dir, transfer, project, dataset):
    shots = Shots(wizard, out_dir, os.environ.get("SCREENSHOT_PREFIX", transfer))
    page = wizard.currentPage()
    await until(lambda: wizard.state.data_dir is not None)
    page.name.setText("alice")
    await shots.take("signin")
    QTest.keyClicks(page.password, PASSWORD)
    QTest.keyClick(page.password, Qt.Key.Key_Return)
    await until(page.isComplete)
    QTest.keyClick(page.password, Qt.Key.Key_Return)  # signed in: Enter is Next, and never closes
    await until(lambda: wizard.currentId() == PageId.DATA)
    await shots.take("data-empty")
    wizard.currentPage().add_paths([source])
    await until(wizard.currentPage().isComplete)
    await shots.take("data")
    await next_page(wizard)
    destination = wizard.currentPage()
    await until(lambda: destination.project.count() > 1)
    await shots.take("destination-empty")
    type_into(destination.project, project)
    type_into(destination.dataset, dataset)
    QTest.keyClick(destination.dataset.lineEdit(), Qt.Key.Key_Tab)
    await shots.take("destination")
    await next_page(wizard)
    transfer_page = wizard.currentPage()
    await until(lambda: wizard.state.checks is not None and not transfer_page.checking)
    transfer_page.select(transfer)
    await shots.take("transfer")
    await next_page(wizard)
    await until(lambda: wizard.currentPage().prepared is not None)
    await shots.take("responsibilities-unticked")
    for box in wizard.currentPage().boxes:
        box.setChecked(True)
    await shots.take("responsibilities")
    await next_page(wizard)
    await until(lambda: wizard.currentId() == PageId.IMPORT)
    await until(wizard.currentPage().isComplete)
    await shots.take("import")
    await next_page(wizard)
    await shots.take("results")
    report = wizard.state.report
    print(report.summary(), flush=True)
    return report.exit_code


def run_drive(data_dir: str, out_dir: str, drive, timeout: float = 120) -> int:
    """Show a wizard on `data_dir` and run the coroutine `drive(wizard)` to its end in Qt's event loop
    (qasync); its result is the exit code. The screenshot scripts share it with main."""
    import qasync

    os.makedirs(out_dir, exist_ok=True)
    app = create_application(sys.argv)
    print(f"platform {app.platformName()}", flush=True)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    wizard = ImportWizard(data_dir=data_dir)
    wizard.show()
    wizard.activateWindow()  # as a desktop's window manager would: focus moves with Tab
    with loop:
        code = loop.run_until_complete(asyncio.wait_for(drive(wizard), timeout))
    wizard.ops.shutdown()
    return code


def main() -> int:
    data_dir, source, out_dir, transfer = sys.argv[1:5]
    project, dataset = sys.argv[5:7] if len(sys.argv) > 6 else ("Screens", "Plate 1")
    return run_drive(data_dir, out_dir, lambda wizard: drive(wizard, source, out_dir, transfer, project, dataset))


if __name__ == "__main__":
    sys.exit(main())
