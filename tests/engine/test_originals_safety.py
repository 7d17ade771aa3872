"""No route loses an original: changes after storing, links from earlier filesets, sets that reach
outside the selection, symbolic links given to ln, and refusals that must change nothing.

Races are driven from the test: the import stops itself at a named point (engine/checkpoints.py),
the test changes the files, and the import goes on.
"""

import hashlib
import json
import os
import shutil
import stat
import subprocess

import pytest

from tests.conftest import write_settings
from tests.engine.processes import catalog_rows, kill, resume, start_stopped


def tree(root, n=3, size=5000):
    root.mkdir(parents=True, exist_ok=True)
    files = {}
    for i in range(n):
        path = root / f"img{i}.dat"
        path.write_bytes(os.urandom(size + i))
        files[path] = path.read_bytes()
    return files


def registered_entries(data_dir):
    return catalog_rows(
        data_dir,
        "SELECT e.source_path, e.repo_path, e.checksum, f.transfer FROM fileset_entries e "
        "JOIN filesets f ON f.id = e.fileset_id WHERE f.state = 'registered'",
    )


def assert_checksums_match(data_dir):
    """Every registered entry's checksum is the SHA-1 of what the repository holds now."""
    for _, repo_path, checksum, _ in registered_entries(data_dir):
        assert hashlib.sha1((data_dir.repository / repo_path).read_bytes()).hexdigest() == checksum


# --- 1. an original that changes after it was stored is kept --------------------------------------


@pytest.mark.parametrize("transfer", ["cp_rm", "upload_rm"])
def test_an_original_changed_after_it_was_stored_is_kept(data_dir, tmp_path, transfer):
    src = tmp_path / "src"
    files = tree(src, 4)
    proc = start_stopped(data_dir, "before-delete", "import", "--transfer", transfer, "--accept-responsibilities", src)
    appended, replaced, chmodded = src / "img0.dat", src / "img1.dat", src / "img2.dat"
    with appended.open("ab") as f:
        f.write(b"a line written after the copy\n")
    new_version = src / "img1.dat.new"
    new_version.write_bytes(b"a new version")
    os.replace(new_version, replaced)
    os.chmod(chmodded, 0o600)  # same bytes, but no longer provably untouched: kept too
    code, out, err = resume(proc)
    assert code == 3, out + err
    assert appended.read_bytes() == files[appended] + b"a line written after the copy\n"
    assert replaced.read_bytes() == b"a new version"
    assert chmodded.read_bytes() == files[chmodded]
    assert not (src / "img3.dat").exists()  # unchanged: deleted as asked
    for path in (appended, replaced, chmodded):
        assert f"could not delete original: {path}" in out
    assert_checksums_match(data_dir)  # the repository holds the bytes as they were imported


def test_an_original_changed_while_it_is_stored_fails_and_nothing_is_deleted(data_dir, account, tmp_path):
    """In-process: the change lands between the copy and its verification."""
    from engine.importer import Importer, ImportOptions
    from engine.plan import make_plan
    from engine.responsibilities import acknowledge_all
    from engine.transfers import get_transfer

    src = tmp_path / "src"
    files = tree(src, 3)
    plan = make_plan(data_dir, [str(src)])
    ack = acknowledge_all(get_transfer("cp_rm"), account, plan.file_count, plan.total_bytes)
    victim = src / "img1.dat"

    class Appending(type(get_transfer("cp_rm"))):
        def verify(self, task, checksum):
            if task.source == str(victim):
                with victim.open("ab") as f:
                    f.write(b"!")
            super().verify(task, checksum)

    importer = Importer(data_dir, account, ImportOptions(transfer="cp_rm", continue_on_error=True), acknowledgement=ack)
    importer.transfer = Appending()
    report = importer.run(plan)
    assert report.exit_code == 2
    assert [o.error_kind for o in report.files if o.state == "failed"] == ["changed_during_import"]
    assert report.sources_deleted == 0
    assert victim.read_bytes() == files[victim] + b"!"
    assert all(p.exists() for p in files)


@pytest.mark.parametrize("transfer", ["ln", "ln_rm"])
def test_a_hard_link_never_keeps_a_checksum_that_does_not_match(data_dir, tmp_path, transfer):
    src = tmp_path / "src"
    files = tree(src, 3)
    proc = start_stopped(
        data_dir, "created:2", "import", "--transfer", transfer, "--accept-responsibilities", "-c", src
    )
    with (src / "img1.dat").open("ab") as f:  # the second file, linked and hashed a moment ago
        f.write(b"edited in place")
    code, out, err = resume(proc)
    assert code == 2, out + err
    assert "modified while it was being imported" in out
    assert_checksums_match(data_dir)
    assert len(registered_entries(data_dir)) == 2
    assert (src / "img1.dat").read_bytes() == files[src / "img1.dat"] + b"edited in place"
    assert all(p.exists() for p in files)  # a failed run deletes nothing


# --- 2. originals that earlier ln_s filesets reach are never deleted -------------------------------


def test_a_moving_import_refuses_originals_that_ln_s_filesets_link_to(data_dir, cli, tmp_path):
    real = tmp_path / "real"
    files = tree(real)
    alias = tmp_path / "alias"
    alias.symlink_to(real, target_is_directory=True)
    code, out, err = cli("import", "--transfer", "ln_s", "--accept-responsibilities", alias)
    assert code == 0, err
    for transfer in ("cp_rm", "upload_rm", "ln_rm"):
        code, out, err = cli("import", "--transfer", transfer, "--accept-responsibilities", real)
        assert code == 1, out + err
        assert "earlier ln_s filesets link to" in err
        assert all(p.read_bytes() == data for p, data in files.items())
    for _, repo_path, _, _ in registered_entries(data_dir):
        assert (data_dir.repository / repo_path).resolve().exists()


def test_the_deletion_step_looks_for_links_again(data_dir, cli, tmp_path):
    """An ln_s import registers while a cp_rm run waits to delete: the cp_rm keeps those originals."""
    src = tmp_path / "src"
    files = tree(src)
    proc = start_stopped(data_dir, "before-delete", "import", "--transfer", "cp_rm", "--accept-responsibilities", src)
    code, out, err = cli("import", "--transfer", "ln_s", "--accept-responsibilities", src)
    assert code == 0, out + err
    code, out, err = resume(proc)
    assert code == 3, out + err
    assert all(p.read_bytes() == data for p, data in files.items())
    assert "could not delete original" in out


def test_links_are_checked_again_when_registered(data_dir, cli, tmp_path):
    """A cp_rm run deletes the originals while an ln_s import waits to register: the links are not kept."""
    src = tmp_path / "src"
    tree(src)
    proc = start_stopped(data_dir, "before-register", "import", "--transfer", "ln_s", "--accept-responsibilities", src)
    code, out, err = cli("import", "--transfer", "cp_rm", "--accept-responsibilities", src)
    assert code == 0, out + err
    code, out, err = resume(proc)
    assert code == 2, out + err
    assert "disappeared before it was registered" in out
    transfers = {t for *_, t in registered_entries(data_dir)}
    assert transfers == {"cp_rm"}
    assert_checksums_match(data_dir)


# --- 3. a multi-file set never reaches outside the selection -------------------------------------


def companion(folder, *file_names):
    refs = "".join(
        f'<TiffData IFD="{i}"><UUID FileName="{name}">urn:uuid:{i:08d}-0000-0000-0000-000000000000</UUID></TiffData>'
        for i, name in enumerate(file_names)
    )
    xml = (
        '<OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06"><Image ID="Image:0">'
        f'<Pixels ID="Pixels:0" DimensionOrder="XYZCT" Type="uint8" SizeX="1" SizeY="1" SizeZ="1" SizeC="1" SizeT="1">'
        f"{refs}</Pixels></Image></OME>"
    )
    path = folder / "set.companion.ome"
    path.write_text(xml)
    return path


@pytest.mark.parametrize("transfer", ["upload", "cp_rm", "upload_rm", "ln_rm"])
def test_a_set_naming_files_outside_the_selection_is_refused(data_dir, cli, tmp_path, transfer):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    secret = outside / "secret.ome.tiff"
    secret.write_bytes(b"not yours")
    selected = tmp_path / "selected"
    selected.mkdir()
    (selected / "inside.ome.tiff").write_bytes(b"inside")
    os.mkfifo(selected / "pipe.ome.tiff")
    companion(selected, "inside.ome.tiff", str(secret), "../elsewhere/secret.ome.tiff", "pipe.ome.tiff", "/dev/zero")
    code, out, err = cli("import", "--transfer", transfer, "--accept-responsibilities", selected)
    assert code == 1, out + err
    assert "outside the selection or" in err and "set.companion.ome names" in err
    assert secret.read_bytes() == b"not yours"
    assert (selected / "inside.ome.tiff").exists() and (selected / "set.companion.ome").exists()
    assert registered_entries(data_dir) == []
    assert [p for p in data_dir.repository.rglob("*") if p.is_file()] == []


def test_a_set_is_checked_without_opening_what_it_names(data_dir, tmp_path):
    """A FIFO named by a set would hang the planner if it were opened; it is refused unopened."""
    from tests.conftest import run_cli_process

    selected = tmp_path / "selected"
    selected.mkdir()
    os.mkfifo(selected / "pipe.ome.tiff")
    companion(selected, "pipe.ome.tiff")
    result = run_cli_process(data_dir.root, "check", "--transfer", "upload", selected, timeout=60)
    assert result.returncode == 2
    assert "a named pipe (FIFO), not a file" in result.stdout


# --- 4. ln never stores a link to a link ---------------------------------------------------------


def test_ln_of_a_symbolic_link_hard_links_the_real_file(data_dir, cli, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    real = tmp_path / "real.dat"
    real.write_bytes(b"the data")
    (src / "link.dat").symlink_to(real)
    code, out, err = cli("check", "--transfer", "ln", src)
    assert "will hard-link the file each one points to" in out
    code, out, err = cli("import", "--transfer", "ln", "--accept-responsibilities", src)
    assert code == 0, out + err
    ((_, repo_path, _, _),) = registered_entries(data_dir)
    stored = data_dir.repository / repo_path
    assert not stored.is_symlink()
    assert os.stat(stored).st_ino == os.stat(real).st_ino


def test_moving_transfers_refuse_symbolic_links(data_dir, cli, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    real = tmp_path / "real.dat"
    real.write_bytes(b"the data")
    (src / "link.dat").symlink_to(real)
    for transfer in ("ln_rm", "cp_rm", "upload_rm"):
        code, out, err = cli("import", "--transfer", transfer, "--accept-responsibilities", src)
        assert code == 1 and "would delete only the link" in err
    assert (src / "link.dat").is_symlink() and real.read_bytes() == b"the data"


# --- 5. temporary storage matters only where the repository follows the original's name ------------


def test_temporary_storage_is_refused_for_ln_s_only(data_dir, cli, tmp_path):
    src = tmp_path / "scratch"
    tree(src, 1)
    write_settings(data_dir.root, f'[policy]\ntemporary_paths = ["{src}"]\n')
    code, out, _ = cli("check", "--output", "json", src)
    report = json.loads(out)
    codes = {name: {f["code"] for f in r["findings"]} for name, r in report.items()}
    assert "temporary-storage" in codes["ln_s"] and not report["ln_s"]["can_run"]
    for name in ("ln", "ln_rm", "cp", "upload"):
        assert "temporary-storage" not in codes[name]
        assert report[name]["can_run"]


def test_responsibilities_are_true_for_their_transfer():
    from engine.responsibilities import statements_for
    from engine.transfers import get_transfer

    for name in ("ln", "ln_rm"):  # a hard link keeps the data wherever the original's name goes
        ids = {s.id for s in statements_for(get_transfer(name), 1, 1)}
        assert "permanent-storage" not in ids and "originals-stay" not in ids and "no-move-rename" not in ids
    assert "permanent-storage" in {s.id for s in statements_for(get_transfer("ln_s"), 1, 1)}


# --- stored copies are never more readable than their original -------------------------------------


@pytest.mark.parametrize("transfer", ["upload", "cp"])
def test_stored_copies_are_never_more_readable_than_the_original(data_dir, cli, tmp_path, transfer):
    src = tmp_path / "src"
    src.mkdir()
    modes = {"private.dat": 0o600, "shared.dat": 0o644, "group.dat": 0o640, "readonly.dat": 0o444}
    for name, mode in modes.items():
        (src / name).write_bytes(b"x" * 100)
        os.chmod(src / name, mode)
    code, out, err = cli("import", "--transfer", transfer, src)
    assert code == 0, out + err
    got = {
        os.path.basename(s): stat.S_IMODE(os.stat(data_dir.repository / r).st_mode)
        for s, r, *_ in registered_entries(data_dir)
    }
    assert got == {"private.dat": 0o600, "shared.dat": 0o640, "group.dat": 0o640, "readonly.dat": 0o440}


# --- 8. a refused resume changes nothing -------------------------------------------------------------


def interrupted_job(data_dir, src, transfer="cp_rm"):
    proc = start_stopped(data_dir, "registered:1", "import", "--transfer", transfer, "--accept-responsibilities", src)
    kill(proc)
    return catalog_rows(data_dir, "SELECT max(id) FROM jobs")[0][0]


def test_a_refused_resume_changes_nothing(data_dir, tmp_path):
    from tests.conftest import run_cli_process

    src = tmp_path / "src"
    files = tree(src, 300, 100)
    job = interrupted_job(data_dir, src)
    run_cli_process(data_dir.root, "jobs")  # notices the dead process
    before = catalog_rows(data_dir, "SELECT id, state, repo_dir FROM filesets ORDER BY id")
    result = run_cli_process(data_dir.root, "jobs", "--resume", job, stdin=subprocess.DEVNULL)
    assert result.returncode == 1 and "accept its responsibilities" in result.stderr
    assert catalog_rows(data_dir, f"SELECT state FROM jobs WHERE id = {job}") == [("interrupted",)]
    assert catalog_rows(data_dir, "SELECT id, state, repo_dir FROM filesets ORDER BY id") == before
    result = run_cli_process(data_dir.root, "jobs", "--resume", job, "--accept-responsibilities")
    assert result.returncode == 0, result.stdout + result.stderr
    assert catalog_rows(data_dir, f"SELECT state FROM jobs WHERE id = {job}") == [("resumed",)]
    assert len(registered_entries(data_dir)) == 300
    assert all(p.read_bytes() == data for p, data in files.items())  # a resumed *_rm job never deletes


# --- relatives: rollback keeps a copy whose original changed ------------------------------------------


def test_rollback_keeps_copies_whose_originals_changed(data_dir, cli, tmp_path):
    src = tmp_path / "src"
    files = tree(src, 2)
    job = interrupted_job(data_dir, src, transfer="cp")
    (src / "img0.dat").write_bytes(b"someone saved over it")
    code, out, err = cli("jobs", "--rollback", job)
    assert code == 0, err
    assert "gone or changed" in out
    kept = registered_entries(data_dir)
    assert [os.path.basename(s) for s, *_ in kept] == ["img0.dat"]
    assert (data_dir.repository / kept[0][1]).read_bytes() == files[src / "img0.dat"]


# --- 9. the repository matches the catalog: orphans are found ----------------------------------------


def test_the_consistency_check_finds_orphans_and_keeps_those_holding_files(data_dir, cli, tmp_path):
    src = tmp_path / "src"
    tree(src, 2)
    assert cli("import", "--transfer", "cp", src)[0] == 0
    code, out, _ = cli("jobs", "--check")
    assert code == 0 and "matches the catalog" in out
    ((repo_dir,),) = catalog_rows(data_dir, "SELECT repo_dir FROM filesets LIMIT 1")
    day = data_dir.repository / os.path.dirname(repo_dir)
    (day / "23-59-59.998" / "sub").mkdir(parents=True)  # an empty stray folder: removed
    (day / "23-59-59.999").mkdir()
    (day / "23-59-59.999" / "copy.dat").write_bytes(b"maybe the only copy")  # kept and reported
    (day / "23-59-59.997.log").write_text("a log whose fileset is gone")
    code, out, _ = cli("jobs", "--check")
    assert code == 2
    assert "removed, belonged to no fileset" in out and "23-59-59.998" in out
    assert "holds files, kept for you to look at" in out and "23-59-59.999" in out
    assert not (day / "23-59-59.998").exists() and not (day / "23-59-59.997.log").exists()
    assert (day / "23-59-59.999" / "copy.dat").read_bytes() == b"maybe the only copy"
    assert len(registered_entries(data_dir)) == 2 and all(
        (data_dir.repository / r).exists() for _, r, *_ in registered_entries(data_dir)
    )


def test_a_fileset_folder_swapped_for_a_link_is_not_followed_on_delete(data_dir, cli, tmp_path):
    src = tmp_path / "src"
    tree(src, 2)
    for name in ("img0.dat", "img1.dat"):  # two jobs: two folders
        assert cli("import", "--transfer", "cp", src / name)[0] == 0
    (first, first_dir), (second, second_dir) = catalog_rows(data_dir, "SELECT id, repo_dir FROM filesets ORDER BY id")
    victim = data_dir.repository / first_dir
    shutil.rmtree(victim)
    victim.symlink_to(data_dir.repository / second_dir, target_is_directory=True)
    code, out, err = cli("delete", first)
    assert code == 1 and "not a folder inside the repository" in err
    assert [p.name for p in (data_dir.repository / second_dir).iterdir()] == ["img1.dat"]  # untouched


def test_a_folder_inside_a_job_swapped_for_a_link_is_not_followed_on_delete(data_dir, cli, tmp_path):
    src = tmp_path / "src"
    tree(src / "a", 1)
    tree(src / "b", 1)
    assert cli("import", "--transfer", "cp", src)[0] == 0
    ((job_dir,),) = catalog_rows(data_dir, "SELECT DISTINCT repo_dir FROM filesets")
    folder = data_dir.repository / job_dir / "src"
    shutil.rmtree(folder / "a")
    (folder / "a").symlink_to(folder / "b", target_is_directory=True)  # a/img0.dat now reaches b's file
    code, out, err = cli("delete", "1")
    assert code == 1 and "replaced by a link" in err
    assert [p.name for p in (folder / "b").iterdir()] == ["img0.dat"]  # the other fileset is untouched
