"""Where the data dir is, and the data dir's own settings (path template and policies).

The data dir is found from, in rising priority: /etc/inplace/config.toml, the user's config file,
the file named by INPLACE_CONFIG, the INPLACE_DATA_DIR variable, and --data-dir. With none of them,
a personal data dir under the user's data directory is used: the embedded default.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from engine.errors import UsageError
from engine.paths import DEFAULT_TEMPLATE

APP_NAME = "inplace"
SYSTEM_CONFIG = Path("/etc/inplace/config.toml")
SETTINGS_FILE = "settings.toml"


def user_config_file() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "data"


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"The configuration file {path} could not be read ({exc}).", "Fix or remove it.") from exc


def resolve_data_dir(explicit: str | os.PathLike | None = None) -> tuple[Path, str]:
    """Return the data dir to use and a short phrase saying where that choice came from."""
    if explicit:
        return Path(explicit).expanduser().absolute(), "--data-dir"
    if os.environ.get("INPLACE_DATA_DIR"):
        return Path(os.environ["INPLACE_DATA_DIR"]).expanduser().absolute(), "INPLACE_DATA_DIR"
    sources = [(SYSTEM_CONFIG, str(SYSTEM_CONFIG)), (user_config_file(), "your configuration")]
    if os.environ.get("INPLACE_CONFIG"):
        sources.append((Path(os.environ["INPLACE_CONFIG"]), "INPLACE_CONFIG"))
    chosen: tuple[Path, str] | None = None
    for path, label in sources:
        value = _read_toml(path).get("data_dir")
        if value:
            chosen = (Path(value).expanduser().absolute(), label)
    return chosen or (default_data_dir(), "the personal default")


@dataclass
class Policy:
    """Rules of one data dir that checks enforce; kept in <data dir>/settings.toml."""

    temporary_paths: list[str] = field(default_factory=lambda: ["/tmp", "/var/tmp", "/dev/shm"])
    temporary_fs_types: list[str] = field(default_factory=lambda: ["tmpfs", "ramfs"])
    temporary_storage: str = "error"  # error | warning | allow
    writable_sources: str = "warning"  # warning | error | allow
    read_only_after_import: bool = False
    recently_modified_seconds: int = 60


@dataclass
class Settings:
    template: str = DEFAULT_TEMPLATE
    policy: Policy = field(default_factory=Policy)
    catalog_url: str | None = None  # None: catalog.sqlite in the data dir; else e.g. postgresql+psycopg://...

    @classmethod
    def load(cls, data_dir: Path) -> Settings:
        raw = _read_toml(data_dir / SETTINGS_FILE)
        repo = raw.get("repository", {})
        policy_raw = raw.get("policy", {})
        known = Policy.__dataclass_fields__
        unknown = sorted(set(policy_raw) - set(known))
        if unknown:
            raise UsageError(
                f"{data_dir / SETTINGS_FILE} has unknown policy settings: {', '.join(unknown)}.",
                f"Known settings are: {', '.join(known)}.",
            )
        catalog_url = raw.get("catalog_url")
        if catalog_url is not None and not (isinstance(catalog_url, str) and catalog_url):
            raise UsageError(f"{data_dir / SETTINGS_FILE}: catalog_url must be a database URL.")
        return cls(
            template=repo.get("template", DEFAULT_TEMPLATE), policy=Policy(**policy_raw), catalog_url=catalog_url
        )


def set_catalog_url(data_dir: Path, url: str | None) -> None:
    """Name the catalog in <data dir>/settings.toml (None: the data dir's own catalog.sqlite), keeping
    the rest of the file; the file is replaced in one step and read back before it counts."""
    path = data_dir / SETTINGS_FILE
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    first_table = next((i for i, line in enumerate(lines) if line.strip().startswith("[")), len(lines))
    head = [line for line in lines[:first_table] if line.split("=", 1)[0].strip() != "catalog_url"]
    if url is not None:
        at = next((i for i, line in enumerate(head) if line.strip() and not line.lstrip().startswith("#")), len(head))
        head.insert(at, f"catalog_url = {_toml_value(url)}  # the password comes from the environment or ~/.pgpass")
        if at + 1 == len(head) and first_table < len(lines):
            head.append("")
    _replace(path, "\n".join(head + lines[first_table:]) + "\n")


def _replace(path: Path, new_text: str) -> None:
    tomllib.loads(new_text)  # never write a file that would not read back
    partial = path.with_name(path.name + ".part")
    partial.write_text(new_text, encoding="utf-8")
    if path.exists():
        os.chmod(partial, path.stat().st_mode & 0o7777)
    os.replace(partial, path)


POLICY_CHOICES = {"temporary_storage": ("error", "warning", "allow"), "writable_sources": ("warning", "error", "allow")}


def _toml_value(value) -> str:
    """One policy value written as TOML (the policy holds only these types)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    return "[" + ", ".join(_toml_value(v) for v in value) + "]"


def _check_policy_value(name: str, value, default) -> None:
    allowed = POLICY_CHOICES.get(name)
    if allowed and value not in allowed:
        raise UsageError(f"The policy setting {name} cannot be {value!r}.", f"Use one of: {', '.join(allowed)}.")
    if isinstance(default, list):
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
            raise UsageError(f"The policy setting {name} must be a list of names.")
    elif type(value) is not type(default):
        raise UsageError(f"The policy setting {name} must be {type(default).__name__}, not {value!r}.")


def update_policy(data_dir: Path, changes: dict) -> Policy:
    """Change settings in the [policy] table of <data dir>/settings.toml, leaving the rest of the file
    (comments included) as it was; the file is replaced in one step and read back before it counts."""
    defaults = Policy()
    for name, value in changes.items():
        if name not in Policy.__dataclass_fields__:
            raise UsageError(f"There is no policy setting {name}.", f"Known settings are: {', '.join(vars(defaults))}.")
        _check_policy_value(name, value, getattr(defaults, name))
    path = data_dir / SETTINGS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    lines = _with_policy(text.splitlines(), {k: _toml_value(v) for k, v in changes.items()})
    _replace(path, "\n".join(lines) + "\n")
    return Settings.load(data_dir).policy


def _with_policy(lines: list[str], values: dict[str, str]) -> list[str]:
    """The file's lines with `values` set in its [policy] table (added at its end, or as a new table)."""
    out: list[str] = []
    left = dict(values)
    in_policy = False
    i = 0
    while i < len(lines):
        line = lines[i]
        header = line.strip()
        if header.startswith("[") and not header.startswith("[["):
            if in_policy:  # leaving the table: what was not there yet goes at its end
                _append(out, left)
            in_policy = header.split("#")[0].strip() == "[policy]"
        key = line.split("=", 1)[0].strip() if in_policy and "=" in line else ""
        if key in left:
            value_lines = [line]  # a value may span lines (an array): take lines until it parses
            while not _parses(value_lines) and i + 1 < len(lines):
                i += 1
                value_lines.append(lines[i])
            out.append(f"{key} = {left.pop(key)}")
        else:
            out.append(line)
        i += 1
    if in_policy:
        _append(out, left)
    elif left:
        out += ["", "[policy]"]
        _append(out, left)
    return out


def _append(out: list[str], left: dict[str, str]) -> None:
    """Add the settings not found in the table at its end, before the blank lines that close it."""
    blanks = 0
    while out and not out[-1].strip():
        out.pop()
        blanks += 1
    out.extend(f"{k} = {v}" for k, v in left.items())
    out.extend([""] * blanks)
    left.clear()


def _parses(lines: list[str]) -> bool:
    try:
        tomllib.loads("\n".join(lines))
    except tomllib.TOMLDecodeError:
        return False
    return True


DEFAULT_SETTINGS_TEXT = """\
# Settings of this data dir. Changes apply to the next import.

[repository]
# Where each fileset goes; the part before '//' belongs to the repository, the rest to the user.
template = "{template}"

[policy]
# Sources on these paths or filesystem types count as temporary for ln_s, whose links follow their names.
temporary_paths = ["/tmp", "/var/tmp", "/dev/shm"]
temporary_fs_types = ["tmpfs", "ramfs"]
# What to do with ln_s imports from temporary storage: "error", "warning" or "allow".
temporary_storage = "error"
# What to do when in-place sources are writable by others: "warning", "error" or "allow".
writable_sources = "warning"
# Make sources read-only after a successful in-place import.
read_only_after_import = false
"""
