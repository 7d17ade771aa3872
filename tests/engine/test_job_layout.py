"""The per-job layout: one folder per import job, below it the selection's own layout; deleting a
fileset removes its entries and the folders left empty; filesets made in the older layout (one
folder per fileset) are still removed whole."""

import os

from engine.paths import JobNames
from tests.engine.processes import catalog_rows


def files_below(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if not p.is_dir())


def make(root, names):
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(name.encode() * 10)


def test_one_folder_per_job_mirrors_the_selection(data_dir, cli, tmp_path):
    make(tmp_path / "plate", ["A1/f1.tif", "A1/f2.tif", "B2/f1.tif"])
    make(tmp_path / "other", ["x.tif"])
    code, out, err = cli("import", "--transfer", "cp", tmp_path / "plate", tmp_path / "other")
    assert code == 0, err
    dirs = {d for (d,) in catalog_rows(data_dir, "SELECT repo_dir FROM filesets")}
    (job_dir,) = dirs
    assert catalog_rows(data_dir, "SELECT repo_dir FROM jobs") == [(job_dir,)]
    folder = data_dir.repository / job_dir
    assert files_below(folder) == ["other/x.tif", "plate/A1/f1.tif", "plate/A1/f2.tif", "plate/B2/f1.tif"]
    assert (folder.parent / f"{folder.name}.log").is_file()  # the job's one log, beside its folder
    assert catalog_rows(data_dir, "SELECT count(*) FROM pending_paths") == [(0,)]


def test_deleting_filesets_removes_their_entries_then_empty_folders(data_dir, cli, tmp_path):
    make(tmp_path / "src", ["a/one.tif", "a/two.tif", "b/three.tif"])
    assert cli("import", "--transfer", "cp", tmp_path / "src")[0] == 0
    ((job_dir,),) = catalog_rows(data_dir, "SELECT DISTINCT repo_dir FROM filesets")
    folder = data_dir.repository / job_dir
    rows = catalog_rows(data_dir, "SELECT fileset_id, repo_path FROM fileset_entries")
    ids = {os.path.basename(p): i for i, p in rows}
    assert cli("delete", ids["three.tif"])[0] == 0
    assert files_below(folder) == ["src/a/one.tif", "src/a/two.tif"] and not (folder / "src" / "b").exists()
    assert cli("delete", ids["one.tif"])[0] == 0
    assert files_below(folder) == ["src/a/two.tif"]
    assert cli("delete", ids["two.tif"])[0] == 0
    assert not folder.exists() and not (folder.parent / f"{folder.name}.log").exists()
    code, out, _ = cli("jobs", "--check")
    assert code == 0 and "matches the catalog" in out
    assert [p.name for p in (tmp_path / "src" / "a").iterdir()] != []  # originals stay


def test_a_fileset_in_the_older_layout_is_removed_with_its_own_folder_and_log(data_dir, cli, tmp_path):
    make(tmp_path / "src", ["one.tif", "two.tif"])
    assert cli("import", "--transfer", "cp", tmp_path / "src" / "one.tif")[0] == 0
    assert cli("import", "--transfer", "cp", tmp_path / "src" / "two.tif")[0] == 0
    # the first job as a catalog upgraded by migration 0010 shows it: no job folder, one folder per fileset
    ((first_dir,),) = catalog_rows(data_dir, "SELECT repo_dir FROM filesets WHERE id = 1")
    from sqlalchemy import text

    with data_dir.engine.begin() as conn:
        conn.execute(text("UPDATE jobs SET repo_dir = NULL WHERE id = 1"))
    (data_dir.repository / f"{first_dir}.log").write_text("an older fileset's log")
    assert cli("delete", "1")[0] == 0
    assert not (data_dir.repository / first_dir).exists()
    assert not (data_dir.repository / f"{first_dir}.log").exists()
    ((second_dir,),) = catalog_rows(data_dir, "SELECT repo_dir FROM filesets")
    assert files_below(data_dir.repository / second_dir) == ["two.tif"]


def test_names_that_sanitising_makes_equal_stay_apart(tmp_path):
    make(tmp_path, ["x/a:b.tif", "x/a;b.tif", "x/a|b.tif", "x/a!b.tif"])
    names = JobNames(str(tmp_path))
    got = [names.name(str(tmp_path / n)) for n in ["x/a:b.tif", "x/a;b.tif", "x/a|b.tif", "x/a!b.tif"]]
    assert got[1] == "x/a;b.tif" and got[3] == "x/a!b.tif"  # names needing no change keep theirs
    assert len(set(got)) == 4 and got[0].startswith("x/a;b~") and got[2].startswith("x/a!b~")


def test_a_large_fileset_hashed_ahead_on_a_second_thread_has_every_checksum_right(data_dir, cli, tmp_path):
    import hashlib

    plate = tmp_path / "src" / "plate.zarr"
    make(plate, [f"A/{w}/0/0.0.{k}" for w in range(1, 4) for k in range(100)])
    (plate / ".zattrs").write_text("{}")
    for transfer in ("ln_s", "cp"):
        code, out, err = cli("import", "--transfer", transfer, "--accept-responsibilities", plate)
        assert code == 0, err
    rows = catalog_rows(
        data_dir,
        "SELECT e.source_path, e.checksum, f.transfer FROM fileset_entries e JOIN filesets f ON f.id = e.fileset_id",
    )
    assert len(rows) == 2 * 301
    for source, checksum, _ in rows:
        with open(source, "rb") as f:
            assert hashlib.sha1(f.read()).hexdigest() == checksum


def test_work_done_ahead_comes_back_in_order_with_its_own_errors():
    from engine.transfers import FileTask
    from engine.transfers.create_ahead import CHUNK, CreateAhead

    tasks = [FileTask(f"/src/{i}", f"/dest/{i}", "SHA1-160", i, 0, i, lambda n: None) for i in range(5 * CHUNK + 3)]

    def work(task):
        if task.size == 40:
            raise FileExistsError(task.dest)
        return task.size * 2

    ahead = CreateAhead(work, tasks)
    seen = []
    for task in ahead:
        try:
            seen.append(ahead.take(task))
        except FileExistsError as exc:
            seen.append(str(exc))
    ahead.close()
    assert seen == [("/dest/40" if i == 40 else i * 2) for i in range(len(tasks))]


def test_a_plate_killed_while_files_are_placed_ahead_rolls_back_to_nothing(data_dir, cli, tmp_path):
    from tests.engine.processes import kill, start_stopped

    plate = tmp_path / "src" / "plate.zarr"
    make(plate, [f"A/{w}/0/0.0.{k}" for w in range(1, 4) for k in range(100)])
    originals = sorted(p for p in plate.rglob("*") if p.is_file())
    proc = start_stopped(data_dir, "created:150", "import", "--transfer", "cp_rm", "--accept-responsibilities", plate)
    kill(proc)
    # the second thread may have made more than 150 files: every one of them was recorded before
    assert catalog_rows(data_dir, "SELECT state FROM filesets") == [("pending",)]
    code, out, err = cli("jobs", "--rollback", "1")
    assert code == 0, err
    assert catalog_rows(data_dir, "SELECT count(*) FROM filesets") == [(0,)]
    assert [p for p in data_dir.repository.rglob("*") if not p.is_dir()] == []
    assert sorted(p for p in plate.rglob("*") if p.is_file()) == originals  # nothing was deleted
    code, out, _ = cli("jobs", "--check")
    assert code == 0 and "matches the catalog" in out
