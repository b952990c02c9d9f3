"""LocalLimiter, the in-process limiter: order, cancellation, deadlines, adaptive limits and
what it logs. No server: permits are taken and given back by hand."""

from __future__ import annotations

import asyncio
import logging

import pytest

from twilio_async import ConfigurationError
from twilio_async.limits import Limiter, LocalLimiter, Outcome

from .conftest import wait_until


async def take(limiter: LocalLimiter, log: list[str], name: str, *, retry: bool = False) -> int:
    permit = await limiter.acquire(retry=retry)
    log.append(name)
    return permit


def test_it_is_a_limiter() -> None:
    limiter: Limiter[int] = LocalLimiter(3)
    assert limiter.max_concurrency == 3


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"max_concurrency": 0}, "max_concurrency"),
        ({"max_concurrency": 2.0}, "max_concurrency"),
        ({"max_concurrency": True}, "max_concurrency"),
        ({"adaptive": "yes"}, "adaptive"),
        ({"initial": 0}, "initial"),
    ],
)
def test_bad_settings_are_refused_naming_them(kwargs: dict[str, object], param: str) -> None:
    with pytest.raises(ConfigurationError) as excinfo:
        LocalLimiter(**kwargs)  # type: ignore[arg-type]
    assert excinfo.value.param == param


async def test_a_fixed_limiter_grants_its_permits_then_serves_waiters_in_order() -> None:
    limiter = LocalLimiter(2, adaptive=False)
    first = [await limiter.acquire(), await limiter.acquire()]
    assert limiter.in_flight == 2
    log: list[str] = []
    waiters = [asyncio.create_task(take(limiter, log, name)) for name in "abc"]
    await wait_until(lambda: limiter.waiting == 3)
    limiter.release(first[0], Outcome.OK)
    await wait_until(lambda: log == ["a"])
    assert limiter.in_flight == 2  # handed on, not freed: a newcomer cannot overtake
    limiter.release(first[1], Outcome.OK)
    limiter.release(await waiters[0], Outcome.OK)
    await asyncio.gather(*waiters)
    assert log == ["a", "b", "c"]
    assert limiter.in_flight == 2
    assert limiter.limit == 2  # outcomes do not move a fixed limit


async def test_a_retry_of_a_call_under_way_is_served_before_first_attempts() -> None:
    limiter = LocalLimiter(1, adaptive=False)
    held = await limiter.acquire()
    log: list[str] = []
    tasks = [
        asyncio.create_task(take(limiter, log, "first attempt 1")),
        asyncio.create_task(take(limiter, log, "first attempt 2")),
    ]
    await wait_until(lambda: limiter.waiting == 2)
    tasks.append(asyncio.create_task(take(limiter, log, "retry", retry=True)))
    await wait_until(lambda: limiter.waiting == 3)
    limiter.release(held, Outcome.THROTTLED)
    for served in range(1, 4):
        await wait_until(lambda served=served: len(log) == served)  # type: ignore[misc]
        limiter.release(0, Outcome.OK)
    assert log == ["retry", "first attempt 1", "first attempt 2"]
    await asyncio.gather(*tasks)
    assert limiter.in_flight == 0


@pytest.mark.parametrize(
    "permit_first", [False, True], ids=["cancelled-while-waiting", "cancelled-as-permit-arrives"]
)
async def test_a_cancelled_waiter_leaves_no_permit_behind(permit_first: bool) -> None:
    """Cancelled while it waits, or after its permit was handed over but before it ran
    again: either way the permit goes on to the next waiter."""
    limiter = LocalLimiter(1, adaptive=False)
    held = await limiter.acquire()
    log: list[str] = []
    doomed = asyncio.create_task(take(limiter, log, "doomed"))
    after = asyncio.create_task(take(limiter, log, "after"))
    await wait_until(lambda: limiter.waiting == 2)
    if permit_first:
        limiter.release(held, Outcome.OK)  # hands the permit to "doomed"...
    doomed.cancel()  # ...which is cancelled before it runs again
    with pytest.raises(asyncio.CancelledError):
        await doomed
    if not permit_first:
        limiter.release(held, Outcome.OK)
    limiter.release(await after, Outcome.OK)  # the permit went on to the next waiter
    assert log == ["after"]
    assert limiter.in_flight == 0


async def test_a_deadline_ends_the_wait_with_timeout_error_and_no_permit_held() -> None:
    limiter = LocalLimiter(1, adaptive=False)
    held = await limiter.acquire()
    loop = asyncio.get_running_loop()
    with pytest.raises(TimeoutError):
        await limiter.acquire(retry=True, deadline=loop.time() + 0.01)
    assert limiter.in_flight == 1
    log: list[str] = []
    later = asyncio.create_task(take(limiter, log, "later"))
    await wait_until(lambda: limiter.waiting == 1)
    limiter.release(held, Outcome.OK)  # skips the expired waiter
    limiter.release(await later, Outcome.OK)
    assert log == ["later"]
    assert limiter.in_flight == 0


async def test_a_deadline_is_not_needed_when_a_permit_is_free() -> None:
    limiter = LocalLimiter(1, adaptive=False)
    loop = asyncio.get_running_loop()
    permit = await limiter.acquire(deadline=loop.time() - 1)  # free: no wait, no timeout
    limiter.release(permit, Outcome.OK)
    assert limiter.in_flight == 0


async def test_an_adaptive_limiter_starts_moderate_and_grows_while_answers_come() -> None:
    limiter = LocalLimiter(50)
    assert limiter.limit == 10
    permits = [await limiter.acquire() for _ in range(10)]
    log: list[str] = []
    waiters = [asyncio.create_task(take(limiter, log, str(i))) for i in range(5)]
    await wait_until(lambda: limiter.waiting == 5)
    limiter.release(permits.pop(), Outcome.OK)  # 11 permits now: two waiters go
    await wait_until(lambda: len(log) == 2)
    assert (limiter.limit, limiter.in_flight) == (11, 11)
    for permit in permits:
        limiter.release(permit, Outcome.OK)
    for task in waiters:
        limiter.release(await task, Outcome.OK)
    assert limiter.in_flight == 0
    assert limiter.limit > 11


async def test_a_429_cuts_the_limit_and_new_permits_wait_until_the_flight_is_below_it() -> None:
    limiter = LocalLimiter(50)
    permits = [await limiter.acquire() for _ in range(10)]
    limiter.release(permits.pop(), Outcome.THROTTLED)  # 10 in flight: cut to 9
    assert (limiter.limit, limiter.controller.epoch) == (9, 1)  # type: ignore[union-attr]
    limiter.release(permits.pop(), Outcome.FAILED)  # says nothing: no change
    limiter.release(permits.pop(), Outcome.THROTTLED)  # same round trip, 8 in flight: 7
    assert (limiter.limit, limiter.controller.epoch) == (7, 1)  # type: ignore[union-attr]
    assert limiter.in_flight == 7
    log: list[str] = []
    waiter = asyncio.create_task(take(limiter, log, "waiter"))
    await wait_until(lambda: limiter.waiting == 1)
    limiter.release(permits.pop(), Outcome.OK)  # of the round trip cut: no growth
    await waiter  # 6 in flight: the waiter's turn
    assert (limiter.limit, limiter.in_flight, log) == (7, 7, ["waiter"])


async def test_limit_changes_are_logged_and_a_cut_to_half_or_less_at_info(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="twilio_async")
    limiter = LocalLimiter(50)
    permits = [await limiter.acquire() for _ in range(10)]
    limiter.release(permits.pop(), Outcome.OK)
    (grew,) = caplog.records
    assert grew.levelno == logging.DEBUG
    assert grew.getMessage() == ("concurrency limit 10 -> 11 after Twilio answers: slow start")
    caplog.clear()
    for permit in permits[:6]:
        limiter.release(permit, Outcome.FAILED)  # 3 left in flight
    assert caplog.records == []
    limiter.release(permits[6], Outcome.THROTTLED)  # 0.9 x 3 in flight: 11 -> 2
    (cut,) = caplog.records
    assert cut.levelno == logging.INFO
    assert cut.getMessage() == (
        "concurrency limit 11 -> 2 after a 429 (the account's concurrency limit): "
        "holding at 2, the most that last worked"
    )


async def test_repr_says_what_it_holds() -> None:
    limiter = LocalLimiter(5, adaptive=False)
    await limiter.acquire()
    assert repr(limiter) == "<LocalLimiter fixed limit=5 of 5, in flight 1, waiting 0>"
    assert repr(LocalLimiter()) == "<LocalLimiter adaptive limit=10 of 50, in flight 0, waiting 0>"
