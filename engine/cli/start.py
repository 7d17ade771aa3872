"""The `inplace` command's entry point: answers `--version` at once, and only otherwise loads the
command line with the engine behind it (SQLAlchemy and the catalog's models take most of a second)."""

from __future__ import annotations

import sys


def main() -> int:
    if sys.argv[1:] == ["--version"]:
        from engine import __version__

        print(f"inplace {__version__}")
        return 0
    from engine.cli.main import main as run

    return run()
