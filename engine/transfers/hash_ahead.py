"""Hash a fileset's next files on a second thread while the importer places the current one.

Opening, reading, hashing and closing a small file release the interpreter's lock for most of their
time (hashlib does for blocks of 2 KiB and more), so on two cores the checksums of a plate's
hundreds of thousands of small files come at the same time as the links, not before each of them.
At most WINDOW files are hashed ahead: memory stays flat however large the fileset."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from engine.checksums.hashing import BLOCK_SIZE
from engine.transfers import FileTask
from engine.transfers.base import hash_source

WINDOW = 64
LARGEST = 8 * BLOCK_SIZE  # larger files are hashed by their transfer, beside the copy


class HashAhead:
    """Iterate over the tasks as given; `take(task)` then sets `task.hashed` from the second thread."""

    def __init__(self, tasks: Iterable[FileTask]) -> None:
        self._tasks = iter(tasks)
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="hash-ahead")
        self._queue: deque[tuple[FileTask, Future[str] | None]] = deque()
        self._futures: dict[int, Future[str]] = {}
        self._fill()

    def _fill(self) -> None:
        while len(self._queue) < WINDOW:
            task = next(self._tasks, None)
            if task is None:
                return
            future = self._pool.submit(hash_source, task) if task.size < LARGEST else None
            self._queue.append((task, future))

    def __iter__(self) -> Iterator[FileTask]:
        while self._queue:
            task, future = self._queue.popleft()
            if future is not None:
                self._futures[id(task)] = future
            self._fill()
            yield task

    def take(self, task: FileTask) -> None:
        """Wait for this task's checksum (raising what hashing raised: a changed file, a cancel)."""
        future = self._futures.pop(id(task), None)
        if future is not None:
            task.hashed = future.result()

    def close(self) -> None:
        """Stop hashing ahead (after a cancel or a failure some queued files are never needed)."""
        for _, future in self._queue:
            if future is not None:
                future.cancel()
        self._pool.shutdown(wait=True)
        self._queue.clear()
        self._futures.clear()
