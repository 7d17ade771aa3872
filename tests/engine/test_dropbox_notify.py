"""The DropBox service under systemd (Type=notify): a real unix datagram socket stands in for systemd's
NOTIFY_SOCKET, and the real service process must say READY=1 once it watches its folders, keep the
watchdog fed at half the interval it was given, show a STATUS= line, and say STOPPING=1 on SIGTERM."""

from __future__ import annotations

import socket
import time

from engine.api import DataDirectory, FolderArguments
from tests.conftest import PASSWORD
from tests.engine.test_dropbox_service import start_service, stop_service


def receive(sock: socket.socket, until: str, deadline: float) -> list[dict[str, str]]:
    """Messages (each KEY=VALUE lines) until one holds `until` as a key."""
    got: list[dict[str, str]] = []
    while not any(until in m for m in got):
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        data = sock.recv(4096).decode()
        got.append(dict(line.split("=", 1) for line in data.splitlines()))
    return got


def test_the_service_tells_systemd_it_is_ready_alive_and_stopping(data_dir, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    with DataDirectory.open(data_dir.root) as dd:
        dd.sign_in("alice", PASSWORD).add_watched_folder(str(drop), "alice", FolderArguments(quiet_seconds=1))
    address = tmp_path / "notify.sock"
    log = tmp_path / "service.log"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(address))
        env = {"NOTIFY_SOCKET": str(address), "WATCHDOG_USEC": "600000"}  # a ping every 0.3 s
        proc = start_service(data_dir, log, "--max-imports", "3", env=env)
        try:
            started = time.monotonic()
            messages = receive(sock, "READY", started + 60)
            assert messages[-1]["READY"] == "1"
            assert messages[-1]["STATUS"] == "watching 1 folder; 0 of at most 3 imports running"
            pings = receive(sock, "WATCHDOG", time.monotonic() + 5)
            assert pings[-1]["WATCHDOG"] == "1"
            pings = receive(sock, "WATCHDOG", time.monotonic() + 5)  # and again, while nothing happens
        finally:
            output = stop_service(proc, log)
            stopping = receive(sock, "STOPPING", time.monotonic() + 5)
    assert stopping[-1]["STOPPING"] == "1"
    assert "watching 1 folder, at most 3 imports at once" in output


def test_an_abstract_notify_socket_is_reached_and_no_socket_means_no_message(monkeypatch):
    from engine.dropbox.notify import Notifier

    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert Notifier().send(READY=1) is False
    name = f"inplace-test-{time.monotonic_ns()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
        assert Notifier().send(READY=1, STATUS="ok") is True
        sock.settimeout(5)
        assert sock.recv(100) == b"READY=1\nSTATUS=ok"
