"""Import benchmark against shell baselines measured in the same run.

Workloads: 20,000 files of 4 KiB, and one 1 GiB file. For each of ln_s, ln, cp and upload (SHA1-160)
the engine's import (scan, group, checks, transfer, verify, catalog) is timed against the shell doing
the same placement (`cp -rs`, `cp -al`, `cp -r`) followed by `openssl dgst -sha1` of the sources.
Caches are warm for both sides, and the engine's modules are loaded by a one-file import with each
transfer before any timing (the CLI's own start is measured by bench_scale.py); every run writes
into fresh paths and nothing is deleted until the end (this ext4 creates files slowly for a minute
after a large deletion). Every small file is a fileset of its own (20,000 single-file filesets).
The bench's data dirs allow ln_s from temporary storage (its sources are its own files, and a
checkout under /tmp puts them there).

The thumbnail cost: an ln_s import of the small workload and of `--images N` real 1024 x 1024
uint16 TIFFs, with the background image reader (the default) and without it; the import's time
with it must stay within 10% of the time without, and the reader's own finish is shown beside it.

    python bench/bench_import.py [--workdir DIR] [--small N] [--large-mib M] [--images N] [--transfers T,...]

`--large-mib 0` leaves out the large file, `--images 0` the thumbnail cost.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_scale import allow_own_sources  # noqa: E402
from engine import importer as importer_module  # noqa: E402
from engine.accounts import authenticate, create_account  # noqa: E402
from engine.checks import run_checks  # noqa: E402
from engine.datadir import DataDir  # noqa: E402
from engine.images import queue_filesets, wait_for_images  # noqa: E402
from engine.importer import Importer, ImportOptions  # noqa: E402
from engine.plan import make_plan  # noqa: E402
from engine.responsibilities import acknowledge_all  # noqa: E402
from engine.transfers import get_transfer  # noqa: E402

BASELINES = {"ln_s": "cp -rs", "ln": "cp -al", "cp": "cp -r", "upload": "cp -r"}
PASSWORD = "bench-password"


def make_small(root: Path, count: int) -> None:
    per_dir = 200
    block = os.urandom(4096)
    for i in range(count):
        d = root / f"d{i // per_dir:03d}"
        if i % per_dir == 0:
            d.mkdir(parents=True)
        (d / f"f{i:05d}.tif").write_bytes(block[:-8] + i.to_bytes(8, "little"))


def make_large(root: Path, mib: int) -> None:
    root.mkdir(parents=True)
    chunk = os.urandom(1 << 20)
    with open(root / "large.raw", "wb") as f:
        for _ in range(mib):
            f.write(chunk)


def warm(root: Path) -> None:
    subprocess.run(f"find '{root}' -type f -print0 | xargs -0 cat > /dev/null", shell=True, check=True)


def settle() -> None:
    """Write back what earlier steps left dirty, so no step pays for the one before (unsynced, the
    first baseline after writing the sources took 4.5 s for 0.3 s of work, and `cp -r` paid for the
    import before it)."""
    os.sync()


def shell_baseline(command: str, src: Path, dest: Path) -> float:
    settle()
    start = time.perf_counter()
    subprocess.run([*command.split(), str(src), str(dest)], check=True)
    subprocess.run(
        f"find '{src}' -type f -print0 | xargs -0 -P1 openssl dgst -sha1 > /dev/null", shell=True, check=True
    )
    return time.perf_counter() - start


def ours(transfer: str, src: Path, data_root: Path) -> tuple[float, int]:
    data_dir = DataDir(data_root)
    data_dir.create()
    allow_own_sources(data_root)
    create_account(data_dir, "bench", PASSWORD, by=None)
    account = authenticate(data_dir, "bench", PASSWORD)
    settle()
    start = time.perf_counter()
    plan = make_plan(data_dir, [str(src)])
    ack = acknowledge_all(get_transfer(transfer), account, plan.file_count, plan.total_bytes)
    report = Importer(data_dir, account, ImportOptions(transfer=transfer), acknowledgement=ack).run(plan)
    took = time.perf_counter() - start
    assert report.exit_code == 0, report.summary()
    wait_for_images()  # the background reader of this import's images must not run into the next timing
    data_dir.dispose()
    return took, report.transferred


def warm_up(work: Path, transfers: list[str]) -> None:
    """One tiny import with each transfer: the modules an import loads on first use (the catalog's
    writers, the checks, each transfer's own) are loaded before the first timed run, not in it."""
    src = work / "src"
    make_small(src, 1)
    for transfer in transfers:
        ours(transfer, src, work / f"data-{transfer}")


def make_images(root: Path, count: int) -> None:
    import numpy as np
    import tifffile

    root.mkdir(parents=True)
    ramp = np.add.outer(np.arange(1024), np.arange(1024)).astype(np.uint16)
    for i in range(count):
        tifffile.imwrite(root / f"image{i:04d}.tif", ramp + i)


def with_and_without_images(src: Path, work: Path) -> tuple[float, float, float]:
    """(import s without the image reader, import s with it, s until its thumbnails were all made)."""
    importer_module.queue_filesets = lambda data_dir, ids: None  # type: ignore[assignment]
    try:
        without, _ = ours("ln_s", src, work / f"data-noimages-{src.name}")
    finally:
        importer_module.queue_filesets = queue_filesets
    start = time.perf_counter()
    took, _ = ours("ln_s", src, work / f"data-images-{src.name}")
    wait_for_images()
    return without, took, time.perf_counter() - start


def checks_alone(src: Path, data_root: Path) -> float:
    """All checks for every transfer at once, as the wizard's transfer page runs them."""
    data_dir = DataDir(data_root)
    account = authenticate(data_dir, "bench", PASSWORD)
    plan = make_plan(data_dir, [str(src)])
    start = time.perf_counter()
    run_checks(data_dir, plan, account)
    took = time.perf_counter() - start
    data_dir.dispose()
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", default=str(Path(__file__).parent / ".work"))
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--large-mib", type=int, default=1024)
    parser.add_argument("--transfers", default="ln_s,ln,cp,upload")
    parser.add_argument("--images", type=int, default=500, help="real TIFFs for the thumbnail cost")
    args = parser.parse_args()
    work = Path(args.workdir) / time.strftime("run-%Y%m%d-%H%M%S")
    work.mkdir(parents=True)
    print(f"# workdir {work}; {os.cpu_count()} cores; data dirs allow ln_s of the bench's own sources")
    workloads = {
        f"{args.small} x 4 KiB": (work / "src-small", lambda p: make_small(p, args.small), args.small * 4096),
        f"1 x {args.large_mib} MiB": (
            work / "src-large",
            lambda p: make_large(p, args.large_mib),
            args.large_mib << 20,
        ),
    }
    if not args.large_mib:
        del workloads[f"1 x {args.large_mib} MiB"]
    warm_up(work / "warm-up", args.transfers.split(","))
    rows = []
    checks: dict[str, tuple[float, float]] = {}
    for label, (src, make, nbytes) in workloads.items():
        make(src)
        warm(src)
        for transfer in args.transfers.split(","):
            base = shell_baseline(BASELINES[transfer], src, work / f"shell-{transfer}-{src.name}")
            took, files = ours(transfer, src, work / f"data-{transfer}-{src.name}")
            rows.append(
                (label, transfer, took, files / took, nbytes / took / 1e6, BASELINES[transfer], base, took / base)
            )
            if transfer == "ln_s":
                checks[label] = (checks_alone(src, work / f"data-{transfer}-{src.name}"), took)
    row = "{:<18} {:<8} {:>8} {:>9} {:>8}  {:<22} {:>7} {:>6}"
    print("\n" + row.format("workload", "transfer", "ours s", "files/s", "MB/s", "baseline", "base s", "ratio"))
    for label, transfer, took, fps, mbs, cmd, base, ratio in rows:
        cells = (f"{took:.2f}", f"{fps:.0f}", f"{mbs:.0f}", cmd + " + openssl sha1", f"{base:.2f}", f"{ratio:.2f}")
        print(row.format(label, transfer, *cells))
    for label, (took, import_took) in checks.items():
        print(f"checks for all 7 transfers on {label}: {took:.2f} s ({took / import_took:.0%} of the ln_s import)")
    if not args.images:
        shutil.rmtree(work, ignore_errors=True)
        return 0
    images_src = work / "src-images"
    make_images(images_src, args.images)
    warm(images_src)
    print("\nthumbnails (ln_s; images read in the background): import without, import with, reader done")
    for label, src in (
        (f"{args.small} x 4 KiB", workloads[f"{args.small} x 4 KiB"][0]),
        (f"{args.images} TIFFs", images_src),
    ):
        without, took, done = with_and_without_images(src, work)
        print(f"{label:<18} {without:.2f} s  {took:.2f} s ({took / without - 1:+.0%})  thumbnails done {done:.2f} s")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
