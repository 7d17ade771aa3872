"""The seven algorithms OMERO offers, producing its hex strings byte for byte.

OMERO formats digests with Guava: MD5 and SHA-1 as ordinary hex; 32-bit values as their four bytes
in little-endian order; Murmur3-128 as h1 then h2, each little-endian; File-Size-64 as the size in
eight little-endian bytes.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable
from functools import partial
from typing import Protocol

import mmh3

DEFAULT_ALGORITHM = "SHA1-160"


class Hasher(Protocol):
    """What every algorithm provides: feed bytes, then read the hex string once."""

    def update(self, data: bytes | memoryview) -> None: ...

    def hexdigest(self) -> str: ...


class _Hashlib:
    __slots__ = ("_h",)

    def __init__(self, name: str) -> None:
        self._h = hashlib.new(name)

    def update(self, data: bytes | memoryview) -> None:
        self._h.update(data)

    def hexdigest(self) -> str:
        return self._h.hexdigest()


class _Zlib32:
    """Adler-32 and CRC-32 keep a running integer; OMERO prints it little-endian."""

    __slots__ = ("_value", "_fn")

    def __init__(self, fn, start: int) -> None:
        self._fn = fn
        self._value = start

    def update(self, data: bytes | memoryview) -> None:
        self._value = self._fn(data, self._value)

    def hexdigest(self) -> str:
        return (self._value & 0xFFFFFFFF).to_bytes(4, "little").hex()


class Adler32(_Zlib32):
    def __init__(self) -> None:
        super().__init__(zlib.adler32, 1)


class Crc32(_Zlib32):
    def __init__(self) -> None:
        super().__init__(zlib.crc32, 0)


class _Mmh3:
    """mmh3's digest() already yields Guava's byte order for both widths."""

    __slots__ = ("_h",)

    def __init__(self, h) -> None:
        self._h = h

    def update(self, data: bytes | memoryview) -> None:
        self._h.update(data)

    def hexdigest(self) -> str:
        return self._h.digest().hex()


class Murmur3_32(_Mmh3):
    def __init__(self) -> None:
        super().__init__(mmh3.mmh3_32(seed=0))


class Murmur3_128(_Mmh3):
    def __init__(self) -> None:
        super().__init__(mmh3.mmh3_x64_128(seed=0))


class FileSize64:
    """Not a hash: the byte count, which catches truncation and nothing else."""

    __slots__ = ("_size",)

    def __init__(self) -> None:
        self._size = 0

    def update(self, data: bytes | memoryview) -> None:
        self._size += len(data)

    def hexdigest(self) -> str:
        return self._size.to_bytes(8, "little").hex()


BUILTIN_ALGORITHMS: dict[str, Callable[[], Hasher]] = {
    "Adler-32": Adler32,
    "CRC-32": Crc32,
    "MD5-128": partial(_Hashlib, "md5"),
    "Murmur3-32": Murmur3_32,
    "Murmur3-128": Murmur3_128,
    "SHA1-160": partial(_Hashlib, "sha1"),
    "File-Size-64": FileSize64,
}

# One line each for `--advanced-help` and the wizard's advanced section.
DESCRIPTIONS = {
    "Adler-32": "very fast, weak: catches most accidental damage",
    "CRC-32": "very fast, weak: catches most accidental damage",
    "MD5-128": "moderate speed, strong against accidental damage",
    "Murmur3-32": "fast, weak",
    "Murmur3-128": "fastest strong choice for detecting accidental damage",
    "SHA1-160": "the default: slower, strong, what OMERO uses unless told otherwise",
    "File-Size-64": "instant, records only the size: catches truncation, nothing else",
}
