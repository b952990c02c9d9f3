"""Clients sharing a RedisLimiter over real HTTP (the fake) and a real redis-server: the
account's limit is never passed, and a Redis that stops mid-run and comes back costs each
client what its setting says, with nothing hung and nothing sent twice."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FAST_RETRY, wait_until
from tests.redis_support import RedisServer
from twilio_async import Client
from twilio_async.hosts import BASE_URL_VARIABLE
from twilio_async.limits_redis import LimiterUnavailableError, RedisLimiter
from twilio_async.testing import FakeTwilio

README = Path(__file__).resolve().parents[1] / "README.md"


def limiter_of(fake: FakeTwilio, redis_server: RedisServer, **options: Any) -> RedisLimiter:
    return RedisLimiter(redis_server.url, account_sid=fake.account_sid, **options)


async def test_clients_sharing_the_limit_stay_within_the_accounts(
    fake: FakeTwilio, redis_server: RedisServer
) -> None:
    """Three workers (each its own client and limiter, as three processes would have)
    fetch 40 numbers each at once against an account limit of 6: no 429, all answered."""
    fake.account_concurrency = 6
    fake.latency = 0.01
    sids = fake.seed_numbers(40)
    limiters = [limiter_of(fake, redis_server, capacity=6) for _ in range(3)]
    clients = [fake.client(retry=FAST_RETRY, limiter=lim) for lim in limiters]
    try:
        fetched = await asyncio.wait_for(
            asyncio.gather(
                *(c.incoming_phone_numbers(sid).fetch() for c in clients for sid in sids)
            ),
            60,
        )
    finally:
        for c, lim in zip(clients, limiters, strict=True):
            await c.close()
            await lim.aclose()
    assert len(fetched) == 120
    assert fake.status_counts == {200: 120}
    assert fake.peak_in_flight == 6  # filled, never passed


async def fetch_each(client: Client, sids: list[str], started: Callable[[], None]) -> list[Any]:
    """Fetch every SID once, 4 at a time; each result is the model or the exception."""
    results: list[Any] = [None] * len(sids)
    next_index = 0

    async def lane() -> None:
        nonlocal next_index
        while next_index < len(sids):
            index = next_index
            next_index += 1
            started()
            try:
                results[index] = await client.incoming_phone_numbers(sids[index]).fetch()
            except LimiterUnavailableError as exc:
                results[index] = exc

    await asyncio.gather(*(lane() for _ in range(4)))
    return results


async def test_redis_stopped_mid_run_then_started_again(
    fake: FakeTwilio, redis_server: RedisServer
) -> None:
    """Two clients of one account sharing a capacity of 4, 150 fetches each of distinct
    numbers, 4 at a time, while Redis is killed and restarted empty. The client without a
    fallback fails its fetches during the outage with LimiterUnavailableError (not sent),
    and they succeed once fetched again after it; the one with ``fallback=2`` goes on
    under its local limit. Every number was fetched exactly once."""
    fake.latency = 0.01
    sids = fake.seed_numbers(300)
    strict_sids, lenient_sids = sids[:150], sids[150:]
    strict_limiter = limiter_of(fake, redis_server, capacity=4, lease_ttl=1)
    lenient_limiter = limiter_of(fake, redis_server, capacity=4, lease_ttl=1, fallback=2)
    strict = fake.client(retry=FAST_RETRY, limiter=strict_limiter)
    lenient = fake.client(retry=FAST_RETRY, limiter=lenient_limiter)
    started = Counter[str]()
    try:
        run = asyncio.ensure_future(
            asyncio.gather(
                fetch_each(strict, strict_sids, lambda: started.update(["strict"])),
                fetch_each(lenient, lenient_sids, lambda: started.update(["lenient"])),
            )
        )
        await wait_until(lambda: min(started.values(), default=0) >= 30, 30)
        assert len(fake.requests) < 270  # both mid-run
        redis_server.stop()
        at_stop = dict(started)
        await wait_until(lambda: started["lenient"] >= at_stop["lenient"] + 30, 30)
        redis_server.start()
        strict_results, lenient_results = await asyncio.wait_for(run, 60)
        failed = [
            sid
            for sid, result in zip(strict_sids, strict_results, strict=True)
            if isinstance(result, LimiterUnavailableError)
        ]
        assert failed  # the outage was felt
        assert not any(isinstance(r, LimiterUnavailableError) for r in lenient_results)
        assert set(sent_once(fake)) == set(sids) - set(failed)  # the failed were not sent
        for sid in failed:  # once Redis is tried again (within a second), they go through
            for _ in range(200):
                try:
                    await asyncio.wait_for(strict.incoming_phone_numbers(sid).fetch(), 10)
                    break
                except LimiterUnavailableError:
                    await asyncio.sleep(0.01)
    finally:
        for c in (strict, lenient):
            await c.close()
        for lim in (strict_limiter, lenient_limiter):
            await lim.aclose()
    assert set(sent_once(fake)) == set(sids)
    assert fake.status_counts == {200: 300}


def sent_once(fake: FakeTwilio) -> list[str]:
    """The SIDs the fake was asked for, each checked to have been asked once."""
    sent = Counter(r.path.rsplit("/", 1)[-1].removesuffix(".json") for r in fake.requests)
    assert set(sent.values()) <= {1}, [s for s, n in sent.items() if n > 1]
    return list(sent)


async def test_the_readme_example_runs(
    fake: FakeTwilio,
    redis_server: RedisServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """README's "Many workers, one account" example, pointed at the fake and this Redis."""
    section = README.read_text(encoding="utf-8").split("### Many workers, one account", 1)[1]
    source = section.split("```python\n", 1)[1].split("```", 1)[0]
    source = (
        source.replace("redis://redis.internal:6379/0", redis_server.url)
        .replace('"AC…"', repr(fake.account_sid))
        .replace('"token"', repr(fake.auth_token))
    )
    monkeypatch.setenv(BASE_URL_VARIABLE, fake.url)
    namespace: dict[str, Any] = {}
    exec(source, namespace)
    await asyncio.wait_for(namespace["worker"](fake.seed_numbers(3)), 30)
    assert capsys.readouterr().out == "3 fetched\n"
    assert len(fake.requests) == 3
