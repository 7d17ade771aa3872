"""Where the data dir is, and the data dir's own settings (path template and policies).

The data dir is found from, in rising priority: /etc/inplace/config.toml, the user's config file,
the file named by INPLACE_CONFIG, the INPLACE_DATA_DIR variable, and --data-dir. With none of them,
a personal data dir under the user's data directory is used: the embedded default.
"""

from __future__ import annotations

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
        return cls(template=repo.get("template", DEFAULT_TEMPLATE), policy=Policy(**policy_raw))


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
