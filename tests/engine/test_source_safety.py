"""The *_rm transfers delete originals only after a fully successful run; links never take originals."""

import json
import os
import shutil
import threading

import pytest
from sqlalchemy import func, select

from engine.catalog.models import Fileset
from engine.importer import Importer, ImportOptions
from engine.plan import make_plan
from engine.progress import CancelToken
from engine.responsibilities import acknowledge_all
from engine.transfers import get_transfer
from tests.conftest import SAMPLES, make_tree


def snapshot(root):
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_ln_and_ln_rm_across_filesystems_fail_clearly_and_leave_nothing(data_dir, cli, tmpfs):
    make_tree(tmpfs / "src")
    before = snapshot(tmpfs / "src")
    for transfer in ("ln", "ln_rm"):
        code, out, err = cli("import", "--transfer", transfer, "--accept-responsibilities", "-c", tmpfs / "src")
        assert code != 0
        assert "different filesystem" in (out + err)
        assert [p for p in data_dir.repository.rglob("*") if not p.is_dir()] == []
        assert snapshot(tmpfs / "src") == before
    code, out, _ = cli("filesets", "--output", "json")
    assert json.loads(out) == []


def test_no_source_deleted_when_any_fileset_fails(data_dir, account, tmp_path):
    """A file that vanishes mid-import (a colleague tidying up) fails its fileset at run time."""
    src = tmp_path / "src"
    make_tree(src)
    victim = src / "zz-last" / "victim.tif"
    victim.parent.mkdir()
    victim.write_bytes(b"soon gone")
    plan = make_plan(data_dir, [str(src)])

    def on_file(outcome):
        if victim.exists():
            victim.unlink()

    options = ImportOptions(transfer="cp_rm", continue_on_error=True)
    ack = acknowledge_all(get_transfer("cp_rm"), account, plan.file_count, plan.total_bytes)
    before = snapshot(src)
    report = Importer(data_dir, account, options, on_file=on_file, acknowledgement=ack).run(plan)
    assert report.exit_code == 2
    assert report.filesets_failed == 1 and report.filesets_created == 6
    assert [o.error_kind for o in report.files if o.state == "failed"] == ["not_found"]
    assert report.sources_deleted == 0 and "not fully successful" in report.sources_kept_reason
    assert snapshot(src) == {p: c for p, c in before.items() if p != victim}


def test_an_incomplete_multi_file_set_is_refused_before_anything_is_written(data_dir, cli, tmp_path):
    src = tmp_path / "src"
    make_tree(src)
    for p in (SAMPLES / "viv" / "avivator_data").glob("multifile*"):
        shutil.copy(p, src)
    (src / "multifile-Z2.ome.tiff").unlink()
    before = snapshot(src)
    code, out, err = cli("import", "--transfer", "cp_rm", "-c", "--accept-responsibilities", src)
    assert code == 1
    assert "missing a member" in err and "Nothing was imported" in err
    assert [p for p in data_dir.repository.rglob("*") if not p.is_dir()] == []
    assert snapshot(src) == before


def test_no_source_deleted_on_an_injected_checksum_mismatch(data_dir, cli, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.tif").write_bytes(b"good" * 1000)
    (src / "corrupt-me.tif").write_bytes(b"bad" * 1000)
    before = snapshot(src)
    plugin = "tests.plugins.sample_transfers:CorruptingCopyMove"
    code, out, _ = cli("import", "--transfer", plugin, "-c", "--accept-responsibilities", "--output", "json", src)
    report = json.loads(out)
    assert code == 2
    failed = [f for f in report["files"] if f["state"] == "failed"]
    assert [f["error_kind"] for f in failed] == ["checksum_mismatch"]
    assert "does not match the original" in failed[0]["error_message"]
    assert snapshot(src) == before
    stored = [p for p in data_dir.repository.rglob("*.tif")]
    assert [p.name for p in stored] == ["good.tif"]  # the damaged copy was rolled back


def test_skipped_filesets_keep_their_sources(data_dir, cli, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "old.tif").write_bytes(b"old")
    assert cli("import", "--transfer", "cp", src / "old.tif")[0] == 0
    (src / "new.tif").write_bytes(b"new")
    code, out, _ = cli(
        "import",
        "--transfer",
        "upload_rm",
        "--exclude",
        "clientpath",
        "--accept-responsibilities",
        "--output",
        "json",
        src,
    )
    report = json.loads(out)
    assert code == 0 and report["sources_deleted"] == 1
    assert (src / "old.tif").exists() and not (src / "new.tif").exists()


def test_cancel_deletes_nothing_and_leaves_no_half_fileset(data_dir, account, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for i in range(40):
        (src / f"f{i:02d}.raw").write_bytes(os.urandom(1 << 20))
    before = snapshot(src)
    cancel = CancelToken()
    seen = []

    def on_file(outcome):
        seen.append(outcome)
        if len(seen) == 5:
            threading.Thread(target=cancel.cancel).start()

    plan = make_plan(data_dir, [str(src)])
    ack = acknowledge_all(get_transfer("cp_rm"), account, plan.file_count, plan.total_bytes)
    importer = Importer(
        data_dir, account, ImportOptions(transfer="cp_rm"), cancel=cancel, on_file=on_file, acknowledgement=ack
    )
    report = importer.run(plan)
    assert report.exit_code == 4 and report.state == "cancelled"
    assert snapshot(src) == before
    done = [o for o in report.files if o.state == "done"]
    stored = [p for p in data_dir.repository.rglob("*.raw")]
    assert len(stored) == len(done) == report.filesets_created
    with data_dir.session() as s:
        assert s.scalar(select(func.count()).select_from(Fileset).where(Fileset.state == "pending")) == 0


def test_deleting_an_ln_s_fileset_removes_links_never_originals(data_dir, cli, tmp_path):
    src = tmp_path / "src"
    files = make_tree(src)
    before = snapshot(src)
    assert cli("import", "--transfer", "ln_s", "--accept-responsibilities", src)[0] == 0
    code, out, _ = cli("filesets", "--output", "json")
    ids = [str(fs["id"]) for fs in json.loads(out)]
    code, out, err = cli("delete", *ids)
    assert code == 0, err
    assert f"Deleted {len(files)} filesets" in out and "originals remain untouched" in out
    assert [p for p in data_dir.repository.rglob("*") if not p.is_dir()] == []
    assert snapshot(src) == before


@pytest.mark.parametrize("transfer", ["ln", "cp"])
def test_deleting_copies_reports_freed_space(transfer, data_dir, cli, tmp_path):
    (tmp_path / "a.tif").write_bytes(b"x" * 5000)
    assert cli("import", "--transfer", transfer, "--accept-responsibilities", tmp_path / "a.tif")[0] == 0
    code, out, _ = cli("delete", "1")
    assert code == 0
    assert ("Space freed: 4.9 KiB" in out) == (transfer == "cp")
    assert (tmp_path / "a.tif").read_bytes() == b"x" * 5000
