""":class:`BulkJob`: runs a plan with a bounded set of workers, every step journaled.

A run opens the journal (checking it holds this plan), recovers claims of dead workers,
then starts ``workers`` tasks. Each claims one item at a time and works it to a final
state through the plan's handler (:mod:`.buy`, :mod:`.inventory`); a worker with nothing
to claim lists a :class:`~twilio_async.bulk.NumberFilter`'s numbers if nobody has yet, or
waits while other processes hold items (taking them over if their process dies), or ends.
Requests in flight are bounded by the client's limiter (``max_concurrency``, or the adaptive
limit below it that backs off on 429): the job adds no concurrency control of its own
beyond its workers, and a worker the limit has no room for waits for a permit there.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from ..errors import TwilioError, TwilioValidationError
from .buy import BuyHandler
from .context import TASK_NAME, Context, Ending, Listener, Options, logger
from .inventory import ReleaseHandler, UpdateHandler
from .journal import Journal, LostClaimError, TargetRow
from .plans import BuyNumbers, NumberFilter, Plan, ReleaseNumbers, UpdateNumbers
from .progress import Event, EventKind, JobStats, JobSummary
from .rules import Outcome, classify

if TYPE_CHECKING:
    from ..client import Client
    from ..models import IncomingPhoneNumber
    from .dryrun import DryRun

__all__ = ["BulkJob"]

Handler = Union[BuyHandler, UpdateHandler, ReleaseHandler]  # noqa: UP007
RowMaker = Callable[["IncomingPhoneNumber", Union[str, None]], TargetRow]  # noqa: UP007
LIST_PAGE = 1000  # numbers per page when listing a NumberFilter's numbers
CHECKPOINT_EVERY = 0.5  # seconds between checkpoints of the journal while a job runs


class BulkJob:
    """Run a plan (:class:`BuyNumbers`, :class:`UpdateNumbers`, :class:`ReleaseNumbers`).

    ::

        job = BulkJob(client, BuyNumbers(100, area_codes=["415"]), journal="buy.sqlite")
        summary = await job.run()

    ``journal``: the SQLite file that makes the job resumable (None keeps it in memory).
    Run the same plan with the same file again, after a crash, a ``kill -9`` or Ctrl-C, and
    it carries on: finished items are skipped, requests that may have been processed are
    looked up first, nothing is done twice; several processes may run it at once. A file
    holding another plan is refused with :class:`JournalMismatchError`.

    ``workers``: items worked at once (default: the client's ``max_concurrency``, which
    bounds requests in flight anyway). ``on_event``: called with every :class:`Event`, on
    the event loop (keep it quick; an exception it raises stops the job).
    ``settle_time``: seconds after a purchase with an unknown outcome before a number that
    turned out taken is given up (and the pace of repeated lookups). ``max_sends``: requests
    per item (per number, for a purchase) before it fails. ``retry_failed``: a run works
    items that failed in an earlier run again. ``durable``: an fsync per journal write, for
    power loss (see :mod:`twilio_async.bulk.journal`). ``poll_interval``: how often a
    waiting worker looks at the journal for other processes' progress (and dead workers).
    """

    def __init__(
        self,
        client: Client,
        plan: Plan,
        *,
        journal: str | os.PathLike[str] | None = None,
        workers: int | None = None,
        on_event: Listener | None = None,
        settle_time: float = 10.0,
        max_sends: int = 5,
        retry_failed: bool = True,
        durable: bool = False,
        poll_interval: float = 0.25,
    ) -> None:
        if not isinstance(plan, (BuyNumbers, UpdateNumbers, ReleaseNumbers)):
            raise TwilioValidationError(
                "plan must be BuyNumbers, UpdateNumbers or ReleaseNumbers, "
                f"got {type(plan).__name__}",
                param="plan",
            )
        workers = client.max_concurrency if workers is None else workers
        _check_number("workers", workers, minimum=1, integer=True)
        _check_number("max_sends", max_sends, minimum=1, integer=True)
        _check_number("settle_time", settle_time, minimum=0)
        _check_number("poll_interval", poll_interval, minimum=0.001)
        self.client = client
        self.plan = plan
        self.journal_path = None if journal is None else Path(journal)
        self.options = Options(
            workers=workers,
            settle_time=float(settle_time),
            max_sends=max_sends,
            poll_interval=float(poll_interval),
        )
        self.on_event = on_event
        self.retry_failed = retry_failed
        self.durable = durable
        self.summary: JobSummary | None = None  # the last run's
        self._memory: Journal | None = None  # the journal, when it is kept in memory
        self._running = False

    async def run(self) -> JobSummary:
        """Work the job until every item is done, skipped or failed; the summary says which.

        Cancelling it (Ctrl-C, ``task.cancel()``) stops every worker and leaves the journal
        consistent: items in progress go back to pending, marked unsure when a request may
        have been sent, so the next run looks before sending anything for them.
        """
        return await self._execute(self.on_event)

    def events(self) -> AsyncIterator[Event]:
        """Run the job, yielding its events as they happen; the last one carries the
        summary (also :attr:`summary`). Events wait in a queue until taken.

        Leaving the loop early cancels the job (as :meth:`run` documents); wrap it in
        ``contextlib.aclosing`` so that happens at once rather than when the iterator is
        garbage collected.
        """
        return self._events()

    async def dry_run(self) -> DryRun:
        """What the job would do, sending nothing but searches and GETs; see :class:`DryRun`."""
        from .dryrun import plan_dry_run

        return await plan_dry_run(self)

    # -- running ------------------------------------------------------------------------

    async def _events(self) -> AsyncIterator[Event]:
        queue: asyncio.Queue[Event | None] = asyncio.Queue()
        listener = self.on_event

        def both(event: Event) -> None:
            queue.put_nowait(event)
            if listener is not None:
                listener(event)

        task = asyncio.ensure_future(self._execute(both))
        task.set_name(TASK_NAME)
        task.add_done_callback(lambda _: queue.put_nowait(None))
        try:
            while (event := await queue.get()) is not None:
                yield event
            task.result()  # the run's own exception, if it raised one
        finally:
            if not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)

    async def _execute(self, listener: Listener | None) -> JobSummary:
        if self._running:
            raise RuntimeError("this BulkJob is running already")
        self._running = True
        try:
            journal = self._open_journal()
            try:
                journal.join()
                summary = await _Run(self, journal, listener).execute()
            finally:
                if journal is self._memory:
                    journal.leave()
                else:
                    journal.close()
        finally:
            self._running = False
        self.summary = summary
        return summary

    def _open_journal(self) -> Journal:
        """The journal, holding this job (created, or checked to be this plan's)."""
        if self.journal_path is None:
            journal = self._memory = self._memory or Journal.open(None)
        else:
            journal = Journal.open(
                self.journal_path, synchronous="full" if self.durable else "normal"
            )
        try:
            journal.start(
                plan=self.plan.canonical(), account_sid=self.client.account_sid, **_seed(self.plan)
            )
        except BaseException:
            if journal is not self._memory:
                journal.close()
            raise
        return journal


def _seed(plan: Plan) -> dict[str, Any]:
    """The items a new journal starts with (a NumberFilter's come as they are listed)."""
    if isinstance(plan, BuyNumbers):
        return {"slots": plan.count}
    if isinstance(plan.targets, NumberFilter):
        return {"expanded": False}
    release = isinstance(plan, ReleaseNumbers)
    return {
        "targets": [
            TargetRow(t.sid, t.account_sid, t.phone_number, known=release and t.current is not None)
            for t in plan.targets
        ]
    }


def _check_number(name: str, value: object, *, minimum: float, integer: bool = False) -> None:
    kinds: tuple[type, ...] = (int,) if integer else (int, float)
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if number is None or not isinstance(number, kinds) or number < minimum:
        what = "an integer" if integer else "a number"
        raise TwilioValidationError(
            f"{name} must be {what} >= {minimum}, got {value!r}", param=name
        )


class _Run:
    """One run of a job: its workers, until no item is left to work."""

    def __init__(self, job: BulkJob, journal: Journal, listener: Listener | None) -> None:
        self.job = job
        self.context = Context(
            client=job.client,
            plan=job.plan,
            journal=journal,
            options=job.options,
            listener=listener,
        )
        self.handler = _handler(self.context, job.plan)
        self.listing = _listing(job.plan, self.handler)
        self.journal = journal
        self.started = time.monotonic()
        self.listing_error: TwilioError | None = None

    async def execute(self) -> JobSummary:
        context, journal = self.context, self.journal
        context.stats["recovered"] += journal.recover()
        if self.job.retry_failed:
            journal.retry_failed()
        context.refresh()
        context.emit(EventKind.STARTED)
        context.spawn(self._checkpoints())
        try:
            await _supervise([self._worker() for _ in range(context.options.workers)])
        finally:
            await context.drain()
        context.refresh()
        summary = JobSummary(
            kind=self.job.plan.kind,
            items=tuple(context.result(row) for row in journal.items()),
            elapsed=time.monotonic() - self.started,
            stats=JobStats.of(context.stats),
            error=self.listing_error or context.fatal,
        )
        context.emit(EventKind.FINISHED, summary=summary)
        return summary

    async def _checkpoints(self) -> None:
        """Checkpoint the journal's WAL in a thread, now and then, while the job runs."""
        while True:
            await asyncio.sleep(CHECKPOINT_EVERY)
            await asyncio.to_thread(self.journal.checkpoint)

    async def _worker(self) -> None:
        context, journal, handler = self.context, self.journal, self.handler
        buying = handler if isinstance(handler, BuyHandler) else None
        ending: Ending | None = None
        while True:
            # The item just worked ends in the same transaction as the next claim: they
            # follow each other with no await between, so nothing is written later for it.
            claim = journal.claim(
                finishing=None if ending is None else ending.write,
                pools=None if buying is None or context.fatal else buying.pools_for,
                on_bind=None if buying is None else buying.on_bind(),
            )
            if ending is not None and claim.finished is not None:
                context.ended(ending, claim.finished)
            ending, item = None, claim.item
            if item is None:
                if await self._idle():
                    continue
                return
            context.claimed(item, bound=claim.bound)
            if context.fatal is not None:
                ending = handler.fail_unsent(item, context.fatal)
                continue
            try:
                ending = await handler.process(item, bound=claim.bound)
            except LostClaimError as error:  # recovered by another process: theirs now
                logger.warning("%s", error)

    async def _idle(self) -> bool:
        """Nothing to claim: True once there may be something (after a wait), False when
        the job is over for this process."""
        journal = self.journal
        expanded, expander = journal.expansion()
        expanded = expanded or self.listing_error is not None
        if not expanded and expander is None and journal.claim_expansion():
            await self._expand()
            return True
        if expanded and journal.active_elsewhere() == 0:
            return False
        await self.context.signal.wait(self.context.options.poll_interval)
        self.context.stats["recovered"] += journal.recover()
        return True

    async def _expand(self) -> None:
        """List a NumberFilter's numbers into the journal, a page at a time."""
        assert self.listing is not None  # only a NumberFilter's journal starts unexpanded
        context, (where, target_row) = self.context, self.listing
        batch: list[TargetRow] = []
        try:
            async for number in context.numbers(where.account_sid).stream(
                page_size=LIST_PAGE, **where.filters()
            ):
                batch.append(target_row(number, where.account_sid))
                if len(batch) == LIST_PAGE:
                    self._listed(batch)
                    batch = []
        except TwilioError as error:
            self.listing_error = error
            if classify(error) is Outcome.FATAL:
                context.abort(error)
            self.journal.release_expansion()
            context.signal.notify()
            return
        self._listed(batch)
        self.journal.finish_expansion()
        context.signal.notify()

    def _listed(self, batch: list[TargetRow]) -> None:
        new = self.journal.add_targets(batch)
        self.context.stats["listed"] += len(batch)
        self.context.refresh()
        self.context.signal.notify()
        self.context.emit(EventKind.LISTED, message=f"listed {len(batch)}, {new} new")


def _handler(context: Context, plan: Plan) -> Handler:
    if isinstance(plan, BuyNumbers):
        return BuyHandler(context, plan)
    if isinstance(plan, UpdateNumbers):
        return UpdateHandler(context, plan)
    return ReleaseHandler(context, plan)


def _listing(plan: Plan, handler: Handler) -> tuple[NumberFilter, RowMaker] | None:
    """The filter whose numbers the job lists as its items, and how an item is made."""
    if isinstance(plan, BuyNumbers) or isinstance(handler, BuyHandler):
        return None
    return (plan.targets, handler.target_row) if isinstance(plan.targets, NumberFilter) else None


async def _supervise(coroutines: list[Coroutine[Any, Any, None]]) -> None:
    """Run the coroutines as tasks until all end; the first to raise (or a cancellation of
    the caller) cancels the others, and every task has ended when this returns."""
    tasks = [asyncio.ensure_future(c) for c in coroutines]
    for task in tasks:
        task.set_name(TASK_NAME)
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            task.result()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
