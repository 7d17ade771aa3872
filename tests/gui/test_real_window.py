"""The wizard in a real X server: Xvfb, a real xcb window, a complete ln_s import, screenshots."""

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

    def start(number: int, *extra: str):
        proc = subprocess.Popen(
            ["Xvfb", f":{number}", "-screen", "0", "1280x900x24", "-nolisten", "tcp", "-noreset", *extra],
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


def test_a_complete_ln_s_import_in_a_real_window(xvfb, data_dir, tmp_path):
    display = xvfb(_free_display())
    src = tmp_path / "src"
    files = make_tree(src)
    shutil.rmtree(OUTPUT, ignore_errors=True)
    result = subprocess.run(
        [sys.executable, "-m", "tests.gui.real_window_driver", str(data_dir.root), str(src), str(OUTPUT)],
        capture_output=True,
        text=True,
        env=_gui_env(display),
        cwd=REPO,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "platform xcb" in result.stdout
    assert f"{len(files)} files transferred" in result.stdout
    links = [p for p in data_dir.repository.rglob("*") if p.is_symlink()]
    assert len(links) == len(files)
    from PySide6.QtGui import QImage

    for name in ("signin", "data", "destination", "transfer", "responsibilities", "import", "results"):
        image = QImage(str(OUTPUT / f"{name}.png"))
        assert image.width() >= 600 and image.height() >= 400, name
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
        assert len(colours) > 5, f"{name}.png looks blank"


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
