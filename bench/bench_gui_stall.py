"""How long can the wizard's event loop stall during an import? Offscreen, the real import page
imports N small files with ln_s while a 10 ms timer records the longest gap between its ticks.

    python bench/bench_gui_stall.py [--files 20000] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.bench_import import PASSWORD, make_small  # noqa: E402
from bench.bench_scale import allow_own_sources  # noqa: E402
from engine.api import DataDirectory  # noqa: E402

TICK_MS = 10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--workdir", default=str(Path(__file__).parent / ".work"))
    args = parser.parse_args()
    work = Path(args.workdir) / time.strftime("stall-%Y%m%d-%H%M%S")
    make_small(work / "src", args.files)
    data_dir = DataDirectory.open(work / "data", create=True)
    session = data_dir.initialise("bench", PASSWORD)
    allow_own_sources(data_dir.root)  # its own generated sources, wherever the checkout lies

    import qasync
    from PySide6.QtCore import QTimer

    from gui.app import create_application
    from gui.operations import Operations
    from gui.runner import ImportRunner
    from gui.wizard.import_page import ImportPage
    from gui.wizard.state import WizardState

    app = create_application([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    options = session.options(transfer="ln_s")
    prepared = session.prepare([str(work / "src")], options)
    state = WizardState(data_dir=data_dir, session=session, plan=prepared.plan, transfer="ln_s", prepared=prepared)
    state.acknowledgement = prepared.acknowledge()  # everything shown, as a person ticking every box
    ops = Operations()
    page = ImportPage(state, ops, ImportRunner(ops))
    page.resize(900, 700)
    page.show()

    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    probe = QTimer(interval=TICK_MS)
    probe.timeout.connect(tick)

    async def run() -> float:
        started = time.perf_counter()
        probe.start()
        last[0] = time.perf_counter()
        page.initializePage()
        while not page.done:
            await asyncio.sleep(0.05)
        probe.stop()
        return time.perf_counter() - started

    with loop:
        took = loop.run_until_complete(run())
    ops.shutdown()
    data_dir.close()
    worst = max(gaps) * 1000 - TICK_MS
    gaps.sort()
    p99 = gaps[int(len(gaps) * 0.99)] * 1000 - TICK_MS
    print(f"wizard import of {args.files} files with ln_s: {took:.1f} s, {state.report.summary()}")
    print(f"event-loop stall: longest {worst:.0f} ms, 99th percentile {p99:.0f} ms ({len(gaps)} ticks of {TICK_MS} ms)")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
