"""The limiter in the transport, over real HTTP against the fake: a permit per attempt,
given back with the attempt's outcome before any retry wait; retries bounded by the call's
budget; cancellation; shared limiters; the Client options; and adaptive concurrency
converging under an account's limit."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import attrs
import pytest

from twilio_async import (
    Client,
    ConfigurationError,
    NotFoundError,
    RateLimitError,
    RetryPolicy,
)
from twilio_async.bulk import BulkJob, BuyNumbers
from twilio_async.limits import Limiter, LocalLimiter, Outcome
from twilio_async.testing import FakeTwilio, Fault

from .bulk_support import FAST, owned_numbers
from .conftest import FAST_RETRY, wait_until

PURCHASES = "/IncomingPhoneNumbers.json"


@attrs.define
class RecordingLimiter:
    """A limiter of its own (the interface a Redis limiter implements), recording what the
    transport asks of it; permits come from a LocalLimiter."""

    inner: LocalLimiter = attrs.field(factory=lambda: LocalLimiter(4, adaptive=False))
    acquired: list[tuple[bool, float | None]] = attrs.field(factory=list)
    released: list[Outcome] = attrs.field(factory=list)
    refuse_retries: bool = False

    @property
    def max_concurrency(self) -> int:
        return self.inner.max_concurrency

    async def acquire(self, *, retry: bool = False, deadline: float | None = None) -> int:
        self.acquired.append((retry, deadline))
        if retry and self.refuse_retries:
            raise TimeoutError("no permit before the deadline")
        return await self.inner.acquire(retry=retry, deadline=deadline)

    def release(self, permit: int, outcome: Outcome) -> None:
        self.released.append(outcome)
        self.inner.release(permit, outcome)


def requests_seen(fake: FakeTwilio) -> list[tuple[str, int | None]]:
    return [(r.method, r.status) for r in fake.requests]


# -- one permit per attempt, given back with its outcome ----------------------------------


async def test_a_throttled_attempt_gives_its_permit_back_before_its_retry_waits(
    fake: FakeTwilio,
) -> None:
    (sid,) = fake.seed_numbers(1)
    fake.inject(Fault(status=429, retry_after="0.3", method="POST", times=1))
    async with fake.client(max_concurrency=1, adaptive_concurrency=False) as client:
        numbers = client.incoming_phone_numbers
        purchase = asyncio.create_task(numbers.create(phone_number="+14155550100"))
        fetch = asyncio.create_task(numbers(sid).fetch())  # queued behind the purchase
        await asyncio.gather(purchase, fetch)
    # With the only permit held through the 0.3 s wait, the fetch would have come last.
    assert requests_seen(fake) == [("POST", 429), ("GET", 200), ("POST", 201)]


async def test_every_attempt_takes_a_permit_and_returns_it_with_its_outcome(
    fake: FakeTwilio,
) -> None:
    (sid,) = fake.seed_numbers(1)
    limiter = RecordingLimiter()
    async with fake.client(limiter=limiter, retry=FAST_RETRY) as client:
        number = client.incoming_phone_numbers(sid)
        fake.inject(Fault(status=429, retry_after="0", times=1))
        await number.fetch()
        fake.inject(Fault(status=503, times=1), Fault(drop=True, times=1))
        await number.fetch()
        with pytest.raises(NotFoundError):
            await client.incoming_phone_numbers("PN" + "0" * 32).fetch()
        loop = asyncio.get_running_loop()
        latest_deadline = loop.time() + client.total_timeout  # type: ignore[operator]
    assert limiter.released == [
        Outcome.THROTTLED, Outcome.OK,  # 429, then the retry
        Outcome.FAILED, Outcome.FAILED, Outcome.OK,  # 503, dropped, then the answer
        Outcome.OK,  # a 404 is an answer: the account had room for it
    ]  # fmt: skip
    assert [retry for retry, _ in limiter.acquired] == [False, True, False, True, True, False]
    # First attempts queue without a deadline; retries within their call's budget.
    for retry, deadline in limiter.acquired:
        assert (deadline is not None) == retry
        assert deadline is None or deadline <= latest_deadline
    assert limiter.inner.in_flight == 0


async def test_a_call_cancelled_in_flight_or_while_queued_holds_no_permit(
    fake: FakeTwilio,
) -> None:
    (sid,) = fake.seed_numbers(1)
    fake.latency = 30.0  # nothing answers during the test
    limiter = RecordingLimiter(LocalLimiter(1, adaptive=False))
    async with fake.client(limiter=limiter) as client:
        in_flight = asyncio.create_task(client.incoming_phone_numbers(sid).fetch())
        queued = asyncio.create_task(client.incoming_phone_numbers(sid).fetch())
        await wait_until(lambda: len(fake.requests) == 1 and limiter.inner.waiting == 1)
        queued.cancel()
        in_flight.cancel()
        for task in (queued, in_flight):
            with pytest.raises(asyncio.CancelledError):
                await task
        assert (limiter.inner.in_flight, limiter.inner.waiting) == (0, 0)
        assert limiter.released == [Outcome.FAILED]  # the queued call never had one
        fake.latency = 0.0
        assert (await client.incoming_phone_numbers(sid).fetch()).sid == sid


async def test_a_retry_that_gets_no_permit_within_the_budget_ends_with_the_last_error(
    fake: FakeTwilio,
) -> None:
    (sid,) = fake.seed_numbers(1)
    fake.inject(Fault(status=429, retry_after="0", times=1))
    limiter = RecordingLimiter(refuse_retries=True)
    async with fake.client(limiter=limiter) as client:
        with pytest.raises(RateLimitError) as excinfo:
            await client.incoming_phone_numbers(sid).fetch()
    assert "not retried: no concurrency permit came free within the total_timeout of 60s" in str(
        excinfo.value
    )
    assert excinfo.value.attempts == 1
    assert requests_seen(fake) == [("GET", 429)]
    assert limiter.inner.in_flight == 0


async def test_a_retrys_permit_granted_only_as_the_budget_ends_is_not_used(
    fake: FakeTwilio,
) -> None:
    (sid,) = fake.seed_numbers(1)
    fake.inject(Fault(status=429, retry_after="0", times=1))

    @attrs.define
    class LateLimiter(RecordingLimiter):
        async def acquire(self, *, retry: bool = False, deadline: float | None = None) -> int:
            if retry and deadline is not None:  # past the deadline, then a permit
                await asyncio.sleep(deadline - asyncio.get_running_loop().time() + 0.01)
            return await super().acquire(retry=retry, deadline=None)

    limiter = LateLimiter()
    async with fake.client(limiter=limiter, total_timeout=1.5) as client:
        with pytest.raises(RateLimitError, match="no concurrency permit came free"):
            await client.incoming_phone_numbers(sid).fetch()
    assert requests_seen(fake) == [("GET", 429)]
    assert limiter.released == [Outcome.THROTTLED, Outcome.FAILED]  # given back unused
    assert limiter.inner.in_flight == 0


async def test_the_budget_bounds_the_wait_for_a_retrys_permit(fake: FakeTwilio) -> None:
    first, second = fake.seed_numbers(2)
    fake.inject(Fault(status=429, retry_after="0", path=first, times=1))
    fake.set_latency(30.0, path=second)  # holds the only permit past the first's budget
    async with fake.client(max_concurrency=1, adaptive_concurrency=False) as client:
        throttled = asyncio.create_task(
            client.with_options(total_timeout=2).incoming_phone_numbers(first).fetch()
        )
        holder = asyncio.create_task(client.incoming_phone_numbers(second).fetch())
        with pytest.raises(RateLimitError) as excinfo:
            await throttled
        holder.cancel()
        with pytest.raises(asyncio.CancelledError):
            await holder
    assert "no concurrency permit came free within the total_timeout of 2s" in str(excinfo.value)
    assert [r.path.rsplit("/", 1)[-1] for r in fake.requests] == [f"{first}.json", f"{second}.json"]


async def test_close_ends_a_call_waiting_to_retry_without_taking_a_permit_again(
    fake: FakeTwilio,
) -> None:
    (sid,) = fake.seed_numbers(1)
    fake.inject(Fault(status=503, times=1))
    limiter = RecordingLimiter()
    slow = RetryPolicy(max_retries=1, backoff_base=30, backoff_max=30)
    client = fake.client(limiter=limiter, retry=slow)
    call = asyncio.create_task(client.incoming_phone_numbers(sid).fetch())
    await wait_until(lambda: limiter.released == [Outcome.FAILED])
    await client.close()
    with pytest.raises(Exception, match="closed during the call"):
        await call
    assert [retry for retry, _ in limiter.acquired] == [False]
    assert limiter.inner.in_flight == 0


# -- the Client options ----------------------------------------------------------------


def test_the_default_limiter_is_adaptive_up_to_max_concurrency() -> None:
    client = Client("AC" + "0" * 32, "token", base_url="http://127.0.0.1:9")
    limiter = client.limiter
    assert isinstance(limiter, LocalLimiter)
    assert (limiter.max_concurrency, limiter.limit, client.max_concurrency) == (50, 10, 50)
    assert limiter.controller is not None
    fixed = Client("AC" + "0" * 32, "token", max_concurrency=8, adaptive_concurrency=False)
    assert isinstance(fixed.limiter, LocalLimiter)
    assert (fixed.limiter.limit, fixed.limiter.controller) == (8, None)
    assert fixed.with_options(total_timeout=5).limiter is fixed.limiter


def test_a_limiter_passed_in_is_the_clients_bound() -> None:
    shared: Limiter[Any] = LocalLimiter(7)
    client = Client("AC" + "0" * 32, "token", limiter=shared)
    assert client.limiter is shared
    assert client.max_concurrency == 7


@pytest.mark.parametrize(
    ("options", "param"),
    [
        ({"limiter": LocalLimiter(), "max_concurrency": 5}, "max_concurrency"),
        ({"limiter": LocalLimiter(), "adaptive_concurrency": False}, "adaptive_concurrency"),
        ({"limiter": object()}, "limiter"),
        ({"adaptive_concurrency": "yes"}, "adaptive_concurrency"),
        ({"max_concurrency": 0}, "max_concurrency"),
    ],
)
def test_conflicting_or_malformed_concurrency_options_are_refused(
    options: dict[str, Any], param: str
) -> None:
    with pytest.raises(ConfigurationError) as excinfo:
        Client("AC" + "0" * 32, "token", **options)
    assert excinfo.value.param == param


async def test_clients_sharing_a_limiter_share_its_bound(fake: FakeTwilio) -> None:
    sids = fake.seed_numbers(40)
    fake.latency = 0.01
    shared = LocalLimiter(4, adaptive=False)
    async with fake.client(limiter=shared) as one, fake.client(limiter=shared) as two:
        await asyncio.gather(
            *(one.incoming_phone_numbers(sid).fetch() for sid in sids[:20]),
            *(two.incoming_phone_numbers(sid).fetch() for sid in sids[20:]),
        )
    assert 2 <= fake.peak_in_flight <= 4
    assert len({r.peer for r in fake.requests}) > 4  # two sessions, one bound
    assert shared.in_flight == 0


# -- adaptive concurrency under an account's limit --------------------------------------


async def test_adaptive_concurrency_converges_to_the_accounts_limit(fake: FakeTwilio) -> None:
    fake.account_concurrency = 32
    fake.latency = 0.05
    async with fake.client(max_concurrency=100) as client:
        numbers = await asyncio.gather(
            *(
                client.incoming_phone_numbers.create(phone_number=f"+1415{i:07d}")
                for i in range(1500)
            )
        )
        limit = client.limiter.limit  # type: ignore[attr-defined]
    assert len({n.sid for n in numbers}) == len(fake.state.numbers) == 1500
    # 1.0-1.1% of the requests answered 429 with this test alone, 3.5% with the whole
    # suite running on a load of 8 (the fake shares the client's event loop here: answers
    # read late keep the client's count of requests in flight above the fake's); a fixed
    # limit of 100 draws 50-67%. The 2% target is measured by bench/provisioning.py, with
    # the fake in its own process.
    throttled = fake.status_counts[429]
    assert throttled <= 0.06 * len(fake.requests)
    # Grown from 10 to about the account's limit, not cut below it: 30-31 measured on an
    # idle machine. Under load it ends higher (54-57 measured with three other test runs on
    # the 2 cores): requests and answers waiting for the starved event loop are in flight
    # for the client but not yet, or no longer, for the fake, and the 429s above bound it.
    assert limit >= 24


async def test_a_fixed_limit_above_the_accounts_limit_storms_where_adaptive_does_not(
    fake: FakeTwilio,
) -> None:
    fake.account_concurrency = 4
    fake.latency = 0.01
    instant = RetryPolicy(max_retries=50, backoff_base=0.001, backoff_max=0.005)
    counts, failed = {}, {}
    for adaptive in (False, True):
        fake.status_counts.clear()
        async with fake.client(
            max_concurrency=16, adaptive_concurrency=adaptive, retry=instant
        ) as client:
            results = await asyncio.gather(
                *(client.incoming_phone_numbers(sid).fetch() for sid in fake.seed_numbers(200)),
                return_exceptions=True,
            )
        counts[adaptive] = fake.status_counts[429]
        failed[adaptive] = [r for r in results if isinstance(r, BaseException)]
    # The storm can use up a fetch's 51 attempts (seen on a fast machine); never adaptive.
    assert all(isinstance(error, RateLimitError) for error in failed[False])
    assert failed[True] == []
    # Measured: 1000-1500 429s for 200 fetches with the fixed limit (380-460 on a machine
    # loaded with three busy loops, which slows the retries down), 18-21 adaptive.
    assert counts[True] <= 40
    assert counts[False] >= 5 * counts[True]


async def test_a_bulk_job_above_the_accounts_limit_backs_off_to_it(
    fake: FakeTwilio, tmp_path: Path
) -> None:
    """The bulk engine runs ``max_concurrency`` workers; the adaptive limit, not the
    workers, decides how many of their requests are in flight."""
    fake.account_concurrency = 16
    fake.latency = 0.02
    throttled, requests = {}, {}
    for adaptive in (False, True):
        fake.status_counts.clear()
        sent = len(fake.requests)
        async with fake.client(max_concurrency=64, adaptive_concurrency=adaptive) as client:
            plan = BuyNumbers(300, area_codes=["415" if adaptive else "510"])
            job = BulkJob(client, plan, journal=tmp_path / f"{adaptive}.sqlite", **FAST)
            summary = await job.run()
        assert summary.ok
        assert len(summary.done) == 300
        throttled[adaptive] = fake.status_counts[429]
        requests[adaptive] = len(fake.requests) - sent
    assert len(owned_numbers(fake)) == 600
    assert set(fake.purchases_per_number().values()) == {1}  # none bought twice
    # Measured under a load of 8-10 on 2 cores: 2-9% of the requests answered 429 adaptive
    # (most in the first round trips: the job is short), 32-34% with the fixed 64.
    assert throttled[True] <= 0.12 * requests[True]
    assert throttled[False] >= 3 * throttled[True]
