"""How many requests may be in flight: the :class:`Limiter` interface, the in-process
:class:`LocalLimiter`, and the :class:`AdaptiveConcurrency` controller that moves its limit.

The transport takes a permit from its limiter before every attempt (queueing there is not
part of any timeout) and gives it back once the attempt has ended, with the attempt's
:class:`Outcome`; a throttled attempt gives its permit back before its retry waits.

Twilio limits how many requests an account may have in flight (the figure is not
published) and answers 429, code 20429, beyond it, without processing the request. The
answer comes at once: the limit is a hard ceiling that refuses rather than queues, so
latency carries no warning of it (what Netflix's Vegas and Gradient limits and TCP Vegas
watch) and the 429 itself is the signal, as a loss is to TCP. :class:`AdaptiveConcurrency`
is therefore loss-based, after TCP CUBIC (RFC 9438) with TCP's rules from RFC 5681, its
clock counting round trips (answers / limit) instead of seconds, so it is a pure function
of the outcomes it is fed.
"""

from __future__ import annotations

import enum
import logging
from collections import deque
from typing import TYPE_CHECKING, Protocol, TypeVar

from .errors import ConfigurationError

if TYPE_CHECKING:
    import asyncio

__all__ = [
    "DEFAULT_INITIAL_LIMIT",
    "DEFAULT_MAX_CONCURRENCY",
    "AdaptiveConcurrency",
    "Limiter",
    "LocalLimiter",
    "Outcome",
]

logger = logging.getLogger("twilio_async")

DEFAULT_MAX_CONCURRENCY = 50
"""Requests a client may have in flight unless told otherwise."""
DEFAULT_INITIAL_LIMIT = 10
"""Where an adaptive limit starts (TCP's initial window, RFC 6928, and Netflix's AIMD
limit start at 10 too); it doubles every round trip from there until the first 429."""


class Outcome(enum.Enum):
    """How an attempt ended, as its limiter learns it."""

    OK = "ok"
    """Twilio answered, with anything but a 429 or a 5xx: the account had room for it."""
    THROTTLED = "throttled"
    """Twilio answered 429: the account was over its concurrency limit (not processed)."""
    FAILED = "failed"
    """No usable answer (a 5xx, a broken connection, a timeout) or none at all (cancelled,
    refused locally): it says nothing about the account's limit."""


PermitT = TypeVar("PermitT")


class Limiter(Protocol[PermitT]):
    """What the transport needs from a concurrency limiter; pass one as
    ``Client(limiter=...)`` to share it between clients (a subaccount's, say) or to plug
    in another implementation. The permit is opaque to the transport: whatever
    :meth:`acquire` returns is handed back to :meth:`release`, once.

    An implementation that works over the network (a lease in Redis) renews its leases
    itself while they are held (between ``acquire`` and ``release``), and does its
    release's I/O in the background: ``release`` is not awaited, so a task cancelled
    while it ends an attempt cannot leave a permit held.
    """

    @property
    def max_concurrency(self) -> int:
        """The most permits this limiter can have out at once in this process (the client
        sizes its connection pool by it)."""
        ...

    async def acquire(self, *, retry: bool = False, deadline: float | None = None) -> PermitT:
        """Wait for a permit and return it.

        ``retry`` is true for the retry of a call already under way: serve it before
        first attempts (its time counts against its call's budget; theirs does not yet).
        ``deadline`` is the event loop's time (``loop.time()``) by which the permit must
        be granted, or ``builtins.TimeoutError`` raised; None: no bound.
        Cancellation-safe: cancelled while waiting (or as the permit is granted), it
        leaves no permit held. Any other exception it raises reaches the caller as is,
        with nothing sent: make it a :class:`~twilio_async.TwilioError`.
        """
        ...

    def release(self, permit: PermitT, outcome: Outcome) -> None:
        """Give ``permit`` back after its attempt ended with ``outcome``. Must not raise."""
        ...


# -- the controller -----------------------------------------------------------------------


class AdaptiveConcurrency:
    """A concurrency limit that grows while Twilio answers and backs off on 429: a pure
    object, outcomes in, :attr:`limit` out (1 <= limit <= ``max_limit``).

    * **Slow start.** From ``initial``, +1 per answer: the limit doubles every round trip
      until the first 429 (or ``max_limit``).
    * **Back off once per round trip.** A 429 cuts the limit to ``BETA`` (0.9)
      times the requests in flight then (RFC 5681 halves the flight, not the window: a
      window the caller did not fill says nothing). Every permit carries the
      :attr:`epoch` it was granted in; a 429 or an answer to a permit granted before the
      last cut belongs to the round trip already acted on (TCP's one reduction per window
      of data): a burst of 429s is one cut, not twenty; such a 429 only keeps the limit
      below ``BETA`` times the flight it shows.
    * **Regrow to the plateau, then probe.** The most that last worked (the flight at the
      429 less the throttled one) is remembered; the limit grows back along CUBIC's curve
      ``w_max + C (t - K)^3`` with ``t`` in round trips: fast while far below it, flat
      near it, where it stays a while (the plateau, at the account's limit when this
      client is alone on the account), then faster above it, to find a raised limit or
      room a departed co-worker left. (CUBIC's fast convergence, a plateau set lower when
      a maximum falls short of the last, is left out: the flight at a 429 varies by one or
      two with requests on the wire, and it kept pulling the plateau below the account's
      limit against the fake.) Each probe that meets the same ceiling again doubles the
      time held at the plateau first (:attr:`MAX_HOLD`).
    * **No growth while unused.** An answer with under half the limit in flight does not
      grow it (Netflix's AIMD limit; RFC 7661 for TCP): a limit that was never tested
      would let the next burst overrun the account.

    Measured in tests/test_limits_controller.py's model of an account limit of 32 (a
    request takes one round trip, 429s come back at once): 429s are 0.14% of requests and
    throughput 0.97x the account's limit, where a fixed limit of exactly 32 scores 0.98x;
    three clients sharing the account fill it (0.97x) fairly, with 0.9% 429s. Against the
    fake: bench/README.md.
    """

    BETA = 0.9
    """The limit after a 429, as a share of the requests then in flight: Netflix's AIMD
    default. A 429 from a hard ceiling says the flight was one or two too many; CUBIC's
    0.7 gives 0.95x of the account's limit in the model below instead of 0.97x (three
    clients sharing it: 0.92x and 1.9% of 429s instead of 0.97x and 0.9%)."""
    C = 0.1
    """CUBIC's scale, in permits per round trip cubed: 0.1 regrows from a cut at 33 to 32
    in about 3 round trips, then holds there about 2 more before probing (RFC 9438's 0.4
    per second cubed, with round trips of 50-300 ms, would be 30-100x slower). 0.05 and
    0.2 score within 0.3% of it in the model."""

    MAX_HOLD = 32.0
    """The longest wait at the plateau before probing, in round trips. Each probe that
    meets the same ceiling again (within one) doubles the wait, from 1, so a client alone
    under a steady account limit stops paying a 429 and a cut every few round trips:
    without it, against the fake (limit 32, ``max_concurrency`` 100, 5,000 purchases) the
    limit in use had a median of 31 with a cut every 0.35 s (35 cuts); with it, 32 and 17
    cuts. In the model below: 429s 0.53% -> 0.14%, throughput 0.94x -> 0.97x. A 429 at
    another ceiling (the account's limit, or how much of it others use, changed) starts
    over from no wait."""

    __slots__ = ("_hold", "_k", "_max_good", "_rounds", "_ssthresh", "epoch", "limit",
                 "max_limit", "window")  # fmt: skip

    def __init__(self, max_limit: int, *, initial: int = DEFAULT_INITIAL_LIMIT) -> None:
        for name, value in (("max_limit", max_limit), ("initial", initial)):
            if not _whole(value):
                raise ConfigurationError(f"{name} must be an integer >= 1", param=name)
        self.max_limit = max_limit
        self.window = float(min(initial, max_limit))
        self.limit = int(self.window)
        self.epoch = 0
        """Cuts so far; a permit granted now belongs to this epoch."""
        self._ssthresh = float("inf")  # slow start until the first 429
        self._max_good = 0.0  # the plateau: the most that worked before the last 429
        self._rounds = 0.0  # round trips since the last cut
        self._k = 0.0  # round trips from the last cut to the plateau
        self._hold = 0.0  # round trips spent at the plateau before probing (MAX_HOLD)

    def on_answer(self, epoch: int, in_flight: int) -> None:
        """A permit of ``epoch`` got an answer (:attr:`Outcome.OK`) with ``in_flight``
        permits out, itself included."""
        if epoch != self.epoch or in_flight * 2 < self.limit:
            return  # answers a round trip already cut, or the limit is not in use
        window = self.window
        if window < self._ssthresh:
            window += 1.0
        else:
            self._rounds += 1.0 / window
            since = self._rounds - self._k  # < 0 while regrowing, then at the plateau
            if since > 0:
                since = max(0.0, since - self._hold)
            target = self._max_good + self.C * since**3
            if target <= window:
                return
            window = min(target, window + 1.0)
        self.window = window = min(window, float(self.max_limit))
        self.limit = int(window)

    def on_throttled(self, epoch: int, in_flight: int) -> bool:
        """A permit of ``epoch`` was answered 429 with ``in_flight`` permits out, itself
        included. True when that lowered the limit."""
        flight = max(1, in_flight)
        window = max(1.0, min(flight * self.BETA, float(self.max_limit)))
        if epoch == self.epoch:  # the first 429 of this round trip: cut
            self.epoch += 1
            good = max(1.0, flight - 1.0)
            same = abs(good - self._max_good) <= 1.0 and self._ssthresh != float("inf")
            self._hold = min(self.MAX_HOLD, max(1.0, 2.0 * self._hold)) if same else 0.0
            self._max_good = good
        elif window < self.window:
            # A later 429 of a round trip already cut is no second cut, but the limit stays
            # below BETA times the flight it shows: a burst far over the account's limit
            # (a start above it) comes down in one round trip, not one per 10%.
            self._max_good = min(self._max_good, max(1.0, flight - 1.0))
        else:
            return False
        self.window = window
        self.limit = int(window)
        self._ssthresh = window
        self._rounds = 0.0
        self._k = (max(0.0, self._max_good - window) / self.C) ** (1 / 3)
        return True

    def phase(self) -> str:
        """Where the limit stands, in words (for the log)."""
        if self.window < self._ssthresh:
            return "slow start"
        plateau = int(self._max_good)
        if self.limit < plateau:
            return f"regrowing toward {plateau}, the most that last worked"
        if self.limit == plateau:
            return f"holding at {plateau}, the most that last worked"
        return f"probing above {plateau}, the most that last worked"

    def __repr__(self) -> str:
        return f"<AdaptiveConcurrency limit={self.limit} of {self.max_limit}: {self.phase()}>"


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


# -- the in-process limiter ---------------------------------------------------------------


class LocalLimiter:
    """Permits for the requests of one process: ``max_concurrency`` of them, or with
    ``adaptive`` (the default) as many as an :class:`AdaptiveConcurrency` allows, between 1
    and ``max_concurrency``. One limiter can serve several clients in one event loop
    (``Client(limiter=...)``); it serves one event loop at a time.

    Waiters are served in order, retries of calls already under way first; a permit that
    comes free goes straight to the next waiter, so a newcomer never overtakes the queue.
    """

    __slots__ = ("_limit", "_retries", "_waiters", "controller", "in_flight", "max_concurrency")

    def __init__(
        self,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        *,
        adaptive: bool = True,
        initial: int = DEFAULT_INITIAL_LIMIT,
    ) -> None:
        if not _whole(max_concurrency):
            raise ConfigurationError(
                "max_concurrency must be an integer >= 1", param="max_concurrency"
            )
        if not isinstance(adaptive, bool):
            raise ConfigurationError("adaptive must be True or False", param="adaptive")
        if not _whole(initial):
            raise ConfigurationError("initial must be an integer >= 1", param="initial")
        self.max_concurrency = max_concurrency
        self.controller = (
            AdaptiveConcurrency(max_concurrency, initial=initial) if adaptive else None
        )
        self._limit = max_concurrency if self.controller is None else self.controller.limit
        self.in_flight = 0
        self._waiters: deque[asyncio.Future[int]] = deque()
        self._retries: deque[asyncio.Future[int]] = deque()

    @property
    def limit(self) -> int:
        """How many permits may be out now."""
        return self._limit

    @property
    def waiting(self) -> int:
        """Acquirers waiting for a permit."""
        return sum(not f.done() for f in self._waiters) + sum(not f.done() for f in self._retries)

    async def acquire(self, *, retry: bool = False, deadline: float | None = None) -> int:
        """A permit (the controller's epoch, 0 without one): at once when one is free, else
        in turn, retries first; see :meth:`Limiter.acquire`."""
        # Nobody waits while a permit is free (release hands it on at once), so a free
        # permit can be taken without looking at the queue.
        if self.in_flight < self._limit:
            self.in_flight += 1
            controller = self.controller
            return 0 if controller is None else controller.epoch
        return await self._wait(retry, deadline)

    async def _wait(self, retry: bool, deadline: float | None) -> int:
        import asyncio  # here, not at the top: ``import twilio_async`` does not load asyncio

        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[int] = loop.create_future()
        (self._retries if retry else self._waiters).append(waiter)
        timer = None if deadline is None else loop.call_at(deadline, _expire, waiter)
        try:
            return await waiter
        except BaseException:
            # Cancelled just after a permit was handed over: give it back, unused.
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self.release(waiter.result(), Outcome.FAILED)
            raise
        finally:
            if timer is not None:
                timer.cancel()

    def release(self, permit: int, outcome: Outcome) -> None:
        """Give ``permit`` back; an adaptive limit learns from ``outcome`` (not from ``FAILED``)."""
        controller = self.controller
        if controller is not None and outcome is not Outcome.FAILED:
            self._learn(controller, permit, outcome)
        self.in_flight -= 1
        if self.in_flight < self._limit and (self._retries or self._waiters):
            self._hand_on()

    def _learn(self, controller: AdaptiveConcurrency, epoch: int, outcome: Outcome) -> None:
        before = controller.limit
        if outcome is Outcome.OK:
            controller.on_answer(epoch, self.in_flight)
            reason = "Twilio answers"
        else:
            controller.on_throttled(epoch, self.in_flight)
            reason = "a 429 (the account's concurrency limit)"
        after = self._limit = controller.limit
        if after != before:
            # A cut to half or less is worth an operator's notice; the rest is detail.
            level = logging.INFO if after * 2 <= before else logging.DEBUG
            logger.log(
                level,
                "concurrency limit %d -> %d after %s: %s",
                before,
                after,
                reason,
                controller.phase(),
            )

    def _hand_on(self) -> None:
        """Give free permits to the waiters, retries first, in order."""
        epoch = 0 if self.controller is None else self.controller.epoch
        for queue in (self._retries, self._waiters):
            while queue and self.in_flight < self._limit:
                waiter = queue.popleft()
                if not waiter.done():  # not cancelled, not past its deadline
                    self.in_flight += 1
                    waiter.set_result(epoch)

    def __repr__(self) -> str:
        kind = "fixed" if self.controller is None else "adaptive"
        return (
            f"<LocalLimiter {kind} limit={self._limit} of {self.max_concurrency}, "
            f"in flight {self.in_flight}, waiting {self.waiting}>"
        )


def _expire(waiter: asyncio.Future[int]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError("no permit came free before the deadline"))
