"""Installing the project the way users do: a wheel of the checkout, installed into fresh virtual
environments, used from a folder outside the checkout.

The default install (`pip install inplace-import`) is the whole product, wizard included. The lean
install for headless servers is `pip install --no-deps inplace-import` followed by
`pip install -r requirements-headless.txt`: the command line works fully, and the wizard says in one
sentence what is missing. pip takes its packages from the configured index and its cache.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, REPO, TEST_SETTINGS, make_tree

GUI_PACKAGES = {"pyside6-essentials", "qasync", "keyring"}
SHIPPED_RESOURCES = ["fonts/DejaVuSans.ttf", "fonts/DejaVu-LICENSE", "fonts/fonts.conf", "icons/inplace.svg"]
PIP_TIMEOUT = 900


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _headless_requirements() -> list[str]:
    lines = (REPO / "requirements-headless.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_the_headless_requirements_are_the_default_dependencies_without_the_wizard():
    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    assert GUI_PACKAGES <= {_name(d) for d in dependencies}, "the default install must give a working wizard"
    assert sorted(_headless_requirements()) == sorted(d for d in dependencies if _name(d) not in GUI_PACKAGES)


def _pip(python: Path, *args: str) -> None:
    result = subprocess.run(
        [str(python), "-m", "pip", "--disable-pip-version-check", *args],
        capture_output=True,
        text=True,
        timeout=PIP_TIMEOUT,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built once from a copy of the checkout (the build writes build/ into its source)."""
    source = tmp_path_factory.mktemp("source") / "inplace-import"
    skip = (".git", ".venv", ".hypothesis", "tests", "bench", "build", "dist", "test-output", "*.egg-info")
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(*skip, "__pycache__", ".*cache"))
    out = tmp_path_factory.mktemp("wheel")
    _pip(Path(sys.executable), "wheel", "--no-deps", "--wheel-dir", str(out), str(source))
    (built,) = out.glob("inplace_import-*.whl")
    return built


def _venv(path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=300)
    return path / "bin" / "python"


@pytest.fixture(scope="module")
def default_venv(wheel, tmp_path_factory) -> Path:
    python = _venv(tmp_path_factory.mktemp("default") / "venv")
    _pip(python, "install", str(wheel))
    return python.parent


@pytest.fixture(scope="module")
def lean_venv(wheel, tmp_path_factory) -> Path:
    python = _venv(tmp_path_factory.mktemp("lean") / "venv")
    _pip(python, "install", "--no-deps", str(wheel))
    _pip(python, "install", "-r", str(REPO / "requirements-headless.txt"))
    return python.parent


@pytest.fixture
def user_env(tmp_path) -> dict:
    """A user's shell: the venv's commands on PATH, nothing of the checkout importable, no display."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    return env | {"HOME": str(tmp_path / "home"), "INPLACE_USER": "alice", "INPLACE_PASSWORD": PASSWORD}


def _run(bin_dir: Path, command: str, *args, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    env = env | {"PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin"}
    return subprocess.run(
        [str(bin_dir / command), *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd, timeout=300
    )


def _data_dir_with_files(bin_dir: Path, tmp_path: Path, env: dict) -> tuple[Path, Path, dict]:
    data = tmp_path / "data"
    result = _run(bin_dir, "inplace", "--data-dir", data, "admin", "init", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    (data / "settings.toml").write_text(TEST_SETTINGS)  # pytest's folders live under /tmp
    src = tmp_path / "src"
    return data, src, make_tree(src)


@pytest.mark.slow
def test_the_wheel_ships_the_wizards_font_icon_and_desktop_entry(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for resource in [*SHIPPED_RESOURCES, "inplace-wizard.desktop"]:
        assert f"gui/resources/{resource}" in names


@pytest.mark.slow
def test_the_default_install_gives_the_command_line_and_a_working_wizard(default_venv, user_env, tmp_path):
    result = _run(default_venv, "inplace", "--version", env=user_env, cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("inplace 0."), result.stderr
    data, src, _ = _data_dir_with_files(default_venv, tmp_path, user_env)

    env = user_env | {"QT_QPA_PLATFORM": "offscreen"}
    result = _run(default_venv, "inplace-wizard", "--data-dir", data, "--smoke-test", src, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "display: offscreen" in result.stdout
    assert "Signed in as alice." in result.stdout and "page Transfer" in result.stdout
    assert "ln_s: can be used" in result.stdout

    # The wizard finds its font and icon inside the installed package, not beside a checkout.
    result = _run(default_venv, "python", "-c", "from gui.app import resources_dir; print(resources_dir())",
                  env=user_env, cwd=tmp_path)  # fmt: skip
    folder = Path(result.stdout.strip())
    assert result.returncode == 0 and folder.is_relative_to(default_venv.parent), result.stdout + result.stderr
    assert [r for r in SHIPPED_RESOURCES if not (folder / r).is_file()] == []


@pytest.mark.slow
def test_the_lean_install_has_the_full_command_line_and_a_wizard_that_says_what_is_missing(
    wheel, lean_venv, user_env, tmp_path
):
    result = _run(lean_venv, "python", "-c", "import PySide6", env=user_env, cwd=tmp_path)
    assert result.returncode != 0 and "No module named 'PySide6'" in result.stderr

    result = _run(lean_venv, "inplace", "--version", env=user_env, cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("inplace 0."), result.stderr
    data, src, files = _data_dir_with_files(lean_venv, tmp_path, user_env)
    result = _run(lean_venv, "inplace", "checksum", src / "plain.tif", env=user_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == hashlib.sha1(files["plain.tif"]).hexdigest()
    result = _run(
        lean_venv, "inplace", "--data-dir", data, "import", "--transfer", "ln_s", "--accept-responsibilities", src,
        env=user_env, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(files)} files transferred" in result.stdout

    # With a display (here offscreen) the wizard gets as far as its GUI packages, and says so.
    for args, env in (([], user_env | {"QT_QPA_PLATFORM": "offscreen"}), (["--smoke-test", src], user_env)):
        result = _run(lean_venv, "inplace-wizard", *args, env=env, cwd=tmp_path)
        assert result.returncode != 0 and result.stdout == ""
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "the GUI packages are not installed" in result.stderr and "pip install" in result.stderr

    # The message tells people to install 'inplace-import[gui]': that brings the wizard's packages.
    _pip(lean_venv / "python", "install", f"{wheel}[gui]")
    result = _run(lean_venv, "python", "-c", "import PySide6.QtWidgets, qasync, keyring", env=user_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
