"""Screenshots of the "Check imported data" window in a real X window (run under Xvfb):

    INPLACE_PASSWORD=... python -m tests.gui.check_window_shots DATA_DIR SOURCE_FOLDER OUTPUT_DIR

DATA_DIR holds an ln_s import of SOURCE_FOLDER by alice, whose originals were since moved, changed
and replaced. Signs in, opens the window from the tools panel, checks, previews a relink of the moved
folder, and saves check-wizard.png, check-problems.png and check-relink-preview.png."""

import asyncio
import os
import sys

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.gui.real_window_driver import PASSWORD, run_drive, until


async def take(widget, path):
    await asyncio.sleep(0.4)
    QApplication.processEvents()
    pixmap = widget.screen().grabWindow(widget.winId())
    if not pixmap.save(path):
        raise RuntimeError(f"could not save {path}")
    print(f"screenshot {path} {pixmap.width()}x{pixmap.height()}", flush=True)


async def drive(wizard, source, out_dir):
    page = wizard.currentPage()
    await until(lambda: wizard.state.data_dir is not None)
    page.name.setText("alice")
    QTest.keyClicks(page.password, PASSWORD)
    QTest.keyClick(page.password, Qt.Key.Key_Return)
    await until(page.isComplete)
    tool = wizard.tools.tools["check_data"]
    await until(tool.button.isEnabled)
    await take(wizard, os.path.join(out_dir, "check-wizard.png"))
    QTest.mouseClick(tool.button, Qt.MouseButton.LeftButton)
    window = tool.window
    await until(lambda: window.table.rowCount() > 0)
    QTest.mouseClick(window.check_button, Qt.MouseButton.LeftButton)
    await until(lambda: window.checking is None and window.report is not None)
    await until(lambda: any("missing" in window.table.item(r, 4).text() for r in range(window.table.rowCount())))
    await take(window, os.path.join(out_dir, "check-problems.png"))
    QTest.mouseClick(window.relink_button, Qt.MouseButton.LeftButton)
    dialog = window.relink_dialog
    dialog.new_place.setText(os.path.join(os.path.dirname(source), "moved-2024", "plate1"))
    QTest.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog.preview is not None)
    await take(dialog, os.path.join(out_dir, "check-relink-preview.png"))
    return 0


def main() -> int:
    data_dir, source, out_dir = sys.argv[1:4]
    return run_drive(data_dir, out_dir, lambda wizard: drive(wizard, source, out_dir), 120)


if __name__ == "__main__":
    sys.exit(main())
