"""`inplace verify` on real files: each condition is made real (moved, renamed, appended, replaced,
rewritten, unreadable, deleted, restored) and gives its state and exit code; the budget is driven
by an injected clock, never by sleeping."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from tests.conftest import PASSWORD, run_as_nobody
from tests.engine.processes import catalog_execute, catalog_rows

OK, PROBLEMS, NOT_PERMITTED = 0, 2, 5


def make_files(root, names, size=4000):
    root.mkdir(parents=True, exist_ok=True)
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(size))
    return {name: root / name for name in names}


def import_(cli, transfer, *paths):
    args = ["--accept-responsibilities"] if transfer not in ("upload", "cp") else []
    code, out, err = cli("import", "--transfer", transfer, *args, *paths)
    assert code == 0, out + err


def verify_json(cli, *args):
    code, out, err = cli("verify", "--output", "json", *args)
    assert code in (OK, PROBLEMS), out + err
    report = json.loads(out)
    return code, {os.path.basename(e["source_path"]): e["state"] for e in report["entries"]}, report


def repo_file(data_dir, name):
    (rel,) = [r for (r,) in catalog_rows(data_dir, "SELECT repo_path FROM fileset_entries") if r.endswith(name)]
    return data_dir.repository / rel


@pytest.mark.parametrize("transfer", ["ln_s", "ln", "ln_rm", "cp", "cp_rm", "upload", "upload_rm"])
def test_an_untouched_import_is_ok_quick_and_full_for_every_transfer(cli, data_dir, tmp_path, transfer):
    make_files(tmp_path / "src", ["a.tif", "b.tif"])
    import_(cli, transfer, tmp_path / "src")
    for mode in ("--quick", "--full"):
        code, states, report = verify_json(cli, "--all", mode)
        assert code == OK and states == {"a.tif": "ok", "b.tif": "ok"}, report
    code, out, _ = cli("filesets")
    assert code == 0 and out.count("health: ok, last checked ") == 2


def test_each_change_to_an_ln_s_original_gives_its_state(cli, data_dir, tmp_path):
    src = tmp_path / "src"
    f = make_files(
        src,
        ["moved/m.tif", "renamed.tif", "appended.tif", "swapped.tif", "retimed.tif", "rewritten.tif", "deleted.tif"],
    )
    f["same.tif"] = make_files(src, ["same.tif"])["same.tif"]
    import_(cli, "ln_s", src)
    shutil.move(src / "moved", tmp_path / "elsewhere")  # a folder moved away
    os.rename(f["renamed.tif"], src / "renamed-later.tif")
    with f["appended.tif"].open("ab") as out:
        out.write(b"more")
    other = src.parent / "other.tif"  # another file of the same size put in its place
    other.write_bytes(os.urandom(4000))
    os.replace(other, f["swapped.tif"])
    f["retimed.tif"].write_bytes(os.urandom(4000))  # same size, same inode, new time
    st = f["rewritten.tif"].stat()  # same size, same inode, time put back: only a full check sees it
    f["rewritten.tif"].write_bytes(os.urandom(4000))
    os.utime(f["rewritten.tif"], ns=(st.st_atime_ns, st.st_mtime_ns))
    f["deleted.tif"].unlink()

    code, quick, report = verify_json(cli, "--all")
    assert code == PROBLEMS
    assert quick == {
        "m.tif": "missing",
        "renamed.tif": "missing",
        "appended.tif": "changed",
        "swapped.tif": "replaced",
        "retimed.tif": "changed",
        "rewritten.tif": "ok",
        "deleted.tif": "missing",
        "same.tif": "ok",
    }
    assert report["problems"] == 6 and report["filesets"] and all(e["client_path"] for e in report["entries"])
    code, full, _ = verify_json(cli, "--all", "--full")
    assert code == PROBLEMS and full == {**quick, "rewritten.tif": "changed"}
    code, out, _ = cli("filesets")
    assert "health: missing" in out and "health: ok" in out


def test_human_output_says_a_sentence_per_kind_with_escaped_example_paths(cli, data_dir, tmp_path):
    f = make_files(tmp_path / "src", ["a\nb.tif", "c.tif"])
    import_(cli, "ln_s", tmp_path / "src")
    f["a\nb.tif"].unlink()
    with f["c.tif"].open("ab") as out:
        out.write(b"x")
    code, out, err = cli("verify", "--all")
    assert code == PROBLEMS, err
    assert "1 file is no longer found where it was imported from:" in out
    assert "1 file is changed since import" in out
    assert "a\\nb.tif" in out and "a\nb.tif" not in out  # a name cannot forge a line
    assert "What to do:" in out


def test_a_restored_original_returns_to_ok_on_the_next_full_check_and_its_history_is_kept(cli, data_dir, tmp_path):
    f = make_files(tmp_path / "src", ["img.tif"])
    backup = tmp_path / "backup.tif"
    shutil.copy2(f["img.tif"], backup)
    import_(cli, "ln_s", tmp_path / "src")
    os.rename(f["img.tif"], tmp_path / "lost.tif")  # gone (kept alive, so its inode is not reused)
    assert verify_json(cli, "--all")[1] == {"img.tif": "missing"}
    shutil.copy(backup, f["img.tif"])  # restored: same bytes, another inode and time
    assert verify_json(cli, "--all")[1] == {"img.tif": "replaced"}  # quick cannot prove the bytes
    code, states, report = verify_json(cli, "--all", "--full")
    assert code == OK and states == {"img.tif": "ok"} and "restored" in report["entries"][0]["note"]
    assert verify_json(cli, "--all")[:2] == (OK, {"img.tif": "ok"})  # quick now compares with the restored file
    history = catalog_rows(data_dir, "SELECT old_health, new_health FROM health_changes ORDER BY id")
    assert history == [(None, "missing"), ("missing", "replaced"), ("replaced", "ok")]


def test_ln_watches_the_shared_inode_and_the_originals_path(cli, data_dir, tmp_path):
    f = make_files(tmp_path / "src", ["kept.tif", "replaced.tif", "gone.tif", "edited.tif"])
    import_(cli, "ln", tmp_path / "src")
    new = tmp_path / "new.tif"
    new.write_bytes(f["replaced.tif"].read_bytes())
    os.replace(new, f["replaced.tif"])  # an editor that saves by rename: the repository keeps the old file
    f["gone.tif"].unlink()  # the repository's link still holds the data
    with f["edited.tif"].open("ab") as out:  # edited in place: the repository's link sees it too
        out.write(b"x")
    code, states, _ = verify_json(cli, "--all")
    assert code == PROBLEMS
    assert states == {"kept.tif": "ok", "replaced.tif": "replaced", "gone.tif": "ok", "edited.tif": "changed"}


def test_ln_entries_from_before_the_identity_was_recorded_compare_with_the_original(cli, data_dir, tmp_path):
    f = make_files(tmp_path / "src", ["a.tif", "b.tif"])
    import_(cli, "ln", tmp_path / "src")
    catalog_execute(data_dir, "UPDATE fileset_entries SET source_dev = NULL, source_ino = NULL")
    other = tmp_path / "other"
    other.write_bytes(f["b.tif"].read_bytes())
    os.replace(other, f["b.tif"])
    assert verify_json(cli, "--all")[1] == {"a.tif": "ok", "b.tif": "replaced"}


@pytest.mark.parametrize("transfer", ["cp", "upload_rm"])
def test_bit_rot_in_a_repository_copy_is_found(cli, data_dir, tmp_path, transfer):
    make_files(tmp_path / "src", ["rot.tif", "cut.tif", "fine.tif"])
    import_(cli, transfer, tmp_path / "src")
    assert verify_json(cli, "--all")[0] == OK  # the first check records each copy's time
    rot = repo_file(data_dir, "rot.tif")
    st = rot.stat()
    data = bytearray(rot.read_bytes())
    data[100] ^= 0x01  # one bit flipped, time kept: only a full check can tell
    rot.chmod(0o644)
    rot.write_bytes(bytes(data))
    os.utime(rot, ns=(st.st_atime_ns, st.st_mtime_ns))
    cut = repo_file(data_dir, "cut.tif")
    cut.chmod(0o644)
    os.truncate(cut, 10)
    assert verify_json(cli, "--all")[1] == {"rot.tif": "ok", "cut.tif": "changed", "fine.tif": "ok"}
    code, states, _ = verify_json(cli, "--all", "--full")
    assert code == PROBLEMS and states == {"rot.tif": "changed", "cut.tif": "changed", "fine.tif": "ok"}


def _check_as_this_uid(repository, entry_fields, full):
    from engine.catalog.store.health import EntryToCheck
    from engine.verify import check_entry

    return str(check_entry(EntryToCheck(**entry_fields), repository, full).health)


@pytest.mark.parametrize("full", [False, True], ids=["quick", "full"])
def test_an_unreadable_file_is_unreadable_to_an_unprivileged_account(open_tmp, full):
    """Root reads through chmod 000, so the check runs as uid 65534."""
    path = open_tmp / "locked.tif"
    path.write_bytes(b"x" * 100)
    st = path.stat()
    entry = dict(
        id=1,
        fileset_id=1,
        owner_id=1,
        transfer="cp",
        source_path=str(path),
        client_path=str(path)[1:],
        repo_path="locked.tif",
        size=100,
        mtime=st.st_mtime,
        checksum_algorithm="SHA1-160",
        checksum="0" * 40,
        source_dev=None,
        source_ino=None,
        seen_mtime=st.st_mtime,
        health=None,
        checked_at=None,
    )
    path.chmod(0o000)
    assert run_as_nobody(_check_as_this_uid, str(open_tmp), entry, full) == "unreadable"
    path.chmod(0o644)
    assert run_as_nobody(_check_as_this_uid, str(open_tmp), entry, False) == "ok"


def test_owners_verify_their_own_filesets_and_administrators_all(cli, data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("INPLACE_NEW_PASSWORD", PASSWORD)
    assert cli("admin", "adduser", "bob")[0] == 0
    make_files(tmp_path / "alice", ["a.tif"])
    make_files(tmp_path / "bob", ["b.tif"])
    import_(cli, "upload", tmp_path / "alice")
    monkeypatch.setenv("INPLACE_USER", "bob")
    import_(cli, "upload", tmp_path / "bob")
    assert verify_json(cli, "--all")[1] == {"b.tif": "ok"}
    alices = catalog_rows(
        data_dir, "SELECT f.id FROM filesets f JOIN accounts a ON a.id = f.owner_id WHERE a.name = 'alice'"
    )
    code, _, err = cli("verify", alices[0][0])
    assert code == NOT_PERMITTED and "Only the owner or an administrator may verify fileset" in err
    monkeypatch.setenv("INPLACE_USER", "alice")  # an administrator
    assert verify_json(cli, "--all")[1] == {"a.tif": "ok", "b.tif": "ok"}


def test_usage_errors(cli, data_dir):
    assert cli("verify")[0] == 1
    assert cli("verify", "--all", "--budget", "soon")[0] == 1
    code, _, err = cli("verify", "999")
    assert code == 1 and "There is no fileset 999." in err


def test_parse_duration():
    from engine.verify import parse_duration

    assert [parse_duration(t) for t in ("90", "90s", "30m", "1.5h", "1d")] == [90, 90, 1800, 5400, 86400]


def test_a_budget_checks_the_least_recently_checked_first_and_stops_in_time(data_dir, account, tmp_path):
    from engine.api import DataDirectory
    from engine.verify import verify

    make_files(tmp_path / "src", [f"f{i}.tif" for i in range(5)])

    with DataDirectory.open(data_dir.root) as dd:
        session = dd.sign_in("alice", PASSWORD)
        prepared = session.prepare([str(tmp_path / "src")], session.options(transfer="upload"))
        prepared.run(prepared.acknowledge())

    first = verify(data_dir, account, budget=0)  # no time at all: one entry, then stop
    assert len(first.entries) == 1 and first.remaining == 4
    second = verify(data_dir, account, budget=0)
    assert second.entries[0].entry_id != first.entries[0].entry_id  # the never-checked go first

    ticks = iter(range(100))  # a clock that advances one second per look
    third = verify(data_dir, account, budget=2, clock=lambda: float(next(ticks)))
    checked = {e.entry_id for e in (*first.entries, *second.entries, *third.entries)}
    assert len(third.entries) == 2 and len(checked) == 4 and third.remaining == 3
    everything = verify(data_dir, account)
    assert len(everything.entries) == 5 and everything.remaining == 0
    # the one entry the budgeted runs never reached was checked first
    assert everything.entries[0].entry_id not in checked


def test_cancelling_keeps_what_was_checked(data_dir, account, tmp_path, cli):
    from engine.errors import Cancelled
    from engine.progress import CancelToken
    from engine.verify import verify

    make_files(tmp_path / "src", ["a.tif", "b.tif"])
    import_(cli, "upload", tmp_path / "src")
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        verify(data_dir, account, cancel=token)
    assert catalog_rows(data_dir, "SELECT count(*) FROM fileset_entries WHERE checked_at IS NOT NULL") == [(0,)]


def test_entries_are_read_in_small_batches_each_once_least_recently_checked_first(data_dir, account, tmp_path, cli):
    """Keyset batches while results are written between them: every entry exactly once, the never
    checked first, then the oldest checks; entries checked during the run are not read again."""
    from datetime import datetime, timedelta

    from engine.catalog.store import health
    from engine.catalog.store.health import CheckResult
    from engine.states import HealthState

    make_files(tmp_path / "src", [f"f{i}.tif" for i in range(7)])
    import_(cli, "upload", tmp_path / "src")
    ids = [i for (i,) in catalog_rows(data_dir, "SELECT id FROM fileset_entries ORDER BY id")]
    long_ago = datetime.now() - timedelta(days=3)
    health.record_checks(data_dir, [CheckResult(ids[5], HealthState.OK)], long_ago + timedelta(days=1))
    health.record_checks(data_dir, [CheckResult(ids[2], HealthState.OK)], long_ago)
    started = datetime.now()
    seen = []
    for batch in health.batches_to_check(data_dir, None, batch=2, checked_before=started):
        assert len(batch) <= 2
        seen.extend(e.id for e in batch)
        health.record_checks(data_dir, [CheckResult(e.id, HealthState.OK) for e in batch], datetime.now())
    never = [i for i in ids if i not in (ids[2], ids[5])]
    assert seen == [*never, ids[2], ids[5]]
    assert health.count_to_check(data_dir, None)[0] == 7
    assert health.fileset_health(data_dir, None, [catalog_rows(data_dir, "SELECT id FROM filesets")[0][0]])
