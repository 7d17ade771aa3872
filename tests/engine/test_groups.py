"""Groups on a facility server: members of one group importing into one repository as real OS users,
each allowed what the group's level allows and nothing more; importing for another person; account
administration; what happens to data from before groups."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from engine.states import ExitCode
from tests.conftest import PASSWORD
from tests.engine.os_people import os_people, run_cli_as

SHARED_DIR_BITS = stat.S_ISGID | stat.S_IRWXG


@pytest.fixture
def data_dir_path(open_tmp) -> Path:
    """In a folder every uid can enter: the OS users of these tests import into it."""
    return open_tmp / "data"


@pytest.fixture
def admin(cli, data_dir, monkeypatch):
    """The cli as the administrator alice, with accounts ann, ben and steward (password PASSWORD)."""
    monkeypatch.setenv("INPLACE_NEW_PASSWORD", PASSWORD)
    for name in ("ann", "ben", "steward"):
        code, _, err = cli("admin", "adduser", name)
        assert code == 0, err
    return cli


def ok(result) -> str:
    code, out, err = result
    assert code == 0, err + out
    return out


def refused(result, sentence: str) -> None:
    code, out, err = result
    assert code == ExitCode.NOT_PERMITTED, err + out
    assert err.splitlines()[-1] == f"inplace: {sentence}"


def source(folder: Path, name: str, owner=None, group_gid: int | None = None) -> Path:
    """A file of its own bytes in `folder`, owned (with the folder) by `owner` when given."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(name.encode() * 50 + os.urandom(100))
    if owner is not None:
        for p in (folder, path):
            os.chown(p, owner.uid, group_gid if group_gid is not None else owner.gid)
        folder.chmod(0o750)
        path.chmod(0o640)
    return path


def listed(result) -> dict[str, dict]:
    """Filesets of a JSON listing by name."""
    return {row["name"]: row for row in json.loads(ok(result))}


def test_two_members_of_a_group_import_one_after_another_and_get_what_its_level_allows(
    admin, data_dir, open_tmp, sqlite_only
):
    with os_people(1, ("ann", [0]), ("ben", [0])) as ((lab,), people):
        ann, ben = people["ann"], people["ben"]
        lab_gid = __import__("grp").getgrnam(lab).gr_gid
        ok(admin("admin", "setup-group", lab, "--apply"))  # the repository is the OS group's now
        ok(admin("admin", "group", "add", "lab", "--permissions", "read-only"))
        for name in ("ann", "ben"):
            ok(admin("admin", "member", "add", "lab", name))
        anns = source(open_tmp / "ann-data", "ann-cells.tif", ann, lab_gid)
        bens = source(open_tmp / "ben-data", "ben-cells.tif", ben, lab_gid)
        bens_own = source(open_tmp / "ben-data", "ben-private.tif", ben, lab_gid)

        # One after another, each with umask 077: the second import is not locked out by the first.
        ok(run_cli_as(ann, data_dir.root, "import", "-g", "lab", anns, account="ann"))
        ok(run_cli_as(ben, data_dir.root, "import", "--group", "lab", bens, account="ben"))
        ok(run_cli_as(ben, data_dir.root, "import", bens_own, account="ben"))  # his default group: private
        for folder in [data_dir.repository, *(p for p in data_dir.repository.rglob("*") if p.is_dir())]:
            st = folder.stat()
            assert st.st_mode & SHARED_DIR_BITS == SHARED_DIR_BITS, f"{folder} {oct(st.st_mode)}"
            assert st.st_gid == lab_gid, folder

        # read-only: ann sees ben's lab fileset (not his private one), may verify it, may not delete it.
        seen = listed(run_cli_as(ann, data_dir.root, "filesets", "--output", "json", account="ann"))
        assert set(seen) == {"ann-cells.tif", "ben-cells.tif"}
        assert (seen["ben-cells.tif"]["owner"], seen["ben-cells.tif"]["group"]) == ("ben", "lab")
        bens_id = seen["ben-cells.tif"]["id"]
        ok(run_cli_as(ann, data_dir.root, "verify", bens_id, account="ann"))
        refused(
            run_cli_as(ann, data_dir.root, "delete", bens_id, account="ann"),
            f"Only the owner or an administrator may delete fileset {bens_id}.",
        )
        jobs = json.loads(ok(run_cli_as(ann, data_dir.root, "jobs", "--output", "json", account="ann")))
        assert sorted((j["account"], j["group"]) for j in jobs) == [("ann", "lab"), ("ben", "lab")]

        # read-write: ann may delete ben's fileset; the folders ben made (umask 077) let her.
        ok(admin("admin", "group", "set", "lab", "--permissions", "read-write"))
        stored = [data_dir.repository / e["repo_path"] for e in seen["ben-cells.tif"]["entries"]]
        assert all(p.exists() for p in stored)
        ok(run_cli_as(ann, data_dir.root, "delete", bens_id, account="ann"))
        assert not any(p.exists() for p in stored)
        assert bens.exists()  # the original stays

        # private: members see only their own again; the administrator sees everything.
        ok(admin("admin", "group", "set", "lab", "--permissions", "private"))
        assert set(listed(run_cli_as(ann, data_dir.root, "filesets", "--output", "json", account="ann"))) == {
            "ann-cells.tif"
        }
        refused(
            run_cli_as(ben, data_dir.root, "verify", seen["ann-cells.tif"]["id"], account="ben"),
            f"Only the owner or an administrator may verify fileset {seen['ann-cells.tif']['id']}.",
        )
        assert set(listed(admin("filesets", "--output", "json"))) == {"ann-cells.tif", "ben-private.tif"}


def test_a_group_owner_imports_for_a_member_who_then_owns_the_fileset(admin, data_dir, tmp_path):
    ok(admin("admin", "group", "add", "lab", "--permissions", "private"))
    ok(admin("admin", "member", "add", "lab", "steward", "--owner"))
    ok(admin("admin", "member", "add", "lab", "ann"))
    path = source(tmp_path / "src", "for-ann.tif")

    refused(
        admin("import", "--user", "ben", "--sudo", "ann", "-g", "lab", path),
        "Only an administrator or an owner of the group may import for 'ann' into it.",
    )
    refused(  # the owner of 'lab' does not own ann's other group
        admin("import", "--user", "steward", "--sudo", "ann", "-g", "default", path),
        "Only an administrator or an owner of the group may import for 'ann' into it.",
    )
    out = ok(
        admin(
            "import",
            "--user",
            "steward",
            "--sudo",
            "ann",
            "-g",
            "lab",
            "--transfer",
            "ln_s",
            "--accept-responsibilities",
            "--output",
            "json",
            path,
        )  # fmt: skip
    )
    assert json.loads(out)["filesets_created"] == 1

    anns = listed(admin("filesets", "--user", "ann", "--output", "json"))
    assert (anns["for-ann.tif"]["owner"], anns["for-ann.tif"]["group"]) == ("ann", "lab")
    (job,) = json.loads(ok(admin("jobs", "--user", "ann", "--output", "json")))
    assert (job["account"], job["run_by"], job["group"]) == ("ann", "steward", "lab")
    assert job["acknowledgement"]["account"] == "steward"  # accepted by who ran it, recorded as such
    log = Path(job["log"]).read_text()
    assert "by steward for ann into the group lab" in log
    assert "accepted by steward" in log
    # The one who ran it sees the job too; ben, in no group with ann, sees neither.
    assert [j["id"] for j in json.loads(ok(admin("jobs", "--user", "steward", "--output", "json")))] == [job["id"]]
    assert listed(admin("filesets", "--user", "ben", "--output", "json")) == {}
    assert json.loads(ok(admin("jobs", "--user", "ben", "--output", "json"))) == []
    out = ok(admin("jobs", "--user", "ann"))
    assert "steward for ann [lab]" in out


def test_who_may_manage_groups_and_members(admin, data_dir):
    refused(admin("admin", "group", "add", "lab", "--user", "ann"), "Only an administrator may create a group.")
    ok(admin("admin", "group", "add", "lab"))
    ok(admin("admin", "member", "add", "lab", "steward", "--owner"))
    refused(
        admin("admin", "member", "add", "lab", "ben", "--user", "ann"),
        "Only an administrator or an owner of the group may add members to the group 'lab'.",
    )
    refused(
        admin("admin", "member", "add", "lab", "ben", "--owner", "--user", "steward"),
        "Only an administrator may make someone a group's owner.",
    )
    ok(admin("admin", "member", "add", "lab", "ben", "--user", "steward"))
    groups = {g["name"]: g for g in json.loads(ok(admin("admin", "groups", "--output", "json", "--user", "ben")))}
    assert set(groups) == {"default", "lab"}
    assert groups["lab"]["members"] == [{"name": "steward", "owner": True}, {"name": "ben", "owner": False}]
    assert groups["lab"]["permissions"] == "private"
    ok(admin("admin", "member", "remove", "lab", "ben", "--user", "steward"))
    assert "lab  private  steward (owner)\n" in ok(admin("admin", "groups"))
    from engine.api import DataDirectory
    from engine.errors import UsageError

    with DataDirectory.open(data_dir.root) as opened:
        with pytest.raises(UsageError, match="'public' is not a group permission level"):
            opened.sign_in("alice", PASSWORD).set_group_permissions("lab", "public")


def test_a_disabled_account_keeps_its_data_and_cannot_sign_in(admin, tmp_path, monkeypatch):
    ok(admin("import", "--user", "ben", source(tmp_path / "src", "bens.tif")))
    refused(
        admin("admin", "accounts", "ann", "--disable", "--user", "ben"),
        "Only an administrator may enable or disable an account.",
    )
    ok(admin("admin", "accounts", "ben", "--disable"))
    code, _, err = admin("filesets", "--user", "ben")
    assert code == ExitCode.USAGE
    assert err == "inplace: The account 'ben' is disabled. Ask an administrator to enable it again.\n"
    rows = {r["name"]: r for r in json.loads(ok(admin("admin", "accounts", "--output", "json")))}
    assert rows["ben"]["enabled"] is False and rows["ann"]["enabled"] is True
    assert rows["ben"]["groups"] == ["default"] and rows["ben"]["default_group"] == "default"
    assert "bens.tif" in listed(admin("filesets", "--output", "json"))  # the data stays
    ok(admin("admin", "accounts", "ben", "--enable"))

    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("a new one\n"))
    ok(admin("admin", "accounts", "ben", "--reset-password", "--new-password-stdin"))
    code, _, err = admin("filesets", "--user", "ben")
    assert code == ExitCode.USAGE and "wrong account name or password" in err
    monkeypatch.setenv("INPLACE_PASSWORD", "a new one")
    assert "bens.tif" in listed(admin("filesets", "--user", "ben", "--output", "json"))


def test_data_from_before_groups_moves_to_a_private_default_group(tmp_path):
    """A catalog at revision 0008 with two accounts' filesets, upgraded: each account is in the group
    'default' (private), its filesets belong to it, and nobody sees more than before."""
    from alembic import command

    from engine.accounts import authenticate
    from engine.catalog import db
    from engine.catalog.store import groups as group_store
    from engine.catalog.store import list_filesets
    from engine.datadir import DataDir

    root = tmp_path / "old"
    (root / "ManagedRepository").mkdir(parents=True)
    path = root / "catalog.sqlite"
    db.create_sqlite_file(path, 0o600)
    url = db.sqlite_url(path)
    command.upgrade(db._alembic_config(url), "0008")
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        from engine.accounts import hash_password

        for i, name in ((1, "alice"), (2, "bob")):
            conn.execute(
                text(
                    "INSERT INTO accounts (id, name, password_hash, is_admin, created_at) VALUES (:i, :n, :h, :a, :t)"
                ),
                {"i": i, "n": name, "h": hash_password(PASSWORD), "a": i == 1, "t": "2026-01-01 00:00:00"},
            )
            conn.execute(
                text(
                    "INSERT INTO jobs (id, state, transfer, checksum_algorithm, account_id, os_user, host, pid, "
                    "process_start, log_path, request, started_at) VALUES (:i, 'completed', 'cp', 'SHA1-160', :i, "
                    "'x', 'h', 1, 0, '', '{}', '2026-01-01 00:00:00')"
                ),
                {"i": i},
            )
            conn.execute(
                text(
                    "INSERT INTO filesets (id, job_id, owner_id, name, state, repo_dir, transfer, created_at) "
                    "VALUES (:i, :i, :i, :n, 'registered', :n, 'cp', '2026-01-01 00:00:00')"
                ),
                {"i": i, "n": f"{name}-old"},
            )
    engine.dispose()
    data_dir = DataDir(root)  # opening migrates to the newest revision
    try:
        bob = authenticate(data_dir, "bob", PASSWORD)
        assert [g.name for g in group_store.memberships(data_dir, bob.id)] == ["default"]
        assert group_store.listing(data_dir)[0]["permissions"] == "private"
        assert [fs["name"] for fs in list_filesets(data_dir, bob.id)] == ["bob-old"]
        assert {fs["group_id"] for fs in list_filesets(data_dir, None)} == {group_store.group_id(data_dir, "default")}
    finally:
        data_dir.dispose()


def _image(folder: Path, name: str, owner, group_gid: int) -> Path:
    """A real 64x48 TIFF (so the background reader makes its thumbnail), owned by `owner`."""
    import numpy as np
    import tifffile

    path = source(folder, name, owner, group_gid)
    tifffile.imwrite(path, np.arange(64 * 48, dtype=np.uint16).reshape(48, 64))
    return path


def _load_image_readers(tif: Path, tmp: Path) -> None:
    """Read one image and write its thumbnail here, before forking: a child running as another uid
    cannot import modules from this machine's Python (under /root, mode 700), so those the reader
    and the PNG writer need must be loaded already."""
    from engine.images import thumbnails
    from engine.images.reading import read_fileset

    (image,) = read_fileset(tif.name, None, [str(tif)])
    thumbnails.write_png(image.plane(64), tmp / "warm-up.png")


def test_a_second_members_thumbnails_and_job_log_are_made_after_the_first_ones(admin, data_dir, open_tmp, sqlite_only):
    """Thumbnails and job logs live outside the repository; the first member's (umask 077) must not
    make their folders private to her: the second member's import then writes both, and the group
    may read what each wrote."""
    with os_people(1, ("ann", [0]), ("ben", [0])) as ((lab,), people):
        ann, ben = people["ann"], people["ben"]
        lab_gid = __import__("grp").getgrnam(lab).gr_gid
        ok(admin("admin", "setup-group", lab, "--apply"))
        ok(admin("admin", "group", "add", "lab", "--permissions", "read-only"))
        for name in ("ann", "ben"):
            ok(admin("admin", "member", "add", "lab", name))
        data_dir.logs.rmdir()  # as on a data dir whose logs were cleared: the first import makes the folder
        thumbnails = data_dir.root / "thumbnails"
        assert not thumbnails.exists()

        anns = _image(open_tmp / "ann-data", "ann.tif", ann, lab_gid)
        bens = _image(open_tmp / "ben-data", "ben.tif", ben, lab_gid)
        _load_image_readers(anns, open_tmp)
        code, _, err = run_cli_as(ann, data_dir.root, "import", "-g", "lab", anns, account="ann")
        assert code == 0, err
        assert "would stop another member" not in err  # the checks' own test folder is made the group's way
        assert thumbnails.stat().st_uid == ann.uid and data_dir.logs.stat().st_uid == ann.uid  # hers, umask 077
        ok(run_cli_as(ben, data_dir.root, "check", bens, account="ben"))  # its test folder, before any import
        for folder in [data_dir.repository, *(p for p in data_dir.repository.rglob("*") if p.is_dir())]:
            assert folder.stat().st_mode & SHARED_DIR_BITS == SHARED_DIR_BITS, f"{folder} {oct(folder.stat().st_mode)}"
        ok(run_cli_as(ben, data_dir.root, "import", "-g", "lab", bens, account="ben"))

        shown = json.loads(ok(run_cli_as(ben, data_dir.root, "images", "--output", "json", account="ben")))
        made = {row["images"][0]["name"]: row["images"][0]["thumbnail"] for row in shown}
        assert len(made) == 2 and all(made.values()), made
        for folder in (thumbnails, *(p for p in thumbnails.iterdir()), data_dir.logs):
            st = folder.stat()
            assert st.st_mode & SHARED_DIR_BITS == SHARED_DIR_BITS, f"{folder} {oct(st.st_mode)}"
            assert st.st_gid == lab_gid, folder
        for png in map(Path, made.values()):  # the group sees each other's pictures (a read-only group)
            assert png.stat().st_mode & stat.S_IRGRP, f"{png} {oct(png.stat().st_mode)}"
        logs = sorted(data_dir.logs.glob("job-*.log"))
        assert [p.stat().st_uid for p in logs] == [ann.uid, ben.uid]
        assert all(p.stat().st_mode & stat.S_IRGRP and p.stat().st_gid == lab_gid for p in logs)
        copies = sorted(data_dir.repository.rglob("*.log"))  # each job's log copy beside its folder
        assert len(copies) == 2 and all(p.stat().st_mode & stat.S_IRGRP for p in copies), copies

        # ben rebuilds ann's thumbnails (her folder, his umask 077): replaced, not refused
        ok(run_cli_as(ben, data_dir.root, "images", "--rebuild", account="ben"))
        assert all(Path(p).is_file() for p in made.values())


def test_a_member_stopped_by_a_catalog_not_set_up_for_the_group_is_pointed_at_setup_group(
    admin, data_dir, open_tmp, sqlite_only
):
    """The catalog is another account's file: whether it cannot be opened or only not written, the
    sentence names the command that says what is wrong and fixes it."""
    with os_people(1, ("ann", [0])) as ((lab,), people):
        ann = people["ann"]
        path = source(open_tmp / "ann-data", "ann.tif", ann)
        root = data_dir.root

        # never set up: the group is not known yet
        code, _, err = run_cli_as(ann, root, "import", path, account="ann")
        assert code == ExitCode.IMPORT_ERRORS, err
        assert err.startswith(f"inplace: The catalog at sqlite:///{data_dir.catalog_path} could not be opened (")
        assert f"an administrator runs inplace --data-dir {root} admin setup-group GROUP --apply (GROUP: " in err

        # set up, then the catalog restored from a backup as root: private to root again
        ok(admin("admin", "setup-group", lab, "--apply"))
        ok(run_cli_as(ann, root, "import", path, account="ann"))
        data_dir.catalog_path.chmod(0o600)
        code, _, err = run_cli_as(ann, root, "import", path, account="ann")
        assert code == ExitCode.IMPORT_ERRORS, err
        assert f"an administrator runs inplace --data-dir {root} admin setup-group {lab} --apply, which says" in err

        # readable by the group but not writable: opened, then refused at the first write
        data_dir.catalog_path.chmod(0o640)
        code, _, err = run_cli_as(ann, root, "import", path, account="ann")
        last = err.splitlines()[-1]
        assert code == ExitCode.IMPORT_ERRORS, err
        assert last.startswith(f"inplace: The catalog {data_dir.catalog_path} cannot be written by this account ("), err
        assert f"runs inplace --data-dir {root} admin setup-group {lab} --apply" in last

        ok(admin("admin", "setup-group", lab, "--apply"))
        ok(run_cli_as(ann, root, "import", path, account="ann"))  # fixed: her import goes through
