"""What reading images before an import costs: `inplace import -f` and the wizard's data page, on N
real TIFFs (1024 x 1024 uint16) and N copies of the OME-TIFF sample, against the shell reading the
first 64 KiB of every file (`head -c`), measured in the same run.

    python bench/bench_image_listing.py [--images 250] [--workdir DIR]

The data page is measured offscreen: the time from adding the folder until every row says what its
images are (the page shows at most 500 filesets), and the event loop's longest stall meanwhile
(a 10 ms timer's longest gap).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.bench_import import PASSWORD, make_images  # noqa: E402
from engine.accounts import authenticate, create_account  # noqa: E402
from engine.api import Session  # noqa: E402
from engine.datadir import DataDir  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
OME_TIFF = REPO / "tests" / "samples" / "viv" / "avivator_data" / "multi-channel.ome.tif"
TICK_MS = 10


def make_selection(root: Path, count: int) -> None:
    make_images(root / "tiff", count)
    (root / "ome").mkdir()
    for i in range(count):
        shutil.copy(OME_TIFF, root / "ome" / f"copy{i:04d}.ome.tif")


def shell_headers(src: Path) -> float:
    started = time.perf_counter()
    subprocess.run(f"find {src} -type f -exec head -q -c 65536 {{}} + > /dev/null", shell=True, check=True)
    return time.perf_counter() - started


def listing(src: Path, data_root: Path) -> float:
    env = {**os.environ, "INPLACE_USER": "bench", "INPLACE_PASSWORD": PASSWORD}
    command = [sys.executable, "-m", "engine.cli.main", "--data-dir", str(data_root), "import", "-f", str(src)]
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, cwd=REPO)
    return time.perf_counter() - started


def session_reads(session: Session, src: Path) -> tuple[float, float]:
    """(seconds to plan, seconds to read every fileset's images through the session)."""
    started = time.perf_counter()
    plan = session.plan([str(src)], session.options())
    planned = time.perf_counter()
    for i in range(len(plan.filesets)):
        session.read_images(plan, i)
    return planned - started, time.perf_counter() - planned


def data_page(session: Session, src: Path) -> tuple[float, float, int]:
    """(seconds until every row is filled, longest stall in ms, rows) for the data page, offscreen."""
    import qasync
    from PySide6.QtCore import QTimer

    from gui.app import create_application
    from gui.operations import Operations
    from gui.wizard.data_page import DataPage
    from gui.wizard.state import WizardState

    app = create_application([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    ops = Operations()
    page = DataPage(WizardState(session=session), ops)
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
        page.add_paths([str(src)])
        while page.scanned is None or page.filesets.images_pending():
            await asyncio.sleep(0.02)
        probe.stop()
        return time.perf_counter() - started

    with loop:
        took = loop.run_until_complete(run())
    ops.shutdown()
    return took, max(gaps) * 1000 - TICK_MS, page.filesets.rowCount()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=250, help="TIFFs, and as many OME-TIFF copies")
    parser.add_argument("--workdir", default=str(Path(__file__).parent / ".work"))
    args = parser.parse_args()
    work = Path(args.workdir) / time.strftime("listing-%Y%m%d-%H%M%S")
    src = work / "src"
    make_selection(src, args.images)
    data_dir = DataDir(work / "data")
    data_dir.create()
    create_account(data_dir, "bench", PASSWORD, by=None)
    session = Session(data_dir, authenticate(data_dir, "bench", PASSWORD))
    filesets = 2 * args.images
    shell_headers(src)  # warm the cache for every side
    shell = shell_headers(src)
    planned, read = session_reads(session, src)
    listed = listing(src, data_dir.root)
    filled, stall, rows = data_page(session, src)
    print(f"{filesets} filesets ({args.images} TIFFs of 2 MiB, {args.images} OME-TIFFs of 221 KiB), warm cache:")
    print(f"  shell: head -c 64 KiB of every file     {shell:6.2f} s")
    print(f"  plan (scan and group)                   {planned:6.2f} s")
    print(f"  Session.read_images of every fileset    {read:6.2f} s  ({read / filesets * 1000:.2f} ms a fileset)")
    print(f"  inplace import -f (whole command)       {listed:6.2f} s")
    print(f"  data page: {rows} rows filled in          {filled:6.2f} s, event loop's longest stall {stall:.0f} ms")
    data_dir.dispose()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
