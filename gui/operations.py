"""The one way pages run engine work: off the GUI thread, awaited on the qasync loop.

Pages never do file I/O or catalog work themselves; they `await ops.run(fn, ...)`, or hand a
coroutine to `ops.start()` from a Qt slot. Failures of background tasks are delivered to
`on_error` on the GUI thread; cancellation is not an error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from engine.errors import Cancelled


class Operations:
    def __init__(self, on_error: Callable[[BaseException], None] | None = None, workers: int = 4) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="engine")
        self._tasks: set[asyncio.Task] = set()
        self.on_error = on_error or (lambda exc: None)

    async def run(self, fn: Callable, *args, **kwargs):
        loop = asyncio.get_event_loop()
        return await loop.run_in_executor(self._executor, partial(fn, *args, **kwargs))

    def start(self, coro: Coroutine) -> asyncio.Task:
        """Schedule a coroutine from synchronous Qt code; keep it alive until done."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None and not isinstance(exc, Cancelled):
            self.on_error(exc)

    def shutdown(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)
