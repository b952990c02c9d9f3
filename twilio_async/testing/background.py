"""An event loop of its own in a daemon thread: how the fake serves code whose event loops
come and go (pytest-asyncio's and anyio's per-test loops, under one session-wide fake) or
that has no event loop at all.

Everything the fake does runs in that thread; :meth:`BackgroundLoop.call` runs a function
there and waits for it, so a test in another thread changes the fake's state only between
two requests, never in the middle of one.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

__all__ = ["BackgroundLoop"]

T = TypeVar("T")

# How long a test waits for the fake's thread to do one thing: far more than it takes on a
# loaded machine, so a stuck fake fails the test instead of hanging the run.
WAIT = 60.0


class BackgroundLoop:
    """A running event loop in a daemon thread, until :meth:`close`."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` in the loop; wait for its result (or exception)."""
        if threading.current_thread() is self._thread:
            coroutine.close()
            raise RuntimeError("BackgroundLoop.run() called from its own thread")
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(WAIT)

    def call(self, function: Callable[[], T]) -> T:
        """``function()`` in the loop's thread (at once if already there)."""
        if threading.current_thread() is self._thread:
            return function()

        async def call() -> T:
            return function()

        return self.run(call())

    def close(self) -> None:
        """Stop the loop, wait for the thread, close the loop."""
        if self.loop.is_closed():
            return
        self.run(self.loop.shutdown_asyncgens())
        self.run(self.loop.shutdown_default_executor())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(WAIT)
        self.loop.close()
