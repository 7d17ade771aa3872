"""The seven built-in transfers. The `*_rm` forms differ only in that the importer deletes sources."""

from __future__ import annotations

import os
import stat

from engine.checksums.hashing import BLOCK_SIZE
from engine.checksums.registry import new_hasher
from engine.errors import ErrorKind, FileFailure
from engine.transfers.base import (
    FileTask,
    Transfer,
    create_copy,
    finish_reading,
    hash_source,
    open_source,
    read_buffer,
    verify_copy,
    verify_same_file,
)
from engine.transfers.large_copy import TrailingHash, copy_in_steps, copy_large

PARALLEL_HASH_BYTES = 8 * BLOCK_SIZE  # from this size on, hash the source and the copy while the kernel copies


class UploadTransfer(Transfer):
    name = "upload"
    summary = "Stream each file into a new file owned by the repository, hashing it on the way."
    space = "doubled"
    records_identity = True  # every path through create() hashes the source
    parallel_safe = True

    def create(self, task: FileTask) -> str:
        h = new_hasher(task.algorithm)
        read = 0
        # a large copy is hashed again on a thread of its own as it is written, not read back after
        trailing = TrailingHash(task) if task.size >= PARALLEL_HASH_BYTES else None
        try:
            src, before = open_source(task)
            with src, create_copy(task.dest, before.st_mode) as dst:
                if trailing is not None:
                    trailing.created()
                buf = read_buffer()
                view = memoryview(buf)
                while n := src.readinto(buf):
                    chunk = view[:n]
                    h.update(chunk)
                    dst.write(chunk)
                    read += n
                    if trailing is not None:
                        trailing.advance(read)
                    task.on_block(n)
                finish_reading(task, src, before, read)
        finally:
            if trailing is not None:
                task.copy_check = trailing.finish()
        return h.hexdigest()

    def verify(self, task: FileTask, checksum: str) -> None:
        verify_copy(task, checksum)


class UploadMoveTransfer(UploadTransfer):
    name = "upload_rm"
    summary = "As upload, then delete the originals once the whole import has succeeded."
    deletes_sources = True
    space = "moved"


class HardlinkTransfer(Transfer):
    name = "ln"
    summary = "Add a hard link to each original: no extra space, same filesystem only."
    in_place = True
    same_filesystem = True
    space = "shared"
    records_identity = True  # every path through create() hashes the source
    parallel_safe = True

    def create(self, task: FileTask) -> str:
        # The real file, never a link to a symbolic link: the repository must hold the data itself.
        # Linked first, hashed after, so the checksum describes exactly what the repository holds
        # (linking changes the file's ctime, which the recorded identity then already includes).
        _link_real_file(task.source, task.dest)
        verify_same_file(task)
        return hash_source(task)

    def verify(self, task: FileTask, checksum: str) -> None:
        # One lstat says both: the entry is no symbolic link, and it is the very file the scan saw.
        try:
            st = os.lstat(task.dest)
        except OSError as exc:
            raise FileFailure(
                ErrorKind.VERIFY_FAILED, f"The repository cannot read back {task.dest} ({exc.strerror}).", task.dest
            ) from exc
        if stat.S_ISLNK(st.st_mode):
            raise FileFailure(ErrorKind.VERIFY_FAILED, f"{task.dest} is a symbolic link, not a hard link.", task.dest)
        if (st.st_dev, st.st_ino) != (task.dev, task.ino):
            raise FileFailure(
                ErrorKind.VERIFY_FAILED, f"{task.dest} does not lead to the original file {task.source}.", task.dest
            )


_root_fd: int | None = None


def _link_real_file(source: str, dest: str) -> None:
    """Hard-link the file `source` leads to (through any symbolic links) in one system call.

    linkat(2) with AT_SYMLINK_FOLLOW does that; os.link asks for it only when given a directory fd
    (without one, CPython 3.12 calls link(2), which links a symbolic link itself). The fd is the
    root's, opened once: an absolute path ignores it. (os.path.realpath before a plain link cost an
    lstat per path component, a third of this transfer's own time on 20,000 small files.)"""
    global _root_fd
    if _root_fd is None:
        _root_fd = os.open("/", getattr(os, "O_PATH", os.O_RDONLY) | os.O_DIRECTORY | os.O_CLOEXEC)
    os.link(os.path.abspath(source), dest, src_dir_fd=_root_fd, follow_symlinks=True)


class HardlinkMoveTransfer(HardlinkTransfer):
    name = "ln_rm"
    summary = "As ln, then remove the original names, leaving the repository's link as the only one."
    deletes_sources = True
    space = "moved"


class SymlinkTransfer(Transfer):
    name = "ln_s"
    summary = "Add a symbolic link to each original's absolute path: no space used, none freed."
    in_place = True
    follows_source_path = True
    space = "none"
    records_identity = True  # every path through create() hashes the source
    parallel_safe = True

    def create(self, task: FileTask) -> str:
        checksum = hash_source(task)
        os.symlink(os.path.abspath(task.source), task.dest)
        return checksum

    def verify(self, task: FileTask, checksum: str) -> None:
        verify_same_file(task)


class CopyTransfer(Transfer):
    name = "cp"
    summary = "Copy each file inside this machine by the fastest means the kernel offers."
    space = "doubled"
    records_identity = True  # every path through create() hashes the source
    parallel_safe = True

    def create(self, task: FileTask) -> str:
        if task.size < PARALLEL_HASH_BYTES:
            checksum = hash_source(task)
            copy_in_steps(task)
            return checksum
        return copy_large(task)  # the kernel copies while two threads hash the source and the copy

    def verify(self, task: FileTask, checksum: str) -> None:
        verify_copy(task, checksum)


class CopyMoveTransfer(CopyTransfer):
    name = "cp_rm"
    summary = "As cp, then delete the originals once the whole import has succeeded."
    deletes_sources = True
    space = "moved"


BUILTIN_TRANSFERS: dict[str, type[Transfer]] = {
    t.name: t
    for t in (
        UploadTransfer,
        UploadMoveTransfer,
        HardlinkTransfer,
        HardlinkMoveTransfer,
        SymlinkTransfer,
        CopyTransfer,
        CopyMoveTransfer,
    )
}
