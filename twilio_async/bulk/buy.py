"""Buying: candidate numbers from searches, and each slot's purchase to a definite end.

**Candidates.** Each area code of the plan (or the plan's one search without) is a pool.
A search answers at most 30 numbers, and nothing promises that the next one answers
others: the fake answers the same first numbers until they are bought, so while 30
purchases of a pool are in flight, searching it again finds nothing new. So when a search
of a pool answers numbers that are being bought already, the pool is split into 100
slices searched in turn, numbers ending in ``00`` to ``99`` (``contains="00$"``, as
Twilio documents ``$``; the slices together are the pool, so the criteria do not change);
slices answer disjoint numbers, and searches ahead of need (two at most per pool) keep the
purchases flowing. A job of more than 30 numbers starts split. A plan with its own
``contains`` is not split, nor a pool whose slice search Twilio refuses (it goes back to
whole-pool searches). A slice (or an unsplit pool) is used up when a
search of it finds nothing new and none of its numbers is being bought; a pool when all of
its slices are. Every number a search returns is recorded once per job (the journal's
primary key), so no number is tried twice, by any slot or process.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import TwilioError
from ..models import AvailablePhoneNumber
from .context import Ending
from .errors import NoMoreNumbersError, OutcomeUnknownError
from .journal import RELEASED, ItemRow, Write
from .plans import BuyNumbers
from .progress import EventKind
from .rules import Outcome, Step, after_lookup, after_purchase, classify

if TYPE_CHECKING:
    from .context import Context

__all__ = ["BuyHandler", "Slices"]

SEARCH_SIZE = 30  # Twilio answers at most 30 numbers per search
SEARCHES_AHEAD = 2  # searches of one pool in flight at once, at most
SEARCH_FAILURES = 3  # searches in a row without an answer that end a pool for this run
SEARCH_THROTTLED = 30  # searches in a row still rate-limited that do (each after a pause)


class _Search(Protocol):
    async def list(self, **filters: Any) -> list[AvailablePhoneNumber]: ...


class Slices:
    """Which search of a pool to send next (pure: told what each search found).

    A key is None (the whole pool) or a ``contains`` suffix such as ``"07$"``. States:
    ``open`` (worth searching), ``searching``, ``blocked`` (found nothing new while its
    numbers are being bought: open again when something changes), ``done`` (used up).
    """

    WAIT = "wait"
    EXHAUSTED = "exhausted"
    SUFFIXES = tuple(f"{n:02d}$" for n in range(100))

    def __init__(self, *, can_split: bool, split: bool = False) -> None:
        self.can_split = can_split
        self._state: dict[str | None, str] = {None: "open"}
        self._cursor = 0
        if split and can_split:
            self._split()

    @property
    def split(self) -> bool:
        return None not in self._state

    @property
    def exhausted(self) -> bool:
        return all(state == "done" for state in self._state.values())

    def next(self) -> str | None:
        """The next slice to search (marked searching); or WAIT, or EXHAUSTED."""
        keys = list(self._state)
        for step in range(len(keys)):
            key = keys[(self._cursor + step) % len(keys)]
            if self._state[key] == "open":
                self._state[key] = "searching"
                self._cursor = (self._cursor + step + 1) % len(keys)
                return key
        return self.EXHAUSTED if self.exhausted else self.WAIT

    def record(self, key: str | None, *, found: int, new: int, in_flight: int) -> None:
        """A search of ``key`` answered ``found`` numbers, ``new`` of them unseen;
        ``in_flight``: how many of its numbers are being bought."""
        if key not in self._state:
            return  # a search of the whole pool answering after the split
        if key is None and self.can_split and new < found and in_flight > 0:
            self._split()  # it answered numbers already being bought: the next would too
        elif new > 0:
            self._state[key] = "open"
        elif in_flight == 0:
            self._state[key] = "done"
        else:
            self._state[key] = "blocked"

    def _split(self) -> None:
        self._state = dict.fromkeys(self.SUFFIXES, "open")
        self._cursor = 0

    def failed(self, key: str | None) -> None:
        if self._state.get(key) == "searching":
            self._state[key] = "open"

    def unsplit(self) -> None:
        """Back to searching the whole pool, for good (a slice's pattern was refused)."""
        self.can_split = False
        self._state = {None: "open"}
        self._cursor = 0

    def unblock(self) -> None:
        for key, state in self._state.items():
            if state == "blocked":
                self._state[key] = "open"


class HandBack(Exception):
    """The slot waits for numbers other pending slots hold: give it back, take those up."""


class _Pool:
    """One pool's candidates: binds them to slots, searches for more when needed."""

    def __init__(self, context: Context, plan: BuyNumbers, index: int) -> None:
        self.context = context
        self.index = index
        self.filters = plan.search_filters(index)
        # A job of more than one search's worth splits at once: no whole-pool search would
        # be answered with numbers not being bought.
        self.slices = Slices(can_split=plan.contains is None, split=plan.count > SEARCH_SIZE)
        self.error: TwilioError | None = None
        self.searching = 0
        self.free = 0  # free candidates as this process counts them: when to search ahead
        self._failures = 0  # searches failed in a row (any way) ...
        self._unanswered = 0  # ... and of those, not for a 429
        country = context.client.available_phone_numbers(plan.country)
        self._search: _Search = getattr(country, plan.number_type)

    @property
    def used_up(self) -> bool:
        return self.error is not None or self.slices.exhausted

    async def bind(self, item: ItemRow, **changes: Any) -> ItemRow | None:
        """``item`` with a candidate of this pool bound to it, ``changes`` written with it;
        None when there is none."""
        journal = self.context.journal
        while not self.used_up and self.context.fatal is None:
            bound = journal.bind(item, self.index, **changes)
            if bound is not None:
                self.took()
                return bound
            self.free = 0
            if self.searching >= SEARCHES_AHEAD:  # numbers are on their way: wait for them
                await self.context.signal.wait(self.context.options.poll_interval)
                continue
            key = self.slices.next()
            if key == Slices.WAIT:
                await self._wait()
            elif key != Slices.EXHAUSTED and not await self.search(key) and not self.used_up:
                # Rate-limited or unanswered even after the client's retries: pause as the
                # client would before the next attempt.
                await asyncio.sleep(self.context.client.retry.backoff(self._failures))
        return None

    async def _wait(self) -> None:
        """Wait for the numbers being bought to be bought (or given up).

        Those of a worker that died are bound to pending slots once its claims are
        recovered, and only a worker taking those slots up moves them: so this one recovers
        dead claims, and hands its own slot back (:class:`HandBack`) when pending slots
        hold numbers, rather than wait for a number only it could free.
        """
        context = self.context
        await context.signal.wait(context.options.poll_interval)
        context.stats["recovered"] += context.journal.recover()
        if context.journal.waiting_numbers():
            raise HandBack
        self.slices.unblock()

    def took(self) -> None:
        """A candidate was bound: search ahead when few are left."""
        self.free -= 1
        if self.free < self.context.options.workers and self.searching < SEARCHES_AHEAD:
            self._search_ahead()

    def _search_ahead(self) -> None:
        key = self.slices.next()
        if key not in (Slices.WAIT, Slices.EXHAUSTED):
            self.context.spawn(self.search(key))

    async def search(self, key: str | None) -> bool:
        """Search ``key`` (a slice, or None) and record what it found; False if it failed."""
        context = self.context
        filters = self.filters if key is None else {**self.filters, "contains": key}
        context.stats["searches"] += 1
        self.searching += 1
        try:
            found = await self._search.list(limit=SEARCH_SIZE, **filters)
        except TwilioError as error:
            self._search_failed(key, error)
            return False
        finally:
            self.searching -= 1
        new = context.journal.add_candidates(self.index, (n.phone_number for n in found))
        in_flight = 0 if new == len(found) else context.journal.in_flight(self.index, key)
        self.slices.record(key, found=len(found), new=new, in_flight=in_flight)
        self.free += new
        self._failures = self._unanswered = 0
        context.signal.notify()
        where = "" if key is None else f" of numbers ending {key[:2]}"
        context.emit(EventKind.SEARCHED, message=f"search{where}: {len(found)} found, {new} new")
        return True

    def _search_failed(self, key: str | None, error: TwilioError) -> None:
        self.slices.failed(key)
        self._failures += 1
        outcome = classify(error)
        if key is not None and outcome is Outcome.REJECTED:
            self.slices.unsplit()  # the pattern, not the plan's criteria, was refused
            return
        if outcome is Outcome.FATAL:
            self.context.abort(error)
        if outcome is Outcome.NOT_PROCESSED:  # 429: the account is busy, not the search
            self.context.stats["rate_limited"] += 1
            give_up = self._failures >= SEARCH_THROTTLED
        else:
            self._unanswered += 1
            give_up = outcome is not Outcome.UNKNOWN or self._unanswered >= SEARCH_FAILURES
        if give_up:
            self.error = error  # it will not get better in this run: the slots fail with it
        self.context.signal.notify()


def _sending(sends: int) -> dict[str, Any]:
    """The journal's marks for a purchase about to leave: unsure until it is answered."""
    return {"unsure": 1, "sends": sends + 1, "sent_at": time.time()}


class BuyHandler:
    """Works the slots of a :class:`~twilio_async.bulk.BuyNumbers` plan."""

    def __init__(self, context: Context, plan: BuyNumbers) -> None:
        self.context = context
        self.plan = plan
        self.pools = [_Pool(context, plan, index) for index in range(len(plan.pools))]

    def pools_for(self, item: ItemRow) -> list[int]:
        """The pools a slot binds a candidate from, in its order (the used-up ones left out)."""
        return [i for i in self.plan.pool_order(item.id) if not self.pools[i].used_up]

    def on_bind(self) -> dict[str, Any]:
        return _sending(0)

    async def process(self, item: ItemRow, *, bound: bool) -> Ending:
        """Work a claimed slot to its end; ``bound``: its claim bound a candidate already."""
        if bound:
            self.pools[item.pool or 0].took()
        return await _Purchase(self, item, ready=bound).run()

    def fail_unsent(self, item: ItemRow, error: TwilioError, *, marked: bool = False) -> Ending:
        """Fail a slot the job will not work on (it stopped): nothing is sent for it.

        A number it may own stays bound, and unsure; one it never sent for goes back to
        the pool. ``marked``: the slot was marked about to buy, but not sent."""
        if item.phone is None or (item.unsure and not marked):
            return self.context.ending(item, EventKind.FAILED, error=error)
        sent = item.sends - marked  # purchases of the number that actually left
        return self.context.ending(
            item,
            EventKind.FAILED,
            error=error,
            candidate="rejected" if sent else "free",
            **RELEASED,
        )


class _Purchase:
    """One slot, from claimed to done or failed.

    Each pass does one thing: look up a number whose purchase may have happened (unsure),
    bind a candidate (no number yet), or buy the bound number. The rules deciding what
    comes next are :mod:`.rules`; the journal records each step before it is taken, and
    the last one (the returned :class:`~.context.Ending`) with the worker's next claim.
    """

    def __init__(self, handler: BuyHandler, item: ItemRow, *, ready: bool) -> None:
        self.handler = handler
        self.context = handler.context
        self.journal = handler.context.journal
        self.item = item
        self.ready = ready  # bound and marked unsure: the purchase is to be sent now
        self.settings = handler.plan.settings_for(item.id)
        self.taken = False  # the last purchase of the bound number was answered 21422
        self.last_error: TwilioError | None = None

    async def run(self) -> Ending:
        while True:
            if self.context.fatal is not None:
                return self.handler.fail_unsent(self.item, self.context.fatal, marked=self.ready)
            if self.ready:
                self.ready = False
                ending = await self.buy()
            elif self.item.unsure:
                ending = await self.reconcile()
            elif self.item.phone is None:
                try:
                    ending = await self.bind()
                except HandBack:
                    handed = Write(self.item, {"state": "pending"})
                    return Ending(handed, EventKind.RETRYING, "other slots hold the numbers found")
            else:
                self._save(EventKind.SENDING, self.item.phone, **_sending(self.item.sends))
                self.ready, ending = True, None
            if ending is not None:
                return ending

    def _save(self, kind: EventKind, message: str = "", **changes: Any) -> None:
        after = self.journal.save(self.item, **changes)
        self.item = self.context.record(self.item, after, kind, message=message)

    def _give_up_number(self, candidate: str, message: str) -> None:
        """The number is certainly not the slot's: on to another (the slot stays claimed)."""
        after = self.journal.apply(Write(self.item, {**RELEASED, "state": "active"}, candidate))
        self.item = self.context.record(self.item, after, EventKind.RETRYING, message=message)
        self.taken = False

    def _fail(self, error: TwilioError) -> Ending:
        """A definite failure: the slot owns nothing, its number is never tried again."""
        context = self.context
        return context.ending(
            self.item, EventKind.FAILED, error=error, candidate="rejected", **RELEASED
        )

    def _done(self, sid: str, note: str | None = None) -> Ending:
        return self.context.ending(
            self.item,
            EventKind.DONE,
            candidate="bought",
            message=note or "",
            sid=sid,
            note=note,
            unsure=0,
        )

    async def bind(self) -> Ending | None:
        """Bind a candidate, marked as about to be bought (one journal write for both)."""
        for index in self.handler.plan.pool_order(self.item.id):
            bound = await self.handler.pools[index].bind(self.item, **_sending(0))
            if bound is not None:
                self.item = self.context.record(
                    self.item, bound, EventKind.SENDING, message=bound.phone or ""
                )
                self.ready = True
                return None
        if self.context.fatal is not None:
            return None  # run() fails the slot with the fatal error
        errors = [pool.error for pool in self.handler.pools if pool.error is not None]
        error = errors[0] if errors else NoMoreNumbersError(self._no_more())
        return self.context.ending(self.item, EventKind.FAILED, error=error)

    def _no_more(self) -> str:
        plan = self.handler.plan
        where = "" if plan.area_codes is None else f" in area codes {', '.join(plan.area_codes)}"
        return (
            f"no more {plan.number_type} numbers in {plan.country}{where} match the criteria "
            f"(slot {self.item.id} of {plan.count} bought nothing)"
        )

    async def buy(self) -> Ending | None:
        """Buy the bound number (the journal marks the slot unsure already)."""
        self.context.stats["purchases"] += 1
        try:
            number = await self.context.client.incoming_phone_numbers.create(
                phone_number=self.item.phone or "", **self.settings
            )
        except TwilioError as error:
            return await self._after_error(error)
        return self._done(number.sid)

    async def _after_error(self, error: TwilioError) -> Ending | None:
        self.last_error = error
        item, outcome = self.item, classify(error)
        options, stats = self.context.options, self.context.stats
        step = after_purchase(
            outcome, suspect=item.suspect, sends=item.sends, max_sends=options.max_sends
        )
        stats["rate_limited"] += outcome is Outcome.NOT_PROCESSED
        stats["taken"] += outcome is Outcome.TAKEN
        if step in (Step.LOOK_UP, Step.LOOK_UP_LATER):
            stats["unknown"] += step is Step.LOOK_UP
            self.taken = step is Step.LOOK_UP_LATER
            self._save(EventKind.UNKNOWN, f"{item.phone}: {error}", suspect=1)  # still unsure
        elif step is Step.NEW_NUMBER:
            self._give_up_number("gone", str(error))
        elif step is Step.SEND_AGAIN:  # rate-limited: not processed
            self._save(EventKind.RETRYING, str(error), unsure=0)
            await self.context.pause(item.sends)
        else:
            if step is Step.ABORT:
                self.context.abort(error)
            return self._fail(error)
        return None

    async def reconcile(self) -> Ending | None:
        """Is the bound number ours? Look it up before anything else is sent for the slot."""
        item, settle = self.item, self.context.options.settle_time
        if self.taken and item.sent_at is not None:
            await asyncio.sleep(max(0.0, item.sent_at + settle - time.time()))
        try:
            sid = await self._look_up(item.phone or "")
        except OutcomeUnknownError as error:  # failed, still unsure: the next run looks again
            return self.context.ending(item, EventKind.FAILED, error=error)
        settled = item.sent_at is None or time.time() - item.sent_at >= settle
        step = after_lookup(
            sid is not None,
            taken=self.taken,
            settled=settled,
            sends=item.sends,
            max_sends=self.context.options.max_sends,
        )
        if step is Step.DONE and sid is not None:
            return self._done(sid, "reconciled: the purchase had happened")
        if step is Step.SEND_AGAIN:
            self.taken = False
            self._save(EventKind.RETRYING, f"{item.phone} is not on the account", unsure=0)
        elif step is Step.NEW_NUMBER:
            self._give_up_number("gone", f"{item.phone} was taken by someone else")
        elif step is Step.FAIL:
            return self._fail(self.last_error or TwilioError(f"gave up buying {item.phone}"))
        return None

    async def _look_up(self, phone: str) -> str | None:
        """The SID of ``phone`` on the account, or None; OutcomeUnknownError if it cannot tell."""
        options, last = self.context.options, None
        for attempt in range(options.lookup_attempts):
            if attempt:
                await asyncio.sleep(options.settle_time / options.lookup_attempts)
            self.context.stats["lookups"] += 1
            try:
                numbers = await self.context.client.incoming_phone_numbers.list(
                    phone_number=phone, limit=20
                )
            except TwilioError as error:
                last = error
                if classify(error) is Outcome.FATAL:
                    self.context.abort(error)
                    break
                continue
            return next((n.sid for n in numbers if n.phone_number == phone), None)
        raise OutcomeUnknownError(
            f"the purchase of {phone} may have happened, and looking it up failed ({last}); "
            "run the job again with the same journal to look again",
            phone_number=phone,
        )
