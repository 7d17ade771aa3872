"""File names as the operating system gives them, as the catalog stores them, and as people see them.

Linux names are bytes. Python hands a name that is not valid UTF-8 to us as a `str` holding lone
surrogates (U+DC80..U+DCFF, one per undecodable byte: PEP 383's `surrogateescape`), and gives the
same bytes back to the kernel, so opening, linking and hashing such a file just work. Three places
cannot take lone surrogates, and each has its own rule:

- **The catalog** (SQLite text is UTF-8). A value that is valid UTF-8 and does not start with
  `file:` is stored as it is: every ordinary path and name, so existing rows never change. Any other
  value is stored as `file:` followed by its bytes percent-encoded (RFC 3986, `/` kept): the file
  URI of the path, e.g. `/data/caf\\xe9.tif` is stored as `file:/data/caf%E9.tif`. The rule is
  reversible and unambiguous (a stored raw value never starts with `file:`); `FsText` (in
  engine.catalog.columns) applies it to the catalog's path and name columns, so code reading the
  catalog gets the original `str` back.
- **Human output** (terminal, logs): `shown()` writes undecodable bytes as `\\xNN` and escapes every
  control character, so a name can never forge a line or drive the terminal.
- **JSON output**: `json_text()` writes a lone surrogate as the JSON escape `\\udcNN`; Python's
  `json.loads` turns it back into the very same `str`, and `os.fsencode` into the original bytes.

Client paths and repository names are sanitised (`engine.paths`), so they are always valid UTF-8.
"""

from __future__ import annotations

import json
import os
import re
from urllib.parse import quote_from_bytes, unquote_to_bytes

CATALOG_PREFIX = "file:"

# Control characters (C0, DEL, C1), line and paragraph separators, the bidirectional overrides and
# isolates that reorder what a terminal shows, and lone surrogates (undecodable bytes).
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\udc80-\udcff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    ch = match.group()
    code = ord(ch)
    if ch in _NAMED:
        return _NAMED[ch]
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # the byte that was not UTF-8
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def shown(text: object) -> str:
    """`text` as one safe line for a person: control characters and undecodable bytes escaped."""
    s = str(text)
    if s.isascii() and s.isprintable():
        return s
    return _UNSHOWABLE.sub(_escape, s)


def is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def to_catalog(value: str) -> str:
    """The catalog's text for a path or name (see the module's docstring); valid UTF-8 always."""
    if is_utf8(value) and not value.startswith(CATALOG_PREFIX):
        return value
    return CATALOG_PREFIX + quote_from_bytes(os.fsencode(value), safe="/")


def from_catalog(stored: str) -> str:
    """The path or name that `to_catalog` stored, exactly."""
    if not stored.startswith(CATALOG_PREFIX):
        return stored
    return os.fsdecode(unquote_to_bytes(stored[len(CATALOG_PREFIX) :]))


def json_text(data, indent: int | None = 2) -> str:
    """JSON for machines: exact text (no escaping for display); undecodable bytes as `\\udcNN`."""
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
