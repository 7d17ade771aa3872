"""The seven built-in transfers. The `*_rm` forms differ only in that the importer deletes sources."""

from __future__ import annotations

import os
import threading

from engine.checksums.hashing import BLOCK_SIZE
from engine.checksums.registry import new_hasher
from engine.errors import ErrorKind, FileFailure
from engine.transfers.base import FileTask, Transfer, hash_source, verify_copy, verify_same_file

PARALLEL_HASH_BYTES = 8 * BLOCK_SIZE  # above this, hash the source while the kernel copies it


class UploadTransfer(Transfer):
    name = "upload"
    summary = "Stream each file into a new file owned by the repository, hashing it on the way."
    space = "doubled"

    def create(self, task: FileTask) -> str:
        h = new_hasher(task.algorithm)
        read = 0
        with open(task.source, "rb", buffering=0) as src, open(task.dest, "xb", buffering=0) as dst:
            buf = bytearray(BLOCK_SIZE)
            view = memoryview(buf)
            while n := src.readinto(buf):
                chunk = view[:n]
                h.update(chunk)
                dst.write(chunk)
                read += n
                task.on_block(n)
        if read != task.size:
            raise FileFailure(ErrorKind.CHANGED, f"{task.source} changed size while it was read.", task.source)
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

    def create(self, task: FileTask) -> str:
        checksum = hash_source(task)
        os.link(task.source, task.dest, follow_symlinks=True)
        return checksum

    def verify(self, task: FileTask, checksum: str) -> None:
        verify_same_file(task)


class HardlinkMoveTransfer(HardlinkTransfer):
    name = "ln_rm"
    summary = "As ln, then remove the original names, leaving the repository's link as the only one."
    deletes_sources = True
    space = "moved"


class SymlinkTransfer(Transfer):
    name = "ln_s"
    summary = "Add a symbolic link to each original's absolute path: no space used, none freed."
    in_place = True
    space = "none"

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

    def create(self, task: FileTask) -> str:
        if task.size < PARALLEL_HASH_BYTES:
            checksum = hash_source(task)
            _copy(task.source, task.dest)
            return checksum
        # Large file: the kernel copies while this thread's twin hashes; both release the GIL.
        outcome: dict[str, object] = {}

        def hash_in_background() -> None:
            try:
                outcome["checksum"] = hash_source(task)
            except BaseException as exc:  # handed back to the caller below
                outcome["error"] = exc

        hasher = threading.Thread(target=hash_in_background, name="hash-source")
        hasher.start()
        try:
            _copy(task.source, task.dest)
        finally:
            hasher.join()
        if "error" in outcome:
            raise outcome["error"]  # type: ignore[misc]
        return outcome["checksum"]  # type: ignore[return-value]

    def verify(self, task: FileTask, checksum: str) -> None:
        verify_copy(task, checksum)


class CopyMoveTransfer(CopyTransfer):
    name = "cp_rm"
    summary = "As cp, then delete the originals once the whole import has succeeded."
    deletes_sources = True
    space = "moved"


def _copy(source: str, dest: str) -> None:
    """copy_file_range (reflinks where the filesystem has them), falling back to sendfile."""
    with open(source, "rb", buffering=0) as src, open(dest, "xb", buffering=0) as dst:
        size = os.fstat(src.fileno()).st_size
        copied = 0
        try:
            while copied < size:
                n = os.copy_file_range(src.fileno(), dst.fileno(), size - copied)
                if n == 0:
                    break
                copied += n
        except OSError:
            while copied < size:
                n = os.sendfile(dst.fileno(), src.fileno(), copied, size - copied)
                if n == 0:
                    break
                copied += n


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
