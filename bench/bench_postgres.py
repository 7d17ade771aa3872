"""The catalog's cost on PostgreSQL beside SQLite: the same ln_s import of 20,000 files of 4 KiB into a
data dir whose catalog is catalog.sqlite, and into one whose catalog is a PostgreSQL database, with the
shell's `cp -rs` + `openssl dgst -sha1` as the baseline of the same run. Then two imports of half the
files each at once, as two import hosts would run them (two processes), on each catalog.

The server is a private one started here like the tests' (tests/postgres.py: Debian's postgresql, as
the postgres user, on a Unix socket), but durable (fsync on, unlike the tests'). Caches are warm;
each run writes into fresh paths.

    python bench/bench_postgres.py [--workdir DIR] [--small N] [--repeat N]
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
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_import import PASSWORD, make_small, shell_baseline, warm  # noqa: E402
from engine.accounts import authenticate, create_account  # noqa: E402
from engine.datadir import DataDir  # noqa: E402
from engine.images import wait_for_images  # noqa: E402
from engine.importer import Importer, ImportOptions  # noqa: E402
from engine.plan import make_plan  # noqa: E402
from engine.responsibilities import acknowledge_all  # noqa: E402
from engine.transfers import get_transfer  # noqa: E402

CATALOGS = ("SQLite", "PostgreSQL")
SETTINGS = '[policy]\ntemporary_paths = []\ntemporary_fs_types = ["ramfs"]\n'


def new_data_dir(root: Path, catalog_url: str | None) -> DataDir:
    data_dir = DataDir(root)
    data_dir.create(catalog_url)
    (root / "settings.toml").write_text((f'catalog_url = "{catalog_url}"\n' if catalog_url else "") + SETTINGS)
    create_account(data_dir, "bench", PASSWORD, by=None)
    return data_dir


def import_in_process(data_dir: DataDir, src: Path, wait_images: bool = True) -> float:
    """Seconds for plan, checks, links, checksums and catalog, as bench_import.py measures them."""
    account = authenticate(data_dir, "bench", PASSWORD)
    start = time.perf_counter()
    plan = make_plan(data_dir, [str(src)])
    ack = acknowledge_all(get_transfer("ln_s"), account, plan.file_count, plan.total_bytes)
    report = Importer(data_dir, account, ImportOptions(transfer="ln_s"), acknowledgement=ack).run(plan)
    took = time.perf_counter() - start
    assert report.exit_code == 0 and report.transferred == plan.file_count, report.summary()
    if wait_images:
        wait_for_images()  # the background reader finishes before the next measurement starts
    return took


def two_hosts_at_once(data_dir: DataDir, halves: list[Path]) -> float:
    """Seconds from the moment two import processes (host ids a and b, each its half of the files) are
    let go together until the later one has registered its last fileset."""
    go = data_dir.root / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--host", str(data_dir.root), str(half), str(go)],
            env={**os.environ, "INPLACE_HOST_ID": f"host-{'ab'[i]}"},
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i, half in enumerate(halves)
    ]
    for p in procs:  # each says it is ready (interpreter started, signed in) before any begins
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    start = time.time()
    go.touch()
    ends = [float(p.communicate()[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    return max(ends) - start


def host(root: str, src: str, go: str) -> None:
    """One import host of two_hosts_at_once: waits for the go file, imports, prints when it finished."""
    data_dir = DataDir(Path(root))
    authenticate(data_dir, "bench", PASSWORD)
    print("ready", flush=True)
    while not os.path.exists(go):
        time.sleep(0.001)
    import_in_process(data_dir, Path(src), wait_images=False)
    print(time.time(), flush=True)
    wait_for_images()
    data_dir.dispose()


def private_server(work: Path):
    """A PostgreSQL server of our own (needs root and Debian's postgresql), durable as in production."""
    from tests.postgres import PostgresServer, unavailable_reason

    reason = unavailable_reason()
    if reason:
        sys.exit(f"bench_postgres: {reason}")
    server = PostgresServer(Path(tempfile.mkdtemp(prefix="inplace-bench-pg-", dir=work)))
    server.init()
    server.start(durable=True)
    return server


def catalog_url(server, label: str) -> str | None:
    return server.new_database() if label == "PostgreSQL" else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", default=str(Path(__file__).parent / ".work"))
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best and the median are shown")
    parser.add_argument("--host", nargs=3, help=argparse.SUPPRESS)  # one of two_hosts_at_once's processes
    args = parser.parse_args()
    if args.host:
        host(*args.host)
        return 0
    work = Path(args.workdir) / time.strftime("pg-%Y%m%d-%H%M%S")
    work.mkdir(parents=True)
    server = private_server(work)
    try:
        print(f"# workdir {work}; {os.cpu_count()} cores; PostgreSQL from {server.bin}")
        src = work / "src"
        make_small(src, args.small)
        halves = [work / "half-a", work / "half-b"]
        for half in halves:
            make_small(half, args.small // 2)
            warm(half)
        warm(src)
        bases: list[float] = []
        times: dict[str, dict[str, list[float]]] = {label: {"one": [], "two": []} for label in CATALOGS}
        for round_ in range(args.repeat):  # the catalogs take turns, so a busy moment hits both alike
            bases.append(shell_baseline("cp -rs", src, work / f"shell-{round_}"))
            for label in CATALOGS:
                data_dir = new_data_dir(work / f"data-{label}-{round_}", catalog_url(server, label))
                times[label]["one"].append(import_in_process(data_dir, src))
                data_dir.dispose()
                both_dir = new_data_dir(work / f"data-{label}-two-{round_}", catalog_url(server, label))
                times[label]["two"].append(two_hosts_at_once(both_dir, halves))
                both_dir.dispose()
        base = min(bases)
        line = "{:<11} {:>16} {:>9} {:>16} {:>28}"
        print(line.format("catalog", "ln_s s best/med", "files/s", "vs cp -rs+sha1", "two hosts x half s best/med"))
        for label in CATALOGS:
            one, two = times[label]["one"], times[label]["two"]
            best = min(one)
            cells = (f"{best:.2f} / {median(one):.2f}", f"{args.small / best:.0f}", f"{best / base:.2f}")
            print(line.format(label, *cells, f"{min(two):.2f} / {median(two):.2f}"))
        print(f"shell baseline cp -rs + openssl sha1: {base:.2f} s for {args.small} files of 4 KiB")
    finally:
        server.stop("fast")
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
