"""Real processes: SIGKILL in the middle of a cp_rm import, and two imports at once."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO, cli_command, cli_process_env, run_cli_process
from tests.engine.processes import catalog_rows, kill, start_stopped

FILES = 800
SIZE = 16 * 1024


def make_sources(root, count=FILES, size=SIZE):
    root.mkdir(parents=True)
    block = os.urandom(size)
    for i in range(count):
        (root / f"sub{i % 7}").mkdir(exist_ok=True)
        (root / f"sub{i % 7}" / f"img{i:05d}.raw").write_bytes(block[:-8] + i.to_bytes(8, "little"))


def registered_count(data_dir):
    return catalog_rows(data_dir, "SELECT count(*) FROM filesets WHERE state='registered'")[0][0]


def start_import(data_dir, *args):
    return subprocess.Popen(
        cli_command(data_dir.root, "import", *args),
        env=cli_process_env(),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_mid_import(data_dir, src, point="recorded:2"):
    """SIGKILL a cp_rm import exactly at `point` (see engine/checkpoints.py): by default just after
    its second batch of fileset folders was recorded and before they were made."""
    proc = start_stopped(data_dir, point, "import", "--transfer", "cp_rm", "--accept-responsibilities", str(src))
    kill(proc)
    done = registered_count(data_dir)
    assert 0 < done < FILES, f"the kill did not land mid-import ({done} of {FILES} registered)"


def assert_consistent(data_dir):
    """Every fileset directory on disk is a registered fileset with all its files, and vice versa."""
    rows = catalog_rows(data_dir, "SELECT repo_dir, state FROM filesets")
    entries = [r[0] for r in catalog_rows(data_dir, "SELECT repo_path FROM fileset_entries")]
    assert all(state == "registered" for _, state in rows)
    on_disk = {str(p.relative_to(data_dir.repository)) for p in data_dir.repository.glob("*/*/*/*") if p.is_dir()}
    assert on_disk == {d for d, _ in rows}
    assert all((data_dir.repository / e).is_file() for e in entries)
    stored = [p for p in data_dir.repository.rglob("*.raw")]
    assert len(stored) == len(entries)
    result = run_cli_process(data_dir.root, "jobs", "--check")
    assert result.returncode == 0 and "matches the catalog" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize("point", ["recorded:2", "allocated:2", "created:300", "before-register:2"])
def test_sigkill_mid_cp_rm_loses_no_source_and_rollback_is_consistent(data_dir, cli, tmp_path, point):
    src = tmp_path / "src"
    make_sources(src)
    kill_mid_import(data_dir, src, point)
    assert len(list(src.rglob("*.raw"))) == FILES  # nothing was deleted

    code, out, _ = cli("jobs", "--output", "json")
    (job,) = json.loads(out)
    assert job["state"] == "interrupted"
    code, out, err = cli("jobs", "--rollback", str(job["id"]))
    assert code == 0, err
    assert_consistent(data_dir)
    assert list(data_dir.repository.rglob("*.raw")) == []  # originals all remain, so all copies went
    assert len(list(src.rglob("*.raw"))) == FILES


@pytest.mark.parametrize("point", ["recorded:2", "allocated:2", "created:300"])
def test_sigkill_then_resume_imports_the_rest_and_deletes_nothing(data_dir, cli, tmp_path, point):
    src = tmp_path / "src"
    make_sources(src)
    kill_mid_import(data_dir, src, point)
    code, out, err = cli("jobs", "--resume", "1", "--accept-responsibilities")
    assert code == 0, err + out
    assert "no original was deleted" in out
    assert_consistent(data_dir)
    assert len(list(data_dir.repository.rglob("*.raw"))) == FILES
    assert len(list(src.rglob("*.raw"))) == FILES
    code, out, _ = cli("jobs", "--output", "json")
    assert [j["state"] for j in json.loads(out)] == ["completed", "resumed"]


def test_two_imports_at_once_both_succeed_in_separate_directories(data_dir, tmp_path):
    make_sources(tmp_path / "a", count=400, size=4096)
    make_sources(tmp_path / "b", count=400, size=4096)
    procs = [start_import(data_dir, "--transfer", "cp", "--output", "json", str(tmp_path / n)) for n in "ab"]
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
        assert json.loads(out)["filesets_created"] == 400
    dirs = [r[0] for r in catalog_rows(data_dir, "SELECT repo_dir FROM filesets WHERE state='registered'")]
    assert len(dirs) == 800 and len(set(dirs)) == 2  # one folder per import job, never shared
    assert_consistent(data_dir)


def test_the_cli_runs_as_a_process_and_reports_its_version(tmp_path):
    result = run_cli_process(tmp_path / "none", "--version")
    assert result.returncode == 0 and result.stdout.startswith("inplace ")


def test_engine_imports_without_qt():
    code = (
        "import sys; sys.modules['PySide6'] = None; sys.modules['qasync'] = None\n"
        "import pkgutil, importlib, engine\n"
        "for m in pkgutil.walk_packages(engine.__path__, 'engine.'):\n"
        "    importlib.import_module(m.name)\n"
        "assert not any(k.startswith(('PySide6', 'gui')) and sys.modules[k] for k in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
