"""Responsibilities: refused without them, asked on a terminal, stored with the job."""

import json
import os
import pty
import select
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import select as sql_select

from engine.catalog.models import Acknowledgement, FilesetEntry
from engine.errors import ResponsibilitiesNotAccepted
from engine.importer import Importer, ImportOptions
from engine.plan import make_plan
from engine.responsibilities import acknowledge, acknowledge_all, statements_for
from engine.transfers import get_transfer, transfer_names
from tests.conftest import REPO, cli_command, cli_process_env, write_settings


@pytest.fixture
def src(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "a.tif").write_bytes(b"a" * 2000)
    (folder / "b.tif").write_bytes(b"b" * 3000)
    return folder


def test_every_in_place_or_deleting_transfer_has_statements_and_copies_have_none():
    for name in transfer_names(include_plugins=False):
        t = get_transfer(name)
        assert bool(statements_for(t, 1, 1)) == (t.in_place or t.deletes_sources), name


def test_rm_statement_names_the_files_and_bytes_to_be_deleted():
    texts = [s.text for s in statements_for(get_transfer("cp_rm"), 12, 5_000_000)]
    assert any("12 original files (4.8 MiB, 5,000,000 bytes) will be deleted" in t for t in texts)


def test_a_plugin_gets_statements_from_what_it_is():
    plugin = get_transfer("tests.plugins.sample_transfers:CorruptingCopyMove")
    assert [s.id for s in statements_for(plugin, 1, 1)] == ["deletes-originals", "repository-only-copy"]


def test_cli_without_a_terminal_refuses_and_says_how(data_dir, cli, src):
    code, _, err = cli("import", "--transfer", "ln_s", src)
    assert code == 1
    assert "needs you to accept its responsibilities" in err and "--accept-responsibilities" in err
    assert [p for p in data_dir.repository.rglob("*") if p.is_file()] == []
    assert cli("import", "--transfer", "upload", src)[0] == 0  # copies need none


def test_engine_refuses_missing_partial_or_someone_elses_acknowledgement(data_dir, account, src):
    plan = make_plan(data_dir, [str(src)])
    transfer = get_transfer("ln_s")
    full = statements_for(transfer, plan.file_count, plan.total_bytes)
    partial = acknowledge(transfer, account, full[:-1])

    class Other:
        id, name = 99, "mallory"

    for ack in (None, partial, acknowledge(transfer, Other, full)):
        with pytest.raises(ResponsibilitiesNotAccepted):
            Importer(data_dir, account, ImportOptions(transfer="ln_s"), acknowledgement=ack).run(plan)
    report = Importer(
        data_dir,
        account,
        ImportOptions(transfer="ln_s"),
        acknowledgement=acknowledge_all(transfer, account, plan.file_count, plan.total_bytes),
    ).run(plan)
    assert report.exit_code == 0


def test_acknowledgements_are_stored_and_shown_for_every_job_that_needed_one(data_dir, cli, src):
    moved = src.parent / "to-move"  # not the folder the ln_s fileset links to: that one cp_rm refuses
    shutil.copytree(src, moved)
    for transfer, folder in (("ln_s", src), ("upload", src), ("cp_rm", moved)):
        assert cli("import", "--transfer", transfer, "--accept-responsibilities", folder)[0] == 0
    with data_dir.session() as s:
        rows = list(s.scalars(sql_select(Acknowledgement).order_by(Acknowledgement.job_id)))
    assert [(r.job_id, r.transfer) for r in rows] == [(1, "ln_s"), (3, "cp_rm")]
    assert rows[0].os_user and rows[0].accepted_at
    assert any("2 original files" in st["text"] for st in json.loads(rows[1].statements))
    code, out, _ = cli("jobs", "--output", "json")
    jobs = {j["id"]: j for j in json.loads(out)}
    assert jobs[2]["acknowledgement"] is None
    assert jobs[1]["acknowledgement"]["account"] == "alice"
    accepted = jobs[1]["acknowledgement"]["statements"]
    assert len([st for st in accepted if not st["id"].startswith("warning:")]) == 5
    # the warnings the checks showed are accepted as risks, and recorded with the job
    assert {st["id"] for st in accepted if st["id"].startswith("warning:")} == {
        "warning:recently-modified",
        "warning:sources-writable",
    }
    code, out, _ = cli("jobs")
    assert "responsibilities accepted by alice" in out
    log = Path(jobs[1]["log"]).read_text()
    assert "responsibilities for ln_s accepted by alice" in log


def _talk(master, answers, timeout=30):
    out, deadline = b"", time.monotonic() + timeout
    answers = list(answers)
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        if answers and out.rstrip().endswith(b"[y/N]"):
            os.write(master, answers.pop(0).encode() + b"\n")
            out += b"\n"
    return out.decode(errors="replace")


# ln_s of fresh, writable files: 5 statements, then the checks' 2 warnings (still being written,
# writable), each asked as a risk to accept.
@pytest.mark.parametrize("answers,accepted", [(["y"] * 7, True), (["y", "y", "n"], False), (["y"] * 6 + ["n"], False)])
def test_on_a_terminal_each_statement_and_warning_is_asked(data_dir, src, answers, accepted):
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        cli_command(data_dir.root, "import", "--transfer", "ln_s", src),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=cli_process_env(),
        cwd=REPO,
        close_fds=True,
    )
    os.close(slave)
    text = _talk(master, answers)
    proc.wait(timeout=30)
    os.close(master)
    assert text.count("Do you accept this? [y/N]") == len(answers)
    assert text.count("Warning: ") == max(0, len(answers) - 5)
    assert (proc.returncode == 0) == accepted, text
    if not accepted:
        assert "Not all responsibilities were accepted" in text


def test_make_read_only_hardening_is_done_and_recorded(data_dir, cli, src):
    for p in src.iterdir():
        p.chmod(0o664)
    code, _, err = cli("import", "--transfer", "ln_s", "--make-read-only", "--accept-responsibilities", src)
    assert code == 0, err
    assert all(p.stat().st_mode & 0o222 == 0 for p in src.iterdir())
    with data_dir.session() as s:
        assert all(e.made_read_only for e in s.scalars(sql_select(FilesetEntry)))


def test_writable_sources_policy_error_refuses_in_place_imports(data_dir, cli, src):
    write_settings(data_dir.root, '[policy]\ntemporary_paths = []\nwritable_sources = "error"\n')
    code, _, err = cli("import", "--transfer", "ln_s", "--accept-responsibilities", src)
    assert code == 1 and "can still be changed" in err
    code, _, err = cli("import", "--transfer", "ln_s", "--make-read-only", "--accept-responsibilities", src)
    assert code == 0, err
