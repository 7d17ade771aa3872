"""Session.imported_health: for the filesets of a new selection, how the earlier imports of their files
are doing, as the last check found them (the data page shows it): one file imported twice counts both
imports, a lost companion shows on the fileset still selected, and another account sees nothing of
filesets it may not see."""

from __future__ import annotations

import os

from engine.api import DataDirectory
from engine.states import HealthState
from tests.conftest import PASSWORD


def _write(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(2000))
    return path


def _import(session, paths) -> None:
    prepared = session.prepare([str(p) for p in paths], session.options(transfer="ln_s"))
    assert prepared.run(prepared.acknowledge()).exit_code == 0


def test_earlier_imports_health_by_fileset_of_a_new_plan(data_dir, cli, tmp_path, monkeypatch):
    src = tmp_path / "src"
    twice, dv, log, _fresh = (
        _write(src / "twice.tif"),
        _write(src / "cells.dv"),
        _write(src / "cells.dv.log"),
        _write(src / "fresh.tif"),
    )
    monkeypatch.setenv("INPLACE_NEW_PASSWORD", PASSWORD)
    assert cli("admin", "adduser", "bob")[0] == 0
    with DataDirectory.open(data_dir.root) as dd:
        alice = dd.sign_in("alice", PASSWORD)
        _import(alice, [twice, dv])
        log.unlink()
        alice.verify()
        checked = {h.checked_at for h in alice.fileset_health().values()}
        assert len(checked) == 1 and None not in checked
        _import(alice, [twice])  # again: a second, unchecked fileset holds the same client path

        plan = alice.plan([str(src)], alice.options())
        by_name = {fs.name: i for i, fs in enumerate(plan.filesets)}
        health = alice.imported_health(plan.filesets)
        assert set(health) == {by_name["twice.tif"], by_name["cells.dv"]}  # fresh.tif was never imported
        both = health[by_name["twice.tif"]]
        assert (both.health, both.checked_at, both.problems) == (HealthState.UNCHECKED, None, 0)
        lost = health[by_name["cells.dv"]]
        assert (lost.health, lost.checked_at, lost.problems) == (HealthState.MISSING, checked.pop(), 1)

        bob = dd.sign_in("bob", PASSWORD)
        assert bob.imported_health(bob.plan([str(src)], bob.options()).filesets) == {}  # alice's are private
