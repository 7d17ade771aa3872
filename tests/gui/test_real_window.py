"""The wizard in a real X server: Xvfb, a real xcb window, complete ln_s and cp_rm imports with a
screenshot of every page (test-output/real-window/; the README's come from there, copied to
docs/screenshots/ by hand when the pages change), and the same at twice the scale."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, REPO, make_tree

OUTPUT = REPO / "test-output" / "real-window"
pytestmark = pytest.mark.xvfb


@pytest.fixture
def xvfb(tmp_path):
    if not shutil.which("Xvfb"):
        pytest.skip("Xvfb is not installed (apt-get install xvfb); scripts/setup.sh installs it")

    def start(number: int, *extra: str, screen: str = "1280x900x24"):
        proc = subprocess.Popen(
            ["Xvfb", f":{number}", "-screen", "0", screen, "-nolisten", "tcp", "-noreset", *extra],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        socket = Path(f"/tmp/.X11-unix/X{number}")
        deadline = time.monotonic() + 20
        while not socket.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Xvfb :{number} did not start: {proc.stderr.read().decode()}")
            time.sleep(0.05)
        started.append(proc)
        return f":{number}"

    started: list[subprocess.Popen] = []
    yield start
    for proc in started:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stderr.close()  # the pipe kept for the start-up message; left open it is a ResourceWarning


def _free_display() -> int:
    return next(n for n in range(91, 140) if not Path(f"/tmp/.X11-unix/X{n}").exists())


def _gui_env(display: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=display, INPLACE_PASSWORD=PASSWORD)
    return env


PAGES = (
    "signin",
    "data-empty",
    "data",
    "destination-empty",
    "destination",
    "transfer",
    "responsibilities-unticked",
    "responsibilities",
    "import",
    "results",
)


def _drive(display, data_dir, src, transfer, project, dataset, **env):
    return subprocess.run(
        [sys.executable, "-m", "tests.gui.real_window_driver", str(data_dir.root), str(src), str(OUTPUT), transfer]
        + [project, dataset],
        capture_output=True,
        text=True,
        env=_gui_env(display) | env,
        cwd=REPO,
        timeout=180,
    )


def _check_screenshots(prefix, min_width=600, min_height=400):
    from PySide6.QtGui import QImage

    for name in PAGES:
        image = QImage(str(OUTPUT / f"{prefix}-{name}.png"))
        assert image.width() >= min_width and image.height() >= min_height, f"{prefix}-{name}"
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
        assert len(colours) > 5, f"{prefix}-{name}.png looks blank"


def test_complete_ln_s_and_cp_rm_imports_in_a_real_window(xvfb, data_dir, tmp_path):
    display = xvfb(_free_display())
    shutil.rmtree(OUTPUT, ignore_errors=True)
    ln_s_src, cp_rm_src = tmp_path / "microscope-a", tmp_path / "microscope-b"
    ln_s_files, cp_rm_files = make_tree(ln_s_src), make_tree(cp_rm_src)

    result = _drive(display, data_dir, ln_s_src, "ln_s", "Screens", "Plate 1")  # both new, typed in
    assert result.returncode == 0, result.stdout + result.stderr
    assert "platform xcb" in result.stdout
    assert f"{len(ln_s_files)} files transferred" in result.stdout
    links = [p for p in data_dir.repository.rglob("*") if p.is_symlink()]
    assert len(links) == len(ln_s_files)
    _check_screenshots("ln_s")

    result = _drive(display, data_dir, cp_rm_src, "cp_rm", "screens", "Plate 2")  # typed: existing, then new
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(cp_rm_files)} files transferred" in result.stdout
    assert not [p for p in cp_rm_src.rglob("*") if p.is_file()]  # the originals were deleted
    copies = [p for p in data_dir.repository.rglob("*") if p.is_file() and not p.is_symlink()]
    assert len([p for p in copies if not p.name.endswith(".log")]) >= len(cp_rm_files)
    _check_screenshots("cp_rm")
    containers = {(c["project"], c["dataset"]) for c in _containers(data_dir)}
    assert containers == {("Screens", "Plate 1"), ("Screens", "Plate 2")}


def test_the_wizard_at_twice_the_scale(xvfb, data_dir, tmp_path):
    """High-DPI screens: every page drawn at QT_SCALE_FACTOR=2 is twice the size, not cut off."""
    display = xvfb(_free_display(), screen="2560x1600x24")
    make_tree(tmp_path / "src")
    result = _drive(display, data_dir, tmp_path / "src", "upload", "", "", QT_SCALE_FACTOR="2", SCREENSHOT_PREFIX="x2")
    assert result.returncode == 0, result.stdout + result.stderr
    _check_screenshots("x2", min_width=1600, min_height=1100)


def _containers(data_dir):
    from engine.accounts import authenticate
    from engine.containers import list_containers

    return list_containers(data_dir, authenticate(data_dir, "alice", PASSWORD))


def test_a_refused_x_cookie_is_explained_not_crashed_on(xvfb, tmp_path):
    cookie_file = tmp_path / "server.auth"
    subprocess.run(
        ["xauth", "-f", str(cookie_file), "add", ":0", "MIT-MAGIC-COOKIE-1", "ab" * 16],
        check=False,
        capture_output=True,
    )
    if not cookie_file.exists():
        pytest.skip("xauth is not installed")
    number = _free_display()
    subprocess.run(["xauth", "-f", str(cookie_file), "add", f":{number}", "MIT-MAGIC-COOKIE-1", "ab" * 16], check=True)
    display = xvfb(number, "-auth", str(cookie_file))
    wrong = tmp_path / "client.auth"
    subprocess.run(["xauth", "-f", str(wrong), "add", f":{number}", "MIT-MAGIC-COOKIE-1", "cd" * 16], check=True)
    env = _gui_env(display) | {"XAUTHORITY": str(wrong)}
    result = subprocess.run(
        [sys.executable, "-m", "gui.app"], capture_output=True, text=True, env=env, cwd=REPO, timeout=60
    )
    assert result.returncode == 2
    assert "refused the connection" in result.stderr and "sudo" in result.stderr
    assert "xcb-cursor" not in result.stderr
