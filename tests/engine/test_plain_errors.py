"""Where a Python traceback used to come out, a plain sentence and a documented exit code come out
instead, and nothing is lost: real files, real processes, a real tmpfs, no mocks of `os`."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3

import pytest

from engine.fsnames import from_catalog, to_catalog

TRACEBACK = "Traceback (most recent call last)"
SHA1 = "SHA1-160"


def one_sentence(err: str) -> str:
    """The error output must be one line starting 'inplace:' and holding no traceback."""
    assert TRACEBACK not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("inplace: "), err
    return lines[0]


# --- file names that are not UTF-8 ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["/data/plain.tif", "/data/caf\udce9.tif", "caf\udce9.tif", "file:looks-encoded.tif", "/data/100%.tif", ""],
)
def test_catalog_form_of_a_name_is_reversible_and_valid_utf8(value):
    stored = to_catalog(value)
    stored.encode("utf-8")  # SQLite can hold it
    assert from_catalog(stored) == value
    if value.startswith("/") and "\udce9" not in value:
        assert stored == value  # ordinary paths are stored as they are


@pytest.mark.parametrize("transfer", ["upload", "cp", "ln_s"])
def test_a_name_that_is_not_utf8_is_imported_and_shown_escaped(transfer, data_dir, cli, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    raw = os.fsencode(src) + b"/caf\xe9.tif"
    content = b"not UTF-8 in the name, bytes in the file " * 100
    with open(raw, "wb") as f:
        f.write(content)
    args = ["--accept-responsibilities"] if transfer == "ln_s" else []
    code, out, err = cli("import", "--transfer", transfer, *args, "--output", "json", src)
    assert code == 0, err
    (result,) = json.loads(out)["files"]
    assert os.fsencode(result["source"]) == raw
    stored = data_dir.repository / result["repo_path"]
    assert stored.name == "caf_.tif"  # repository names are sanitised, valid UTF-8
    assert stored.read_bytes() == content
    assert result["checksum"] == hashlib.sha1(content).hexdigest()
    if transfer == "ln_s":
        assert os.readlink(os.fsencode(stored)) == raw

    code, out, err = cli("filesets")
    assert code == 0 and TRACEBACK not in err
    assert f"{src}/caf\\xe9.tif -> {result['repo_path']}" in out
    code, out, _ = cli("filesets", "--output", "json")
    assert code == 0
    (entry,) = json.loads(out)[0]["entries"]
    assert os.fsencode(entry["source_path"]) == raw  # exact: the entry still finds its original
    assert entry["client_path"] == str(src / "caf_.tif").lstrip("/")
    assert entry["checksum"] == result["checksum"]
    with sqlite3.connect(data_dir.catalog_path) as db:
        (source_path,) = db.execute("SELECT source_path FROM fileset_entries").fetchone()
    assert source_path == f"file:{src}/caf%E9.tif"
