"""Hash files in 1 MiB blocks read into one reused buffer (the fastest way measured here)."""

from __future__ import annotations

import os
from collections.abc import Callable

from engine.checksums.registry import new_hasher

BLOCK_SIZE = 1 << 20


def hash_bytes(data: bytes, algorithm: str) -> str:
    h = new_hasher(algorithm)
    h.update(data)
    return h.hexdigest()


def hash_file(
    path: str | os.PathLike,
    algorithm: str,
    on_block: Callable[[int], None] | None = None,
) -> tuple[str, int]:
    """Return (hex digest, bytes read). `on_block` sees each block's size; it may raise Cancelled."""
    h = new_hasher(algorithm)
    total = 0
    with open(path, "rb", buffering=0) as f:
        first = f.read(BLOCK_SIZE)
        if len(first) < BLOCK_SIZE:  # small files: one read, no buffer set-up
            h.update(first)
            if on_block:
                on_block(len(first))
            return h.hexdigest(), len(first)
        h.update(first)
        total = len(first)
        if on_block:
            on_block(total)
        buf = bytearray(BLOCK_SIZE)
        view = memoryview(buf)
        while n := f.readinto(buf):
            h.update(view[:n])
            total += n
            if on_block:
                on_block(n)
    return h.hexdigest(), total
