"""Transfers by name: built-ins, the `inplace.transfers` entry point group, or `package.module:ClassName`."""

from __future__ import annotations

from engine.errors import PluginError, UsageError
from engine.plugins import entry_point_names, load_entry_point, load_object
from engine.transfers.base import Transfer
from engine.transfers.builtin import BUILTIN_TRANSFERS

ENTRY_POINT_GROUP = "inplace.transfers"
DEFAULT_TRANSFER = "upload"


def transfer_names(include_plugins: bool = True) -> list[str]:
    names = list(BUILTIN_TRANSFERS)
    return names + entry_point_names(ENTRY_POINT_GROUP) if include_plugins else names


def get_transfer(name: str) -> Transfer:
    """An instance of the named transfer; unknown names and broken plugins give a plain error."""
    if name in BUILTIN_TRANSFERS:
        instance = BUILTIN_TRANSFERS[name]()
        instance.spec = name
        return instance
    if name in entry_point_names(ENTRY_POINT_GROUP):
        cls = load_entry_point(ENTRY_POINT_GROUP, name, "transfer")
    elif "." in name or ":" in name:
        cls = load_object(name, "transfer")
    else:
        raise UsageError(
            f"Unknown transfer '{name}'.",
            f"Choose one of: {', '.join(transfer_names())}, or package.module:ClassName.",
        )
    if not (isinstance(cls, type) and issubclass(cls, Transfer)):
        raise PluginError(f"'{name}' is not a transfer.", "A transfer plugin must subclass engine.transfers.Transfer.")
    try:
        instance = cls()
    except Exception as exc:  # a plugin's constructor may fail in any way
        raise PluginError(
            f"The transfer plugin '{name}' could not be started ({type(exc).__name__}: {exc}).",
            "Check its configuration, or ask its author; nothing was imported.",
        ) from exc
    instance.spec = name
    if not instance.name:
        instance.name = name
    return instance
