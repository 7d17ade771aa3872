"""Hand the interpreter's lock to the process's other threads now and then.

A loop that releases the lock many times a second, for a short system call or a catalog query each
time, can keep a waiting thread from ever getting it: the waiting thread wakes at each release, but
the loop has taken the lock back before it runs, and its wait starts again. Measured with the wizard's
event loop waiting beside a lookup of 200,000 paths in the catalog (400 queries): stalls of 100 to
200 ms, where a thread of plain Python code lets it run within 5 ms. Such loops call
`let_others_run()`; every YIELD_EVERY seconds it sleeps for a moment, which hands the lock over for
certain (about 2% of the loop's time). A driver's `executemany` is such a loop inside one call (the
lock is released for each row's step), so rows go to it a few thousand at a time."""

from __future__ import annotations

import time

YIELD_EVERY = 0.02  # seconds of work between two hand-overs
ROWS_PER_STATEMENT = 2_000  # rows given to one executemany: tens of milliseconds without a hand-over
PAUSE = 0.0003  # long enough for a woken thread to take the lock

_due = 0.0  # shared by all threads: whichever loop comes by when it is due hands over


def let_others_run() -> None:
    global _due
    now = time.monotonic()
    if now >= _due:
        time.sleep(PAUSE)
        _due = time.monotonic() + YIELD_EVERY
