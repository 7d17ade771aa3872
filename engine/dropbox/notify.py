"""Telling systemd how the service is doing (a `Type=notify` unit): READY=1 once every folder is watched,
STATUS= lines that `systemctl status` shows, WATCHDOG=1 while the main loop is alive, STOPPING=1.

The protocol is one datagram of `KEY=VALUE` lines to the unix socket named by $NOTIFY_SOCKET (a leading
'@' is Linux's abstract namespace). It is written here rather than taken from a library: `sdnotify`
has not been released since 2017, and `systemd-python` needs libsystemd's headers to build, which a
plain `pip install` of this tool must not. Without $NOTIFY_SOCKET (not under systemd) nothing is sent.
"""

from __future__ import annotations

import os
import socket
import time

SOCKET_ENV = "NOTIFY_SOCKET"
WATCHDOG_ENV = "WATCHDOG_USEC"


class Notifier:
    """Sends to systemd when it asked for it; each call costs nothing otherwise."""

    def __init__(self) -> None:
        address = os.environ.get(SOCKET_ENV, "")
        self.address = "\0" + address[1:] if address.startswith("@") else address
        interval = _watchdog_seconds()
        self.watchdog_every = interval / 2 if interval else None  # systemd's advice: ping at half the interval
        self._pinged = 0.0

    @property
    def enabled(self) -> bool:
        return bool(self.address)

    def send(self, **fields: str | int) -> bool:
        """One message, e.g. `send(READY=1, STATUS="watching 3 folders")`; False if it could not be sent
        (systemd gone): the service goes on regardless."""
        if not self.address:
            return False
        message = "\n".join(f"{key}={value}" for key, value in fields.items()).encode()
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.sendto(message, self.address)
        except OSError:
            return False
        return True

    def alive(self, status: str | None = None) -> None:
        """From the main loop: the watchdog's ping when it is due, with the status when it changed."""
        due = self.watchdog_every is not None and time.monotonic() - self._pinged >= self.watchdog_every
        fields: dict[str, str | int] = {}
        if due:
            fields["WATCHDOG"] = 1
            self._pinged = time.monotonic()
        if status is not None:
            fields["STATUS"] = status
        if fields:
            self.send(**fields)


def _watchdog_seconds() -> float | None:
    """The watchdog interval systemd set for this very process (WATCHDOG_PID, when given, must be ours)."""
    usec = os.environ.get(WATCHDOG_ENV)
    pid = os.environ.get("WATCHDOG_PID")
    if not usec or (pid and pid != str(os.getpid())):
        return None
    try:
        return int(usec) / 1_000_000 or None
    except ValueError:
        return None
