"""Verify benchmark against shell baselines measured in the same run.

Workloads: 20,000 files of 4 KiB, and one 1 GiB file, imported with `ln_s`. `inplace verify --quick`
(open, stat, compare, record each result in the catalog) is timed against
`find -printf '%s %T@ %i'` over the originals; `inplace verify --full` (SHA1-160 again) against
`openssl dgst -sha1` of every original. Each verify runs in a fresh process, which reports its
peak memory (the same process only opening the data dir is the floor). Caches warm; fresh paths;
nothing is deleted until the end.

    python bench/bench_verify.py [--workdir DIR] [--small N] [--large-mib M]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_import import PASSWORD, make_large, make_small, ours, warm  # noqa: E402

QUICK_BASELINE = "find '{src}' -type f -printf '%s %T@ %i\\n' > /dev/null"
FULL_BASELINE = "find '{src}' -type f -print0 | xargs -0 -P1 openssl dgst -sha1 > /dev/null"


def child(data_root: str, mode: str) -> None:
    """In a fresh process: verify everything (or, for 'floor', only open the data dir), print JSON."""
    from engine.accounts import authenticate
    from engine.datadir import DataDir
    from engine.verify import verify

    data_dir = DataDir(Path(data_root))
    account = authenticate(data_dir, "bench", PASSWORD)
    start = time.perf_counter()
    checked = problems = 0
    if mode != "floor":
        report = verify(data_dir, account, full=mode == "full")
        checked, problems = len(report.entries), len(report.problems)
    took = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    data_dir.dispose()
    print(json.dumps({"seconds": took, "checked": checked, "problems": problems, "peak_mib": peak_mib}))


def run_child(data_root: Path, mode: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(data_root), mode], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def shell(command: str, src: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command.format(src=src), shell=True, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", default=str(Path(__file__).parent / ".work"))
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--large-mib", type=int, default=1024)
    parser.add_argument("--child", nargs=2, metavar=("DATA_DIR", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    work = Path(args.workdir) / time.strftime("verify-%Y%m%d-%H%M%S")
    work.mkdir(parents=True)
    print(f"# workdir {work}; {os.cpu_count()} cores")
    workloads = {
        f"{args.small} x 4 KiB": (work / "src-small", lambda p: make_small(p, args.small), args.small * 4096),
        f"1 x {args.large_mib} MiB": (
            work / "src-large",
            lambda p: make_large(p, args.large_mib),
            args.large_mib << 20,
        ),
    }
    rows = []
    for label, (src, make, nbytes) in workloads.items():
        make(src)
        data_root = work / f"data-{src.name}"
        ours("ln_s", src, data_root)
        warm(src)
        floor = run_child(data_root, "floor")["peak_mib"]
        for mode, baseline in (("quick", QUICK_BASELINE), ("full", FULL_BASELINE)):
            base = shell(baseline, src)
            result = run_child(data_root, mode)
            assert result["problems"] == 0, result
            took = result["seconds"]
            name = "find -printf" if mode == "quick" else "openssl dgst -sha1"
            rows.append(
                (
                    label,
                    mode,
                    took,
                    result["checked"] / took,
                    nbytes / took / 1e6,
                    name,
                    base,
                    took / base,
                    result["peak_mib"],
                    result["peak_mib"] - floor,
                )
            )
    row = "{:<16} {:<6} {:>7} {:>9} {:>8}  {:<19} {:>7} {:>6} {:>9} {:>10}"
    print(
        "\n"
        + row.format(
            "workload", "mode", "ours s", "files/s", "MB/s", "baseline", "base s", "ratio", "peak MiB", "above floor"
        )
    )
    for label, mode, took, fps, mbs, name, base, ratio, peak, above in rows:
        cells = (
            f"{took:.2f}",
            f"{fps:.0f}",
            f"{mbs:.0f}",
            name,
            f"{base:.2f}",
            f"{ratio:.2f}",
            f"{peak:.0f}",
            f"{above:+.1f}",
        )
        print(row.format(label, mode, *cells))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
