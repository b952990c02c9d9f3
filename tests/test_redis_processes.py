"""Worker processes sharing one RedisLimiter: against the fake in a process of its own
(an account limit, a latency), and a bulk job worked by several processes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
from pathlib import Path

import redis.asyncio as aioredis

from tests.redis_fleet import FakeProcess, Worker, list_sids
from tests.redis_support import RedisServer
from tests.test_bulk_processes import run_processes
from twilio_async.limits import Outcome
from twilio_async.limits_redis import RedisLimiter, lease_key
from twilio_async.testing import FakeTwilio


async def start_fleet(
    redis_server: RedisServer, tmp_path: Path, workers: int, *options: str
) -> tuple[FakeProcess, list[Worker]]:
    fake = await FakeProcess.start(
        "--account-concurrency", "20", "--latency", "0.02", "--seed", "50"
    )
    sids_file = tmp_path / "sids.json"
    sids_file.write_text(json.dumps(await list_sids(fake)))
    fleet = [
        await Worker.start(fake, redis_server.url, sids_file, *options) for _ in range(workers)
    ]
    for worker in fleet:
        worker.go()
    return fake, fleet


async def test_eight_workers_share_an_account_limit_of_20(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    """8 processes x 500 fetches, one limit of 20 in Redis, an account limit of 20 and
    20 ms per request at the fake: never over 20 in flight, no 429, every fetch answered.
    (Wall time against the 4 s floor: bench/redis_limit.py, not asserted here.)"""
    fake, fleet = await start_fleet(redis_server, tmp_path, 8, "--fetches", "500")
    try:
        tallies = [await worker.result() for worker in fleet]
    finally:
        stats = await fake.stop()
    assert [t["ok"] for t in tallies] == [500] * 8
    assert stats["status_counts"] == {"200": 4001}  # and the listing of the numbers
    assert stats["peak_in_flight"] <= 20


async def test_a_killed_workers_capacity_comes_back_within_the_lease_ttl(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    """kill -9 of a worker holding leases (TTL 2 s): they are gone from Redis within the
    TTL (plus the moment it takes the next script to run), and the others finish.

    Expired leases are reclaimed by the next script any process runs; on a fast machine
    the others may have finished before the TTL is up, so a newcomer (``probe``) asks for
    a permit now and then, as a worker starting later would."""
    ttl = 2.0
    fake, fleet = await start_fleet(
        redis_server, tmp_path, 4, "--fetches", "300", "--lease-ttl", str(ttl)
    )
    victim, others = fleet[0], fleet[1:]
    redis = aioredis.Redis.from_url(redis_server.url, decode_responses=True)
    leases = f"{lease_key(fake.account_sid)}:leases"

    async def held_by_victim() -> int:
        return sum(m.startswith(victim.holder + "|") for m in await redis.zrange(leases, 0, -1))

    loop = asyncio.get_running_loop()
    probe = RedisLimiter(redis_server.url, account_sid=fake.account_sid, capacity=20)

    async def newcomer() -> None:
        with contextlib.suppress(TimeoutError):
            probe.release(await probe.acquire(deadline=loop.time() + 0.05), Outcome.OK)

    try:
        deadline = loop.time() + 60
        while await held_by_victim() == 0:  # until it holds some (bounded)
            assert loop.time() < deadline, "the victim never held a lease"
            await asyncio.sleep(0.005)
        os.kill(victim.proc.pid, signal.SIGKILL)
        killed = loop.time()
        await victim.proc.wait()
        while await held_by_victim():
            assert loop.time() < killed + 30, "the dead worker's leases never came back"
            await newcomer()
            await asyncio.sleep(0.01)
        recovered = loop.time() - killed
        tallies = [await worker.result() for worker in others]
    finally:
        await probe.aclose()
        await redis.aclose()
        for worker in fleet:
            if worker.proc.returncode is None:
                worker.proc.kill()
                await worker.proc.wait()
        stats = await fake.stop()
    print(f"lease recovery after kill -9: {recovered:.2f} s (TTL {ttl} s)")
    assert recovered <= ttl + 1.0
    assert [t["ok"] for t in tallies] == [300] * 3
    assert set(stats["status_counts"]) == {"200"}
    assert stats["peak_in_flight"] <= 20


async def test_a_bulk_job_worked_by_four_processes_under_the_shared_limit(
    fake: FakeTwilio, redis_server: RedisServer, tmp_path: Path
) -> None:
    """The fleet test of the bulk engine with each process's client under one Redis limit
    of 6 on an account limit of 6: exactly N bought, none twice, no 429."""
    fake.latency = 0.02
    fake.account_concurrency = 6
    total = 80
    limiter = (
        f"__import__('twilio_async.limits_redis').limits_redis.RedisLimiter("
        f"{redis_server.url!r}, account_sid={fake.account_sid!r}, capacity=6)"
    )
    results = await run_processes(
        fake, f"BuyNumbers({total})", tmp_path / "j.sqlite", 4, client_options=f"limiter={limiter}"
    )
    assert all(r == {**r, "done": total, "failed": 0} for r in results)
    assert sum(r["purchases"] for r in results) == total
    assert len(fake.state.numbers_of(fake.account_sid)) == total
    assert set(fake.purchases_per_number(handled_only=False).values()) == {1}
    assert 429 not in fake.status_counts
    assert fake.peak_in_flight <= 6
