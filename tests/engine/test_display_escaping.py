"""A file name holding a newline, an ANSI escape or other control characters can never forge a line
of human output or drive the terminal; JSON output keeps the name exact. And every command that a
message suggests exists."""

from __future__ import annotations

import json
import re
import shlex

import pytest

from tests.conftest import REPO

FORGED = "evil\nFileset:99  forged.tif"
COLOURED = "\x1b[31mred\x1b[0m.tif"
BIDI = "txt.\u202eexe.tif"


@pytest.fixture
def awkward(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in (FORGED, COLOURED, BIDI):
        (src / name).write_bytes(b"x" * 10)
    return src


def assert_safe(text: str) -> None:
    assert "\x1b" not in text and "\u202e" not in text
    assert not any(line.startswith(("Fileset:99", "    Fileset:99")) for line in text.splitlines()), text


def test_human_output_escapes_control_characters_in_names(data_dir, cli, awkward):
    outputs = [
        cli("import", "-f", awkward),
        cli("check", awkward),
        cli("import", awkward),
        cli("filesets"),
        cli("jobs"),
        cli("import", "--transfer", "tests.plugins.troubled_transfers:FailsInCreate", awkward),
    ]
    for _code, out, err in outputs:
        assert_safe(out + err)
    assert "evil\\nFileset:99  forged.tif" in outputs[0][1]
    assert "\\x1b[31mred\\x1b[0m.tif" in outputs[3][1]
    assert "txt.\\u202eexe.tif" in outputs[3][1]
    assert f"failed: {awkward}/\\x1b[31mred\\x1b[0m.tif: The fails_in_create transfer failed" in outputs[-1][1]
    log = next(data_dir.logs.glob("job-*.log")).read_text()
    assert_safe(log)


def test_json_output_keeps_names_exact(data_dir, cli, awkward):
    code, out, _ = cli("import", "--output", "json", awkward)
    assert code == 0
    assert {f["source"] for f in json.loads(out)["files"]} == {str(awkward / n) for n in (FORGED, COLOURED, BIDI)}
    code, out, _ = cli("filesets", "--output", "json")
    sources = {e["source_path"] for fs in json.loads(out) for e in fs["entries"]}
    assert sources == {str(awkward / n) for n in (FORGED, COLOURED, BIDI)}


def suggested_commands() -> set[str]:
    """Every 'inplace ...' command quoted in the engine's and the CLI's messages, with f-string
    fields filled in."""
    found = set()
    for path in (REPO / "engine").rglob("*.py"):
        text = re.sub(r"\{[^{}]*\}", "1", path.read_text())
        found.update(re.findall(r"'(inplace [^']*)'", text))
        found.update(re.findall(r"with: (inplace [^\"']*)", text))
    return found


def test_messages_suggest_only_commands_that_exist():
    from engine.cli.main import build_parser

    commands = suggested_commands()
    assert "inplace datasets" in commands and "inplace jobs --rollback 1" in commands
    for command in sorted(commands):
        try:
            build_parser().parse_args(shlex.split(command)[1:])
        except SystemExit as exc:
            pytest.fail(f"a message suggests '{command}', which does not parse (exit {exc.code})")


def test_datasets_lists_projects_and_datasets(data_dir, cli, tmp_path):
    (tmp_path / "one.tif").write_bytes(b"1")
    assert cli("datasets")[1].startswith("No datasets yet.")
    assert cli("import", "-T", "Project:name:Screen/Dataset:name:Plate 1", tmp_path / "one.tif")[0] == 0
    code, out, _ = cli("datasets")
    assert code == 0 and out == "Project:1  Screen  /  Dataset:1  Plate 1\n"
    code, out, _ = cli("datasets", "--output", "json")
    assert json.loads(out) == [{"dataset_id": 1, "dataset": "Plate 1", "project_id": 1, "project": "Screen"}]
    code, _, err = cli("import", "-d", "7", tmp_path / "one.tif")
    assert code == 1 and "There is no dataset with id 7. List them with 'inplace datasets'." in err
