"""Objects that live as long as a plan or a job, kept out of the cyclic garbage collector's full passes.

A full pass walks every tracked object while holding the interpreter's lock, so every thread waits,
the wizard's event loop included. With a plate's hundreds of thousands of found files and per-file
outcomes alive, each pass took 100 to 250 ms, and passes come again as the objects grow. Moved out of
the collector's sight as they are made (gc.freeze), they cost it nothing; they are freed as always
when dropped (by reference counting), and a long-running process collects everything again when it is
idle."""

from __future__ import annotations

import gc

STEP = 1 << 14  # files found or imported between two moves; a multiple of the importer's 64
_moved = False  # whether anything was moved since the collector last had everything


def keep_out_of_full_collections() -> None:
    """Move what lives now out of the collector's sight. Young garbage is collected first (a cheap
    pass), so little that could be collected is moved with it."""
    global _moved
    gc.collect(1)
    gc.freeze()
    _moved = True


def collect_everything() -> None:
    """Give the collector back what was moved and let it collect: for a process with no display to
    hold up, between imports (the DropBox service)."""
    global _moved
    if _moved:
        _moved = False
        gc.unfreeze()
        gc.collect()
