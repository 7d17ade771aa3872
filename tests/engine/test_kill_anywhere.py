"""kill -9 at many moments of the moving transfers, then recovery: no original is ever lost.

Each case stops a real `inplace import` process at a named point (engine/checkpoints.py), kills it
with SIGKILL there, and checks that every original either still exists unchanged or has a verified
copy in the repository. Then it recovers (rollback or resume, alternately) and checks the same
again, plus that the repository matches the catalog exactly.
"""

import hashlib
import os
from pathlib import Path

import pytest

from tests.conftest import run_cli_process
from tests.engine.processes import catalog_rows, kill, start_stopped

FILES = 30

# Spread over the whole run: planning the folders, transferring, registering and deleting.
POINTS = [
    "recorded:1",
    "allocated:1",
    "created:1",
    "created:12",
    "created:30",
    "before-register:1",
    "registered:1",
    "before-delete:1",
    "before-unlink:1",
    "before-unlink:9",
    "after-unlink:17",
    "before-unlink:30",
    "after-unlink:30",
]
CASES = [(t, p) for t in ("cp_rm", "upload_rm", "ln_rm") for p in POINTS]


def make_originals(root):
    originals = {}
    for i in range(FILES):
        path = root / f"run{i % 3}" / f"field{i:02d}.tif"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(1000 + 97 * i))
        originals[str(path)] = hashlib.sha1(path.read_bytes()).hexdigest()
    return originals


def stored_checksums(data_dir):
    """SHA-1 of what the repository really holds for each registered entry (checked, not trusted)."""
    held = set()
    for repo_path, checksum in catalog_rows(
        data_dir,
        "SELECT e.repo_path, e.checksum FROM fileset_entries e JOIN filesets f ON f.id = e.fileset_id "
        "WHERE f.state = 'registered'",
    ):
        path = data_dir.repository / repo_path
        assert path.is_file() and not path.is_symlink(), f"registered entry {repo_path} is not a stored file"
        actual = hashlib.sha1(path.read_bytes()).hexdigest()
        assert actual == checksum, f"{repo_path} does not hold what the catalog says"
        held.add(actual)
    return held


def assert_nothing_lost(data_dir, originals):
    held = stored_checksums(data_dir)
    for path, digest in originals.items():
        if os.path.exists(path):
            assert hashlib.sha1(Path(path).read_bytes()).hexdigest() == digest, f"{path} was changed"
        else:
            assert digest in held, f"{path} is gone and the repository has no verified copy of it"


def assert_repository_matches_catalog(data_dir):
    assert catalog_rows(data_dir, "SELECT count(*) FROM filesets WHERE state != 'registered'") == [(0,)]
    result = run_cli_process(data_dir.root, "jobs", "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    entries = {r for (r,) in catalog_rows(data_dir, "SELECT repo_path FROM fileset_entries")}
    files = {
        str(p.relative_to(data_dir.repository))
        for p in data_dir.repository.rglob("*")
        if p.is_file() and p.suffix != ".log"
    }
    assert files == entries


@pytest.mark.parametrize(("transfer", "point"), CASES, ids=[f"{t}-{p}" for t, p in CASES])
def test_a_kill_at_any_moment_loses_no_original(data_dir, cli, tmp_path, transfer, point):
    src = tmp_path / "originals"
    originals = make_originals(src)
    proc = start_stopped(data_dir, point, "import", "--transfer", transfer, "--accept-responsibilities", src)
    kill(proc)
    assert_nothing_lost(data_dir, originals)

    code, out, err = cli("jobs", "--output", "json")
    ((job,),) = catalog_rows(data_dir, "SELECT id FROM jobs")
    assert catalog_rows(data_dir, f"SELECT state FROM jobs WHERE id = {job}") == [("interrupted",)]
    if CASES.index((transfer, point)) % 2:
        code, out, err = cli("jobs", "--rollback", job)
    else:
        code, out, err = cli("jobs", "--resume", job, "--accept-responsibilities")
    assert code == 0, out + err
    assert_nothing_lost(data_dir, originals)
    assert_repository_matches_catalog(data_dir)
