"""The front ends' contract in pyproject.toml names every engine module but the public face, so a
new module cannot slip past it."""

import pkgutil
import tomllib

import engine
from tests.conftest import REPO

PUBLIC = {"engine.api", "engine.errors", "engine.states", "engine.texts", "engine.cli"}


def test_the_front_end_contract_forbids_every_engine_module_but_the_public_face():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if "engine.api" in c["name"]]
    modules = {f"engine.{m.name}" for m in pkgutil.iter_modules(engine.__path__)}
    assert set(contract["forbidden_modules"]) == modules - PUBLIC
    assert set(contract["source_modules"]) == {"gui", "engine.cli"}
