"""What a large plan and its import keep alive is moved out of the cyclic collector's full passes
(engine/long_lived.py), and a long-running process can give it back."""

from __future__ import annotations

import gc
import weakref

from engine import long_lived
from engine.scan import scan


class Node:
    """A class whose instances can form a cycle and be watched through a weak reference."""

    def __init__(self) -> None:
        self.other: Node | None = None


def everything_given_back() -> int:
    """Collect everything; returns how many objects the interpreter itself keeps out of sight then
    (Python 3.12 keeps a few hundred there)."""
    long_lived.keep_out_of_full_collections()
    long_lived.collect_everything()
    return gc.get_freeze_count()


def test_a_large_scan_moves_what_it_found_out_of_the_collectors_sight(tmp_path, monkeypatch):
    monkeypatch.setattr(long_lived, "STEP", 50)
    for folder in range(4):
        (tmp_path / f"f{folder}").mkdir()
        for i in range(40):
            (tmp_path / f"f{folder}" / f"{i}.tif").write_bytes(b"x")
    before = everything_given_back()
    result = scan([tmp_path])
    assert len(result.files) == 160
    assert gc.get_freeze_count() >= before + 100, "the files found so far were moved out of the collector's sight"
    assert everything_given_back() == before


def test_a_small_scan_leaves_the_collector_alone(tmp_path):
    before = everything_given_back()
    (tmp_path / "a.tif").write_bytes(b"x")
    scan([tmp_path])
    assert gc.get_freeze_count() == before


def test_garbage_moved_out_of_sight_is_collected_once_given_back():
    before = everything_given_back()
    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle: only the cyclic collector can free it
    gc.collect()  # now old: the young pass before freezing does not reach it
    watched = weakref.ref(a)
    long_lived.keep_out_of_full_collections()
    del a, b
    gc.collect()
    assert watched() is not None, "out of the collector's sight, the cycle survives a full pass"
    long_lived.collect_everything()
    assert watched() is None
    assert gc.get_freeze_count() == before
