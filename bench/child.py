"""One measured run: a fresh process that runs one peer on one scenario and prints JSON.

Usage: ``python -m bench.child '<json spec>'`` where the spec is
``{"peer": "C"|"A"|"D", "op": "stream"|"fetch"|"create"|"stream_legacy",
"base_url": "http://127.0.0.1:PORT", "args": {...}, "profile": null|"out.prof",
"cpu": null|N}`` (``cpu`` pins the process to that core).

Imports, event-loop creation and argument building happen first; then the RSS is read
(``/proc/self/statm``) and CPU (``getrusage``, user+sys) and wall clocks start. Only the
peer's coroutine is measured. Peak RSS growth is ``ru_maxrss`` after the work minus that
RSS. The child also reports how busy the whole machine was meanwhile, so the harness can
spot other processes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import importlib
import json
import os
import resource
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bench import fixtures
from bench.peers import PEERS, NotAvailable, Outcome, Work

_PAGE = os.sysconf("SC_PAGE_SIZE")


_TICK = os.sysconf("SC_CLK_TCK")


def machine_busy_s() -> float:
    """CPU seconds the whole machine has spent busy (all processes, all cores)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / _TICK


def current_rss_kb() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE // 1024


def fetch_sids(inventory: int, count: int) -> list[str]:
    """``count`` distinct SIDs spread over the inventory."""
    step = max(1, inventory // count)
    return [fixtures.sid(i) for i in range(0, step * count, step)][:count]


def build_call(
    peer: Any, op: str, base_url: str, args: dict[str, Any]
) -> Callable[[], Awaitable[Outcome]]:
    fn = getattr(peer, op)
    if op == "stream":
        work = Work(**args["work"]) if args.get("work") else None
        return lambda: fn(base_url, args["page_size"], work)
    if op == "fetch":
        sids = fetch_sids(args["inventory"], args["count"])
        return lambda: fn(base_url, sids, args["concurrency"])
    if op == "create":
        numbers = [fixtures.create_number(j) for j in range(args["count"])]
        return lambda: fn(base_url, numbers, args["concurrency"])
    if op == "stream_legacy":
        return lambda: fn(base_url, args["page_size"])
    raise ValueError(f"unknown op {op!r}")


def run(spec: dict[str, Any]) -> dict[str, Any]:
    if spec.get("cpu") is not None:
        os.sched_setaffinity(0, {spec["cpu"]})
    peer_spec = PEERS[spec["peer"]]
    os.environ.update(peer_spec.env)
    try:
        peer = importlib.import_module(f"bench.peers.{peer_spec.module}")
    except ImportError as exc:
        return {"status": "n/a", "reason": f"cannot import: {exc}"}
    call = build_call(peer, spec["op"], spec["base_url"], spec.get("args", {}))
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    profiler = None
    if spec.get("profile"):
        import cProfile

        profiler = cProfile.Profile()

    gc.collect()
    rss_base = current_rss_kb()
    maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    busy0 = machine_busy_s()
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    try:
        if profiler is not None:
            profiler.enable()
        outcome = loop.run_until_complete(call())
    except NotAvailable as exc:
        return {"status": "n/a", "reason": str(exc)}
    finally:
        if profiler is not None:
            profiler.disable()
    wall = time.perf_counter() - t0
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    busy1 = machine_busy_s()
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()
    if profiler is not None:
        profiler.dump_stats(spec["profile"])

    user = usage1.ru_utime - usage0.ru_utime
    system = usage1.ru_stime - usage0.ru_stime
    return {
        "status": "ok",
        "cpu_s": user + system,
        "user_s": user,
        "sys_s": system,
        "wall_s": wall,
        "rss_base_kb": rss_base,
        "maxrss_before_kb": maxrss_before,
        "maxrss_after_kb": usage1.ru_maxrss,
        "growth_kb": usage1.ru_maxrss - rss_base,
        "machine_busy_s": busy1 - busy0,
        **dataclasses.asdict(outcome),
    }


def main() -> None:
    spec = json.loads(sys.argv[1])
    print(json.dumps(run(spec)), flush=True)


if __name__ == "__main__":
    main()
