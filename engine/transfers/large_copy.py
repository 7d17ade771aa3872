"""The kernel's copy of a file (cp, any size), and for a large one its two checksums made while the
kernel copies (an upload's copy is hashed the same way as it is written).

A copy is trusted only when its own bytes hash to the source's checksum. Read back after the copy,
that second pass made `cp` of one 1 GiB file cost two full hashes one after the other (twice the
shell's `cp` and `openssl`). Here three things run at once: the kernel copies in steps, one thread
hashes the source, and another hashes the copy's bytes as soon as each step has written them (they
are read back from the page cache, exactly as a read after the copy would). Hashing releases the
interpreter's lock, so on two cores the whole costs little more than one hash.

The copy's digest comes with the copy's identity when its last byte was hashed (device, inode,
size, both times); verification then proves the copy unchanged since and compares the digests."""

from __future__ import annotations

import os
import threading

from engine.checksums.registry import new_hasher
from engine.transfers.base import FileTask, Identity, create_copy, hash_source, open_source, read_buffer

STEP = 64 << 20  # bytes the kernel copies before the copy's hasher may read them


class _Copied:
    """How far the copy has got, for the thread that hashes it; `end` once it stopped, for any reason."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._copied = 0
        self._ended = False

    def advance(self, copied: int) -> None:
        with self._cond:
            self._copied = copied
            self._cond.notify_all()

    def end(self) -> None:
        with self._cond:
            self._ended = True
            self._cond.notify_all()

    def beyond(self, done: int) -> int | None:
        """Wait until more than `done` bytes are copied; None when the copy stopped before that."""
        with self._cond:
            self._cond.wait_for(lambda: self._copied > done or self._ended)
            return self._copied if self._copied > done else None


class TrailingHash:
    """Hash a copy's bytes on a thread of its own, right behind the writer: `created()` once the copy
    exists, `advance(n)` after the first n bytes are written, `finish()` for the digest and identity
    (None when the copy stopped short, or could not be read: verify_copy then reads it back itself)."""

    def __init__(self, task: FileTask) -> None:
        self._task = task
        self._copied = _Copied()
        self._made = threading.Event()
        self._result: tuple[str, Identity] | None = None
        self._thread = threading.Thread(target=self._run, name="hash-copy")
        self._thread.start()

    def _run(self) -> None:
        self._made.wait()
        try:
            self._result = _hash_copy(self._task, self._copied)
        except OSError:
            pass

    def created(self) -> None:
        self._made.set()

    def advance(self, written: int) -> None:
        self._copied.advance(written)

    def finish(self) -> tuple[str, Identity] | None:
        self._made.set()
        self._copied.end()
        self._thread.join()
        return self._result


def copy_large(task: FileTask) -> str:
    """Copy task.source to task.dest; returns the source's checksum and leaves the copy's digest
    and identity in task.copy_check for verify_copy."""
    outcome: dict[str, object] = {}

    def hash_the_source() -> None:
        try:
            outcome["checksum"] = hash_source(task)
        except BaseException as exc:  # handed back to the caller below
            outcome["error"] = exc

    source_hasher = threading.Thread(target=hash_the_source, name="hash-source")
    source_hasher.start()
    trailing = TrailingHash(task)
    try:
        copy_in_steps(task, trailing)
    finally:
        task.copy_check = trailing.finish()
        source_hasher.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["checksum"]  # type: ignore[return-value]


def copy_in_steps(task: FileTask, trailing: TrailingHash | None = None) -> None:
    """Copy task.source to a new task.dest with copy_file_range (reflinks where the filesystem has
    them), STEP bytes at a time, falling back to sendfile where the kernel refuses it; the copy's
    hasher, if any, is told after each step."""
    src, st = open_source(task)
    with src, create_copy(task.dest, st.st_mode) as dst:
        if trailing is not None:
            trailing.created()
        size, done = st.st_size, 0
        try:
            while done < size and (n := os.copy_file_range(src.fileno(), dst.fileno(), min(STEP, size - done))):
                done += n
                if trailing is not None:
                    trailing.advance(done)
        except OSError:
            while done < size and (n := os.sendfile(dst.fileno(), src.fileno(), done, min(STEP, size - done))):
                done += n
                if trailing is not None:
                    trailing.advance(done)


def _hash_copy(task: FileTask, copied: _Copied) -> tuple[str, Identity] | None:
    """The copy's digest and identity, or None when the copy stopped before its last byte."""
    h = new_hasher(task.algorithm)
    with open(task.dest, "rb", buffering=0) as f:
        buf = read_buffer()
        view = memoryview(buf)
        done = 0
        while done < task.size:
            available = copied.beyond(done)
            if available is None:
                return None
            while done < available and (n := f.readinto(view[: min(len(buf), available - done)])):
                h.update(view[:n])
                done += n
        identity = Identity.of(os.fstat(f.fileno()))
    return (h.hexdigest(), identity) if identity.size == done else None
