"""Before Qt starts: is there a display we can really use, and is it a remote one?

Qt 6.5+ aborts with a misleading message about xcb-cursor0 whenever an X connection fails, so the
connection is tried here first with a real X11 handshake, which also tells a refused login cookie
(common after sudo) from an unreachable server.
"""

from __future__ import annotations

import os
import socket
import struct

from gui import texts

OFFSCREEN_PLATFORMS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb")


def _parse_display(display: str) -> tuple[str, int]:
    host, _, rest = display.rpartition(":")
    number = int(rest.split(".")[0])
    return host, number


def _read_xauthority(number: int) -> tuple[bytes, bytes]:
    """The MIT-MAGIC-COOKIE-1 for display `number` from the Xauthority file, or empty values."""
    path = os.environ.get("XAUTHORITY") or os.path.expanduser("~/.Xauthority")
    try:
        data = open(path, "rb").read()
    except OSError:
        return b"", b""
    pos, hostname, best = 0, socket.gethostname().encode(), (b"", b"")
    while pos + 2 <= len(data):
        family = struct.unpack(">H", data[pos : pos + 2])[0]
        pos += 2
        fields = []
        for _ in range(4):
            (length,) = struct.unpack(">H", data[pos : pos + 2])
            fields.append(data[pos + 2 : pos + 2 + length])
            pos += 2 + length
        address, num, name, cookie = fields
        if num.decode(errors="replace") in (str(number), "") and name == b"MIT-MAGIC-COOKIE-1":
            if family == 256 and address == hostname:
                return name, cookie
            best = best if best[0] else (name, cookie)
    return best


def x11_problem(display: str, timeout: float = 5.0) -> str:
    """'' if the X server accepts us; otherwise a plain reason."""
    try:
        host, number = _parse_display(display)
    except ValueError:
        return texts.X_UNREACHABLE.format(display=display, reason="the DISPLAY value is not understood")
    try:
        if host in ("", "unix"):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(f"/tmp/.X11-unix/X{number}")
        else:
            sock = socket.create_connection((host, 6000 + number), timeout=timeout)
    except OSError as exc:
        return texts.X_UNREACHABLE.format(display=display, reason=exc.strerror or str(exc))
    with sock:
        name, cookie = _read_xauthority(number)
        pad = lambda b: b + b"\0" * (-len(b) % 4)  # noqa: E731
        request = struct.pack("<cxHHHHxx", b"l", 11, 0, len(name), len(cookie)) + pad(name) + pad(cookie)
        try:
            sock.sendall(request)
            head = sock.recv(8)
            if head[:1] == b"\x01":
                return ""
            reason_len = head[1] if len(head) > 1 else 0
            reason = sock.recv(reason_len).decode(errors="replace").strip() if reason_len else "no reason given"
        except OSError as exc:
            return texts.X_UNREACHABLE.format(display=display, reason=exc.strerror or str(exc))
    return texts.X_REFUSED.format(display=display, reason=reason)


def display_problem() -> str:
    """'' when a window can be opened; otherwise the message to print."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform.split(":")[0] in OFFSCREEN_PLATFORMS or os.environ.get("WAYLAND_DISPLAY"):
        return ""
    display = os.environ.get("DISPLAY")
    if not display:
        return texts.NO_DISPLAY
    return x11_problem(display)


def is_remote_display() -> bool:
    """X forwarded over SSH (DISPLAY is then localhost:10 or so), or a DISPLAY naming another host."""
    display = os.environ.get("DISPLAY", "")
    over_ssh = bool(os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_CLIENT"))
    return bool(display) and (over_ssh or display.rpartition(":")[0] not in ("", "unix"))


def prepare_environment() -> bool:
    """Settings that must be in place before the QApplication exists. Returns whether remote."""
    remote = is_remote_display()
    if remote:
        os.environ.setdefault("QT_XCB_NO_MITSHM", "1")  # shared memory does not cross the network
        os.environ.setdefault("QT_XCB_GL_INTEGRATION", "none")  # no OpenGL over a forwarded display
        os.environ.setdefault("QT_QUICK_BACKEND", "software")
    return remote
