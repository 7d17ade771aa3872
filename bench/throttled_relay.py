"""A TCP relay that counts the bytes passing through it and can play a slow link (a rate and a delay
each way), for measuring the wizard over a forwarded X connection. The kernel here has no netem, so
the link is shaped here: each direction queues what it read, with a bound (so a sender blocks as on a
real link once the window is full), and hands it on at the rate after the delay.

A client on `counter_path` (a UNIX socket) reads "down up\\n": bytes from the far side so far, bytes to it.
"""

from __future__ import annotations

import collections
import os
import socket
import threading
import time

CHUNK = 16 * 1024
QUEUE_LIMIT = 256 * 1024  # bytes in flight per direction: about a TCP window on such a link


class _Pump:
    """One direction of one connection: read, wait for the link, write."""

    def __init__(self, src: socket.socket, dst: socket.socket, relay: ThrottledRelay, down: bool) -> None:
        self.src, self.dst, self.relay, self.down = src, dst, relay, down
        self.queue: collections.deque[tuple[float, bytes]] = collections.deque()
        self.queued = 0
        self.cond = threading.Condition()
        self.eof = False

    def start(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._read, daemon=True), threading.Thread(target=self._write, daemon=True)]
        for t in threads:
            t.start()
        return threads

    def _read(self) -> None:
        try:
            while data := self.src.recv(CHUNK):
                self.relay.count(len(data), self.down)
                with self.cond:
                    while self.queued > QUEUE_LIMIT:
                        self.cond.wait()
                    self.queue.append((time.monotonic(), data))
                    self.queued += len(data)
                    self.cond.notify_all()
        except OSError:
            pass
        with self.cond:
            self.eof = True
            self.cond.notify_all()

    def _write(self) -> None:
        busy_until = 0.0
        rate, delay = self.relay.bytes_per_second, self.relay.delay
        try:
            while True:
                with self.cond:
                    while not self.queue and not self.eof:
                        self.cond.wait()
                    if not self.queue:
                        break
                    read_at, data = self.queue.popleft()
                    self.queued -= len(data)
                    self.cond.notify_all()
                if rate:
                    busy_until = max(busy_until, read_at) + len(data) / rate
                    wait = busy_until + delay - time.monotonic()
                    if wait > 0:
                        time.sleep(wait)
                self.dst.sendall(data)
        except OSError:
            pass
        try:
            self.dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


class ThrottledRelay:
    """Listen on 127.0.0.1:`port` (0: any), relay each connection to `target` (host, port)."""

    def __init__(self, target: tuple[str, int], bytes_per_second: float = 0, delay: float = 0.0, port: int = 0) -> None:
        self.target, self.bytes_per_second, self.delay = target, bytes_per_second, delay
        self.down = self.up = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", port))
        self.port = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = [self._listener]
        self._counter: socket.socket | None = None
        self.counter_path = ""
        threading.Thread(target=self._accept, daemon=True).start()

    def count(self, n: int, down: bool) -> None:
        with self._lock:
            if down:
                self.down += n
            else:
                self.up += n

    def total(self) -> int:
        with self._lock:
            return self.down + self.up

    def serve_counter(self, path: str) -> None:
        """Answer "down up" on a UNIX socket, so the scripted wizard can read the bytes per step."""
        if os.path.exists(path):
            os.unlink(path)
        self._counter = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._counter.bind(path)
        self._counter.listen(4)
        self.counter_path = path
        threading.Thread(target=self._answer_counter, daemon=True).start()

    def _answer_counter(self) -> None:
        assert self._counter is not None
        while True:
            try:
                conn, _ = self._counter.accept()
            except OSError:
                return
            with conn:
                try:
                    while conn.recv(1):
                        with self._lock:
                            conn.sendall(f"{self.down} {self.up}\n".encode())
                except OSError:
                    pass

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            for s in (client, server):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._sockets += [client, server]
            _Pump(server, client, self, down=True).start()
            _Pump(client, server, self, down=False).start()

    def close(self) -> None:
        for s in [*self._sockets, *([self._counter] if self._counter else [])]:
            try:
                s.shutdown(socket.SHUT_RDWR)  # wakes a thread waiting in accept(), which close() would not
            except OSError:
                pass
            s.close()
        if self.counter_path and os.path.exists(self.counter_path):
            os.unlink(self.counter_path)


class CounterClient:
    """The scripted wizard's side of the counter socket."""

    def __init__(self, path: str) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.file = self.sock.makefile("r")

    def total(self) -> int:
        self.sock.sendall(b"?")
        down, up = self.file.readline().split()
        return int(down) + int(up)

    def close(self) -> None:
        self.file.close()
        self.sock.close()
