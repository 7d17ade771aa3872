"""Every transfer end to end through the CLI on a real folder tree."""

import json
import os

import pytest

from engine.transfers import transfer_names
from tests.conftest import make_tree


def repository_files(data_dir):
    root = data_dir.repository
    return sorted(p for p in root.rglob("*") if not p.is_dir() and not p.name.endswith(".log"))


@pytest.mark.parametrize("transfer", transfer_names(include_plugins=False))
def test_every_transfer_end_to_end(transfer, data_dir, cli, tmp_path):
    src = tmp_path / "src"
    files = make_tree(src)
    args = ["--accept-responsibilities"] if transfer not in ("upload", "cp") else []
    code, out, err = cli("import", "--transfer", transfer, *args, "--output", "json", src)
    assert code == 0, err + out
    report = json.loads(out)
    assert report["summary"].startswith(f"{len(files)} files transferred, {len(files)} filesets created, 0 errors")
    by_source = {f["source"]: f for f in report["files"]}
    for rel, content in files.items():
        result = by_source[str(src / rel)]
        assert result["state"] == "done"
        stored = data_dir.repository / result["repo_path"]
        assert stored.read_bytes() == content
        if transfer == "ln_s":
            assert os.readlink(stored) == str(src / rel)
    originals_left = all((src / rel).exists() for rel in files)
    assert originals_left == (not transfer.endswith("_rm"))
    code, out, _ = cli("filesets", "--output", "json")
    entries = [e for fs in json.loads(out) for e in fs["entries"]]
    assert len(entries) == len(files)
    assert any(e["client_path"].endswith("nested/we;ird" + "x" + "name%.tif") for e in entries)
    (log,) = data_dir.repository.rglob("*.log")  # one log per job, beside the job's one folder
    assert log.with_suffix("").is_dir() and f"{len(files)} files transferred" in log.read_text()
    assert {p.relative_to(log.with_suffix("")).parts[0] for p in repository_files(data_dir)} == {"src"}


def test_dry_run_lists_filesets_and_imports_nothing(data_dir, cli, tmp_path):
    make_tree(tmp_path / "src")
    code, out, _ = cli("import", "-f", tmp_path / "src")
    assert code == 0
    assert out.count("# Fileset") == 6 and "6 filesets, 6 files" in out
    assert repository_files(data_dir) == []


def test_human_output_ends_with_the_summary_line(data_dir, cli, tmp_path):
    (tmp_path / "one.tif").write_bytes(b"1")
    code, out, _ = cli("import", tmp_path / "one.tif")
    assert code == 0
    assert out.strip().splitlines()[-1].startswith("1 file transferred, 1 fileset created, 0 errors in 0:00:0")


def test_target_creates_project_and_dataset(data_dir, cli, tmp_path):
    (tmp_path / "one.tif").write_bytes(b"1")
    code, _, err = cli("import", "-T", "Project:name:Screen/Dataset:name:Plate 1", tmp_path / "one.tif")
    assert code == 0, err
    code, out, _ = cli("filesets", "--output", "json")
    assert json.loads(out)[0]["dataset_id"] == 1


@pytest.mark.parametrize(
    "args,message",
    [
        (["import", "/does/not/exist"], "does not exist"),
        (["import", "--transfer", "teleport", "{src}"], "Unknown transfer 'teleport'"),
        (["import", "--checksum-algorithm", "SHA-9", "{src}"], "Unknown checksum algorithm"),
        (["import", "--transfer", "tests.plugins.broken_plugin:X", "{src}"], "could not be loaded"),
        (["import", "--transfer", "tests.plugins.sample_transfers:BrokenAtImport", "{src}"], "is not a transfer"),
        (["import", "-T", "Screen:7", "{src}"], "is not understood"),
        (["import", "--bogus-option", "{src}"], "unrecognized arguments"),
        (["import"], "No files or folders"),
    ],
)
def test_bad_input_gets_one_line_and_exit_code_1(args, message, data_dir, cli, tmp_path):
    (tmp_path / "a.tif").write_bytes(b"a")
    args = [a.replace("{src}", str(tmp_path / "a.tif")) for a in args]
    try:
        code, out, err = cli(*args)
    except SystemExit as exc:  # argparse's own errors leave through exit()
        code, err = exc.code, ""
        return
    assert code == 1
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_wrong_password_is_refused(data_dir, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("INPLACE_PASSWORD", "wrong")
    code, _, err = cli("import", tmp_path)
    assert code == 1 and "Sign-in as 'alice' failed" in err


def test_login_remembers_the_session(data_dir, cli, tmp_path, monkeypatch):
    assert cli("login")[0] == 0
    monkeypatch.delenv("INPLACE_PASSWORD")
    (tmp_path / "a.tif").write_bytes(b"a")
    code, _, err = cli("import", tmp_path / "a.tif")
    assert code == 0, err
    assert cli("logout")[0] == 0
    code, _, err = cli("import", tmp_path / "a.tif")
    assert code == 1 and "No password" in err


def test_unreadable_top_level_entries_are_skipped_not_fatal(data_dir, cli, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "ok.tif").write_bytes(b"ok")
    os.symlink(src / "gone", src / "broken.tif")
    code, out, err = cli("import", "--output", "json", src)
    assert code == 0, err
    assert json.loads(out)["summary"].startswith("1 file transferred")


def test_exclude_clientpath_skips_what_was_imported(data_dir, cli, tmp_path):
    (tmp_path / "a.tif").write_bytes(b"a")
    assert cli("import", tmp_path / "a.tif")[0] == 0
    code, out, _ = cli("import", "--exclude", "clientpath", "--output", "json", tmp_path / "a.tif")
    report = json.loads(out)
    assert code == 0 and report["files"][0]["state"] == "skipped"
    assert "already imported" in report["files"][0]["error_message"]


def test_exclude_filename_compares_name_and_checksum(data_dir, cli, tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    (tmp_path / "x" / "a.tif").write_bytes(b"same")
    (tmp_path / "y" / "a.tif").write_bytes(b"same")
    assert cli("import", tmp_path / "x" / "a.tif")[0] == 0
    code, out, _ = cli("import", "--exclude", "filename", "--output", "json", tmp_path / "y" / "a.tif")
    assert json.loads(out)["files"][0]["state"] == "skipped"
    (tmp_path / "y" / "a.tif").write_bytes(b"diff")
    code, out, _ = cli("import", "--exclude", "filename", "--output", "json", tmp_path / "y" / "a.tif")
    assert json.loads(out)["files"][0]["state"] == "done"


def test_advanced_help_explains_every_transfer_and_algorithm(cli):
    code, out, _ = cli("import", "--advanced-help")
    assert code == 0
    for name in [*transfer_names(include_plugins=False), "Murmur3-128", "File-Size-64"]:
        assert name in out


def test_demo_creates_an_account_and_imports_generated_files(cli, data_dir_path):
    from engine.datadir import DataDir
    from tests.conftest import TEST_SETTINGS

    DataDir(data_dir_path).create()
    (data_dir_path / "settings.toml").write_text(TEST_SETTINGS)  # pytest's folders live under /tmp
    code, out, err = cli("demo")
    assert code == 0, err + out
    assert "Created the account 'demo'" in out
    # the generated notes file is skipped: not an image format
    assert out.strip().splitlines()[-1].startswith("12 files transferred, 12 filesets created, 0 errors")
    assert cli("demo")[0] == 0  # and again, with the account it made


def test_data_dir_works_before_or_after_the_subcommand(tmp_path, monkeypatch, capsys):
    from engine.cli.main import main

    monkeypatch.setenv("INPLACE_PASSWORD", "pass-word")
    assert main(["admin", "init", "--data-dir", str(tmp_path / "after"), "--user", "ann"]) == 0
    assert main(["--data-dir", str(tmp_path / "before"), "admin", "init", "--user", "bob"]) == 0
    assert (tmp_path / "after" / "catalog.sqlite").exists() and (tmp_path / "before" / "catalog.sqlite").exists()
    assert main(["--data-dir", str(tmp_path / "before"), "jobs", "--user", "bob"]) == 0
    assert main(["jobs", "--data-dir", str(tmp_path / "after"), "--user", "ann"]) == 0
