"""Load plugin classes by entry point group or by `package.module:ClassName`, lazily, with plain errors."""

from __future__ import annotations

import importlib
from functools import cache
from importlib.metadata import entry_points

from engine.errors import PluginError


@cache
def _entry_points(group: str) -> dict:
    return {ep.name: ep for ep in entry_points(group=group)}


def entry_point_names(group: str) -> list[str]:
    return sorted(_entry_points(group))


def load_entry_point(group: str, name: str, what: str):
    try:
        return _entry_points(group)[name].load()
    except Exception as exc:  # a plugin may fail in any way while importing
        raise PluginError(
            f"The {what} plugin '{name}' could not be loaded ({type(exc).__name__}: {exc}).",
            "Check that the package providing it is installed for this Python.",
        ) from exc


def load_object(spec: str, what: str):
    """Load `package.module:ClassName` (or OMERO's dotted `package.module.ClassName`)."""
    if ":" in spec:
        module_name, _, attr = spec.partition(":")
    else:
        module_name, _, attr = spec.rpartition(".")
    if not module_name or not attr:
        raise PluginError(f"'{spec}' does not name a {what}.", "Write it as package.module:ClassName.")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        raise PluginError(
            f"The {what} '{spec}' could not be loaded: module '{module_name}' failed to import "
            f"({type(exc).__name__}: {exc}).",
            "Check the name and that the module is on this Python's path.",
        ) from exc
    try:
        return getattr(module, attr)
    except AttributeError:
        raise PluginError(
            f"The {what} '{spec}' could not be loaded: '{module_name}' has no '{attr}'.",
            "Check the spelling of the class name.",
        ) from None
