"""The conformance suite every transfer passes, built-in or plugin. It ships with the product so that a
plugin's author can run it against their own transfer, with pytest installed:

    from engine.transfers.conformance import TransferConformance
    from my_plugin import MyTransfer

    class TestMyTransfer(TransferConformance):
        transfer_class = MyTransfer  # or "my_plugin:MyTransfer", loaded as `--transfer` would

Each test asks what the transfer declares (`in_place`, `same_filesystem`, `follows_source_path`,
`deletes_sources`) and checks what that promises; no test knows a transfer by name. The importer's
own part is reproduced where it matters (`import_one`), so the suite tests what a user would get.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from engine.checksums import hash_file
from engine.errors import Cancelled, ErrorKind, FileFailure
from engine.transfers.base import FileTask, Identity, Transfer
from engine.transfers.registry import get_transfer

SPACES = ("doubled", "shared", "none", "moved")
SIZES = (0, 1, 4096, 9 * (1 << 20) + 3)  # empty, tiny, one block, and past cp's parallel-hashing threshold
LONG_AGO = 1_000_000_000  # a source's mtime, so that a write during the test always changes it


def make_task(source: Path, dest: Path, algorithm: str, on_block: Callable[[int], None]) -> FileTask:
    """The task the importer would give: the source's device and inode as the scan saw them (through
    a symbolic link), and a destination whose folder exists."""
    st = os.stat(source)
    return FileTask(str(source), str(dest), algorithm, st.st_size, st.st_dev, st.st_ino, on_block)


def import_one(transfer: Transfer, task: FileTask) -> str:
    """Create and verify as the importer does, with its last look at the source: the source must still
    be the file the transfer hashed (`task.identity`) or, for a transfer that records no identity,
    the file as it was before `create`. Returns the checksum."""
    before = Identity.of(os.stat(task.source))
    checksum = transfer.create(task)
    transfer.verify(task, checksum)
    if Identity.of(os.stat(task.source)) != (task.identity or before):
        raise FileFailure(ErrorKind.CHANGED, f"{task.source} was modified while it was being imported.")
    return checksum


def write_source(folder: Path, data: bytes, mode: int = 0o640, name: str = "a file.tif") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    path.chmod(mode)
    os.utime(path, (LONG_AGO, LONG_AGO))
    return path


class TransferConformance:
    """Subclass it in a `test_*.py` file and set `transfer_class`; pytest collects the tests. A subclass
    may instead override the `transfer` fixture (our own suite parametrises it over every transfer)."""

    transfer_class: ClassVar[type[Transfer] | str | None] = None
    algorithm: ClassVar[str] = "SHA1-160"

    @pytest.fixture
    def transfer(self) -> Transfer:
        spec = self.transfer_class
        if spec is None:
            pytest.fail("Set transfer_class to the transfer under test (a class, or 'package.module:ClassName').")
        return get_transfer(spec) if isinstance(spec, str) else spec()

    @pytest.fixture
    def repo(self, tmp_path: Path) -> Path:
        """The fileset folder the importer would have made for the destination."""
        path = tmp_path / "repository" / "fileset"
        path.mkdir(parents=True)
        return path

    def task(self, source: Path, dest: Path, on_block: Callable[[int], None] | None = None) -> FileTask:
        return make_task(source, dest, self.algorithm, on_block or (lambda n: None))

    # --- what every transfer does --------------------------------------------------------------

    def test_declares_its_capabilities(self, transfer):
        for flag in ("in_place", "deletes_sources", "same_filesystem", "follows_source_path"):
            assert isinstance(getattr(transfer, flag), bool), f"{flag} must be True or False"
        assert transfer.space in SPACES
        assert not transfer.follows_source_path or transfer.in_place, "a link by name is an in-place transfer"

    @pytest.mark.parametrize("size", SIZES)
    def test_stores_the_sources_bytes_under_its_checksum(self, transfer, tmp_path, repo, size):
        data = os.urandom(size)
        src = write_source(tmp_path / "src", data)
        dest = repo / src.name
        blocks: list[int] = []
        checksum = import_one(transfer, self.task(src, dest, blocks.append))
        assert checksum == hash_file(src, self.algorithm)[0]
        assert dest.read_bytes() == data  # what the repository reads back
        assert sum(blocks) == size, "on_block must report every byte read (progress and cancelling rely on it)"
        assert os.listdir(repo) == [dest.name], "nothing but the destination is left in the repository"

    def test_records_the_sources_identity_if_any(self, transfer, tmp_path, repo):
        """Optional: a transfer that records no identity gets the source's identity from before `create`
        (see `import_one`), which a hard link changes; so a transfer that links must record it."""
        src = write_source(tmp_path / "src", b"pixels")
        task = self.task(src, repo / src.name)
        import_one(transfer, task)
        assert task.identity in (None, Identity.of(os.stat(src)))

    @pytest.mark.parametrize("size", [4096, SIZES[-1]])
    def test_never_deletes_or_changes_its_source(self, transfer, tmp_path, repo, size):
        """Also not a `deletes_sources` transfer: the importer deletes originals after the whole run."""
        data = os.urandom(size)
        src = write_source(tmp_path / "src", data)
        before = os.stat(src)
        task = self.task(src, repo / src.name)
        import_one(transfer, task)
        transfer.confirm_before_delete(task)
        after = os.stat(src)
        assert (after.st_dev, after.st_ino, after.st_mtime_ns) == (before.st_dev, before.st_ino, before.st_mtime_ns)
        assert src.read_bytes() == data

    def test_never_overwrites_an_existing_destination(self, transfer, tmp_path, repo):
        src = write_source(tmp_path / "src", b"new")
        dest = repo / src.name
        dest.write_bytes(b"old")
        inode = os.stat(dest).st_ino
        with pytest.raises((FileExistsError, FileFailure)):
            import_one(transfer, self.task(src, dest))
        assert os.lstat(dest).st_ino == inode and dest.read_bytes() == b"old"
        assert src.read_bytes() == b"new"

    @pytest.mark.parametrize("size", [4096, SIZES[-1]])
    @pytest.mark.parametrize("change", ["appended", "overwritten"])
    def test_a_source_changed_while_read_fails_as_changed(self, transfer, tmp_path, repo, size, change):
        src = write_source(tmp_path / "src", os.urandom(size))
        changed: list[bool] = []

        def change_once(n: int) -> None:
            if not changed:
                changed.append(True)
                with open(src, "ab" if change == "appended" else "r+b") as f:
                    f.write(b"changed")

        with pytest.raises(FileFailure) as failure:
            import_one(transfer, self.task(src, repo / src.name, change_once))
        assert failure.value.kind == ErrorKind.CHANGED

    @pytest.mark.parametrize("size", [4096, SIZES[-1]])
    def test_cancelling_from_on_block_raises_cancelled(self, transfer, tmp_path, repo, size):
        """Cancelled passes through untouched and no thread goes on reading. A partial destination may
        stay: the importer removes the whole fileset folder of a fileset that did not finish."""
        data = os.urandom(size)
        src = write_source(tmp_path / "src", data)
        calls: list[int] = []

        def cancel(n: int) -> None:
            calls.append(n)
            raise Cancelled()

        threads = set(threading.enumerate())
        with pytest.raises(Cancelled):
            transfer.create(self.task(src, repo / src.name, cancel))
        assert len(calls) == 1, "after Cancelled, on_block is not called again"
        assert set(threading.enumerate()) <= threads
        assert os.listdir(repo) in ([], [src.name])
        assert src.read_bytes() == data

    @pytest.mark.parametrize("size", [14, SIZES[-1]], ids=["small", "large"])
    @pytest.mark.parametrize("tamper", ["replaced", "rewritten"])
    def test_verify_catches_a_wrong_repository_file(self, transfer, tmp_path, repo, size, tamper):
        src = write_source(tmp_path / "src", os.urandom(size))
        dest = repo / src.name
        task = self.task(src, dest)
        checksum = transfer.create(task)
        if tamper == "replaced":  # something else of the same size under the same name
            os.unlink(dest)
            dest.write_bytes(os.urandom(size))
        elif not transfer.in_place:  # other bytes written into the very copy, a clock tick later
            time.sleep(0.02)
            fd = os.open(dest, os.O_WRONLY)
            os.pwrite(fd, bytes(b ^ 0xFF for b in src.read_bytes()[:8]), 0)
            os.close(fd)
        else:
            pytest.skip("an in-place transfer's repository side is the original itself")
        with pytest.raises(FileFailure):
            transfer.verify(task, checksum)

    # --- by capability ---------------------------------------------------------------------------

    @pytest.mark.parametrize("through_symlink", [False, True], ids=["file", "symlink"])
    def test_the_repository_side_is_what_the_transfer_declares(self, transfer, tmp_path, repo, through_symlink):
        real = write_source(tmp_path / "src", b"pixels")
        src = real
        if through_symlink:  # the scan imports a symbolic link to a file as that file
            src = tmp_path / "elsewhere" / "link.tif"
            src.parent.mkdir()
            src.symlink_to(real)
        dest = repo / "d.tif"
        import_one(transfer, self.task(src, dest))
        real_st, dest_st, dest_lst = os.stat(real), os.stat(dest), os.lstat(dest)
        leads_to_original = (dest_st.st_dev, dest_st.st_ino) == (real_st.st_dev, real_st.st_ino)
        if not transfer.in_place:
            assert stat.S_ISREG(dest_lst.st_mode) and not leads_to_original, "a copy is a file of its own"
            return
        assert leads_to_original, "an in-place transfer's destination leads to the original"
        if transfer.same_filesystem:
            assert not stat.S_ISLNK(dest_lst.st_mode), "a same-filesystem link is a hard link, never a symlink"
            assert dest_lst.st_ino == real_st.st_ino
        if transfer.follows_source_path:
            target = os.readlink(dest)
            assert os.path.isabs(target) and target == os.path.abspath(src)

    @pytest.mark.parametrize("mode", [0o600, 0o640, 0o644, 0o444, 0o664], ids=oct)
    def test_copies_are_never_more_readable_than_their_original(self, transfer, tmp_path, repo, mode, umask_022):
        if transfer.in_place:
            pytest.skip("the repository shares the original's mode")
        src = write_source(tmp_path / "src", b"private pixels", mode)
        dest = repo / src.name
        import_one(transfer, self.task(src, dest))
        copied = stat.S_IMODE(os.stat(dest).st_mode)
        assert not copied & 0o444 & ~mode, f"{oct(copied)} is more readable than the original's {oct(mode)}"
        assert not copied & stat.S_IROTH, f"{oct(copied)} is readable by everyone"

    def test_confirms_a_fresh_import_before_a_source_is_deleted(self, transfer, tmp_path, repo):
        src = write_source(tmp_path / "src", b"kept safe")
        dest = repo / src.name
        task = self.task(src, dest)
        import_one(transfer, task)
        transfer.confirm_before_delete(task)
        if transfer.in_place:  # the link replaced by one to another file with the same bytes
            other = write_source(tmp_path / "other", b"kept safe")
            is_symlink = dest.is_symlink()
            dest.unlink()
            if is_symlink:
                dest.symlink_to(other)
            else:
                os.link(other, dest)
        else:
            os.truncate(dest, task.size - 1)
        with pytest.raises(FileFailure):
            transfer.confirm_before_delete(task)

    @pytest.fixture
    def umask_022(self) -> Iterator[None]:
        """The usual umask, under which a file created with default permissions is readable by all."""
        old = os.umask(0o022)
        yield
        os.umask(old)
