"""How the CLI prints: human lines with every name escaped (`shown`), and exact JSON.

A file name may hold a newline, an ANSI escape or bytes that are not UTF-8. Every human-readable
line the CLI prints passes through `say` (or `shown` for one value), so a name can never forge a
line of output or drive the terminal; JSON output is exact instead (see engine.fsnames).
"""

from __future__ import annotations

import sys

from engine.api import json_text, shown

__all__ = ["print_json", "say", "shown"]


def say(line: object = "", file=None) -> None:
    """Print one human-readable line, escaped: a newline inside it is shown as `\\n`."""
    print(shown(line), file=file if file is not None else sys.stdout)


def print_json(data) -> None:
    print(json_text(data))
