"""RedisLimiter against a real redis-server: capacity across limiters, order, renewal,
reclaiming a dead worker's leases, deadlines, cancellation, and an unreachable Redis."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import redis.asyncio as aioredis

from tests.conftest import wait_until
from tests.redis_support import RedisServer
from twilio_async import ConfigurationError, InvalidSidError
from twilio_async.limits import Outcome
from twilio_async.limits_redis import LimiterUnavailableError, RedisLimiter, lease_key

SID = "AC" + "a1" * 16
KEY = lease_key(SID)
LEASES, QUEUE, WAITING = f"{KEY}:leases", f"{KEY}:queue", f"{KEY}:waiting"
OK = Outcome.OK


@pytest.fixture
async def redis(redis_server: RedisServer) -> AsyncIterator[aioredis.Redis]:
    """A plain client to look at what the limiters left in Redis."""
    client = aioredis.Redis.from_url(redis_server.url, decode_responses=True)
    yield client
    await client.aclose()


@pytest.fixture
async def make(redis_server: RedisServer) -> AsyncIterator[Callable[..., RedisLimiter]]:
    """Limiters on the test's Redis (each its own worker), closed at the end."""
    made: list[RedisLimiter] = []

    def make(**options: Any) -> RedisLimiter:
        options.setdefault("capacity", 2)
        options.setdefault("account_sid", SID)
        limiter = RedisLimiter(options.pop("redis", redis_server.url), **options)
        made.append(limiter)
        return limiter

    yield make
    for limiter in made:
        await limiter.aclose()


class CountingRedis(aioredis.Redis):
    """A Redis client that counts the commands it sends: each is one round trip."""

    sent: Counter[str]

    async def execute_command(self, *args: Any, **options: Any) -> Any:
        self.sent[str(args[0]).lower()] += 1
        return await super().execute_command(*args, **options)


@pytest.fixture
async def counting(redis_server: RedisServer) -> AsyncIterator[CountingRedis]:
    client = CountingRedis.from_url(redis_server.url)
    client.sent = Counter()
    yield client
    await client.aclose()


async def count_commands(redis: CountingRedis, act: Callable[[], Awaitable[Any]]) -> Counter[str]:
    """The commands ``act`` sent through ``redis``."""
    redis.sent.clear()
    await act()
    return Counter(redis.sent)


# -- one round trip each way ----------------------------------------------------------------


async def test_an_uncontended_acquire_and_release_are_one_round_trip_each(
    make: Callable[..., RedisLimiter], redis: aioredis.Redis, counting: CountingRedis
) -> None:
    limiter = make(redis=counting)
    limiter.release(await limiter.acquire(), OK)  # the scripts are loaded on first use
    await wait_until(lambda: limiter._releaser is None)
    permit: list[Any] = []

    async def acquire() -> None:
        permit.append(await limiter.acquire())

    assert await count_commands(counting, acquire) == {"evalsha": 1}
    assert await redis.zcard(LEASES) == 1

    async def release() -> None:
        limiter.release(permit[0], OK)
        await wait_until(lambda: limiter._releaser is None)

    assert await count_commands(counting, release) == {"evalsha": 1}
    assert await redis.zcard(LEASES) == 0


async def test_releases_of_the_moment_go_back_in_one_round_trip(
    make: Callable[..., RedisLimiter], redis: aioredis.Redis, counting: CountingRedis
) -> None:
    limiter = make(redis=counting, capacity=11)
    permits = [await limiter.acquire() for _ in range(11)]
    limiter.release(permits.pop(), OK)  # the script is loaded on first use
    await wait_until(lambda: limiter._releaser is None)

    async def release_all() -> None:
        for permit in permits:
            limiter.release(permit, OK)
        await wait_until(lambda: limiter._releaser is None)

    assert await count_commands(counting, release_all) == {"evalsha": 1}
    assert await redis.zcard(LEASES) == 0


async def test_a_release_rides_along_with_the_next_acquire(
    make: Callable[..., RedisLimiter], redis: aioredis.Redis, counting: CountingRedis
) -> None:
    limiter = make(redis=counting, capacity=1)
    limiter.release(await limiter.acquire(), OK)  # the scripts are loaded on first use
    await wait_until(lambda: limiter._releaser is None)
    permit = await limiter.acquire()

    async def release_then_acquire() -> None:
        limiter.release(permit, OK)
        again.append(await limiter.acquire())  # before the releaser ran: capacity 1 is free
        assert await redis.zrange(LEASES, 0, -1) == [again[0][1]]
        await wait_until(lambda: limiter._releaser is None)

    again: list[Any] = []
    assert await count_commands(counting, release_then_acquire) == {"evalsha": 1}
    limiter.release(again[0], OK)
    await wait_until(lambda: limiter._releaser is None)  # before the fixture closes counting


# -- capacity and order across workers -------------------------------------------------------


async def test_workers_never_hold_more_than_the_capacity_between_them(
    make: Callable[..., RedisLimiter], redis: aioredis.Redis
) -> None:
    limiters = [make(capacity=3) for _ in range(4)]
    holding = peak = done = 0
    filled = asyncio.Event()  # holders keep their permits until the capacity is reached once

    async def worker(limiter: RedisLimiter) -> None:
        nonlocal holding, peak, done
        for _ in range(15):
            permit = await limiter.acquire()
            holding += 1
            peak = max(peak, holding)
            if holding == 3:
                filled.set()
            await filled.wait()
            holding -= 1
            limiter.release(permit, OK)
            done += 1

    await asyncio.wait_for(asyncio.gather(*(worker(lim) for lim in limiters for _ in range(3))), 30)
    assert done == 4 * 3 * 15
    assert peak == 3  # filled, never passed
    await wait_until(lambda: all(lim._releaser is None for lim in limiters))
    assert await redis.zcard(LEASES) == 0
    assert await redis.zcard(QUEUE) == 0


async def test_eight_contending_workers_get_even_shares(
    make: Callable[..., RedisLimiter],
) -> None:
    """First come, first served across the fleet: with 8 workers each always wanting 4
    leases of a capacity of 4, each worker's share of the first 400 grants is 50 +- 12
    (measured: within +-2%)."""
    limiters = [make(capacity=4) for _ in range(8)]
    grants: list[int] = []
    stop = asyncio.Event()

    async def worker(index: int, limiter: RedisLimiter) -> None:
        while not stop.is_set():
            permit = await limiter.acquire()
            grants.append(index)
            if len(grants) >= 400:
                stop.set()
            await asyncio.sleep(0)
            limiter.release(permit, OK)

    tasks = [worker(i, lim) for i, lim in enumerate(limiters) for _ in range(4)]
    await asyncio.wait_for(asyncio.gather(*tasks), 60)
    shares = Counter(grants[:400])
    assert len(shares) == 8
    assert all(38 <= n <= 62 for n in shares.values()), shares


async def test_a_waiter_is_not_overtaken_and_retries_go_first(
    make: Callable[..., RedisLimiter],
) -> None:
    holder, first, retry, later = (make(capacity=1) for _ in range(4))
    held = await holder.acquire()
    order: list[str] = []

    async def take(name: str, limiter: RedisLimiter, *, is_retry: bool = False) -> None:
        permit = await limiter.acquire(retry=is_retry)
        order.append(name)
        limiter.release(permit, OK)

    tasks = [asyncio.create_task(take("first", first))]
    await wait_until(lambda: bool(first._waiting))
    tasks.append(asyncio.create_task(take("later", later)))
    await wait_until(lambda: bool(later._waiting))
    tasks.append(asyncio.create_task(take("retry", retry, is_retry=True)))
    await wait_until(lambda: bool(retry._waiting))
    holder.release(held, OK)
    await asyncio.wait_for(asyncio.gather(*tasks), 30)
    assert order == ["retry", "first", "later"]


# -- leases outlive the TTL while held; a dead worker's do not ------------------------------


async def test_a_lease_held_longer_than_its_ttl_is_renewed(
    make: Callable[..., RedisLimiter], redis: aioredis.Redis
) -> None:
    holder, other = make(capacity=1, lease_ttl=0.3), make(capacity=1, lease_ttl=0.3)
    permit = await holder.acquire()
    loop = asyncio.get_running_loop()
    until = loop.time() + 1.2  # four TTLs
    renewals = 0
    score = await redis.zscore(LEASES, permit[1] or "")
    while loop.time() < until:  # bounded by the clock; each turn waits for a renewal
        await wait_until(lambda: holder._keeper is not None)
        latest = await redis.zscore(LEASES, permit[1] or "")
        assert latest is not None  # never expired
        renewals += latest != score
        score = latest
        await asyncio.sleep(0.05)
    assert renewals >= 3
    with pytest.raises(TimeoutError):
        await other.acquire(deadline=loop.time() + 0.2)
    holder.release(permit, OK)
    other.release(await asyncio.wait_for(other.acquire(), 10), OK)


async def test_a_held_lease_redis_forgot_is_reported_at_renewal(
    make: Callable[..., RedisLimiter], redis: aioredis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    """Redis restarted empty under a running request: its renewal says the lease is gone
    (the request goes on; its release is a no-op)."""
    limiter = make(capacity=1, lease_ttl=0.3)
    permit = await limiter.acquire()
    await redis.delete(LEASES)
    await wait_until(lambda: "expired before they were renewed" in caplog.text)
    limiter.release(permit, OK)
    await wait_until(lambda: limiter._releaser is None)
    assert caplog.text.count("expired before they were renewed") == 1


async def test_a_dead_workers_leases_and_tickets_are_reclaimed(
    make: Callable[..., RedisLimiter], redis: aioredis.Redis
) -> None:
    """A worker that died holding the only lease (and with a ticket in the queue ahead):
    the next waiter gets the lease once it expires, without anyone releasing."""
    now_s, now_us = await redis.time()
    now = now_s * 1000 + now_us // 1000
    await redis.zadd(LEASES, {"dead|1": now + 300})
    await redis.zadd(QUEUE, {"dead|2": 1})
    await redis.zadd(WAITING, {"dead|2": now + 300})
    limiter = make(capacity=1, lease_ttl=5)
    loop = asyncio.get_running_loop()
    start = loop.time()
    permit = await asyncio.wait_for(limiter.acquire(), 10)
    waited = loop.time() - start
    assert 0.2 < waited < 3  # at the expiry, told by the queued answer's hint
    assert await redis.zrange(LEASES, 0, -1) == [permit[1]]
    assert await redis.zcard(QUEUE) == 0
    limiter.release(permit, OK)


# -- deadlines, cancellation ---------------------------------------------------------------


async def test_a_waiter_past_its_deadline_or_cancelled_leaves_nothing_behind(
    make: Callable[..., RedisLimiter], redis: aioredis.Redis
) -> None:
    holder, waiter = make(capacity=1), make(capacity=1)
    held = await holder.acquire()
    loop = asyncio.get_running_loop()
    with pytest.raises(TimeoutError):
        await waiter.acquire(deadline=loop.time() + 0.1)
    task = asyncio.create_task(waiter.acquire())
    await wait_until(lambda: bool(waiter._waiting))
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    async def queue_empty() -> bool:
        return await redis.zcard(QUEUE) == 0 and await redis.zcard(WAITING) == 0

    await wait_until(lambda: waiter._releaser is None)
    assert await queue_empty()
    assert await redis.zrange(LEASES, 0, -1) == [held[1]]
    holder.release(held, OK)
    permit = await asyncio.wait_for(waiter.acquire(), 10)  # nothing ahead of it
    waiter.release(permit, OK)
    assert waiter._gate.in_flight == 0


async def test_waiting_does_not_hammer_redis(
    make: Callable[..., RedisLimiter], counting: CountingRedis
) -> None:
    """Waiters block on their limiter's notify list: a second of waiting costs a few
    commands, not a poll per waiter per moment."""
    holder = make(capacity=1, lease_ttl=3)
    waiter = make(redis=counting, capacity=1, lease_ttl=3, max_concurrency=5)
    held = await holder.acquire()

    async def wait_a_second() -> None:
        tasks = [asyncio.create_task(waiter.acquire()) for _ in range(5)]
        await wait_until(lambda: len(waiter._waiting) == 5)
        await asyncio.sleep(1.0)  # the time waited is the point; nothing is hoped for
        holder.release(held, OK)
        for permit in await asyncio.wait_for(gather_in_turn(tasks, waiter), 20):
            assert permit[1] is not None

    ran = await count_commands(counting, wait_a_second)
    # 5 acquires + 1 release of the holder + 5 releases (batched or not) + renewals.
    assert ran["evalsha"] <= 15, ran
    assert ran["blpop"] <= 12, ran


async def test_a_wait_longer_than_the_redis_timeout_is_no_outage(
    make: Callable[..., RedisLimiter],
) -> None:
    """Listening for grants blocks within the read timeout, however long the wait."""
    holder = make(capacity=1, lease_ttl=6)
    waiter = make(capacity=1, lease_ttl=6, redis_timeout=1.0)  # renewals 2 s apart
    held = await holder.acquire()
    task = asyncio.create_task(waiter.acquire())
    await asyncio.sleep(2.5)  # over two read timeouts: the time waited is the point
    assert not task.done()
    holder.release(held, OK)
    permit = await asyncio.wait_for(task, 10)
    assert permit[1] is not None
    waiter.release(permit, OK)


async def gather_in_turn(
    tasks: list[asyncio.Task[Any]], limiter: RedisLimiter
) -> list[tuple[int, str | None]]:
    """Each permit as it comes (capacity 1), released so that the next can come."""
    got = []
    for done in asyncio.as_completed(tasks):
        permit = await done
        got.append(permit)
        limiter.release(permit, OK)
    return got


# -- Redis unreachable ------------------------------------------------------------------------


async def test_unreachable_redis_fails_fast_with_a_twilio_error(
    make: Callable[..., RedisLimiter], redis_server: RedisServer
) -> None:
    limiter = make()
    redis_server.stop()
    with pytest.raises(LimiterUnavailableError, match=r"unreachable.*nothing was sent"):
        await asyncio.wait_for(limiter.acquire(), 10)
    with pytest.raises(LimiterUnavailableError):  # within the second: not even tried
        await asyncio.wait_for(limiter.acquire(), 10)
    assert limiter._gate.in_flight == 0
    redis_server.start()
    loop = asyncio.get_running_loop()
    await wait_until(lambda: loop.time() >= limiter._down_until)
    limiter.release(await asyncio.wait_for(limiter.acquire(), 10), OK)


async def test_fallback_is_a_local_limit_of_the_stated_size(
    make: Callable[..., RedisLimiter], redis_server: RedisServer
) -> None:
    limiter = make(capacity=10, fallback=2)
    redis_server.stop()
    first = await asyncio.wait_for(limiter.acquire(), 10)
    second = await asyncio.wait_for(limiter.acquire(), 10)
    assert (first[1], second[1]) == (None, None)  # local permits
    third = asyncio.create_task(limiter.acquire())
    fallback = limiter._fallback
    assert fallback is not None
    await wait_until(lambda: fallback.waiting == 1)  # queued there, not granted
    assert not third.done()
    limiter.release(first, OK)
    assert (await asyncio.wait_for(third, 10))[1] is None
    limiter.release(second, OK)
    limiter.release(await third, OK)


async def test_a_redis_that_never_answers_is_unreachable_within_the_timeout(
    make: Callable[..., RedisLimiter],
) -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        limiter = RedisLimiter(
            f"redis://127.0.0.1:{port}/0", key="k", capacity=1, redis_timeout=0.2
        )
        loop = asyncio.get_running_loop()
        start = loop.time()
        with pytest.raises(LimiterUnavailableError, match="Timeout"):
            await asyncio.wait_for(limiter.acquire(), 10)
        assert loop.time() - start < 5
        await limiter.aclose()


# -- settings ----------------------------------------------------------------------------------


def test_the_key_comes_from_the_account_sid_in_one_cluster_slot() -> None:
    assert lease_key(SID) == "twilio_async:limit:{" + SID + "}"
    with pytest.raises(InvalidSidError, match="account_sid"):
        lease_key("not a sid")


@pytest.mark.parametrize(
    ("options", "param"),
    [
        ({}, "key"),
        ({"account_sid": SID, "key": "k"}, "key"),
        ({"key": ""}, "key"),
        ({"key": "k", "capacity": 0}, "capacity"),
        ({"key": "k", "capacity": True}, "capacity"),
        ({"key": "k", "max_concurrency": 0}, "max_concurrency"),
        ({"key": "k", "fallback": 1.5}, "fallback"),
        ({"key": "k", "lease_ttl": 0}, "lease_ttl"),
        ({"key": "k", "lease_ttl": 0.001}, "lease_ttl"),
        ({"key": "k", "redis_timeout": "1"}, "redis_timeout"),
    ],
)
def test_bad_settings_are_configuration_errors(options: dict[str, Any], param: str) -> None:
    options.setdefault("capacity", 2)
    with pytest.raises(ConfigurationError) as info:
        RedisLimiter("redis://127.0.0.1:9/0", **options)
    assert info.value.param == param


def test_redis_must_be_a_url_or_a_client() -> None:
    with pytest.raises(ConfigurationError, match="redis:// URL"):
        RedisLimiter(object(), key="k", capacity=1)  # type: ignore[arg-type]


async def test_the_repr_shows_no_password(redis_server: RedisServer) -> None:
    limiter = RedisLimiter(
        f"redis://:s3cret-pw@127.0.0.1:{redis_server.port}/0", key="k", capacity=1
    )
    assert "s3cret" not in repr(limiter)
    assert "capacity=1" in repr(limiter)
    await limiter.aclose()


def test_import_twilio_async_does_not_import_redis() -> None:
    script = "import sys, twilio_async, twilio_async.limits; print('redis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True)
    assert out.stdout.decode().split() == ["False"]


async def test_a_closed_limiter_gives_everything_back_and_refuses_more(
    make: Callable[..., RedisLimiter], redis: aioredis.Redis
) -> None:
    holder, waiter = make(capacity=1), make(capacity=1)
    await holder.acquire()
    task = asyncio.create_task(waiter.acquire())
    await wait_until(lambda: bool(waiter._waiting))
    await waiter.aclose()
    with pytest.raises(LimiterUnavailableError, match="closed"):
        await asyncio.wait_for(task, 10)
    await holder.aclose()
    assert await redis.zcard(LEASES) == 0
    assert await redis.zcard(QUEUE) == 0
    with pytest.raises(LimiterUnavailableError, match="closed"):
        await holder.acquire()
