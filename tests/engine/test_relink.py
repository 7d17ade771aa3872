"""`inplace relink` on a moved tree of an `ln_s` import, with decoys: same name and another size, same
size and other bytes, and two equal candidates. Originals are never changed; moves are recorded."""

from __future__ import annotations

import json
import os
import shutil

from tests.engine.processes import catalog_rows
from tests.engine.test_verify import OK, PROBLEMS, import_, make_files, verify_json

NAMES = ["a/one.tif", "a/two.tif", "b/three.tif", "four.tif"]


def snapshot(root):
    """Every file under root: bytes, inode and modification time, to prove nothing was touched."""
    found = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            st = os.stat(path)
            with open(path, "rb") as f:
                found[os.path.relpath(path, root)] = (f.read(), st.st_ino, st.st_mtime_ns)
    return found


def links(data_dir):
    rows = catalog_rows(data_dir, "SELECT source_path, repo_path FROM fileset_entries ORDER BY id")
    return {os.path.basename(s): (s, os.readlink(data_dir.repository / r)) for s, r in rows}


def moved_import(cli, tmp_path):
    old = tmp_path / "old"
    make_files(old, NAMES)
    import_(cli, "ln_s", old)
    new = tmp_path / "new"
    os.rename(old, new)
    return old, new


def relink(cli, *args):
    code, out, err = cli("relink", "--output", "json", *map(str, args))
    assert code in (OK, PROBLEMS), out + err
    return code, json.loads(out)


def test_a_moved_tree_is_relinked_after_each_file_is_checked(cli, data_dir, tmp_path):
    old, new = moved_import(cli, tmp_path)
    assert set(verify_json(cli, "--all")[1].values()) == {"missing"}
    before = snapshot(new)

    code, report = relink(cli, "--from", old, "--to", new, "--dry-run")
    assert code == OK and not report["applied"] and len(report["matched"]) == 4
    assert all(target.startswith(str(old)) for _, target in links(data_dir).values())  # a dry run changes nothing

    code, report = relink(cli, "--from", old, "--to", new)
    assert code == OK and report["applied"] and report["checked_by"] == "size and modification time"
    for name, (source, target) in links(data_dir).items():
        assert source == target and source.startswith(str(new) + os.sep), name
    assert snapshot(new) == before  # no original was touched
    assert not [p for p in data_dir.repository.rglob("*") if ".relink-" in p.name]
    rows = catalog_rows(data_dir, "SELECT old_path, new_path, os_user, relinked_at FROM relinks")
    assert len(rows) == 4 and all(o.startswith(str(old)) and n.startswith(str(new)) and u and t for o, n, u, t in rows)
    client_paths = [c for (c,) in catalog_rows(data_dir, "SELECT client_path FROM fileset_entries")]
    assert all(c.startswith(str(new)[1:]) for c in client_paths)
    assert verify_json(cli, "--all", "--full")[:2] == (OK, {os.path.basename(n): "ok" for n in NAMES})


def test_candidates_that_do_not_match_are_listed_and_left(cli, data_dir, tmp_path):
    old, new = moved_import(cli, tmp_path)
    (new / "a/one.tif").write_bytes(os.urandom(10))  # decoy: same name, another size
    two = new / "a/two.tif"  # decoy: same size, other bytes, time put back
    st = two.stat()
    two.write_bytes(os.urandom(st.st_size))
    os.utime(two, ns=(st.st_atime_ns, st.st_mtime_ns))
    (new / "four.tif").unlink()
    before = snapshot(new)

    code, report = relink(cli, "--from", old, "--to", new, "--full")
    assert code == PROBLEMS
    assert [os.path.basename(m["old_path"]) for m in report["matched"]] == ["three.tif"]
    reasons = {os.path.basename(m["old_path"]): m["reason"] for m in report["left"]}
    assert "has 10 bytes" in reasons["one.tif"]
    assert "checksum differs" in reasons["two.tif"]
    assert "No such file" in reasons["four.tif"]
    now = links(data_dir)
    assert now["one.tif"][1].startswith(str(old)) and now["two.tif"][1].startswith(str(old))  # left as they were
    assert snapshot(new) == before

    code, out, _ = cli("relink", "--from", old, "--to", new)  # without --full the same-size decoy passes
    assert code == PROBLEMS and "Left as they were: 2 files:" in out and "add --full" in out


def test_a_search_proposes_single_matches_and_never_applies_ambiguous_ones(cli, data_dir, tmp_path):
    old = tmp_path / "old"
    files = make_files(old, NAMES)
    import_(cli, "ln_s", old)
    found = tmp_path / "found"
    (found / "deep/er").mkdir(parents=True)
    shutil.move(files["a/one.tif"], found / "deep/er/one.tif")  # one match: relinked
    shutil.copy2(files["a/two.tif"], found / "two.tif")  # two equal copies: ambiguous
    shutil.move(files["a/two.tif"], found / "deep/two.tif")
    (found / "three.tif").write_bytes(b"same name, other size")  # decoy
    files["b/three.tif"].unlink()

    code, report = relink(cli, "--search", found)
    assert code == PROBLEMS and not report["applied"]
    assert [m["new_path"] for m in report["matched"]] == [str(found / "deep/er/one.tif")]
    reasons = {os.path.basename(m["old_path"]): m["reason"] for m in report["left"]}
    assert "ambiguous" in reasons["two.tif"] and "no file of the same name" in reasons["three.tif"]
    ambiguous = {os.path.basename(m["old_path"]): m["ambiguous"] for m in report["left"]}
    assert ambiguous == {"two.tif": True, "three.tif": False}
    assert links(data_dir)["one.tif"][1] == str(files["a/one.tif"])  # proposed only

    code, report = relink(cli, "--search", found, "--apply", "--full")
    assert code == PROBLEMS and report["applied"] and len(report["matched"]) == 1
    assert links(data_dir)["one.tif"] == (str(found / "deep/er/one.tif"),) * 2
    assert links(data_dir)["two.tif"][1] == str(files["a/two.tif"])  # ambiguous: never applied
    _, states, _ = verify_json(cli, "--all")
    assert states == {"one.tif": "ok", "two.tif": "missing", "three.tif": "missing", "four.tif": "ok"}


def test_only_ln_s_entries_are_relinked_and_usage_is_checked(cli, data_dir, tmp_path):
    old = tmp_path / "old"
    make_files(old, ["c.tif"])
    import_(cli, "cp", old)
    new = tmp_path / "new"
    os.rename(old, new)
    code, report = relink(cli, "--from", old, "--to", new)
    assert code == OK and report["matched"] == [] and report["left"] == []
    assert cli("relink")[0] == 1
    assert cli("relink", "--from", old)[0] == 1
    assert cli("relink", "--from", old, "--to", tmp_path / "nowhere")[0] == 1


def test_relink_history_lists_each_move_with_who_and_when(cli, data_dir, tmp_path):
    code, out, _ = cli("relink", "--history")
    assert code == OK and "No file was relinked" in out
    old, new = moved_import(cli, tmp_path)
    relink(cli, "--from", old, "--to", new / "a", "--dry-run")  # a dry run records nothing
    assert json.loads(cli("relink", "--history", "--output", "json")[1]) == []
    relink(cli, "--from", old / "a", "--to", new / "a")
    (new / "a").rename(tmp_path / "again")  # moved twice: both moves are kept
    relink(cli, "--from", new / "a", "--to", tmp_path / "again")

    code, out, _ = cli("relink", "--history", "--output", "json")
    history = json.loads(out)
    assert code == OK and len(history) == 4
    assert [(h["old_path"], h["new_path"]) for h in history if h["old_path"].endswith("one.tif")] == [
        (str(old / "a/one.tif"), str(new / "a/one.tif")),
        (str(new / "a/one.tif"), str(tmp_path / "again/one.tif")),
    ]
    assert {h["account"] for h in history} == {"alice"} and all(h["os_user"] and h["relinked_at"] for h in history)
    fileset = history[0]["fileset_id"]
    mine = [h for h in history if h["fileset_id"] == fileset]
    code, out, _ = cli("relink", "--history", fileset)
    assert code == OK and f"{len(mine)} relink" in out and out.count(f"Fileset:{fileset}") == len(mine) < 4
    assert "by alice" in out
    assert f"from {old / 'a/one.tif'}" in out and f"to   {tmp_path / 'again/one.tif'}" in out
    assert cli("relink", "--history", fileset + 1000)[1].startswith("No file was relinked")
    assert cli("relink", "--history", "--search", tmp_path)[0] == 1  # history takes only fileset ids
    assert cli("relink", fileset)[0] == 1  # fileset ids without --history
