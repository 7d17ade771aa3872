"""Each check made real: mounts, an unprivileged uid, real permissions, a real catalog."""

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from engine.accounts import authenticate, create_account
from engine.checks import Severity, run_checks
from engine.datadir import DataDir
from engine.plan import make_plan
from engine.transfers import transfer_names
from tests.conftest import NOBODY, PASSWORD, TEST_SETTINGS, mount_tmpfs, run_as_nobody, unmount, write_settings

ALL = transfer_names(include_plugins=False)
IN_PLACE = ["ln", "ln_s", "ln_rm"]
DELETING = ["upload_rm", "ln_rm", "cp_rm"]
COPYING = ["upload", "upload_rm", "cp", "cp_rm"]


def settle(*paths, mode=0o444):
    """Make files look finished and protected: old mtime, read-only."""
    old = time.time() - 3600
    for root in paths:
        for p in [root, *root.rglob("*")] if root.is_dir() else [root]:
            if p.is_file():
                p.chmod(mode)
                os.utime(p, (old, old))


def codes(report, transfer, severity=None):
    return {f.code for f in report.findings(transfer) if severity is None or f.severity == severity}


def check(data_dir, account, *paths, transfers=None):
    return run_checks(data_dir, make_plan(data_dir, [str(p) for p in paths]), account, transfers)


def test_a_clean_selection_reports_nothing_but_info(data_dir, account, tmp_path):
    src = tmp_path / "src"
    (src / "a").mkdir(parents=True)
    (src / "a" / "one.tif").write_bytes(b"1" * 100)
    (src / "two.tif").write_bytes(b"2" * 100)
    settle(src)
    report = check(data_dir, account, src)
    assert set(report.by_transfer) == set(ALL)
    for name in ALL:
        assert {f.severity for f in report.findings(name)} == {Severity.INFO}, (name, report.findings(name))
        assert report.can_run(name)
    (selection,) = [f for f in report.findings("ln_s") if f.code == "selection"]
    assert selection.message == "2 files in 2 filesets, 200 bytes in all."


def test_sources_on_a_tmpfs_are_temporary_and_on_another_filesystem(data_dir, account, tmpfs):
    write_settings(data_dir.root, '[policy]\ntemporary_paths = []\ntemporary_fs_types = ["tmpfs"]\n')
    (tmpfs / "img.tif").write_bytes(b"x")
    settle(tmpfs)
    report = check(data_dir, account, tmpfs / "img.tif")
    assert "temporary-storage" in codes(report, "ln_s", Severity.ERROR)
    for name in ("ln", "ln_rm"):  # a hard link keeps the data when the folder is emptied
        assert "temporary-storage" not in codes(report, name)
        assert "cross-filesystem" in codes(report, name, Severity.ERROR)
    assert report.can_run("cp") and report.can_run("upload")
    finding = next(f for f in report.findings("ln_s") if f.code == "temporary-storage")
    assert finding.examples == (str(tmpfs / "img.tif"),) and "cp or upload" in finding.hint
    assert "links would then lead nowhere" in finding.message


def test_the_temporary_path_rule_is_a_policy_of_the_data_dir(data_dir, account, tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.tif").write_bytes(b"a")
    settle(tmp_path / "src")
    for level, severity in (("error", Severity.ERROR), ("warning", Severity.WARNING)):
        write_settings(data_dir.root, f'[policy]\ntemporary_storage = "{level}"\n')
        report = check(data_dir, account, tmp_path / "src")
        assert "temporary-storage" in codes(report, "ln_s", severity)
        assert "temporary-storage" not in codes(report, "upload")


@pytest.fixture
def nobody_data_dir(open_tmp):
    """A data dir owned by uid 65534 in a folder every uid can enter, with an account 'nobody'."""
    d = DataDir(open_tmp / "data")
    d.create()
    (d.root / "settings.toml").write_text(TEST_SETTINGS)
    create_account(d, "nobody", PASSWORD, by=None)
    d.dispose()
    for p in [d.root, *d.root.rglob("*")]:
        os.chown(p, NOBODY, NOBODY)
    return d


def checks_as_nobody(root, paths, transfers):
    def child():
        d = DataDir(root)
        account = authenticate(d, "nobody", PASSWORD)
        return run_checks(d, make_plan(d, paths), account, transfers).as_dict()

    return run_as_nobody(child)


def found(result, transfer):
    return {f["code"] for f in result[transfer]["findings"] if f["severity"] == "error"}


def test_protected_hardlinks_refuse_files_nobody_owns_or_can_write(nobody_data_dir, open_tmp):
    if Path("/proc/sys/fs/protected_hardlinks").read_text().strip() != "1":
        pytest.skip("the kernel's protected_hardlinks is off here")
    src = open_tmp / "src"
    src.mkdir()
    (src / "roots.tif").write_bytes(b"root's image")
    settle(src, mode=0o644)
    result = checks_as_nobody(nobody_data_dir.root, [str(src)], ["ln", "ln_s"])
    assert "protected-hardlinks" in found(result, "ln")
    assert found(result, "ln_s") == set()


def test_a_repository_the_uid_cannot_write_is_an_error(nobody_data_dir, open_tmp):
    os.chown(nobody_data_dir.repository, 0, 0)
    nobody_data_dir.repository.chmod(0o755)
    src = open_tmp / "src"
    src.mkdir()
    (src / "a.tif").write_bytes(b"a")
    settle(src)
    result = checks_as_nobody(nobody_data_dir.root, [str(src)], ["upload", "ln_s"])
    for name in ("upload", "ln_s"):
        assert "repository-not-writable" in found(result, name)


def test_rm_transfers_need_permission_to_delete_the_sources(nobody_data_dir, open_tmp):
    src = open_tmp / "src"  # root's folder, mode 755: nobody can read the files but not delete them
    src.mkdir()
    (src / "a.tif").write_bytes(b"a")
    settle(src)
    result = checks_as_nobody(nobody_data_dir.root, [str(src)], ALL)
    for name in DELETING:
        assert "sources-not-deletable" in found(result, name)
    for name in set(ALL) - set(DELETING):
        assert "sources-not-deletable" not in found(result, name)


def test_a_sticky_folder_lets_nobody_delete_only_their_own_files(nobody_data_dir, open_tmp):
    src = open_tmp / "shared"  # like /tmp: everyone may write, only owners may delete
    src.mkdir()
    src.chmod(0o1777)
    (src / "roots.tif").write_bytes(b"r")
    (src / "mine.tif").write_bytes(b"m")
    settle(src)
    os.chown(src / "mine.tif", NOBODY, NOBODY)
    result = checks_as_nobody(nobody_data_dir.root, [str(src)], ["cp_rm"])
    (finding,) = [f for f in result["cp_rm"]["findings"] if f["code"] == "sources-not-deletable"]
    assert finding["examples"] == [str(src / "roots.tif")]


def test_files_nobody_can_read_are_errors_for_every_transfer(nobody_data_dir, open_tmp):
    src = open_tmp / "src"
    src.mkdir()
    (src / "private.tif").write_bytes(b"secret")
    settle(src, mode=0o600)
    result = checks_as_nobody(nobody_data_dir.root, [str(src)], ALL)
    for name in ALL:
        assert "source-unreadable" in found(result, name)


def test_files_inside_the_repository_are_refused(data_dir, account, cli, tmp_path):
    (tmp_path / "a.tif").write_bytes(b"a")
    assert cli("import", "--transfer", "cp", tmp_path / "a.tif")[0] == 0
    stored = next(data_dir.repository.rglob("a.tif"))
    report = check(data_dir, account, stored)
    for name in ALL:
        assert "source-in-repository" in codes(report, name, Severity.ERROR)


def test_recent_files_odd_names_and_earlier_imports_are_warnings(data_dir, account, cli, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "fresh.tif").write_bytes(b"still being written")
    (src / "we:ird?.tif").write_bytes(b"x")
    (src / "old.tif").write_bytes(b"old")
    settle(src / "we:ird?.tif", src / "old.tif")
    assert cli("import", "--transfer", "cp", src / "old.tif")[0] == 0
    report = check(data_dir, account, src)
    by_code = {f.code: f for f in report.findings("cp") if f.severity == Severity.WARNING}
    assert by_code["recently-modified"].examples == (str(src / "fresh.tif"),)
    assert by_code["names-sanitised"].examples == (str(src / "we:ird?.tif"),)
    assert by_code["already-imported"].examples == (str(src / "old.tif"),)
    assert "--exclude clientpath" in by_code["already-imported"].hint
    assert report.can_run("cp")


def test_writable_originals_are_a_warning_for_in_place_transfers(data_dir, account, tmp_path):
    (tmp_path / "w.tif").write_bytes(b"w")
    settle(tmp_path / "w.tif", mode=0o664)
    report = check(data_dir, account, tmp_path / "w.tif")
    assert "sources-writable" in codes(report, "ln_s", Severity.WARNING)
    assert "sources-writable" not in codes(report, "cp")


def test_a_small_repository_has_too_little_space_for_copies(tmp_path, cli, data_dir_path):
    mount_tmpfs(data_dir_path, size="1m")
    try:
        assert cli("admin", "init")[0] == 0
        (data_dir_path / "settings.toml").write_text(TEST_SETTINGS)
        d = DataDir(data_dir_path)
        account = authenticate(d, "alice", PASSWORD)
        (tmp_path / "big.raw").write_bytes(os.urandom(3 << 20))
        settle(tmp_path / "big.raw")
        report = check(d, account, tmp_path / "big.raw")
        for name in COPYING:
            assert "not-enough-space" in codes(report, name, Severity.ERROR), name
        assert report.can_run("ln_s")
        d.dispose()
    finally:
        unmount(data_dir_path)


def test_check_command_groups_by_transfer_and_import_refuses_with_the_same_message(data_dir, cli, tmpfs):
    shutil.copy(__file__, tmpfs / "a.tif")
    settle(tmpfs)
    code, out, _ = cli("check", tmpfs)
    assert code == 0
    assert "ln: cannot run" in out and "ln_s: can run" in out and "different filesystem" in out
    code, out, _ = cli("check", "--transfer", "ln", "--output", "json", tmpfs)
    assert code == 2
    result = json.loads(out)
    assert list(result) == ["ln"] and result["ln"]["can_run"] is False
    message = next(f["message"] for f in result["ln"]["findings"] if f["code"] == "cross-filesystem")
    code, _, err = cli("import", "--transfer", "ln", "--accept-responsibilities", tmpfs)
    assert code == 1 and message in err.splitlines()[-1]
    assert [p for p in data_dir.repository.rglob("*") if p.is_file()] == []


def test_a_plate_missing_an_image_is_a_warning_to_accept(data_dir, account, tmp_path):
    from tests.conftest import SAMPLES

    plate = tmp_path / "plate"
    shutil.copytree(SAMPLES / "hcs" / "operetta" / "operetta_plate", plate)
    (plate / "Images" / "r03c03f02p01-ch1sk1fk1fl1.tiff").unlink()
    report = check(data_dir, account, plate, transfers=["cp"])
    assert "set-member-missing" in codes(report, "cp", Severity.WARNING)
    assert report.can_run("cp")  # the plate still imports; the reader shows a blank plane
