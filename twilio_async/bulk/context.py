"""What the item handlers of one run share: the client, the journal, the options, and the
one place where an item's change of state is counted and reported (:meth:`Context.record`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from ..errors import TwilioError
from .errors import error_to_json
from .journal import ItemRow, Journal, Write
from .plans import Plan
from .progress import Event, EventKind, ItemResult, JobSummary, ProgressBoard

if TYPE_CHECKING:
    from ..client import Client
    from ..resources.incoming_phone_numbers import IncomingPhoneNumberList

__all__ = ["Context", "Ending", "Options", "Signal", "numbers_of"]

logger = logging.getLogger("twilio_async.bulk")

Listener = Callable[[Event], None]
TASK_NAME = "twilio_async.bulk"  # every task a job starts is named so


@attrs.frozen
class Options:
    """How a job runs (see :class:`~twilio_async.bulk.BulkJob` for each)."""

    workers: int
    settle_time: float = 10.0
    max_sends: int = 5
    poll_interval: float = 0.25
    lookup_attempts: int = 3


class Ending(NamedTuple):
    """How an item ends: its last write (applied with the worker's next claim) and what to
    report once it is written."""

    write: Write
    kind: EventKind
    message: str = ""
    error: TwilioError | None = None


_FINAL_STATES = {EventKind.DONE: "done", EventKind.SKIPPED: "skipped", EventKind.FAILED: "failed"}


class Signal:
    """Wakes every waiter when something changed (an item finished, a search answered).

    Waits are bounded by a timeout: other processes' changes are seen by polling.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        event = self._event
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)


def numbers_of(client: Client, account_sid: str | None) -> IncomingPhoneNumberList:
    """IncomingPhoneNumbers of ``account_sid`` (None: the client's account)."""
    if account_sid is None or account_sid == client.account_sid:
        return client.incoming_phone_numbers
    return client.accounts(account_sid).incoming_phone_numbers


class Context:
    """One run's shared state and services, handed down to the item handlers."""

    def __init__(
        self,
        *,
        client: Client,
        plan: Plan,
        journal: Journal,
        options: Options,
        listener: Listener | None,
    ) -> None:
        self.client = client
        self.plan = plan
        self.journal = journal
        self.options = options
        self.stats: Counter[str] = Counter()
        self.signal = Signal()
        self.fatal: TwilioError | None = None  # set by abort(): no new work is started
        self.errors: dict[int, TwilioError] = {}  # this run's failures, as raised
        self.board = ProgressBoard(started=time.monotonic())
        self._listener = listener
        self._tasks: set[asyncio.Task[Any]] = set()

    def numbers(self, account_sid: str | None) -> IncomingPhoneNumberList:
        return numbers_of(self.client, account_sid)

    # -- reporting ----------------------------------------------------------------------

    def record(
        self,
        before: ItemRow,
        after: ItemRow,
        kind: EventKind,
        *,
        message: str = "",
        error: TwilioError | None = None,
    ) -> ItemRow:
        """Count and report a change the journal has recorded already; returns ``after``."""
        if error is not None:
            self.errors[after.id] = error
        if before.state != after.state:
            self.board.move(before.state, after.state)
            self.signal.notify()
        if kind is EventKind.UNKNOWN:
            self.board.reconciling.add(after.id)
        elif kind is not EventKind.SEARCHED:
            self.board.reconciling.discard(after.id)
        self.emit(kind, after, message)
        return after

    def claimed(self, item: ItemRow, *, bound: bool) -> None:
        """Count an item a worker claimed (``bound``: with a number to buy, marked)."""
        unsure = item.unsure and not bound  # its last request may have happened: look
        self.board.move("pending", "active", unsure=-1 if unsure else 0)
        if unsure:
            self.board.reconciling.add(item.id)
            self.emit(EventKind.UNKNOWN, item, "taken over: looking it up first")
        elif bound:
            self.emit(EventKind.SENDING, item, item.phone or "")

    def ending(
        self,
        item: ItemRow,
        kind: EventKind,
        *,
        error: TwilioError | None = None,
        candidate: str | None = None,
        message: str = "",
        **changes: Any,
    ) -> Ending:
        """``item`` ends done, skipped or failed (``kind``) with ``changes``."""
        changes["state"] = _FINAL_STATES[kind]
        if error is not None:
            changes["error"] = error_to_json(error)
        text = message or ("" if error is None else str(error))
        return Ending(Write(item, changes, candidate), kind, text, error)

    def ended(self, ending: Ending, after: ItemRow) -> None:
        """Report an ending the journal has written."""
        self.stats[after.state] += 1
        self.record(
            ending.write.item, after, ending.kind, message=ending.message, error=ending.error
        )

    def emit(
        self,
        kind: EventKind,
        item: ItemRow | None = None,
        message: str = "",
        summary: JobSummary | None = None,
    ) -> None:
        if self._listener is None:
            return
        now = time.monotonic()
        if self.board.stale(now):
            self.refresh(now)
        progress = self.board.snapshot(now)
        result = None if item is None else self.result(item)
        self._listener(Event(kind, progress, result, message, summary))

    def refresh(self, now: float | None = None) -> None:
        """Read the whole job's counts from the journal (other processes' work included)."""
        self.board.reset(self.journal.counts(), time.monotonic() if now is None else now)

    def result(self, row: ItemRow) -> ItemResult:
        """An item as the caller sees it (with the very exception this run caught)."""
        return ItemResult.from_row(row, error=self.errors.get(row.id))

    async def pause(self, attempt: int) -> None:
        """Wait before sending again what is still rate-limited after the client's own
        retries: the client's backoff, so that the job does not feed the storm."""
        await asyncio.sleep(self.client.retry.backoff(attempt))

    def abort(self, error: TwilioError) -> None:
        """Every further request would fail like this one: start no new work."""
        if self.fatal is None:
            logger.error("bulk job stopped: %s", error)
            self.fatal = error

    # -- background tasks (searches fetched ahead) -----------------------------------------

    def spawn(self, coroutine: Coroutine[Any, Any, object]) -> None:
        task = asyncio.ensure_future(coroutine)
        task.set_name(TASK_NAME)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Cancel and await every background task (at the end of a run)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
