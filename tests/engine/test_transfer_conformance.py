"""One suite that every transfer, built-in or plugin, must pass."""

import os
import stat

import pytest

from engine.checksums import hash_file
from engine.errors import FileFailure
from engine.transfers import FileTask, get_transfer, transfer_names

PLUGIN = "tests.plugins.sample_transfers:PythonCopyTransfer"
ALL_TRANSFERS = [*transfer_names(include_plugins=False), PLUGIN]


def task_for(src, dest, algorithm="SHA1-160", seen=None):
    st = os.stat(src)
    return FileTask(str(src), str(dest), algorithm, st.st_size, st.st_dev, st.st_ino, seen or (lambda n: None))


@pytest.fixture(params=ALL_TRANSFERS)
def transfer(request):
    return get_transfer(request.param)


@pytest.mark.parametrize("size", [0, 1, 4096, 9 * (1 << 20) + 3])
def test_creates_a_verified_readable_file_with_the_sources_checksum(transfer, tmp_path, size):
    src = tmp_path / "src" / "a file.tif"
    src.parent.mkdir()
    data = os.urandom(size)
    src.write_bytes(data)
    dest = tmp_path / "repo" / "a file.tif"
    dest.parent.mkdir()
    blocks = []
    task = task_for(src, dest, seen=blocks.append)
    checksum = transfer.create(task)
    transfer.verify(task, checksum)
    assert checksum == hash_file(src, "SHA1-160")[0]
    assert dest.read_bytes() == data
    assert sum(blocks) == size  # progress saw every byte of the source
    assert src.read_bytes() == data  # a transfer never deletes or changes its source


def test_link_and_copy_semantics(transfer, tmp_path):
    src = tmp_path / "s.tif"
    src.write_bytes(b"pixels")
    dest = tmp_path / "d.tif"
    transfer.create(task_for(src, dest))
    same_inode = os.stat(dest).st_ino == os.stat(src).st_ino
    if transfer.name == "ln_s":
        assert os.readlink(dest) == str(src) and os.path.isabs(os.readlink(dest))
    elif transfer.name in ("ln", "ln_rm"):
        assert same_inode and not os.path.islink(dest)
    else:
        assert not same_inode and stat.S_ISREG(os.lstat(dest).st_mode)
    assert transfer.deletes_sources == transfer.name.endswith("_rm")
    assert transfer.in_place == (transfer.name in ("ln", "ln_s", "ln_rm"))


def test_verify_catches_a_wrong_repository_file(transfer, tmp_path):
    src = tmp_path / "s.tif"
    src.write_bytes(b"original bytes")
    dest = tmp_path / "d.tif"
    task = task_for(src, dest)
    checksum = transfer.create(task)
    # Replace what the transfer created with something else of the same size.
    os.unlink(dest)
    dest.write_bytes(b"tampered bytes")
    with pytest.raises(FileFailure):
        transfer.verify(task, checksum)


def test_refuses_to_overwrite_an_existing_repository_file(transfer, tmp_path):
    src = tmp_path / "s.tif"
    src.write_bytes(b"new")
    dest = tmp_path / "d.tif"
    dest.write_bytes(b"old")
    with pytest.raises(FileExistsError):
        transfer.create(task_for(src, dest))
    assert dest.read_bytes() == b"old"


def test_confirms_what_it_stored_before_a_source_may_be_deleted(transfer, tmp_path):
    src = tmp_path / "s.tif"
    src.write_bytes(b"kept safe")
    dest = tmp_path / "d.tif"
    task = task_for(src, dest)
    transfer.verify(task, transfer.create(task))
    transfer.confirm_before_delete(task)
    os.unlink(dest)
    dest.write_bytes(b"short")  # something else, and incomplete, now stands in its place
    with pytest.raises(FileFailure):
        transfer.confirm_before_delete(task)
