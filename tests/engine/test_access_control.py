"""Only an administrator manages accounts; only the owner or an administrator changes or sees data.

Through the real CLI, with a job interrupted by a real SIGKILL."""

import json
import subprocess

import pytest

from engine.accounts import authenticate, create_account
from engine.containers import list_containers
from engine.errors import PermissionDenied
from tests.conftest import PASSWORD, REPO, cli_command, cli_process_env
from tests.engine.test_crash_and_concurrency import kill_mid_import, make_sources

NOT_PERMITTED = 5


@pytest.fixture
def bob(data_dir, cli, monkeypatch):
    """A second, ordinary account, added by the administrator alice."""
    monkeypatch.setenv("INPLACE_NEW_PASSWORD", PASSWORD)
    code, out, err = cli("admin", "adduser", "bob")
    assert code == 0, err
    assert out.strip() == "Added the account 'bob'."
    monkeypatch.delenv("INPLACE_NEW_PASSWORD")
    return "bob"


def import_one(cli, path, *args):
    path.write_bytes(path.name.encode() * 10)
    code, out, err = cli("import", "--output", "json", *args, path)
    assert code == 0, err + out
    return json.loads(out)


def refused(result, sentence, after_checks=False):
    code, out, err = result
    assert code == NOT_PERMITTED, err + out
    if after_checks:  # an import prints what its checks found first
        err = err.splitlines(keepends=True)[-1]
    assert err == f"inplace: {sentence}\n"  # one sentence, in our words, no traceback


def fileset_ids(cli, *args):
    code, out, err = cli("filesets", "--output", "json", *args)
    assert code == 0, err
    return [fs["id"] for fs in json.loads(out)]


def test_nobody_without_an_account_can_add_an_administrator(data_dir):
    env = {**cli_process_env(), "INPLACE_USER": "mallory"}
    env.pop("INPLACE_PASSWORD")
    cmd = cli_command(data_dir.root, "admin", "adduser", "--admin", "--password-stdin", "--new-password-stdin", "eve")
    result = subprocess.run(cmd, input="guess\nsecret\n", capture_output=True, text=True, env=env, cwd=REPO)
    assert result.returncode == 1
    assert result.stderr.startswith("inplace: Sign-in as 'mallory' failed")
    assert "Traceback" not in result.stderr
    with pytest.raises(Exception, match="failed"):
        authenticate(data_dir, "eve", "secret")


def test_an_ordinary_account_cannot_add_accounts(bob, cli, monkeypatch, data_dir):
    monkeypatch.setenv("INPLACE_NEW_PASSWORD", PASSWORD)
    refused(cli("admin", "adduser", "--user", "bob", "--admin", "eve"), "Only an administrator may add an account.")
    bob_account = authenticate(data_dir, "bob", PASSWORD)
    with pytest.raises(PermissionDenied):
        create_account(data_dir, "eve", PASSWORD, by=bob_account)
    with pytest.raises(PermissionDenied):
        create_account(data_dir, "eve", PASSWORD, by=None)  # only the very first account needs nobody


def test_the_administrator_adds_accounts_with_a_password_of_their_own(data_dir, cli, tmp_path):
    cmd = cli_command(data_dir.root, "admin", "adduser", "--new-password-stdin", "--admin", "carol")
    result = subprocess.run(
        cmd, input="carols secret\n", capture_output=True, text=True, env=cli_process_env(), cwd=REPO
    )
    assert result.returncode == 0, result.stderr
    assert authenticate(data_dir, "carol", "carols secret").is_admin


def test_bob_cannot_delete_alices_filesets_even_a_cp_rm_one(bob, cli, data_dir, tmp_path):
    import_one(cli, tmp_path / "alice.tif")
    import_one(cli, tmp_path / "moved.tif", "--transfer", "cp_rm", "--accept-responsibilities")
    stored = sorted(p for p in data_dir.repository.rglob("*.tif"))
    assert len(stored) == 2
    ids = fileset_ids(cli)
    for fileset in ids:
        refused(
            cli("delete", "--user", "bob", fileset), f"Only the owner or an administrator may delete fileset {fileset}."
        )
    bobs = import_one(cli, tmp_path / "bob.tif", "--user", "bob")
    (bobs_id,) = fileset_ids(cli, "--user", "bob")
    # One of alice's among the ids stops the whole request: nothing at all is deleted.
    refused(
        cli("delete", "--user", "bob", bobs_id, ids[1]),
        f"Only the owner or an administrator may delete fileset {ids[1]}.",
    )
    assert fileset_ids(cli) == [*ids, bobs_id]
    assert all(p.read_bytes() for p in stored)
    assert bobs["filesets_created"] == 1
    code, _, err = cli("delete", "--user", "bob", bobs_id)  # his own
    assert code == 0, err
    code, _, err = cli("delete", ids[1])  # alice is an administrator and the owner
    assert code == 0, err
    assert fileset_ids(cli) == ids[:1]


def test_bob_cannot_roll_back_or_resume_alices_interrupted_job(bob, cli, data_dir, tmp_path):
    src = tmp_path / "src"
    make_sources(src)
    kill_mid_import(data_dir, src)
    code, out, _ = cli("jobs", "--output", "json")
    (job,) = json.loads(out)
    assert job["state"] == "interrupted"
    before = fileset_ids(cli)
    refused(
        cli("jobs", "--user", "bob", "--rollback", job["id"]),
        f"Only the owner or an administrator may roll back job {job['id']}.",
    )
    refused(
        cli("jobs", "--user", "bob", "--resume", job["id"], "--accept-responsibilities"),
        f"Only the owner or an administrator may resume job {job['id']}.",
    )
    code, out, _ = cli("jobs", "--output", "json")
    assert json.loads(out)[0]["state"] == "interrupted"
    assert fileset_ids(cli) == before
    code, out, err = cli("jobs", "--rollback", job["id"])  # the owner may
    assert code == 0, err


def test_listings_show_ones_own_data_and_an_administrator_sees_all(bob, cli, data_dir, tmp_path):
    import_one(cli, tmp_path / "alice.tif", "-T", "Dataset:name:alices")
    import_one(cli, tmp_path / "bob.tif", "--user", "bob", "-T", "Dataset:name:bobs")
    code, out, _ = cli("jobs", "--user", "bob", "--output", "json")
    assert [j["account"] for j in json.loads(out)] == ["bob"]
    code, out, _ = cli("jobs", "--output", "json")
    assert [j["account"] for j in json.loads(out)] == ["bob", "alice"]
    code, out, _ = cli("filesets", "--user", "bob", "--output", "json")
    assert [fs["name"] for fs in json.loads(out)] == ["bob.tif"]
    assert len(fileset_ids(cli)) == 2
    alice, bob_account = (authenticate(data_dir, name, PASSWORD) for name in ("alice", "bob"))
    assert [c["dataset"] for c in list_containers(data_dir, bob_account)] == ["bobs"]
    assert [c["dataset"] for c in list_containers(data_dir, alice)] == ["alices", "bobs"]


def test_bob_cannot_import_into_alices_dataset(bob, cli, data_dir, tmp_path):
    import_one(cli, tmp_path / "alice.tif", "-T", "Dataset:name:alices")
    (tmp_path / "bob.tif").write_bytes(b"bob")
    refused(
        cli("import", "--user", "bob", "-T", "Dataset:1", tmp_path / "bob.tif"),
        "Only the owner or an administrator may import into dataset 1.",
        after_checks=True,
    )
    assert len(fileset_ids(cli)) == 1
    assert import_one(cli, tmp_path / "alice2.tif", "-T", "Dataset:1")["filesets_created"] == 1
