"""What the engine offers, for front ends to list: transfers, checksum algorithms, and checksums of
single files (which need no data dir)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from engine.checksums import DEFAULT_ALGORITHM, algorithm_names, get_algorithm, hash_file
from engine.checksums.algorithms import DESCRIPTIONS
from engine.errors import EngineError, UsageError
from engine.scan import not_a_file
from engine.transfers import DEFAULT_TRANSFER, get_transfer, transfer_names

PREFERRED_ORDER = ["upload", "ln_s", "ln", "cp", "upload_rm", "ln_rm", "cp_rm"]

__all__ = [
    "DEFAULT_ALGORITHM",
    "DEFAULT_TRANSFER",
    "TransferInfo",
    "algorithms",
    "checksum_file",
    "require_algorithm",
    "transfers",
]


@dataclass(frozen=True)
class TransferInfo:
    """A transfer as a person chooses it: its name, what it does, and what it means for originals."""

    spec: str  # what to pass back as the transfer option: the name, or package.module:ClassName
    name: str
    summary: str
    in_place: bool
    deletes_sources: bool
    same_filesystem: bool
    space: str


def describe_transfer(spec: str) -> TransferInfo:
    t = get_transfer(spec)
    return TransferInfo(spec, t.name, t.summary, t.in_place, t.deletes_sources, t.same_filesystem, t.space)


def transfers(include_broken: bool = False) -> list[TransferInfo]:
    """Every transfer that loads, built-ins first in the order people meet them; plugins after."""
    names = sorted(transfer_names(), key=lambda n: (PREFERRED_ORDER.index(n) if n in PREFERRED_ORDER else 99, n))
    found = []
    for name in names:
        try:
            found.append(describe_transfer(name))
        except EngineError:
            continue  # the checks report a broken plugin as a finding of its own
    return found


def algorithms() -> dict[str, str]:
    """Checksum algorithm names with a sentence on each, the default first."""
    names = sorted(algorithm_names(), key=lambda n: n != DEFAULT_ALGORITHM)
    return {name: DESCRIPTIONS.get(name, "") for name in names}


def require_algorithm(name: str) -> None:
    """Refuse, in a sentence, a checksum algorithm that is unknown or whose plugin does not load."""
    get_algorithm(name)


def checksum_file(path: str | os.PathLike, algorithm: str = DEFAULT_ALGORITHM) -> str:
    """The OMERO-compatible checksum of one file; special files are refused (a FIFO would wait for ever)."""
    get_algorithm(algorithm)
    try:
        kind = not_a_file(os.stat(path).st_mode)
        if kind:
            raise UsageError(f"{os.fspath(path)} is {kind}, not a file: only files have checksums.")
        return hash_file(path, algorithm)[0]
    except OSError as exc:
        raise UsageError(f"{os.fspath(path)}: cannot be read ({exc.strerror}).") from exc
