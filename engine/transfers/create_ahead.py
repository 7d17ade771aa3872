"""Create a fileset's next files on a second thread while the importer verifies and records the
current one.

Opening, reading, hashing, linking and copying release the interpreter's lock for most of their
time (hashlib does for blocks of 2 KiB and more), so on two cores a plate's hundreds of thousands of
small files are created at the same time as the importer checks and books the ones before. Tasks go
to the thread CHUNK at a time (a task each would cost more in hand-over than a small file's work),
and at most WINDOW of them are ahead: memory stays flat however large the fileset. Only transfers
that say their create() may run on another thread (Transfer.parallel_safe) are run this way; the
work handed over creates, verifies and proves the original unchanged (engine/fileset_import.py)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice

from engine.transfers.base import FileTask
from engine.yielding import let_others_run

CHUNK = 32
WINDOW = 8 * CHUNK


class CreateAhead[Result]:
    """Iterate over the tasks in order; `take(task)` returns what `work(task)` returned on the second
    thread, or raises what it raised."""

    def __init__(self, work: Callable[[FileTask], Result], tasks: Iterable[FileTask]) -> None:
        self._work = work
        self._tasks = iter(tasks)
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="create-ahead")
        self._chunks: deque[tuple[list[FileTask], Future[None]]] = deque()
        self._results: dict[int, tuple[Result | None, BaseException | None]] = {}
        self._waiting: dict[int, Future[None]] = {}
        while len(self._chunks) * CHUNK < WINDOW and self._submit():
            pass

    def _submit(self) -> bool:
        chunk = list(islice(self._tasks, CHUNK))
        if chunk:
            future = self._pool.submit(self._create_all, chunk)
            self._chunks.append((chunk, future))
        return bool(chunk)

    def _create_all(self, chunk: list[FileTask]) -> None:
        for task in chunk:
            let_others_run()  # seven system calls a file: the importer's thread and the wizard's must get in
            try:
                self._results[id(task)] = (self._work(task), None)
            except BaseException as exc:  # handed to the importer's thread by take()
                self._results[id(task)] = (None, exc)

    def __iter__(self) -> Iterator[FileTask]:
        while self._chunks:
            chunk, future = self._chunks.popleft()
            self._submit()
            for task in chunk:
                self._waiting[id(task)] = future
                yield task

    def take(self, task: FileTask) -> Result:
        self._waiting.pop(id(task)).result()
        result, error = self._results.pop(id(task))
        if error is not None:
            raise error
        assert result is not None
        return result

    def close(self) -> None:
        """Stop creating ahead (after a cancel some queued files are never needed) and wait for the thread."""
        for _, future in self._chunks:
            future.cancel()
        self._pool.shutdown(wait=True)
        self._chunks.clear()
        self._results.clear()
        self._waiting.clear()
