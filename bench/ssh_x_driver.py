"""The scripted wizard run that bench_ssh_x.py measures: every page, keystrokes and ticks one at a time,
an import of a folder of small files, and the bytes each step put on the X connection.

    python bench/ssh_x_driver.py DATA_DIR SOURCE TRANSFER COUNTER_SOCKET

Runs where the wizard runs (behind `ssh -X`, DISPLAY is the forwarded one); after each step it waits
until the connection is quiet and reads the relay's byte counter. Prints one JSON object per step
("step", "kind", "bytes", "seconds") and a last one with the engine's import time.
"""

import asyncio
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the relay's counter client
sys.path.insert(0, os.environ.get("BENCH_TREE") or str(Path(__file__).resolve().parent.parent))  # the wizard

from PySide6.QtCore import QEvent, QObject, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QWidget, QWizard  # noqa: E402
from throttled_relay import CounterClient  # noqa: E402

from gui.app import create_application  # noqa: E402
from gui.wizard import ImportWizard, PageId  # noqa: E402

PASSWORD = os.environ["INPLACE_PASSWORD"]
QUIET = float(os.environ.get("BENCH_QUIET", "0.4"))
STARTED = time.monotonic()
QUICK = bool(os.environ.get("BENCH_QUICK"))


# Events that explain a repaint: a widget moved, resized, shown, hidden or re-styled.
CHANGES = {
    QEvent.Type.Move: "moved",
    QEvent.Type.Resize: "resized",
    QEvent.Type.Show: "shown",
    QEvent.Type.Hide: "hidden",
    QEvent.Type.StyleChange: "restyled",
    QEvent.Type.FontChange: "font",
    QEvent.Type.PaletteChange: "palette",
}


class PaintLog(QObject):
    """With BENCH_PAINTS=1: what each step repainted, and which widgets changed to cause it."""

    def __init__(self) -> None:
        super().__init__()
        self.painted: dict[str, int] = {}
        self.window_paints: list[str] = []
        self.changed: list[str] = []

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        if not isinstance(obj, QWidget):
            return False
        change = CHANGES.get(event.type())
        if change and (obj.isVisible() or change == "hidden"):
            self.changed.append(f"{change} {type(obj).__name__}:{obj.objectName()}")
        if event.type() == QEvent.Type.Paint:
            r = event.region().boundingRect()
            if obj.isWindow():
                self.window_paints.append(f"{r.width()}x{r.height()}+{r.x()}+{r.y()}")
            key = f"{type(obj).__name__}:{obj.objectName()} {r.width()}x{r.height()}"
            self.painted[key] = self.painted.get(key, 0) + 1
        return False

    def take(self) -> str:
        top = sorted(self.painted.items(), key=lambda kv: -_area(kv[0]) * kv[1])[:12]
        top = [(k, n) for k, n in top if not k.startswith(("ImportWizard", "QWidget: ", "QFrame: "))][:6]
        window, self.painted, self.window_paints = self.window_paints, {}, []
        changed, self.changed = sorted(set(self.changed))[:40], []
        return f"window {' '.join(window)} | " + "; ".join(f"{k} x{n}" for k, n in top) + f" | {changed}"


def _area(key: str) -> int:
    w, h = key.rsplit(" ", 1)[1].split("x")
    return int(w) * int(h)


class Meter:
    def __init__(self, counter: CounterClient, paints: PaintLog | None = None) -> None:
        self.counter = counter
        self.steps: list[dict] = []
        self.paints = paints

    async def settle(self, limit: float = 120.0) -> None:
        """Until nothing has crossed the connection for QUIET seconds."""
        last, still, start = self.counter.total(), time.monotonic(), time.monotonic()
        while time.monotonic() - still < QUIET and time.monotonic() - start < limit:
            await asyncio.sleep(0.05)
            now = self.counter.total()
            if now != last:
                last, still = now, time.monotonic()

    async def step(self, name: str, kind: str, action, until=None) -> None:
        await self.settle()
        before, started = self.counter.total(), time.monotonic()
        action()
        if until is not None:
            await wait_for(until)
        await self.settle()
        self.record(name, kind, self.counter.total() - before, time.monotonic() - started)

    def record(self, name: str, kind: str, count: int, seconds: float) -> None:
        record = {"step": name, "kind": kind, "bytes": count, "seconds": round(seconds - QUIET, 3)}
        if self.paints is not None:
            record["paints"] = self.paints.take()
        self.steps.append(record)
        print(json.dumps(record), flush=True)


async def wait_for(condition, timeout=300.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout} s for {condition}")
        await asyncio.sleep(0.02)


def shown(wizard, page_id) -> bool:
    """The page is current and drawn (a page change waits up to half a second for the page's contents)."""
    return wizard.currentId() == page_id and not getattr(wizard, "page_pending", False)


def click_next(wizard) -> None:
    page = wizard.currentPage()
    which = QWizard.WizardButton.CommitButton if page.isCommitPage() else QWizard.WizardButton.NextButton
    QTest.mouseClick(wizard.button(which), Qt.MouseButton.LeftButton)


async def type_text(meter: Meter, widget, text: str, what: str) -> None:
    if QUICK:  # only the import's time is wanted: type it all as one step
        await meter.step(f"{what} typed", "other", lambda: QTest.keyClicks(widget, text))
        return
    for ch in text:
        await meter.step(f"{what} key", "key", lambda c=ch: QTest.keyClicks(widget, c))


async def drive(wizard, meter: Meter, source: str, transfer: str) -> float:
    await wait_for(lambda: wizard.state.data_dir is not None)
    await meter.settle()
    meter.record("start-up (everything so far)", "start", meter.counter.total(), time.monotonic() - STARTED)
    page = wizard.currentPage()
    await meter.step("idle 3 s, caret in a field", "idle", lambda: page.name.setFocus(), until=_after(3.0))
    await meter.step("clear the account field", "other", page.name.clear)
    page.name.setFocus()
    await type_text(meter, page.name, "alice", "account")
    page.password.setFocus()
    await type_text(meter, page.password, PASSWORD, "password")
    await meter.step(
        "sign in (Enter)", "other", lambda: QTest.keyClick(page.password, Qt.Key.Key_Return), page.isComplete
    )
    await meter.step(
        "page: data",
        "page",
        lambda: QTest.keyClick(page.password, Qt.Key.Key_Return),
        lambda: shown(wizard, PageId.DATA),
    )
    data = wizard.currentPage()
    await meter.step("scan", "other", lambda: data.add_paths([source]), data.isComplete)
    await meter.step("page: destination", "page", lambda: click_next(wizard), lambda: shown(wizard, PageId.DESTINATION))
    destination = wizard.currentPage()
    await wait_for(lambda: destination.project.count() > 1)
    destination.project.setFocus()
    destination.project.lineEdit().selectAll()
    await type_text(meter, destination.project.lineEdit(), "Screens", "project")
    # The rest of the form follows a typed name when the field is left (or typing stops): measured apart.
    await meter.step("leave the project (Tab)", "other", lambda: QTest.keyClick(destination.project, Qt.Key.Key_Tab))
    destination.dataset.setFocus()
    destination.dataset.lineEdit().selectAll()
    await type_text(meter, destination.dataset.lineEdit(), "Plate 1", "dataset")
    await meter.step("leave the dataset (Tab)", "other", lambda: QTest.keyClick(destination.dataset, Qt.Key.Key_Tab))
    await meter.step("page: transfer", "page", lambda: click_next(wizard), lambda: shown(wizard, PageId.TRANSFER))
    transfer_page = wizard.currentPage()
    await wait_for(lambda: wizard.state.checks is not None and not transfer_page.checking)
    await meter.step(f"choose {transfer}", "other", lambda: transfer_page.select(transfer))
    await meter.step(
        "page: responsibilities",
        "page",
        lambda: click_next(wizard),
        lambda: shown(wizard, PageId.RESPONSIBILITIES) and wizard.currentPage().prepared is not None,
    )
    for box in wizard.currentPage().boxes:
        await meter.step(
            "tick", "tick", lambda b=box: QTest.mouseClick(b, Qt.MouseButton.LeftButton, pos=_box_point(b))
        )
    await meter.step(
        "page: import, and the import",
        "page",
        lambda: click_next(wizard),
        lambda: shown(wizard, PageId.IMPORT) and wizard.currentPage().isComplete(),
    )
    await meter.step("page: results", "page", lambda: click_next(wizard), lambda: shown(wizard, PageId.RESULTS))
    return wizard.state.report.seconds


def _box_point(box):
    from PySide6.QtCore import QPoint

    return QPoint(8, box.height() // 2)


def _after(seconds: float):
    end = time.monotonic() + seconds
    return lambda: time.monotonic() >= end


def main() -> int:
    import qasync

    data_dir, source, transfer, counter_path = sys.argv[1:5]
    app = create_application(sys.argv)
    paints = PaintLog() if os.environ.get("BENCH_PAINTS") else None
    if paints is not None:
        app.installEventFilter(paints)
    meter = Meter(CounterClient(counter_path), paints)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    wizard = ImportWizard(data_dir=data_dir)
    wizard.show()
    wizard.activateWindow()  # as a desktop's window manager would: keys and focus go to it
    with loop:
        seconds = loop.run_until_complete(asyncio.wait_for(drive(wizard, meter, source, transfer), 1200))
    print(json.dumps({"import_seconds": seconds, "window": [wizard.width(), wizard.height()]}), flush=True)
    wizard.ops.shutdown()
    meter.counter.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
