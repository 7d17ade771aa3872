"""The import-linter contracts in pyproject.toml name every engine module they must (the front ends'
contract all but the public face, the database contract all but the catalog), so a new module cannot
slip past them."""

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


def test_the_database_contract_names_every_engine_module_but_the_catalog():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if "engine.catalog" in c["name"]]
    modules = {f"engine.{m.name}" for m in pkgutil.iter_modules(engine.__path__)}
    assert set(contract["source_modules"]) == modules - {"engine.catalog"}
    assert set(contract["forbidden_modules"]) == {"sqlalchemy", "alembic", "psycopg"}
