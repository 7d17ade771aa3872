"""OMERO-compatible checksums, streamed, with a registry that plugins extend."""

from engine.checksums.algorithms import DEFAULT_ALGORITHM, Hasher
from engine.checksums.hashing import hash_bytes, hash_file
from engine.checksums.registry import algorithm_names, get_algorithm, new_hasher

__all__ = [
    "DEFAULT_ALGORITHM",
    "Hasher",
    "algorithm_names",
    "get_algorithm",
    "hash_bytes",
    "hash_file",
    "new_hasher",
]
