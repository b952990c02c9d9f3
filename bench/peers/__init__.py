"""The clients compared by the benchmarks.

Each peer module offers the same coroutines, run inside a fresh child process:

* ``stream(base_url, page_size, work)`` -> :class:`Outcome`: walk the whole list, touching
  every record's SID and ``date_created``; ``work`` (optional) runs after every
  ``work.every`` records;
* ``fetch(base_url, sids, concurrency)``: fetch every SID, ``concurrency`` in flight;
* ``create(base_url, numbers, concurrency)``: create every number, ``concurrency`` in flight;
* ``stream_legacy(base_url, page_size)``: walk the 2008-08-01 XML list.

A peer raises :class:`NotAvailable` for a scenario it cannot run (the report shows "n/a").
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field


class NotAvailable(Exception):
    """The peer cannot run this scenario (not supported, or not implemented yet)."""


@dataclass
class Outcome:
    count: int = 0
    last_sid: str | None = None
    date_type: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Work:
    """Consumer work done after every ``every`` records.

    ``kind == "sleep"`` awaits ``asyncio.sleep(seconds)`` (asynchronous work such as a write to
    a database: the event loop stays free); ``kind == "busy"`` spins the CPU for ``seconds``
    without yielding (pure CPU work: the loop is blocked).
    """

    kind: str
    seconds: float
    every: int

    async def run(self) -> None:
        if self.kind == "sleep":
            await asyncio.sleep(self.seconds)
        else:
            deadline = time.perf_counter() + self.seconds
            while time.perf_counter() < deadline:
                pass


@dataclass(frozen=True)
class PeerSpec:
    module: str  # under bench.peers
    title: str
    env: dict[str, str] = field(default_factory=dict)  # set before the module is imported


PEERS: dict[str, PeerSpec] = {
    "C": PeerSpec("c_floor", "floor: aiohttp + json.loads"),
    "A": PeerSpec("a_twilio", "official twilio, async"),
    "D": PeerSpec("d_twilio_async", "twilio_async (with the speedups extra: orjson)"),
    "Dj": PeerSpec(
        "d_twilio_async",
        "twilio_async, stdlib json (TWILIO_ASYNC_PURE_JSON=1)",
        {"TWILIO_ASYNC_PURE_JSON": "1"},
    ),
    "Co": PeerSpec(
        "c_floor", "floor with orjson.loads (informative)", {"BENCH_FLOOR_LOADS": "orjson"}
    ),
}
