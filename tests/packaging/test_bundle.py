"""Smoke test of the standalone bundles: build them, then use them as a facility server would,
with no Python environment of ours, no project checkout on the path, and no fonts.

Building takes a minute or two. Set INPLACE_SKIP_BUNDLE=1 to skip it locally; CI always runs it.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, REPO, SAMPLES, TEST_SETTINGS, make_tree

DIST = REPO / "dist"
pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(
        bool(os.environ.get("INPLACE_SKIP_BUNDLE")) and not os.environ.get("CI"),
        reason="INPLACE_SKIP_BUNDLE is set: the standalone bundle is not built in this run (CI always builds it)",
    ),
]


@pytest.fixture(scope="module")
def bundle():
    result = subprocess.run(
        ["bash", str(REPO / "packaging" / "build.sh")], capture_output=True, text=True, timeout=1800
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    print(result.stdout.strip().splitlines()[-1])
    return DIST


@pytest.fixture
def bare_env(tmp_path):
    """What a user on a bare server has: system binaries only, a home, and no fonts."""
    fonts = tmp_path / "fonts.conf"
    fonts.write_text(f'<?xml version="1.0"?><fontconfig><cachedir>{tmp_path}/fc</cachedir></fontconfig>')
    home = tmp_path / "home"
    home.mkdir()
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "FONTCONFIG_FILE": str(fonts),
        "INPLACE_USER": "alice",
        "INPLACE_PASSWORD": PASSWORD,
    }


def run(exe: Path, *args, env, cwd):
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def test_the_bundles_import_check_and_open_the_wizard(bundle, bare_env, tmp_path):
    cli, wizard, onefile = (
        bundle / "inplace" / "inplace",
        bundle / "inplace" / "inplace-wizard",
        bundle / "inplace-onefile",
    )
    cwd = tmp_path  # not the checkout: nothing of ours can be imported from the working directory
    for exe, name in ((cli, "inplace"), (wizard, "inplace-wizard"), (onefile, "inplace")):
        result = run(exe, "--version", env=bare_env, cwd=cwd)
        assert result.returncode == 0 and result.stdout.startswith(f"{name} 0."), result.stderr

    data = tmp_path / "data"
    assert run(cli, "--data-dir", data, "admin", "init", env=bare_env, cwd=cwd).returncode == 0
    (data / "settings.toml").write_text(TEST_SETTINGS)  # pytest's folders live under /tmp
    src = tmp_path / "src"
    files = make_tree(src)
    for p in (SAMPLES / "viv" / "avivator_data").glob("multifile*"):
        shutil.copy(p, src)
    result = run(
        cli, "--data-dir", data, "import", "--transfer", "ln_s", "--accept-responsibilities", src, env=bare_env, cwd=cwd
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(files) + 6} files transferred, {len(files) + 1} filesets created, 0 errors" in result.stdout
    assert len([p for p in (data / "ManagedRepository").rglob("*") if p.is_symlink()]) == len(files) + 6

    result = run(cli, "--data-dir", data, "check", src, env=bare_env, cwd=cwd)
    assert result.returncode == 0 and "ln_s: can run" in result.stdout and "were imported before" in result.stdout

    for exe in (wizard, onefile):
        result = run(exe, "--data-dir", data, "--smoke-test", src, env=bare_env, cwd=cwd)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "display: offscreen, font: DejaVu Sans" in result.stdout  # the shipped font, none installed
        assert "Signed in as alice." in result.stdout and "page Transfer" in result.stdout
        assert "ln_s: can be used" in result.stdout

    result = run(onefile, "--data-dir", data, "jobs", env=bare_env, cwd=cwd)
    assert result.returncode == 0 and "responsibilities accepted by alice" in result.stdout


def test_the_one_file_without_arguments_opens_the_wizard(bundle, bare_env, tmp_path):
    env = bare_env | {"QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(tmp_path / "xdg")}
    proc = subprocess.Popen(
        [str(bundle / "inplace-onefile")],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The wizard waits for a person; the command line would have printed its help and exited.
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(timeout=15)
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert "usage: inplace" not in out + err and "Traceback" not in err
