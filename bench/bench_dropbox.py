"""DropBox benchmark: how soon after a file becomes quiet the service imports it, and what the service
costs while it waits, with 10 watched folders.

The real service (`inplace dropbox run`, inotify) watches 10 folders with a quiet period of Q seconds.
One 1024x1024 16-bit TIFF (2 MiB) at a time is written into one folder after another; each is quiet Q
seconds after its last write, and its delay is the time from then to its job's start and to its end
(from the catalog's job times). Baseline in the same run: `cp` of the same file, the least an import
of it can take. Then the service is left alone for --idle-seconds: its CPU time (utime+stime from
/proc) over that time, and its resident memory, against the floor of a Python process that only
imports the engine and watchdog.

    python bench/bench_dropbox.py [--workdir DIR] [--quiet Q] [--files N] [--idle-seconds S]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PASSWORD = "bench-password"
FOLDERS = 10
FLOOR = "import engine.api, watchdog.observers, time; print('ready', flush=True); time.sleep(3600)"


def cli(data_root: Path, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "engine.cli.main", "--data-dir", str(data_root), *args],
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )


def rows(catalog: Path, query: str) -> list[tuple]:
    con = sqlite3.connect(catalog, timeout=30)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", "rb") as f:
        fields = f.read().rsplit(b")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def memory_mib(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) of a process, MiB."""
    found = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) / 1024
    return found["VmRSS"], found["VmHWM"]


def make_image(path: Path) -> None:
    import numpy as np
    import tifffile

    ramp = np.add.outer(np.arange(1024), np.arange(1024)).astype(np.uint16)
    tifffile.imwrite(path, ramp)


def wait_until(what: str, check, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while not (found := check()):
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        time.sleep(0.02)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="where to work (default: a new temporary folder)")
    parser.add_argument("--quiet", type=float, default=2.0, help="the folders' quiet period, seconds")
    parser.add_argument("--files", type=int, default=10, help="files dropped, one after another")
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-dropbox-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"# workdir {work}; {os.cpu_count()} cores; {FOLDERS} folders, quiet period {args.quiet:g} s")
    env = {**os.environ, "INPLACE_USER": "bench", "INPLACE_PASSWORD": PASSWORD, "PYTHONUNBUFFERED": "1"}
    data_root = work / "data"
    catalog = data_root / "catalog.sqlite"
    cli(data_root, "admin", "init", env=env)
    folders = [work / f"drop{i:02d}" for i in range(FOLDERS)]
    for folder in folders:
        folder.mkdir()
        cli(data_root, "dropbox", "add", str(folder), "--account", "bench", "--quiet-seconds", str(args.quiet), env=env)
    image = work / "image.tif"
    make_image(image)

    # The baseline: copying the file, the floor of any import of it.
    copies = []
    for i in range(args.files):
        start = time.perf_counter()
        subprocess.run(["cp", str(image), str(work / f"copy{i}.tif")], check=True)
        copies.append(time.perf_counter() - start)

    log = (work / "service.log").open("w")
    service = subprocess.Popen(
        [sys.executable, "-m", "engine.cli.main", "--data-dir", str(data_root), "dropbox", "run"],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=log,
    )
    try:
        wait_until(
            "the service's first look",
            lambda: rows(catalog, "SELECT COUNT(*) FROM watched_folders WHERE checked_at IS NOT NULL")[0][0]
            == FOLDERS,
        )
        to_start, to_end = [], []
        for i in range(args.files):
            target = folders[i % FOLDERS] / f"image{i:03d}.tif"
            shutil.copy(image, target)
            quiet_at = target.stat().st_mtime + args.quiet  # its last change, plus the quiet period
            started, finished = wait_until(
                f"the import of {target.name}",
                lambda i=i: (r := rows(catalog, f"SELECT started_at, finished_at FROM jobs WHERE id = {i + 1}"))
                and r[0][1] is not None
                and r[0],
            )
            to_start.append(datetime.fromisoformat(started).timestamp() - quiet_at)
            to_end.append(datetime.fromisoformat(finished).timestamp() - quiet_at)
        states = rows(catalog, "SELECT state, COUNT(*) FROM jobs GROUP BY state")
        assert states == [("completed", args.files)], states

        time.sleep(2)  # the last import's own after-work (images read in the background) settles
        cpu_before, idle_start = cpu_seconds(service.pid), time.monotonic()
        time.sleep(args.idle_seconds)
        idle_cpu = (cpu_seconds(service.pid) - cpu_before) / (time.monotonic() - idle_start)
        rss, peak = memory_mib(service.pid)
    finally:
        service.terminate()
        service.wait(timeout=120)
        log.close()

    floor = subprocess.Popen([sys.executable, "-c", FLOOR], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert floor.stdout is not None
        floor.stdout.readline()
        floor_rss, _ = memory_mib(floor.pid)
    finally:
        floor.kill()
        floor.wait()
        assert floor.stdout is not None
        floor.stdout.close()

    def ms(values: list[float]) -> str:
        return f"median {statistics.median(values) * 1000:6.0f} ms, max {max(values) * 1000:6.0f} ms"

    print(f"files imported                          {args.files} (one at a time, 2 MiB TIFF each, upload)")
    print(f"quiet -> job started                    {ms(to_start)}")
    print(f"quiet -> job finished (imported)        {ms(to_end)}")
    print(f"baseline: cp of the same file           {ms(copies)}")
    print(f"idle CPU, {FOLDERS} folders, {args.idle_seconds:g} s            {idle_cpu * 100:.2f} % of one core")
    print(f"resident memory after the run           {rss:.0f} MiB (peak {peak:.0f} MiB)")
    print(f"floor: python + engine.api + watchdog   {floor_rss:.0f} MiB")
    if not args.workdir:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
