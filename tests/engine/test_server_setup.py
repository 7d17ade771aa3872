"""`inplace admin setup-group` on a data dir set up wrongly, as facilities often do: each problem
reported with the exact command, `--apply` fixing them and proving it with real OS users, and a
member's import that failed before succeeding after; and the check before an import that warns."""

from __future__ import annotations

import grp
import json
import os
import shlex
import struct
from pathlib import Path

import pytest

from engine.states import ExitCode
from tests.conftest import PASSWORD
from tests.engine.os_people import os_people, run_cli_as

ACL_DEFAULT = "system.posix_acl_default"


@pytest.fixture
def data_dir_path(open_tmp) -> Path:
    return open_tmp / "data"


def acl(mask: int) -> bytes:
    """A POSIX ACL as the kernel stores it: owner rwx, group rwx, mask `mask`, others r-x."""
    entries = [(0x01, 7), (0x04, 7), (0x10, mask), (0x20, 5)]
    return struct.pack("<I", 2) + b"".join(struct.pack("<HHI", tag, perm, 0xFFFFFFFF) for tag, perm in entries)


def chown_tree(root: Path, uid: int, gid: int) -> None:
    for folder, dirs, files in os.walk(root):
        for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
            os.lchown(name, uid, gid)


def test_setup_group_reports_each_problem_applies_the_fix_and_a_second_member_can_import(
    cli, data_dir, open_tmp, monkeypatch, sqlite_only
):
    with os_people(1, ("ann", [0]), ("ben", [0]), ("steward", [])) as ((lab,), people):
        ann, ben, steward = people["ann"], people["ben"], people["steward"]
        lab_gid = grp.getgrnam(lab).gr_gid
        monkeypatch.setenv("INPLACE_NEW_PASSWORD", PASSWORD)
        for name in ("ann", "ben"):
            assert cli("admin", "adduser", name)[0] == 0
        # A data dir as a steward made it by hand: their own group, umask 022, a folder from before.
        old = data_dir.repository / "old_1" / "2025-01"
        old.mkdir(parents=True)
        picture = data_dir.root / "thumbnails" / "1" / "0.png"  # made before the set-up, by a umask-077 member
        picture.parent.mkdir(parents=True)
        picture.write_bytes(b"a thumbnail")
        picture.chmod(0o600)
        chown_tree(data_dir.root, steward.uid, steward.gid)
        data_dir.root.chmod(0o755)
        os.setxattr(data_dir.repository, ACL_DEFAULT, acl(mask=5))  # new folders: no group write
        for who in (ann, ben):
            src = open_tmp / f"{who.name}-src"
            src.mkdir()
            (src / "cells.tif").write_bytes(os.urandom(2000))
            chown_tree(src, who.uid, lab_gid)

        def import_as(who):
            return run_cli_as(who, data_dir.root, "import", open_tmp / f"{who.name}-src", account=who.name[-3:])

        for who in (ann, ben):
            code, _, err = import_as(who)
            assert code == ExitCode.IMPORT_ERRORS, err
            assert err.startswith("inplace: ") and len(err.strip().splitlines()) == 1, err  # one plain sentence

        code, out, _ = cli("admin", "setup-group", lab, "--output", "json")
        assert code == ExitCode.PROBLEMS_FOUND
        report = json.loads(out)
        root, repo = str(data_dir.root), str(data_dir.repository)
        q = shlex.quote
        problems = "\n".join(report["problems"])
        for words in (
            f"{root} belongs to the group '{steward.name}', not '{lab}'",
            f"{root} has mode 0755: the group needs rwx and setgid",
            f"The data dir's owner '{steward.name}' is not in the group '{lab}'",
            "3 folders of the repository do not belong to the group",
            "3 folders of the repository lack group write or the setgid bit",
            f"The catalog file {data_dir.catalog_path} has mode 0600",
            f"The default ACL of {repo} would make new folders without group write",
            f"1 job log or thumbnail file cannot be read by the group '{lab}' (such as {picture})",
        ):
            assert words in problems, problems
        for command in (
            f"chgrp {lab} {q(root)}",
            f"chmod g+rwxs {q(root)}",
            f"usermod -a -G {lab} {steward.name}",
            f"find {q(repo)} -type d ! -group {lab} -exec chgrp {lab} {{}} +",
            f"find {q(repo)} -type d ! -perm -2070 -exec chmod g+rwxs {{}} +",
            f"chmod 0660 {q(str(data_dir.catalog_path))}",
            f"setfacl -d -m m::rwx {q(repo)}",
        ):
            assert command in report["commands"]
        assert any("fs.protected_hardlinks" in n or "does not protect hard links" in n for n in report["notes"])
        assert any("umask" in n for n in report["notes"])

        code, out, err = cli("admin", "setup-group", lab, "--apply")
        assert code == 0, out + err
        assert (
            f"Proved: '{ann.name}' made a folder with a file in the repository and '{steward.name}' removed it." in out
        )
        assert steward.name in grp.getgrnam(lab).gr_mem
        assert not list(data_dir.repository.glob(".setup-test-*"))
        for folder in (data_dir.root, data_dir.repository, old):
            st = folder.stat()
            assert (st.st_gid, st.st_mode & 0o2070) == (lab_gid, 0o2070), folder
        assert os.stat(data_dir.catalog_path).st_mode & 0o777 == 0o660
        assert (picture.stat().st_gid, picture.stat().st_mode & 0o777) == (lab_gid, 0o640)
        code, out, _ = cli("admin", "setup-group", lab, "--apply")  # idempotent
        assert code == 0 and "The set-up is right." in out

        for who in (ann, ben):  # failed before; now both import, one after the other
            code, out, err = import_as(who)
            assert code == 0, err + out
        assert {fs["owner"] for fs in json.loads(cli("filesets", "--output", "json")[1])} == {"ann", "ben"}


def test_setup_group_names_a_missing_os_group_and_the_command_to_make_it(cli, data_dir):
    code, out, _ = cli("admin", "setup-group", "no-such-group-here")
    assert code == ExitCode.PROBLEMS_FOUND
    assert "There is no OS group named 'no-such-group-here'." in out
    assert "  groupadd no-such-group-here\n" in out


def test_only_an_administrator_changes_the_set_up(cli, data_dir, monkeypatch):
    monkeypatch.setenv("INPLACE_NEW_PASSWORD", PASSWORD)
    assert cli("admin", "adduser", "bob")[0] == 0
    code, _, err = cli("admin", "setup-group", grp.getgrgid(os.getgid()).gr_name, "--apply", "--user", "bob")
    assert code == ExitCode.NOT_PERMITTED
    assert err == "inplace: Only an administrator may change the data dir's set-up.\n"


def test_the_check_before_an_import_warns_when_a_shared_data_dir_would_stop_another_member(cli, data_dir, tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.tif").write_bytes(b"a" * 100)
    code, out, _ = cli("check", "--output", "json", tmp_path / "src")
    assert code == 0
    assert "shared-setup" not in out  # a personal data dir: nothing to say
    data_dir.root.chmod(0o2770)  # meant for its group now, but the catalog and logs are still private
    code, out, _ = cli("check", "--output", "json", tmp_path / "src")
    assert code == 0
    found = [f for f in json.loads(out)["ln_s"]["findings"] if f["code"] == "shared-setup"]
    group = grp.getgrgid(data_dir.root.stat().st_gid).gr_name
    assert found and found[0]["severity"] == "warning"
    assert found[0]["message"].startswith(f"This data dir is shared by the group '{group}', but its set-up would")
    assert found[0]["hint"] == (
        f"An administrator fixes it with: inplace --data-dir {shlex.quote(str(data_dir.root))} "
        f"admin setup-group {group} --apply"
    )
    code, out, _ = cli("check", tmp_path / "src")
    assert "admin setup-group" in out


def test_a_member_made_folder_is_not_proved_when_not_root(cli, data_dir):
    """Without root, --apply fixes what the data dir's owner may, and says it could not run the test."""
    if os.geteuid() == 0:
        pytest.skip("run as a non-root owner; as root the proof runs (see the first test)")
    name = grp.getgrgid(os.getgid()).gr_name
    code, out, _ = cli("admin", "setup-group", name, "--apply")
    assert "Not proved" in out and code == 0
