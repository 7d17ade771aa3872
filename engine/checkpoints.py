"""Named points in an import where a test can stop the process, to drive a kill or a race exactly.

Off unless the environment names points: `INPLACE_STOP_AT="before-unlink:3,registered:1"` makes the
process stop itself (SIGSTOP) the 3rd time it reaches `before-unlink` and the 1st time it reaches
`registered`. The test then changes files, kills the process (SIGKILL) or lets it go on (SIGCONT),
so crash and race tests do not depend on timing. Costs one dictionary lookup per point when off.
"""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter

ENV = "INPLACE_STOP_AT"


def _parse(text: str) -> dict[str, int]:
    stops: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, nth = item.partition(":")
        stops[name] = int(nth or 1)
    return stops


_stops = _parse(os.environ.get(ENV, ""))
_reached: Counter[str] = Counter()


def reached(name: str) -> None:
    """Mark that the import reached `name`; stop here if a test asked for it."""
    if not _stops or name not in _stops:
        return
    _reached[name] += 1
    if _reached[name] == _stops[name]:
        # Sent to this very thread, so it stops before its next instruction; a signal to the
        # process could be taken by another thread while this one runs on for a moment.
        signal.pthread_kill(threading.get_ident(), signal.SIGSTOP)
