"""Which face the bundles' executables show, by their name and arguments."""

import importlib.util

from tests.conftest import REPO

spec = importlib.util.spec_from_file_location("launcher", REPO / "packaging" / "launcher.py")
launcher = importlib.util.module_from_spec(spec)
spec.loader.exec_module(launcher)


def test_one_folder_names_always_mean_the_same_face():
    assert launcher.wants_wizard("inplace-wizard", [])
    assert launcher.wants_wizard("inplace-wizard", ["--data-dir", "/x"])
    assert not launcher.wants_wizard("inplace", [])
    assert not launcher.wants_wizard("inplace", ["import", "x"])


def test_the_one_file_opens_the_wizard_without_arguments_and_is_the_cli_with_a_subcommand():
    assert launcher.wants_wizard("inplace-onefile", [])
    assert launcher.wants_wizard("inplace-onefile", ["--data-dir", "/d", "--smoke-test", "/s"])
    assert launcher.wants_wizard("inplace-onefile", ["--data-dir", "/srv/imaging"])
    assert not launcher.wants_wizard("inplace-onefile", ["import", "--transfer", "ln_s", "/s"])
    assert not launcher.wants_wizard("inplace-onefile", ["--version"])
    assert not launcher.wants_wizard("inplace-onefile", ["--data-dir", "/d", "jobs"])
