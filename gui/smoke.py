"""`inplace-wizard --smoke-test PATH`: check an installation without a person at the screen.

Opens the real wizard (offscreen when there is no display), signs in with INPLACE_USER and
INPLACE_PASSWORD, adds PATH on the data page, waits for the scan, goes on to the transfer page and
prints what each page showed. Exit code 0 when every page was reached.
"""

from __future__ import annotations

import asyncio
import os
import time

TIMEOUT = 60.0


async def _until(condition, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def walk(wizard, path: str) -> int:
    from PySide6.QtGui import QRawFont
    from PySide6.QtWidgets import QApplication

    from gui.wizard import PageId

    print(f"display: {QApplication.platformName()}, font: {QRawFont.fromFont(QApplication.font()).familyName()}")
    page = wizard.currentPage()
    await _until(lambda: wizard.state.data_dir is not None, "the data dir")
    print(f"page {page.title()}: {page.location.text()}", flush=True)
    page.name.setText(os.environ.get("INPLACE_USER", ""))
    page.password.setText(os.environ.get("INPLACE_PASSWORD", ""))
    page.submit()
    await _until(lambda: page.isComplete() or "failed" in page.status.text(), "sign-in")
    print(f"  {page.status.text()}", flush=True)
    if not page.isComplete():
        return 1
    for target in (PageId.DATA, PageId.DESTINATION, PageId.TRANSFER):
        if target == PageId.DESTINATION:
            wizard.currentPage().add_paths([os.path.abspath(path)])
            await _until(wizard.currentPage().isComplete, "the scan")
            print(f"  {wizard.currentPage().summary.text()}", flush=True)
        elif target == PageId.TRANSFER:
            await _until(wizard.currentPage().isComplete, "the destination")
        wizard.next()
        await _until(lambda t=target: wizard.currentId() == t, f"page {target.name}")
        print(f"page {wizard.currentPage().title()}", flush=True)
    transfer = wizard.currentPage()
    await _until(lambda: wizard.state.checks is not None and not transfer.checking, "the checks")
    for t in transfer.transfers:
        verdict = "can be used" if wizard.state.checks.can_run(t.name) else "cannot be used here"
        print(f"  {t.name}: {verdict}", flush=True)
    return 0


def run(app, wizard, path: str) -> int:
    loop = asyncio.get_event_loop()
    return loop.run_until_complete(asyncio.wait_for(walk(wizard, path), TIMEOUT * 4))
