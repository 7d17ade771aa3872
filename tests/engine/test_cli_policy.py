"""`inplace admin policy`: the data dir's policy shown to anyone signed in, changed by administrators
only, checked by the engine, written without losing the rest of settings.toml, followed at once."""

import json

from engine.states import ExitCode
from tests.conftest import PASSWORD


def test_the_policy_is_shown(data_dir, cli):
    code, out, err = cli("admin", "policy")
    assert code == 0, err
    assert "temporary_storage = error" in out
    assert "temporary_paths = none" in out
    assert "temporary_fs_types = ramfs" in out
    assert str(data_dir.root / "settings.toml") in out


def test_an_administrator_changes_it_and_the_rest_of_the_file_stays(data_dir, cli, tmp_path):
    settings = data_dir.root / "settings.toml"
    settings.write_text("# kept by hand\n" + settings.read_text())
    code, out, err = cli(
        "admin", "policy", "--temporary-storage", "warning", "--temporary-paths", "/scratch", str(tmp_path),
        "--read-only-after-import", "yes",
    )
    assert code == 0, err
    assert "read_only_after_import, temporary_paths, temporary_storage" in out
    assert settings.read_text().startswith("# kept by hand\n")
    code, out, err = cli("admin", "policy", "--output", "json")
    policy = json.loads(out)["policy"]
    assert policy["temporary_storage"] == "warning"
    assert policy["temporary_paths"] == ["/scratch", str(tmp_path)]
    assert policy["read_only_after_import"] is True
    assert policy["temporary_fs_types"] == ["ramfs"]  # untouched


def test_a_changed_policy_is_followed_by_the_next_import_at_once(data_dir, cli, tmp_path):
    source = tmp_path / "scratch" / "a.tif"
    source.parent.mkdir()
    source.write_bytes(b"image" * 20)
    assert cli("admin", "policy", "--temporary-paths", str(source.parent))[0] == 0
    code, out, err = cli("import", "--transfer", "ln_s", "--accept-responsibilities", str(source))
    assert code == ExitCode.USAGE, out + err
    assert "temporary" in (out + err)
    assert cli("admin", "policy", "--temporary-paths")[0] == 0  # no folder counts as temporary now
    code, out, err = cli("import", "--transfer", "ln_s", "--accept-responsibilities", str(source))
    assert code == 0, out + err


def test_a_value_the_policy_does_not_allow_is_one_sentence(data_dir, cli):
    before = (data_dir.root / "settings.toml").read_text()
    code, out, err = cli("admin", "policy", "--temporary-storage", "sometimes")
    assert code == ExitCode.USAGE
    assert "cannot be 'sometimes'" in err and "error, warning, allow" in err
    assert "Traceback" not in err
    assert (data_dir.root / "settings.toml").read_text() == before


def test_only_an_administrator_changes_it(data_dir, cli, monkeypatch):
    monkeypatch.setenv("INPLACE_NEW_PASSWORD", PASSWORD)
    assert cli("admin", "adduser", "bob")[0] == 0
    before = (data_dir.root / "settings.toml").read_text()
    code, out, err = cli("admin", "policy", "--user", "bob", "--temporary-storage", "allow")
    assert code == ExitCode.NOT_PERMITTED
    assert (data_dir.root / "settings.toml").read_text() == before
    code, out, err = cli("admin", "policy", "--user", "bob")  # but anyone signed in may read it
    assert code == 0 and "temporary_storage = error" in out
