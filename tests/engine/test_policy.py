"""Changing the data dir's policy through the session: administrators only, the [policy] table only
(comments and the rest of settings.toml stay), and the very next check follows it."""

import pytest

from engine.accounts import create_account
from engine.api import Session
from engine.config import DEFAULT_SETTINGS_TEXT
from engine.errors import PermissionDenied, UsageError
from engine.paths import DEFAULT_TEMPLATE


def _codes(session, src, severity):
    prepared = session.prepare([str(src)], session.options(transfer="ln_s"), all_transfers=True)
    return {f.code for f in prepared.checks.findings("ln_s") if str(f.severity) == severity}


@pytest.fixture
def src(tmp_path):
    folder = tmp_path / "src"  # under /tmp: temporary storage by the default policy
    folder.mkdir()
    (folder / "a.tif").write_bytes(b"a")
    return folder


def test_an_administrator_changes_the_policy_and_the_next_check_follows_it(data_dir, account, src):
    settings = data_dir.root / "settings.toml"
    settings.write_text(DEFAULT_SETTINGS_TEXT.format(template=DEFAULT_TEMPLATE))
    session = Session(data_dir, account)
    assert "temporary-storage" in _codes(session, src, "error")
    policy = session.set_policy(temporary_storage="warning")
    assert policy.temporary_storage == "warning" and session.policy.temporary_storage == "warning"
    assert "temporary-storage" in _codes(session, src, "warning")  # no restart, no new session
    session.set_policy(temporary_paths=["/var/tmp"], temporary_fs_types=["ramfs"], temporary_storage="error")
    assert "temporary-storage" not in _codes(session, src, "error") | _codes(session, src, "warning")
    text = settings.read_text()
    assert "# What to do with ln_s imports from temporary storage" in text  # comments are kept
    assert f'template = "{DEFAULT_TEMPLATE}"' in text and 'temporary_paths = ["/var/tmp"]' in text
    assert text.count("temporary_storage =") == 1 and session.settings_file == settings


def test_only_an_administrator_may_change_the_policy(data_dir, account):
    bob = create_account(data_dir, "bob", "password", by=account)
    before = (data_dir.root / "settings.toml").read_text()
    with pytest.raises(PermissionDenied, match="administrator"):
        Session(data_dir, bob).set_policy(temporary_storage="allow")
    assert (data_dir.root / "settings.toml").read_text() == before


@pytest.mark.parametrize(
    "changes",
    [
        {"temporary_storage": "maybe"},
        {"temporary_paths": "/scratch"},
        {"no_such_rule": 1},
        {"read_only_after_import": 1},
    ],
)
def test_a_wrong_setting_is_refused_and_nothing_is_written(data_dir, account, changes):
    before = (data_dir.root / "settings.toml").read_text()
    with pytest.raises(UsageError):
        Session(data_dir, account).set_policy(**changes)
    assert (data_dir.root / "settings.toml").read_text() == before


def test_a_missing_table_is_added_and_a_multi_line_array_replaced_whole(data_dir, account):
    settings = data_dir.root / "settings.toml"
    settings.write_text('[repository]\ntemplate = "x/%user%//"\n')
    Session(data_dir, account).set_policy(temporary_storage="allow")
    assert settings.read_text().endswith('\n[policy]\ntemporary_storage = "allow"\n')
    settings.write_text('[policy]\ntemporary_paths = [\n  "/tmp",\n  "/scratch",\n]\n\n[other]\nkept = 1\n')
    policy = Session(data_dir, account).set_policy(temporary_paths=["/scratch"], writable_sources="error")
    assert policy.temporary_paths == ["/scratch"] and policy.writable_sources == "error"
    assert settings.read_text() == (
        '[policy]\ntemporary_paths = ["/scratch"]\nwritable_sources = "error"\n\n[other]\nkept = 1\n'
    )
