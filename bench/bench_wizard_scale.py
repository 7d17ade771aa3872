"""The wizard at facility scale, offscreen: its data page given an OME-Zarr plate of N small files
(default 200,000), then the same plate imported with ln_s through the transfer, responsibilities and
import pages, while a 10 ms timer records every gap of the event loop.

Reported: when the data page first showed a row and a running count (the aim is within a second), when its
scan finished, the import's time through the wizard, and the longest event-loop stall in each phase
(the aim is never more than 100 ms). The data dir allows ln_s of the bench's own sources.

    python bench/bench_wizard_scale.py [--files 200000] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.bench_scale import allow_own_sources, make_plate, warm  # noqa: E402
from engine.accounts import create_account  # noqa: E402
from engine.datadir import DataDir  # noqa: E402

PASSWORD = "bench-password"
TICK_MS = 10
COUNT = re.compile(r"\d[\d,]* files?")


class StallProbe:
    """Gaps between the ticks of a 10 ms timer, kept per phase."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.phase = "start"
        self.gaps: dict[str, list[float]] = {}
        self._last = time.perf_counter()
        self._timer = QTimer(interval=TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.setdefault(self.phase, []).append(now - self._last)
        self._last = now

    def worst_ms(self, phase: str) -> float:
        return max(self.gaps.get(phase, [0.0])) * 1000 - TICK_MS


async def until(condition, timeout: float = 3600.0, step: float = 0.005) -> float:
    """Let the event loop run until `condition()` holds; returns the seconds it took."""
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > timeout:
            raise TimeoutError("the wizard did not get there in time")
        await asyncio.sleep(step)
    return time.perf_counter() - start


async def drive(wizard, plate: Path, probe: StallProbe) -> dict[str, float]:
    from PySide6.QtWidgets import QWizard

    from gui.wizard import PageId

    async def next_page() -> None:
        page = wizard.currentPage()
        await until(page.isComplete)
        before = wizard.currentId()
        button = QWizard.WizardButton.CommitButton if page.isCommitPage() else QWizard.WizardButton.NextButton
        await until(wizard.button(button).isEnabled)
        wizard.button(button).click()
        await until(lambda: wizard.currentId() != before)

    out: dict[str, float] = {}
    page = wizard.currentPage()
    await until(lambda: wizard.state.data_dir is not None)
    page.name.setText("bench")
    page.password.setText(PASSWORD)
    page.submit()
    await next_page()
    data = wizard.currentPage()
    probe.phase = "scan"
    start = time.perf_counter()
    data.add_paths([str(plate)])
    await until(lambda: data.filesets.rowCount() > 0, step=0.002)
    out["first row"] = time.perf_counter() - start
    await until(lambda: COUNT.search(data.summary.text()) is not None, step=0.002)
    out["running count"] = time.perf_counter() - start
    await until(lambda: not data.scanning and data.state.plan is not None)
    out["scan finished"] = time.perf_counter() - start
    await next_page()  # to the destination
    await next_page()  # to the transfer page
    probe.phase = "checks"
    transfer = wizard.currentPage()
    await until(lambda: wizard.state.checks is not None and not transfer.checking)
    transfer.select("ln_s")
    await next_page()
    responsibilities = wizard.currentPage()
    await until(lambda: responsibilities.prepared is not None)
    for box in responsibilities.boxes:
        box.setChecked(True)
    probe.phase = "import"
    start = time.perf_counter()
    await next_page()  # commits: the import starts
    await until(lambda: wizard.currentId() == PageId.IMPORT and wizard.currentPage().isComplete())
    out["import"] = time.perf_counter() - start
    out["imported files"] = wizard.state.report.transferred
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200_000)
    parser.add_argument("--workdir", default=str(Path(__file__).parent / ".work"))
    args = parser.parse_args()
    work = Path(args.workdir) / time.strftime("wizard-%Y%m%d-%H%M%S")
    plate = make_plate(work / "src", args.files)
    warm(plate)
    data_dir = DataDir(work / "data")
    data_dir.create()
    allow_own_sources(data_dir.root)
    create_account(data_dir, "bench", PASSWORD, by=None)
    data_dir.dispose()

    import qasync

    from gui.app import create_application
    from gui.wizard import ImportWizard

    app = create_application([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    wizard = ImportWizard(data_dir=str(work / "data"))
    wizard.resize(960, 720)
    wizard.show()
    probe = StallProbe()
    with loop:
        out = loop.run_until_complete(drive(wizard, plate, probe))
    wizard.ops.shutdown()
    if wizard.state.data_dir is not None:
        wizard.state.data_dir.close()
    print(f"# wizard, offscreen, OME-Zarr plate of {args.files} x 4 KiB; {os.cpu_count()} cores")
    print(
        f"data page: first row after {out['first row']:.2f} s, running count after {out['running count']:.2f} s "
        "(aim: both within 1 s), "
        f"scan finished after {out['scan finished']:.2f} s, longest stall {probe.worst_ms('scan'):.0f} ms"
    )
    print(f"transfer page checks: longest stall {probe.worst_ms('checks'):.0f} ms")
    print(
        f"import through the wizard (ln_s): {out['import']:.1f} s for {out['imported files']:.0f} files, "
        f"longest stall {probe.worst_ms('import'):.0f} ms (aim: under 100 ms)"
    )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
