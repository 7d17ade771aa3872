"""The one way pages run engine work: an `Op`, in the spirit of Anki's `QueryOp`.

    self.ops.op(session.plan, paths, options).with_cancel().success(self._show).run_in_background()

The call runs on a worker thread; its result goes to `success`, an exception to `failure` (by default
the wizard's error presenter, which shows one plain sentence), both on the GUI thread. `Cancelled`
is not an error: neither is called. `finished` runs after either, so a page can never be left
"checking". An op given a cancel token (`with_cancel`) can be stopped: `cancel()` sets the token,
which the engine checks as it works, and nothing more is delivered for it. Pages keep no
try/except of their own around engine work.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from PySide6.QtCore import QTimer

from engine.api import CancelToken
from engine.errors import Cancelled, EngineError
from gui import texts

log = logging.getLogger(__name__)
POLL_MS = 100


def plain_sentence(exc: BaseException) -> str:
    """What a person is told about a failure: the engine's own sentence, never a traceback."""
    if isinstance(exc, EngineError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        return texts.OS_ERROR.format(where=where, reason=exc.strerror)
    return texts.UNEXPECTED_ERROR.format(error=f"{type(exc).__name__}: {exc}")


class Op:
    """One engine call for a page. Build it, say what follows, then `run_in_background()`."""

    def __init__(self, ops: Operations, fn: Callable, *args, **kwargs) -> None:
        self._ops = ops
        self._call = partial(fn, *args, **kwargs)
        self._on_success: Callable[[Any], None] = lambda _result: None
        self._on_failure: Callable[[BaseException], None] = ops.present_error
        self._on_finished: Callable[[], None] = lambda: None
        self._progress: tuple[Any, Callable] | None = None
        self.cancel_token: CancelToken | None = None
        self.abandoned = False
        self.running = False

    def success(self, callback: Callable[[Any], None]) -> Op:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Op:
        """Instead of the wizard's error presenter (which still shows unexpected errors' sentence)."""
        self._on_failure = callback
        return self

    def finished(self, callback: Callable[[], None]) -> Op:
        """After success or failure (or the engine's own Cancelled), never after `cancel()`."""
        self._on_finished = callback
        return self

    def with_cancel(self) -> Op:
        """Pass a fresh CancelToken to the call as `cancel=`; `cancel()` sets it."""
        self.cancel_token = CancelToken()
        self._call = partial(self._call, cancel=self.cancel_token)
        return self

    def with_progress(self, tracker, callback: Callable[[Any], None]) -> Op:
        """Poll `tracker.snapshot()` every 100 ms while the call runs, and once at its end."""
        self._progress = (tracker, callback)
        return self

    def cancel(self) -> None:
        """Stop caring about this op: the engine is told to stop, and nothing more is delivered."""
        self.abandoned = True
        if self.cancel_token is not None:
            self.cancel_token.cancel()

    def run_in_background(self) -> Op:
        self.running = True
        self._ops.start(self._run())
        return self

    async def _run(self) -> None:
        timer = self._start_polling()
        self._ops.running_ops.add(self)
        result = error = None
        cancelled = False
        try:
            result = await self._ops.run(self._call)
        except Cancelled:
            cancelled = True
        except Exception as exc:  # delivered to failure(): a sentence, not a traceback
            error = exc
            if not isinstance(exc, EngineError | OSError):
                log.error("unexpected error in engine work", exc_info=exc)
        finally:
            self._end(timer)
        if self.abandoned:
            return
        if error is not None:
            self._on_failure(error)
        elif not cancelled:
            self._on_success(result)
        self._on_finished()

    def _start_polling(self) -> QTimer | None:
        if self._progress is None:
            return None
        tracker, callback = self._progress
        timer = QTimer()
        timer.setInterval(POLL_MS)
        timer.timeout.connect(lambda: callback(tracker.snapshot()))
        timer.start()
        return timer

    def _end(self, timer: QTimer | None) -> None:
        self.running = False
        self._ops.running_ops.discard(self)
        if timer is not None:
            timer.stop()
            if not self.abandoned and self._progress is not None:
                tracker, callback = self._progress
                callback(tracker.snapshot())


class Operations:
    """The wizard's worker threads and its error presenter; `op()` builds the pages' engine calls."""

    def __init__(self, on_error: Callable[[str], None] | None = None, workers: int = 4) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="engine")
        self._tasks: set[asyncio.Task] = set()
        self.running_ops: set[Op] = set()
        self.on_error = on_error or (lambda sentence: None)

    def op(self, fn: Callable, *args, **kwargs) -> Op:
        return Op(self, fn, *args, **kwargs)

    def present_error(self, exc: BaseException) -> None:
        self.on_error(plain_sentence(exc))

    async def run(self, fn: Callable, *args, **kwargs):
        """The low-level step under `Op`: await `fn` on a worker thread (the keyring uses it too)."""
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
        if exc is not None and not isinstance(exc, Cancelled):  # a bug in a page's callback
            log.error("unexpected error in the wizard", exc_info=exc)
            self.present_error(exc)

    def shutdown(self) -> None:
        """Tell running engine work to stop, drop what is queued, and deliver nothing more."""
        for op in list(self.running_ops):
            op.cancel()
        for task in list(self._tasks):
            task.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)
