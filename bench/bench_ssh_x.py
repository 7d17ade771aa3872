"""The wizard over a real `ssh -X`: bytes on the wire and the import's time, plain and compressed, on a
fast link and on a slow one (10 Mbit/s, 40 ms round trip).

    python bench/bench_ssh_x.py [--files 200] [--modes ssh,ssh-C] [--links fast,slow] [--tree DIR]

An Xvfb plays the person's desktop; a private OpenSSH server on loopback (its own keys and config in
a temporary folder) runs the scripted wizard (bench/ssh_x_driver.py) with X11 forwarding; between the
ssh client and the server a relay (bench/throttled_relay.py) counts every byte and, for the slow
link, limits the rate and delays each direction by half the round trip (this kernel has no netem).
Mode `direct` leaves ssh out (the wizard talks X over TCP through the relay): quick to iterate with.
`--tree` runs the wizard of another checkout (for before/after figures). Needs openssh-server,
openssh-client, xauth and xvfb (apt-get install openssh-server openssh-client xauth xvfb).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_import import PASSWORD, make_small  # noqa: E402
from bench.throttled_relay import ThrottledRelay  # noqa: E402

SLOW_RATE = 10_000_000 / 8  # 10 Mbit/s in bytes per second
SLOW_DELAY = 0.020  # each way: a 40 ms round trip
POLICY = '[policy]\ntemporary_paths = []\ntemporary_fs_types = ["ramfs"]\ntemporary_storage = "error"\n'
REQUIRED = ("Xvfb", "ssh", "ssh-keygen", "xauth", "/usr/sbin/sshd")


def start_xvfb(number: int, tcp: bool) -> subprocess.Popen:
    listen = ["-listen", "tcp"] if tcp else ["-nolisten", "tcp"]
    proc = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1280x900x24", "-noreset", *listen],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"Xvfb :{number} did not start")
        time.sleep(0.05)
    return proc


def start_sshd(work: Path) -> tuple[subprocess.Popen, int, Path]:
    """A private sshd on a free loopback port, accepting one key, with X11 forwarding on."""
    keys = work / "ssh"
    keys.mkdir(mode=0o700)
    for name in ("host", "client"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / name)], check=True)
    shutil.copy(keys / "client.pub", keys / "authorized_keys")
    port = _free_port()
    config = keys / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {keys / 'host'}\n"
        f"AuthorizedKeysFile {keys / 'authorized_keys'}\n"
        "PermitRootLogin prohibit-password\nPasswordAuthentication no\nStrictModes no\nUsePAM no\n"
        f"X11Forwarding yes\nX11UseLocalhost yes\nX11DisplayOffset 50\nPidFile {keys / 'sshd.pid'}\n"
        "AcceptEnv INPLACE_* XDG_* BENCH_*\n"
    )
    Path("/run/sshd").mkdir(exist_ok=True)
    proc = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", str(config)], stderr=subprocess.DEVNULL)
    _wait_port(port)
    return proc, port, keys


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int) -> None:
    import socket

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on port {port}")


def prepare_data(work: Path, files: int, tree: Path) -> tuple[Path, Path]:
    source, data = work / "source", work / "data"
    make_small(source, files)
    env = os.environ | {"INPLACE_USER": "alice", "INPLACE_PASSWORD": PASSWORD}
    made = subprocess.run(
        [sys.executable, "-m", "engine.cli.main", "--data-dir", str(data), "admin", "init"],
        env=env,
        cwd=tree,
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        raise SystemExit(f"could not make the data dir: {made.stderr}")
    (data / "settings.toml").write_text(POLICY)
    return data, source


def run_once(mode: str, link: str, args, work: Path, display: int, files: int, quick: bool = False) -> dict:
    """One scripted run; `quick` types each field in one step (for the import's time alone)."""
    name = f"{mode}-{link}-{files}"
    data, source = prepare_data(work / name, files, args.tree)
    rate, delay = (SLOW_RATE, SLOW_DELAY) if link == "slow" else (0, 0.0)
    driver = [sys.executable, str(REPO / "bench" / "ssh_x_driver.py"), str(data), str(source), args.transfer]
    env = {
        "INPLACE_PASSWORD": PASSWORD,
        "XDG_CONFIG_HOME": str(work / name / "config"),
        "XDG_DATA_HOME": str(work / name / "xdg-data"),
        "XDG_STATE_HOME": str(work / name / "state"),
        "BENCH_TREE": str(args.tree),
        "PYTHONPATH": f"{args.tree}:{REPO}",
        **({"BENCH_PAINTS": "1"} if os.environ.get("BENCH_PAINTS") else {}),
        **({"BENCH_QUICK": "1"} if quick else {}),
    }
    counter = str(work / f"counter-{name}")
    if mode == "direct":
        relay = ThrottledRelay(("127.0.0.1", 6000 + display), rate, delay, port=6000 + display + 1)
        relay.serve_counter(counter)
        command = [*driver, counter]
        env |= {"DISPLAY": f"127.0.0.1:{display + 1}", "PATH": os.environ["PATH"]}
        proc_env = env
    else:
        relay = ThrottledRelay(("127.0.0.1", args.sshd_port), rate, delay)
        relay.serve_counter(counter)
        remote = " ".join(f"{k}={_quote(v)}" for k, v in env.items()) + " " + " ".join(map(_quote, [*driver, counter]))
        command = [
            "ssh",
            "-X",
            *(["-C"] if mode == "ssh-C" else []),
            "-p",
            str(relay.port),
            "-i",
            str(args.keys / "client"),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            f"UserKnownHostsFile={args.keys / 'known_hosts'}",
            "-o",
            "ForwardX11Trusted=yes",
            "-o",
            "LogLevel=ERROR",
            "root@127.0.0.1",
            remote,
        ]
        proc_env = {"DISPLAY": f":{display}", "PATH": os.environ["PATH"], "HOME": str(work)}
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, env=proc_env, timeout=1800)
    wall = time.monotonic() - started
    relay.close()
    if result.returncode != 0:
        raise SystemExit(f"{mode}/{link}: the scripted run failed:\n{result.stdout}\n{result.stderr}")
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    steps = [line for line in lines if "step" in line]
    end = next(line for line in lines if "import_seconds" in line)
    return {
        "mode": mode,
        "link": link,
        "files": files,
        "total_bytes": relay.total(),
        "wall_seconds": round(wall, 1),
        "import_seconds": round(end["import_seconds"], 3),
        "steps": steps,
    }


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(str(text))


def summary(run: dict) -> str:
    steps = run["steps"]

    def worst(kind: str) -> str:
        chosen = [s for s in steps if s["kind"] == kind]
        if not chosen:
            return "-"
        mean = sum(s["bytes"] for s in chosen) / len(chosen)
        most = max(s["bytes"] for s in chosen)
        return f"{_kb(mean)} mean, {_kb(most)} max, {max(s['seconds'] for s in chosen):.2f} s max"

    idle = next(s["bytes"] for s in steps if s["kind"] == "idle")
    return (
        f"{run['mode']:>6} {run['link']:>4}: {run['total_bytes'] / 1e6:7.2f} MB in all, "
        f"import {run['import_seconds']:.2f} s, run {run['wall_seconds']} s\n"
        f"    start-up {_kb(steps[0]['bytes'])} in {steps[0]['seconds']:.1f} s; page change {worst('page')}; "
        f"tick {worst('tick')}; keystroke {worst('key')}; idle 3 s {_kb(idle)}"
    )


def _kb(n: float) -> str:
    return f"{n / 1000:.1f} KB" if n < 1e6 else f"{n / 1e6:.2f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200, help="files in the scripted run whose bytes are counted")
    parser.add_argument("--import-files", type=int, default=5000, help="files in a second run, timing the import")
    parser.add_argument("--modes", default="ssh,ssh-C")
    parser.add_argument("--links", default="fast,slow")
    parser.add_argument("--transfer", default="ln_s")
    parser.add_argument("--tree", type=Path, default=REPO, help="the checkout whose wizard runs")
    parser.add_argument("--json", type=Path, help="write every step's figures here")
    parser.add_argument("--steps", action="store_true", help="print every step")
    args = parser.parse_args()
    missing = [tool for tool in REQUIRED if not shutil.which(tool)]
    if missing:
        print(f"bench_ssh_x: missing {', '.join(missing)} (apt-get install openssh-server openssh-client xauth xvfb)")
        return 2
    modes, links = args.modes.split(","), args.links.split(",")
    display = next(n for n in range(150, 190, 2) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-ssh-x-") as tmp:
        work = Path(tmp)
        xvfb = start_xvfb(display, tcp="direct" in modes)
        sshd = None
        try:
            if any(m.startswith("ssh") for m in modes):
                sshd, args.sshd_port, args.keys = start_sshd(work)
            for mode in modes:
                for link in links:
                    run = run_once(mode, link, args, work, display, args.files)
                    runs.append(run)
                    print(summary(run), flush=True)
                    if args.steps:
                        for s in run["steps"]:
                            paints = s.get("paints", "")
                            print(f"      {s['step']:<40} {_kb(s['bytes']):>10} {s['seconds']:7.2f} s {paints}")
                    if args.import_files:
                        run = run_once(mode, link, args, work, display, args.import_files, quick=True)
                        runs.append(run)
                        print(
                            f"{mode:>6} {link:>4}: import of {args.import_files} files {run['import_seconds']:.2f} s "
                            f"({run['total_bytes'] / 1e6:.2f} MB in all)",
                            flush=True,
                        )
        finally:
            if sshd is not None:
                sshd.terminate()
                sshd.wait()
            xvfb.terminate()
            xvfb.wait()
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
