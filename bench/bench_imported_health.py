"""What telling the data page how earlier imports are doing costs: on N small files imported before
(ln) and checked once, the scan of the selection (`Session.plan`), the earlier lookup of what was
imported before (`imported_before`) and the added health lookup (`imported_health`), each timed, with
`find -printf` over the same tree as the shell baseline, measured in the same run.

    python bench/bench_imported_health.py [--files 20000] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.api import DataDirectory  # noqa: E402

PASSWORD = "bench-password"


def timed(what, *args):
    started = time.perf_counter()
    result = what(*args)
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20000)
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-health-", dir=args.workdir))
    try:
        src = work / "src"
        for i in range(args.files):
            folder = src / f"d{i // 1000:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"f{i:06d}.tif").write_bytes(os.urandom(64))
        os.environ["INPLACE_PASSWORD"] = PASSWORD  # the new account's, for admin init
        subprocess.run(
            [sys.executable, "-m", "engine.cli.main", "--data-dir", str(work / "data"), "admin", "init", "--user", "b"],
            check=True,
            capture_output=True,
        )
        with DataDirectory.open(work / "data") as dd:
            session = dd.sign_in("b", PASSWORD)
            prepared = session.prepare([str(src)], session.options(transfer="ln"))
            assert prepared.run(prepared.acknowledge()).exit_code == 0
            session.verify()
            find = f"find {src} -type f -printf '%s %T@ %p\\n' > /dev/null"
            _, shell = timed(lambda: subprocess.run(find, shell=True, check=True))
            plan, scan = timed(session.plan, [str(src)], session.options())
            before, looked_up = timed(session.imported_before, plan)
            health, health_took = timed(session.imported_health, plan.filesets)
        assert len(before) == args.files and len(health) == len(plan.filesets)
        print(f"{args.files} files imported before, checked once; {len(plan.filesets)} filesets in the plan")
        print(f"  shell baseline find -printf:   {shell:7.3f} s")
        print(f"  scan (Session.plan):           {scan:7.3f} s")
        print(f"  imported_before:               {looked_up:7.3f} s")
        print(f"  imported_health (added):       {health_took:7.3f} s  ({health_took / scan:.0%} of the scan)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
