"""The Redis limiter's cost, and a fleet sharing one (``RedisLimiter``).

    python -m bench.redis_limit                 # both parts, 3 repeats: about 3 minutes
    python -m bench.redis_limit --only overhead --repeats 5

``overhead``: one client fetching numbers from the fake Twilio (its own process, no
latency) under a ``LocalLimiter`` (fixed, 20) and under a ``RedisLimiter`` (capacity 20)
on a local ``redis-server``, interleaved: client CPU and wall time per request at
concurrency 1 (the added latency) and 20 (the added CPU), and Redis round trips
(``EVALSHA``/``BLPOP`` calls the server counted) per request.

``fleet``: 8 worker processes x 500 fetches, one Redis limit of 20, against the fake with
an account limit of 20 and 20 ms per request (the multi-process test, timed): wall from
the common start to the last worker done, against the floor 8 x 500 x 20 ms / 20 = 4 s,
and where the CPU went (workers, fake, redis-server).

Run from the repository root: it uses the tests' redis-server fixture and fleet workers
(``tests/redis_support.py``, ``tests/redis_fleet.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis

from tests.redis_fleet import FakeProcess, Worker, list_sids
from tests.redis_support import RedisServer
from twilio_async import Client
from twilio_async.limits import LocalLimiter
from twilio_async.limits_redis import RedisLimiter

CAPACITY = 20
CASES = {"c1": (1, 1500), "c20": (20, 4000)}  # concurrency, fetches


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _proc_cpu(pid: int) -> float:
    """CPU seconds of another process so far (/proc/<pid>/stat utime + stime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _round_trips(redis: aioredis.Redis) -> int:
    stats = await redis.info("commandstats")
    return sum(int(stats.get(f"cmdstat_{c}", {}).get("calls", 0)) for c in ("evalsha", "blpop"))


async def _fetches(client: Client, sids: list[str], concurrency: int, count: int) -> None:
    index = 0

    async def lane() -> None:
        nonlocal index
        while index < count:
            sid = sids[index % len(sids)]
            index += 1
            await client.incoming_phone_numbers(sid).fetch()

    await asyncio.gather(*(lane() for _ in range(concurrency)))


async def overhead_once(
    kind: str, fake: FakeProcess, sids: list[str], redis_url: str, case: str
) -> dict[str, float]:
    concurrency, count = CASES[case]
    limiter: Any = (
        LocalLimiter(CAPACITY, adaptive=False)
        if kind == "local"
        else RedisLimiter(redis_url, account_sid=fake.account_sid, capacity=CAPACITY)
    )
    probe = aioredis.Redis.from_url(redis_url)
    client = Client(fake.account_sid, fake.auth_token, base_url=fake.url, limiter=limiter)
    try:
        await _fetches(client, sids, concurrency, 200)  # warm: connections, scripts
        trips0, cpu0, wall0 = await _round_trips(probe), _cpu(), time.perf_counter()
        await _fetches(client, sids, concurrency, count)
        wall, cpu = time.perf_counter() - wall0, _cpu() - cpu0
        if kind == "redis":  # the last releases go back in the background
            releasing = limiter._releaser
            if releasing is not None:
                await releasing
        trips = await _round_trips(probe) - trips0
    finally:
        await client.close()
        if kind == "redis":
            await limiter.aclose()
        await probe.aclose()
    return {
        "cpu_us": cpu / count * 1e6,
        "wall_us": wall / count * 1e6,
        "trips": trips / count,
    }


async def overhead(repeats: int, redis_url: str) -> str:
    fake = await FakeProcess.start("--seed", "50")
    try:
        sids = await list_sids(fake)
        runs: dict[tuple[str, str], list[dict[str, float]]] = {}
        for _ in range(repeats):
            for case in CASES:
                for kind in ("local", "redis"):
                    got = await overhead_once(kind, fake, sids, redis_url, case)
                    runs.setdefault((case, kind), []).append(got)
    finally:
        await fake.stop()
    lines = [
        "| case | limiter | client CPU/request (us) | wall/request (us) "
        "| Redis round trips/request |",
        "|---|---|---|---|---|",
    ]
    for case in CASES:
        base = None
        for kind in ("local", "redis"):
            rs = runs[(case, kind)]
            cpu = statistics.median(r["cpu_us"] for r in rs)
            wall = statistics.median(r["wall_us"] for r in rs)
            trips = statistics.median(r["trips"] for r in rs)
            ratio = "" if base is None else f" ({cpu / base[0]:.2f}x; +{cpu - base[0]:.0f})"
            wratio = "" if base is None else f" (+{wall - base[1]:.0f})"
            lines.append(
                f"| {case} | {kind} | {cpu:.0f}{ratio} | {wall:.0f}{wratio} | {trips:.2f} |"
            )
            base = base or (cpu, wall)
    return "\n".join(lines)


async def fleet_once(redis_server: RedisServer, directory: Path, *options: str) -> dict[str, Any]:
    fake = await FakeProcess.start(
        "--account-concurrency", str(CAPACITY), "--latency", "0.02", "--seed", "50"
    )
    probe = aioredis.Redis.from_url(redis_server.url)
    try:
        sids_file = directory / "sids.json"
        sids_file.write_text(json.dumps(await list_sids(fake)))
        fleet = [await Worker.start(fake, redis_server.url, sids_file, *options) for _ in range(8)]
        redis_cpu0, trips0 = await _redis_cpu(probe), await _round_trips(probe)
        fake_cpu0 = _proc_cpu(fake.proc.pid)
        start = time.perf_counter()
        for worker in fleet:
            worker.go()
        ends = []
        tallies = []
        for worker in fleet:
            tallies.append(await worker.result())
            ends.append(time.perf_counter())
        wall = max(ends) - start
        fake_cpu = _proc_cpu(fake.proc.pid) - fake_cpu0
        redis_cpu = await _redis_cpu(probe) - redis_cpu0
        trips = await _round_trips(probe) - trips0
    finally:
        await probe.aclose()
        stats = await fake.stop()
    return {
        "wall_s": wall,
        "slowest_worker_s": max(t["wall_s"] for t in tallies),
        "workers_cpu_s": sum(t["cpu_s"] for t in tallies),
        "fake_cpu_s": fake_cpu,
        "redis_cpu_s": redis_cpu,
        "ok": sum(t["ok"] for t in tallies),
        "trips": trips / (8 * 500),
        "peak": stats["peak_in_flight"],
        "429s": stats["status_counts"].get("429", 0),
    }


async def _redis_cpu(redis: aioredis.Redis) -> float:
    info = await redis.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


async def fleet(repeats: int, redis_server: RedisServer, directory: Path) -> str:
    variants = {"redis 20": (), "local 2 per worker": ("--local", "2")}
    runs = []
    for i in range(repeats):
        for name, options in variants.items():
            runs.append((f"{i + 1}: {name}", await fleet_once(redis_server, directory, *options)))
    lines = [
        "| run: limiter | wall (s) | vs floor 4 s | CPU: workers / fake / redis (s) | fetches ok "
        "| peak | 429s | Redis round trips/fetch |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for i, r in runs:
        lines.append(
            f"| {i} | {r['wall_s']:.2f} | {r['wall_s'] / 4:.2f}x | {r['workers_cpu_s']:.1f} / "
            f"{r['fake_cpu_s']:.1f} / {r['redis_cpu_s']:.2f} | {r['ok']} | {r['peak']} | "
            f"{r['429s']} | {r['trips']:.2f} |"
        )
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = RedisServer(Path(tmp))
        server.start()
        try:
            if "overhead" in args.only:
                print(await overhead(args.repeats, server.url), "\n", flush=True)
            if "fleet" in args.only:
                print(await fleet(args.repeats, server, Path(tmp)), flush=True)
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.redis_limit")
    parser.add_argument("--only", default="overhead,fleet", type=lambda s: s.split(","))
    parser.add_argument("--repeats", type=int, default=3)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
