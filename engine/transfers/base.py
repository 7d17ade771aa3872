"""What a transfer is: how one file reaches the repository, and how its arrival is verified.

A transfer creates the repository side of one file and returns the source's checksum, then
verifies what it created. It never deletes a source: for the `*_rm` transfers the importer does
that after the whole run succeeded, calling `confirm_before_delete` for each file first.

While hashing, a transfer records the source's identity (`FileTask.identity`): device, inode,
size and both timestamps, equal before and after the bytes were read. That identity is what the
importer later requires of an original before it may delete it.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

from engine.checksums import hash_file, new_hasher
from engine.checksums.hashing import BLOCK_SIZE
from engine.errors import ErrorKind, FileFailure


class Identity(NamedTuple):
    """What makes a file provably the same file: any write, rename over it or chmod changes it.
    (A named tuple: made several times per file, where a frozen dataclass costs a microsecond each.)"""

    dev: int
    ino: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> Identity:
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@dataclass(slots=True)
class FileTask:
    """One file to transfer, with what the scan saw of its source."""

    source: str
    dest: str  # absolute path inside the repository; its parent exists
    algorithm: str
    size: int
    dev: int
    ino: int
    on_block: Callable[[int], None]  # reports bytes read from the source; raises Cancelled
    identity: Identity | None = None  # set by the transfer when it hashed the source
    # a copy's own digest and its identity when that was made, where create() hashed the copy as the
    # kernel wrote it (engine/transfers/large_copy.py); verify_copy then need not read it again
    copy_check: tuple[str, Identity] | None = None


class Transfer:
    """Base class of all transfers, built-in or plugin. Subclasses set the class attributes."""

    name: str = ""  # an instance may be given its plugin name when the class has none
    spec: str = ""  # what get_transfer() was given: the name, or package.module:ClassName for a plugin
    summary: ClassVar[str] = ""
    in_place: ClassVar[bool] = False  # the repository depends on the original staying put
    deletes_sources: ClassVar[bool] = False
    same_filesystem: ClassVar[bool] = False  # only works when source and repository share a filesystem
    follows_source_path: ClassVar[bool] = False  # the repository reaches the original by its name (ln_s)
    # create() may run on a second thread for a fileset's next files while the importer verifies and
    # records the ones before (engine/transfers/create_ahead.py)
    parallel_safe: ClassVar[bool] = False
    records_identity: ClassVar[bool] = False  # create() always sets task.identity (saves the importer a stat)
    space: ClassVar[str] = "doubled"  # doubled | shared | none | moved

    def create(self, task: FileTask) -> str:
        """Make `task.dest` and return the hex checksum of the source."""
        raise NotImplementedError

    def verify(self, task: FileTask, checksum: str) -> None:
        """Raise FileFailure unless `task.dest` is readable and really holds the source's bytes."""
        raise NotImplementedError

    def confirm_before_delete(self, task: FileTask) -> None:
        """Last look at the repository side before the importer deletes a source, after the
        repository was synced to disk. A link must still be the very same file; a copy
        (checksum-verified when it was made) must still be there, whole."""
        if self.in_place:
            verify_same_file(task)
            return
        try:
            st = os.stat(task.dest, follow_symlinks=False)
        except OSError as exc:
            raise FileFailure(
                ErrorKind.VERIFY_FAILED, f"{task.dest} cannot be read ({exc.strerror}).", task.dest
            ) from exc
        if not stat.S_ISREG(st.st_mode) or st.st_size != task.size:
            raise FileFailure(ErrorKind.VERIFY_FAILED, f"The stored copy {task.dest} is no longer complete.", task.dest)


def changed(task: FileTask, what: str) -> FileFailure:
    return FileFailure(ErrorKind.CHANGED, f"{task.source} {what} while it was being imported.", task.source)


def open_source(task: FileTask):
    """Open the source for reading and prove it is the file the scan saw (same device and inode)."""
    src = open(task.source, "rb", buffering=0)
    st = os.fstat(src.fileno())
    if (st.st_dev, st.st_ino) != (task.dev, task.ino):
        src.close()
        raise changed(task, "was replaced by another file")
    return src, st


def finish_reading(task: FileTask, src, before: os.stat_result, read: int) -> None:
    """After the last byte: the file must be unchanged since it was opened, and as big as scanned."""
    after = Identity.of(os.fstat(src.fileno()))
    if read != task.size or after != Identity.of(before):
        raise changed(task, f"changed ({task.size} bytes scanned, {read} read)" if read != task.size else "changed")
    task.identity = after


_buffers = threading.local()  # one read buffer per thread, not a fresh 1 MiB for every small file


def read_buffer() -> bytearray:
    """This thread's 1 MiB read buffer."""
    buf = getattr(_buffers, "buf", None)
    if buf is None:
        buf = _buffers.buf = bytearray(BLOCK_SIZE)
    return buf


def hash_source(task: FileTask) -> str:
    """Hash the source in 1 MiB blocks, recording its identity; a change while reading fails the file.

    Reading stops at the size seen when the file was opened: finish_reading then proves by the
    file's identity (size and times included) that nothing was added or changed meanwhile."""
    h = new_hasher(task.algorithm)
    src, before = open_source(task)
    read = 0
    size = before.st_size
    with src:
        buf = read_buffer()
        view = memoryview(buf)
        while read < size and (n := src.readinto(buf)):
            h.update(view[:n])
            read += n
            task.on_block(n)
        finish_reading(task, src, before, read)
    return h.hexdigest()


def verify_same_file(task: FileTask) -> None:
    """A link must resolve to the very file the scan saw (same device and inode)."""
    try:
        st = os.stat(task.dest)
    except OSError as exc:
        raise FileFailure(
            ErrorKind.VERIFY_FAILED,
            f"The repository cannot read back {task.dest} ({exc.strerror}).",
            task.dest,
        ) from exc
    if (st.st_dev, st.st_ino) != (task.dev, task.ino):
        raise FileFailure(
            ErrorKind.VERIFY_FAILED,
            f"{task.dest} does not lead to the original file {task.source}.",
            task.dest,
        )


def verify_copy(task: FileTask, checksum: str) -> None:
    """A copy must hash to the source's checksum: read back in full, or, where create() hashed it as
    it was written, proved unchanged since (the same file, size and times)."""
    try:
        if task.copy_check is not None:
            digest, identity = task.copy_check
            if Identity.of(os.stat(task.dest, follow_symlinks=False)) != identity:
                raise FileFailure(ErrorKind.VERIFY_FAILED, f"{task.dest} changed after it was copied.", task.dest)
        else:
            digest, _ = hash_file(task.dest, task.algorithm)
    except OSError as exc:
        raise FileFailure(
            ErrorKind.VERIFY_FAILED,
            f"The repository cannot read back {task.dest} ({exc.strerror}).",
            task.dest,
        ) from exc
    if digest != checksum:
        raise FileFailure(
            ErrorKind.CHECKSUM_MISMATCH,
            f"The copy of {task.source} in the repository does not match the original "
            f"({task.algorithm} {digest} instead of {checksum}).",
            task.source,
        )


def create_copy(dest: str, source_mode: int):
    """A new file in the repository (never an existing one), as private as its original."""
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, copy_mode(source_mode))
    os.fchmod(fd, copy_mode(source_mode))  # whatever the umask: a group's member can read (and verify) it
    return open(fd, "wb", buffering=0)


def copy_mode(source_mode: int) -> int:
    """A stored copy is never more readable than its original, and never readable by everyone."""
    return stat.S_IMODE(source_mode) & 0o660 | stat.S_IRUSR
