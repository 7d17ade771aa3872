"""Client paths, repository names and fileset directories, following OMERO's layout rules."""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from engine.group_modes import share_folders

DEFAULT_TEMPLATE = "%user%_%userId%//%year%-%month%/%day%/%time%"

_CHAR_MAP = {'"': "'", "*": "x", "/": "!", "\\": "!", "|": "!", ":": ";", "<": "[", ">": "]", "?": "%"}
_CHAR_MAP.update({chr(c): "_" for c in [*range(32), 127]})
# A byte that is not UTF-8 reaches us as a lone surrogate (engine.fsnames); it becomes `_` too, so
# client paths and repository names are always valid UTF-8.
_CHAR_MAP.update({chr(c): "_" for c in range(0xDC80, 0xDD00)})
_TRANSLATION = str.maketrans(_CHAR_MAP)
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def sanitise_component(name: str) -> str:
    """Make one path component safe on every platform OMERO serves; idempotent."""
    clean = name.translate(_TRANSLATION)
    if clean.upper() in _RESERVED:
        clean += "_"
    return clean


def needs_sanitising(name: str) -> bool:
    return sanitise_component(name) != name


def client_path(path: str | os.PathLike) -> str:
    """The absolute source path without its leading '/', each component sanitised. Folders are
    sanitised once each (a plate has hundreds of thousands of files in a few hundred folders)."""
    text = os.fspath(path)
    if not text.startswith("/") or "/." in text or "//" in text or text.endswith("/"):
        text = os.path.abspath(text)  # relative, or not in normal form: the slow, general way
    folder, _, name = text.rpartition("/")
    clean = name.translate(_TRANSLATION)
    if clean.upper() in _RESERVED:
        clean += "_"
    parent = _client_folder(folder)
    return f"{parent}/{clean}" if parent else clean


@functools.lru_cache(maxsize=4096)
def _client_folder(folder: str) -> str:
    return "/".join(sanitise_component(part) for part in folder.split("/")[1:])


def render_template(template: str, user: str, user_id: int, when: datetime) -> tuple[str, str]:
    """Return (repository-owned prefix, user-owned rest) of a fileset directory for `when`."""
    values = {
        "%user%": sanitise_component(user),
        "%userId%": str(user_id),
        "%year%": f"{when.year:04d}",
        "%month%": f"{when.month:02d}",
        "%monthname%": when.strftime("%B"),
        "%day%": f"{when.day:02d}",
        "%time%": when.strftime("%H-%M-%S.") + f"{when.microsecond // 1000:03d}",
    }
    text = template
    for token, value in values.items():
        text = text.replace(token, value)
    prefix, sep, rest = text.rpartition("//")
    if not sep:
        prefix, rest = "", text
    return prefix.strip("/"), rest.strip("/")


def fileset_path(template: str, user: str, user_id: int, when: datetime) -> str:
    """A fileset directory for `when`, relative to the repository root."""
    prefix, rest = render_template(template, user, user_id, when)
    return f"{prefix}/{rest}" if prefix else rest


class DirectoryAllocator:
    """Names job folders one millisecond apart and creates them atomically (mkdir).

    The importer first proposes a name, claims it in the catalog (where each name is unique),
    and only then creates it, so a kill never leaves a folder the catalog does not know.
    A per-process cursor keeps a fast run from retrying every name it handed out itself.
    """

    def __init__(self, repository_root: str, template: str = DEFAULT_TEMPLATE) -> None:
        self.root = repository_root
        self.template = template
        self._cursor: datetime | None = None
        self._made_parents: set[str] = set()
        self._lock = threading.Lock()

    def propose(self, user: str, user_id: int, now: datetime | None = None) -> str:
        """A name for a new fileset directory, relative to the repository root, free on disk now."""
        with self._lock:
            now = now or datetime.now()
            when = now.replace(microsecond=now.microsecond // 1000 * 1000)
            if self._cursor is not None and when <= self._cursor:
                when = self._cursor + timedelta(milliseconds=1)
            while True:
                relative = fileset_path(self.template, user, user_id, when)
                self._cursor = when
                if not os.path.lexists(os.path.join(self.root, relative)):
                    return relative
                when += timedelta(milliseconds=1)

    def create(self, relative: str) -> None:
        """Make a proposed directory; FileExistsError when someone else made it first."""
        absolute = os.path.join(self.root, relative)
        parent = os.path.dirname(absolute)
        if parent not in self._made_parents:
            os.makedirs(parent, exist_ok=True)
            self._made_parents.add(parent)
        os.mkdir(absolute)
        share_folders(self.root, relative)  # a shared repository's folders stay the group's (engine/group_modes)

    def allocate(self, user: str, user_id: int, now: datetime | None = None) -> str:
        """Propose and create in one step (for callers without a catalog row to record first)."""
        while True:
            relative = self.propose(user, user_id, now)
            try:
                self.create(relative)
                return relative
            except FileExistsError:
                continue


def common_parent(paths: list[str]) -> str:
    """The deepest directory holding all of `paths` (absolute source paths)."""
    if len(paths) == 1:
        return os.path.dirname(paths[0])
    return os.path.commonpath([os.path.dirname(p) for p in paths])


class JobNames:
    """Where each source lands inside the job's folder: its path below `parent` (the common parent of
    the selection), each component sanitised. Folders are sanitised once each, not once per file.

    Two sources can only share a name when sanitising changed at least one of them; such a name is
    then given a `~N` before its suffix until it is free, among the job's names and against a source
    file that would land there unchanged. Names are therefore unique within the job, which is what
    lets a failed fileset remove its own paths without ever touching another's."""

    def __init__(self, parent: str) -> None:
        self.parent = parent.rstrip("/") or "/"
        self._prefix = len(self.parent) + 1 if self.parent != "/" else 1
        self._folders: dict[str, str] = {}
        self._changed: set[str] = set()  # names made by sanitising (few): the only possible clashes

    def name(self, path: str) -> str:
        folder, _, base = path.rpartition("/")
        folder = folder or "/"
        rel_folder = self._folders.get(folder)
        if rel_folder is None:
            rel_folder = self._folders[folder] = self._folder(folder)
        clean = base.translate(_TRANSLATION)
        if clean.upper() in _RESERVED:
            clean += "_"
        name = f"{rel_folder}/{clean}" if rel_folder else clean
        if clean == base and rel_folder == folder[self._prefix :]:
            return name if name not in self._changed else self._free(name)
        return self._free(name)

    def _folder(self, folder: str) -> str:
        if folder != self.parent and not folder.startswith(self.parent.rstrip("/") + "/"):
            raise ValueError(f"{folder} is not below {self.parent}")
        rel = folder[self._prefix :] if folder != self.parent else ""
        return "/".join(sanitise_component(part) for part in rel.split("/")) if rel else ""

    def _free(self, name: str) -> str:
        """`name`, or the first `stem~N.suffix` that no other source of the job takes."""
        candidate, n = name, 1
        while candidate in self._changed or os.path.lexists(os.path.join(self.parent, candidate)):
            n += 1
            head, slash, base = name.rpartition("/")
            stem, dot, suffix = base.partition(".")
            candidate = f"{head}{slash}{stem}~{n}{dot}{suffix}"
        self._changed.add(candidate)
        return candidate


def repository_names(sources: list[str]) -> list[str]:
    """Where each source lands below their common parent (see JobNames)."""
    names = JobNames(common_parent(sources))
    return [names.name(src) for src in sources]


def real_path_resolver() -> Callable[[str], str]:
    """os.path.realpath for many files of few folders: each folder is resolved once, and per file
    only whether the name itself is a symbolic link is asked (one lstat instead of one per level)."""
    folders: dict[str, str] = {}

    def resolve(path: str) -> str:
        if os.path.islink(path):
            return os.path.realpath(path)
        folder, name = os.path.split(path)
        real = folders.get(folder)
        if real is None:
            real = folders[folder] = os.path.realpath(folder)
        return os.path.join(real, name)

    return resolve
