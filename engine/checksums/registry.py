"""Checksum algorithms by name: built-ins, the `inplace.checksums` entry point group, or a class path."""

from __future__ import annotations

from collections.abc import Callable

from engine.checksums.algorithms import BUILTIN_ALGORITHMS, Hasher
from engine.errors import PluginError, UsageError
from engine.plugins import entry_point_names, load_entry_point, load_object

ENTRY_POINT_GROUP = "inplace.checksums"

_extra: dict[str, Callable[[], Hasher]] = {}


def register_algorithm(name: str, factory: Callable[[], Hasher]) -> None:
    """Make a new algorithm available by name (for plugins and tests)."""
    _extra[name] = factory


def algorithm_names() -> list[str]:
    return [*BUILTIN_ALGORITHMS, *_extra, *entry_point_names(ENTRY_POINT_GROUP)]


def get_algorithm(name: str) -> Callable[[], Hasher]:
    """Return a factory of hashers; an unknown name is a usage error that lists the known ones."""
    if name in BUILTIN_ALGORITHMS:
        return BUILTIN_ALGORITHMS[name]
    if name in _extra:
        return _extra[name]
    if name in entry_point_names(ENTRY_POINT_GROUP):
        return _checked(name, load_entry_point(ENTRY_POINT_GROUP, name, "checksum algorithm"))
    if ":" in name:
        return _checked(name, load_object(name, "checksum algorithm"))
    raise UsageError(
        f"Unknown checksum algorithm '{name}'.",
        f"Choose one of: {', '.join(algorithm_names())}.",
    )


def _checked(name: str, cls) -> Callable[[], Hasher]:
    """A plugin must be a hasher class; anything else (`os:system`, say) is refused, never called."""
    if isinstance(cls, type) and all(callable(getattr(cls, m, None)) for m in ("update", "hexdigest")):
        return cls
    raise PluginError(
        f"'{name}' is not a checksum algorithm.",
        "A checksum plugin is a class with the methods update(data) and hexdigest().",
    )


def new_hasher(name: str) -> Hasher:
    return get_algorithm(name)()
