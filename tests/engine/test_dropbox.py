"""The DropBox service in this process, with its clock in the test's hands: nothing still arriving is
imported, a set is never split, each import is an ordinary job, failures are reported with their reason
and leave the folder as it was, and a file is never imported twice."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from engine.api import DataDirectory, DropboxService, FolderArguments
from engine.errors import PermissionDenied, UsageError
from tests.conftest import PASSWORD, SAMPLES

AVIVATOR = SAMPLES / "viv" / "avivator_data"
SET = ["multifile-Z1.ome.tiff", "multifile-Z2.ome.tiff", "multifile-Z3.ome.tiff"]
SET_REST = ["multifile-Z4.ome.tiff", "multifile-Z5.ome.tiff", "multifile.companion.ome"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def face(data_dir):
    with DataDirectory.open(data_dir.root) as dd:
        admin = dd.sign_in("alice", PASSWORD)
        admin.add_account("bob", PASSWORD)
        yield dd, admin


@pytest.fixture
def drop(tmp_path) -> Path:
    folder = tmp_path / "drop"
    folder.mkdir()
    return folder


def service_for(dd, clock) -> DropboxService:
    service = DropboxService(dd, clock=clock)
    service.reload()
    return service


def look(service: DropboxService) -> None:
    """One look at the folders as the service's main loop makes it, with the imports it started waited
    for, and the look their ends ask for (which writes the folder's note as it is then)."""
    for _ in range(2):
        service.step()
        service.wait_for_imports()


def jobs_of(dd, name: str) -> list[dict]:
    return dd.sign_in(name, PASSWORD).jobs()


def status(admin, folder_id: int):
    (found,) = [s for s in admin.dropbox_status() if s.folder.id == folder_id]
    return found


def test_a_file_is_imported_once_it_stays_quiet_and_never_twice(face, drop):
    dd, admin = face
    folder = admin.add_watched_folder(str(drop), "bob", FolderArguments(quiet_seconds=30))
    clock = Clock()
    service = service_for(dd, clock)
    shutil.copy(AVIVATOR / "multi-channel.ome.tif", drop)

    look(service)
    assert jobs_of(dd, "bob") == []
    assert "stop changing" in status(admin, folder.id).folder.note
    clock.advance(29)
    look(service)
    assert jobs_of(dd, "bob") == []

    clock.advance(1)
    look(service)
    (job,) = jobs_of(dd, "bob")
    assert job["state"] == "completed" and job["account"] == "bob"
    (event,) = status(admin, folder.id).events
    assert (event.outcome, event.fileset, event.job_id) == ("imported", "multi-channel.ome.tif", job["id"])

    clock.advance(3600)  # many rescans later, the file is still there: excluded by its client path
    look(service)
    look(service)
    assert len(jobs_of(dd, "bob")) == 1
    assert status(admin, folder.id).folder.note is None


def test_appending_during_the_quiet_period_makes_the_import_wait(face, drop):
    dd, admin = face
    folder = admin.add_watched_folder(str(drop), "alice", FolderArguments(quiet_seconds=10))
    clock = Clock()
    service = service_for(dd, clock)
    image = drop / "growing.tif"
    image.write_bytes((AVIVATOR / "multi-channel.ome.tif").read_bytes()[:5000])
    look(service)
    clock.advance(8)
    with image.open("ab") as f:  # the acquisition writes more, 8 s into the quiet period
        f.write(b"\0" * 100)
    service.changed(folder.id)  # what the observer reports
    clock.advance(1)
    look(service)  # sees the new size: the quiet period starts again
    for _ in range(9):
        clock.advance(1)
        look(service)
        assert jobs_of(dd, "alice") == [], "imported while it was still growing"
    clock.advance(1)
    look(service)
    assert [j["state"] for j in jobs_of(dd, "alice")] == ["completed"]


def test_a_set_arriving_in_two_steps_is_imported_once_as_one_fileset(face, drop):
    dd, admin = face
    folder = admin.add_watched_folder(str(drop), "alice", FolderArguments(quiet_seconds=5))
    clock = Clock()
    service = service_for(dd, clock)
    for name in SET:
        shutil.copy(AVIVATOR / name, drop)
    for _ in range(3):  # however long it waits, a set whose companion names missing files stays out
        look(service)
        clock.advance(60)
    look(service)
    assert jobs_of(dd, "alice") == []
    assert "missing members" in status(admin, folder.id).folder.note

    for name in SET_REST:
        shutil.copy(AVIVATOR / name, drop)
    service.changed(folder.id)  # what the observer reports; the service looks once the burst settles
    clock.advance(1)
    look(service)
    assert jobs_of(dd, "alice") == []
    clock.advance(5)
    look(service)
    (job,) = jobs_of(dd, "alice")
    (fileset,) = admin.filesets()
    assert job["state"] == "completed" and len(fileset["entries"]) == 6


def test_an_in_place_folder_needs_a_standing_acknowledgement_recorded_with_each_job(face, drop):
    dd, admin = face
    with pytest.raises(UsageError, match="accept-responsibilities"):
        admin.add_watched_folder(str(drop), "bob", FolderArguments(transfer="ln_s"))
    folder = admin.add_watched_folder(str(drop), "bob", FolderArguments(transfer="ln_s", quiet_seconds=0), True)
    assert folder.standing and folder.standing.by == "alice"
    clock = Clock()
    service = service_for(dd, clock)
    shutil.copy(AVIVATOR / "multi-channel.ome.tif", drop)
    (drop / "multi-channel.ome.tif").chmod(0o644)  # the samples are read-only; an acquisition's files are not

    # The originals can still be changed: a warning nobody accepted in advance stops the import.
    look(service)
    assert jobs_of(dd, "bob") == []
    (event,) = status(admin, folder.id).events
    assert event.outcome == "failed" and "--accept-warning sources-writable" in event.message
    assert (drop / "multi-channel.ome.tif").exists()

    admin.remove_watched_folder(folder.id)
    arguments = FolderArguments(transfer="ln_s", quiet_seconds=0, accepted_warnings=("sources-writable",))
    folder = admin.add_watched_folder(str(drop), "bob", arguments, True)
    service.reload()
    look(service)
    (job,) = jobs_of(dd, "bob")
    assert job["state"] == "completed"
    ack = job["acknowledgement"]
    assert ack["account"] == "bob"
    ids = [s["id"] for s in ack["statements"]]
    assert {"originals-stay", "permanent-storage", "warning:sources-writable", "dropbox-standing"} <= set(ids)
    standing = next(s["text"] for s in ack["statements"] if s["id"] == "dropbox-standing")
    assert "administrator 'alice'" in standing and str(drop) in standing


def test_an_ln_rm_folder_moves_files_in(face, drop):
    dd, admin = face
    admin.add_watched_folder(str(drop), "bob", FolderArguments(transfer="ln_rm", quiet_seconds=0), True)
    service = service_for(dd, Clock())
    shutil.copy(AVIVATOR / "multi-channel.ome.tif", drop)
    look(service)
    (job,) = jobs_of(dd, "bob")
    assert job["state"] == "completed", job
    assert os.listdir(drop) == []
    (fileset,) = dd.sign_in("bob", PASSWORD).filesets()
    assert (dd.root / "ManagedRepository" / fileset["entries"][0]["repo_path"]).exists()


def test_a_failing_import_is_reported_and_tried_again_after_a_back_off_or_a_change(face, drop):
    dd, admin = face
    # The data dir's policy calls this folder temporary storage, where ln_s links would break: an error.
    admin.set_policy(temporary_paths=[str(drop)])
    folder = admin.add_watched_folder(str(drop), "alice", FolderArguments(transfer="ln_s", quiet_seconds=0), True)
    clock = Clock()
    service = service_for(dd, clock)
    image = drop / "image.tif"
    shutil.copy(AVIVATOR / "multi-channel.ome.tif", image)

    look(service)
    (event,) = status(admin, folder.id).events
    assert event.outcome == "failed" and "temporary storage" in event.message
    assert image.exists() and jobs_of(dd, "alice") == []
    assert "tried again" in status(admin, folder.id).folder.note

    clock.advance(10)  # within the back-off, nothing changed: not tried again
    service.changed(folder.id)
    clock.advance(1)
    look(service)
    assert len(status(admin, folder.id).events) == 1
    clock.advance(60)  # the back-off ran out
    look(service)
    assert len(status(admin, folder.id).events) == 2
    image.chmod(0o444)  # a change (here its mode) is no reason; a new size or time is
    os.utime(image, (1, 1))
    service.changed(folder.id)
    clock.advance(1)
    look(service)
    assert len(status(admin, folder.id).events) == 3
    assert image.exists() and jobs_of(dd, "alice") == []


def test_only_administrators_register_folders_and_the_service_acts_only_for_registered_accounts(face, drop):
    dd, admin = face
    bob = dd.sign_in("bob", PASSWORD)
    with pytest.raises(PermissionDenied):
        bob.add_watched_folder(str(drop), "bob", FolderArguments())
    folder = admin.add_watched_folder(str(drop), "bob", FolderArguments())
    assert dd.session_for("bob", folder.id).account_name == "bob"
    with pytest.raises(PermissionDenied):
        dd.session_for("alice", folder.id)
    with pytest.raises(UsageError, match="watched already"):
        admin.add_watched_folder(str(drop), "alice", FolderArguments())
    assert [f.path for f in bob.watched_folders()] == [str(drop)]
    with pytest.raises(PermissionDenied):
        bob.remove_watched_folder(folder.id)
    admin.remove_watched_folder(folder.id)
    with pytest.raises(PermissionDenied):
        dd.session_for("bob", folder.id)


def test_a_polled_folder_is_watched_by_its_own_polling_observer(face, drop):
    """A short real run in this thread's neighbour: watchdog's PollingObserver (network filesystems)."""
    import threading
    import time

    dd, admin = face
    folder = admin.add_watched_folder(str(drop), "alice", FolderArguments(quiet_seconds=0.2, polling=True))
    service = DropboxService(dd, rescan_seconds=3600)  # only the observer's events can start the import
    runner = threading.Thread(target=service.run)
    runner.start()
    try:
        deadline = time.monotonic() + 30
        while status(admin, folder.id).folder.checked_at is None:
            assert time.monotonic() < deadline, "the service never looked at the folder"
            time.sleep(0.05)
        assert service.watches[folder.id].observer is not None  # its own observer, polling
        shutil.copy(AVIVATOR / "multi-channel.ome.tif", drop)
        while not jobs_of(dd, "alice"):
            assert time.monotonic() < deadline, "the polling observer never reported the new file"
            time.sleep(0.05)
    finally:
        service.stop()
        runner.join(timeout=30)
    assert not runner.is_alive()
    assert [j["state"] for j in jobs_of(dd, "alice")] == ["completed"]


def test_the_dropbox_commands(cli, data_dir, drop, monkeypatch):
    import json

    code, out, err = cli("dropbox", "add", drop, "--account", "alice", "--transfer", "cp_rm", "--quiet-seconds", "5")
    assert code == 1 and "--accept-responsibilities" in err
    code, out, err = cli(
        "dropbox", "add", drop, "--account", "alice", "--transfer", "cp_rm", "--accept-responsibilities"
    )
    assert code == 0, err
    assert "Watch folder 1" in out and "will be deleted" in out
    code, out, _ = cli("dropbox", "list", "--output", "json")
    (row,) = json.loads(out)
    assert (row["path"], row["transfer"], row["quiet_seconds"], row["standing"]["by"]) == (
        str(drop),
        "cp_rm",
        60,
        "alice",
    )
    code, out, _ = cli("dropbox", "status")
    assert code == 0 and "The service has not looked at this folder yet." in out

    with DataDirectory.open(data_dir.root) as dd:
        dd.sign_in("alice", PASSWORD).add_account("bob", PASSWORD)
    monkeypatch.setenv("INPLACE_USER", "bob")
    code, _, err = cli("dropbox", "remove", "1")
    assert code == 5 and "administrator" in err
    monkeypatch.setenv("INPLACE_USER", "alice")
    code, out, err = cli("dropbox", "remove", "1")
    assert code == 0 and "No longer watching" in out
    code, out, _ = cli("dropbox", "list")
    assert "No watch folders" in out


def test_a_folder_registered_with_a_group_imports_into_that_group(face, drop, tmp_path):
    dd, admin = face
    admin.create_group("lab7")
    admin.create_group("lab8")
    admin.add_member("lab7", "bob")
    admin.add_member("lab8", "bob")
    with pytest.raises(UsageError, match="not a member of the group 'lab9'|no group 'lab9'|lab9"):
        admin.add_watched_folder(str(drop), "bob", FolderArguments(group="lab9"))
    admin.create_group("alone")
    with pytest.raises(UsageError, match="not a member of the group 'alone'"):
        admin.add_watched_folder(str(drop), "bob", FolderArguments(group="alone"))
    folder = admin.add_watched_folder(str(drop), "bob", FolderArguments(quiet_seconds=0, group="lab8"))
    assert folder.group == "lab8"
    service = service_for(dd, Clock())
    shutil.copy(AVIVATOR / "multi-channel.ome.tif", drop)
    look(service)
    (job,) = jobs_of(dd, "bob")
    assert job["state"] == "completed", job
    (fileset,) = dd.sign_in("bob", PASSWORD).filesets()
    lab8 = next(g["id"] for g in admin.groups() if g["name"] == "lab8")
    assert fileset["group_id"] == lab8
