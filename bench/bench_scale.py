"""Facility scale, against the shell in the same run.

- One OME-Zarr plate of N small files (default 200,000 files of 4 KiB in 384 wells) imported with
  ln_s (SHA1-160), against the shell doing the same placement and hashing (`cp -rs`, then
  `openssl dgst -sha1` of every source); wall and CPU seconds of both, and the import's peak memory.
- Peak memory (VmHWM of the importing process itself) of ln_s plate imports at 20,000, 100,000 and
  200,000 files, and the slope in bytes per file.
- How long the CLI takes to start: `inplace --version`, and `inplace import -f` of one file, beside
  Python's own start.

Each import runs in its own process (so its peak is its own). Sources are generated into fresh
folders and nothing is deleted until the end: this ext4 creates files slowly for about a minute
after a large deletion. The bench's data dirs allow ln_s from temporary storage (policy
temporary_storage = "allow"): the sources are the bench's own files, and the workdir may be under /tmp.

    python bench/bench_scale.py [--workdir DIR] [--plate N] [--slope 20000,100000,200000]
    python bench/bench_scale.py --child SRC DATA_DIR TRANSFER   (one import; prints JSON)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
PASSWORD = "bench-password"
ROWS, COLUMNS = "ABCDEFGHIJKLMNOP", 24


def make_plate(root: Path, count: int) -> Path:
    """An OME-Zarr plate folder of `count` chunk files of 4 KiB, spread over 384 wells."""
    plate = root / "plate.zarr"
    plate.mkdir(parents=True)
    (plate / ".zattrs").write_text('{"plate": {"name": "bench"}}')
    block = os.urandom(4096)
    wells = [(r, c) for r in ROWS for c in range(1, COLUMNS + 1)]
    per_well = -(-count // len(wells))
    made = 0
    for r, c in wells:
        folder = plate / r / str(c) / "0" / "0"
        folder.mkdir(parents=True)
        for k in range(min(per_well, count - made)):
            (folder / f"0.0.{k}").write_bytes(block[:-8] + made.to_bytes(8, "little"))
            made += 1
    return plate


def allow_own_sources(data_root: Path) -> None:
    """The bench's data dirs accept ln_s from temporary storage: the sources are its own."""
    settings = data_root / "settings.toml"
    text = settings.read_text()
    settings.write_text(text.replace('temporary_storage = "error"', 'temporary_storage = "allow"'))


def new_data_dir(data_root: Path):
    from engine.accounts import create_account
    from engine.datadir import DataDir

    data_dir = DataDir(data_root)
    data_dir.create()
    allow_own_sources(data_root)
    create_account(data_dir, "bench", PASSWORD, by=None)
    return data_dir


def child(src: str, data_root: str, transfer: str) -> int:
    """One import in this process: plan, checks, transfer, catalog; prints seconds, CPU and peak."""
    from engine.accounts import authenticate
    from engine.importer import Importer, ImportOptions
    from engine.plan import make_plan
    from engine.responsibilities import acknowledge_all
    from engine.transfers import get_transfer

    data_dir = new_data_dir(Path(data_root))
    account = authenticate(data_dir, "bench", PASSWORD)
    cpu0, start = _cpu(), time.perf_counter()
    plan = make_plan(data_dir, [src])
    ack = acknowledge_all(get_transfer(transfer), account, plan.file_count, plan.total_bytes)
    report = Importer(data_dir, account, ImportOptions(transfer=transfer), acknowledgement=ack).run(plan)
    took, cpu = time.perf_counter() - start, _cpu() - cpu0
    assert report.exit_code == 0, report.summary()
    with open("/proc/self/status") as f:
        peak_kib = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    print(json.dumps({"seconds": took, "cpu": cpu, "files": report.transferred, "peak_kib": peak_kib}))
    data_dir.dispose()
    return 0


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def ours(src: Path, data_root: Path, transfer: str = "ln_s") -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(src), str(data_root), transfer],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def shell(src: Path, dest: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of `cp -rs` and `openssl dgst -sha1` over every source."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(["cp", "-rs", str(src), str(dest)], check=True)
    subprocess.run(
        f"find '{src}' -type f -print0 | xargs -0 -P1 openssl dgst -sha1 > /dev/null", shell=True, check=True
    )
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return took, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def warm(root: Path) -> None:
    subprocess.run(f"find '{root}' -type f -print0 | xargs -0 cat > /dev/null", shell=True, check=True)


def start_times(work: Path, runs: int = 7) -> list[tuple[str, float]]:
    """Median seconds of: Python's own start, `inplace --version`, `inplace import -f` of one file."""
    data_root = work / "data-cli"
    new_data_dir(data_root).dispose()
    one = work / "one" / "image.tif"
    one.parent.mkdir()
    one.write_bytes(os.urandom(4096))
    inplace = str(Path(sys.executable).parent / "inplace")
    env = {**os.environ, "INPLACE_USER": "bench", "INPLACE_PASSWORD": PASSWORD}
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "inplace --version": [inplace, "--version"],
        "inplace import -f (one file)": [inplace, "--data-dir", str(data_root), "import", "-f", str(one)],
    }
    out = []
    for label, command in commands.items():
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=env)
            times.append(time.perf_counter() - start)
        out.append((label, statistics.median(times)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", default=str(Path(__file__).parent / ".work"))
    parser.add_argument("--plate", type=int, default=200_000)
    parser.add_argument("--slope", default="20000,100000,200000")
    parser.add_argument("--child", nargs=3, metavar=("SRC", "DATA_DIR", "TRANSFER"))
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    work = Path(args.workdir) / time.strftime("scale-%Y%m%d-%H%M%S")
    work.mkdir(parents=True)
    print(f"# workdir {work}; {os.cpu_count()} cores; data dirs allow ln_s of the bench's own sources")
    sizes = sorted({args.plate, *(int(n) for n in args.slope.split(",") if n)})
    plates = {n: make_plate(work / f"src-{n}", n) for n in sizes}  # all made before any timing
    for plate in plates.values():
        warm(plate)
    plate = plates[args.plate]
    base_wall, base_cpu = shell(plate, work / "shell-plate")
    mine = ours(plate, work / "data-plate")
    row = "{:<34} {:>8} {:>8} {:>10}"
    print("\n" + row.format(f"OME-Zarr plate, {args.plate} x 4 KiB", "wall s", "CPU s", "peak MiB"))
    print(row.format("ln_s (ours)", f"{mine['seconds']:.2f}", f"{mine['cpu']:.2f}", f"{mine['peak_kib'] / 1024:.0f}"))
    print(row.format("cp -rs + openssl sha1 (shell)", f"{base_wall:.2f}", f"{base_cpu:.2f}", ""))
    print(f"ratio ours / shell: {mine['seconds'] / base_wall:.2f} wall, {mine['cpu'] / base_cpu:.2f} CPU (aim: 1.5)")
    print("\npeak memory of ln_s plate imports (each in its own process)")
    points = []
    for n in sizes:
        result = mine if n == args.plate else ours(plates[n], work / f"data-slope-{n}")
        points.append((n, result["peak_kib"] * 1024))
        print(f"{n:>8} files  {result['peak_kib'] / 1024:7.0f} MiB  {result['seconds']:6.2f} s")
    if len(points) > 1:
        slope = statistics.linear_regression([n for n, _ in points], [b for _, b in points]).slope
        print(f"slope: {slope:.0f} bytes per file (aim: flat; peak under 300 MiB at 200,000 files)")
    print("\nstart of the command line (median of 7)")
    for label, took in start_times(work):
        print(f"{label:<30} {took * 1000:6.0f} ms")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
