"""What the CLI and the wizard used to disagree on now lives in the engine's session; these are the
CLI's side of it (tests/gui/test_front_ends_agree.py drives the wizard through the same cases)."""

import json
import stat

from tests.conftest import TEST_SETTINGS, write_settings

FLAKY = "tests.plugins.flaky_transfer:FlakySymlink"


def test_the_read_only_policy_applies_without_the_flag(data_dir, cli, tmp_path):
    write_settings(data_dir.root, TEST_SETTINGS + "read_only_after_import = true\n")
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.tif").write_bytes(b"a")
    code, out, err = cli("import", "--transfer", "ln_s", "--accept-responsibilities", src)
    assert code == 0, err
    assert stat.S_IMODE((src / "a.tif").stat().st_mode) & 0o222 == 0


def test_a_retry_asks_its_own_responsibilities_and_is_linked_to_its_job(data_dir, cli, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.tif").write_bytes(b"good")
    (src / "flaky.tif").write_bytes(b"flaky")
    code, out, err = cli("import", "--transfer", FLAKY, "--accept-responsibilities", "-c", src)
    assert code == 2 and "Input/output error" in out
    code, out, err = cli("jobs", "--retry", "1")
    assert code == 1 and "accept its responsibilities" in err
    code, out, _ = cli("jobs", "--output", "json")
    assert [j["id"] for j in json.loads(out)] == [1]  # the refusal changed nothing
    code, out, err = cli("jobs", "--retry", "1", "--accept-responsibilities")
    assert code == 0, out + err
    code, out, _ = cli("jobs", "--output", "json")
    retry = json.loads(out)[0]
    assert retry["retry_of"] == 1 and retry["state"] == "completed"
    texts = [s["text"] for s in retry["acknowledgement"]["statements"]]
    assert texts  # asked again, for the one file it retried
    code, out, _ = cli("jobs")
    assert "retries the failed files of job 1" in out


def test_accounts_are_listed_for_an_administrator_and_only_oneself_otherwise(data_dir, cli, monkeypatch):
    monkeypatch.setenv("INPLACE_NEW_PASSWORD", "bobs secret")
    assert cli("admin", "adduser", "bob")[0] == 0
    code, out, _ = cli("admin", "accounts", "--output", "json")
    assert code == 0 and [a["name"] for a in json.loads(out)] == ["alice", "bob"]
    assert "password" not in out
    monkeypatch.setenv("INPLACE_USER", "bob")
    monkeypatch.setenv("INPLACE_PASSWORD", "bobs secret")
    code, out, _ = cli("admin", "accounts")
    assert code == 0 and out.strip().startswith("bob") and "alice" not in out
