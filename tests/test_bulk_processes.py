"""Several processes working one job on one journal, as a fleet of workers would."""

from __future__ import annotations

import asyncio
import json
import sys
import textwrap
from pathlib import Path

from tests.bulk_support import FAST, owned_numbers
from twilio_async import Client
from twilio_async.bulk import BulkJob, BuyNumbers, Event, EventKind
from twilio_async.bulk.journal import Journal
from twilio_async.testing import FakeTwilio

ROOT = Path(__file__).resolve().parent.parent


async def run_processes(
    fake: FakeTwilio,
    plan_source: str,
    journal: Path,
    count: int,
    client_options: str = "max_concurrency=4",
) -> list[dict[str, int]]:
    """Run the job in ``count`` processes at once; each prints its summary's counts.
    ``client_options``: the Client's keyword arguments beyond the fake's, as source."""
    script = textwrap.dedent(
        f"""
        import asyncio, json
        from twilio_async import Client
        from twilio_async.bulk import *

        async def main():
            async with Client({fake.account_sid!r}, {fake.auth_token!r},
                              base_url={fake.url!r}, {client_options}) as client:
                job = BulkJob(client, {plan_source}, journal={str(journal)!r},
                              poll_interval=0.02, settle_time=0.05)
                summary = await job.run()
            print(json.dumps({{"done": len(summary.done), "failed": len(summary.failed),
                               "purchases": summary.stats.purchases,
                               "updates": summary.stats.updates}}))

        asyncio.run(main())
        """
    )
    children = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", script, cwd=ROOT, stdout=asyncio.subprocess.PIPE
        )
        for _ in range(count)
    ]
    outputs = await asyncio.wait_for(asyncio.gather(*(c.communicate() for c in children)), 120)
    assert [c.returncode for c in children] == [0] * count
    return [json.loads(out.decode().splitlines()[-1]) for out, _ in outputs]


async def test_three_processes_buy_exactly_n_between_them(fake: FakeTwilio, tmp_path: Path) -> None:
    fake.latency = 0.02
    total = 90
    results = await run_processes(fake, f"BuyNumbers({total})", tmp_path / "j.sqlite", 3)
    assert all(r == {**r, "done": total, "failed": 0} for r in results)  # each sees the job
    assert sum(r["purchases"] for r in results) == total  # each number bought by one of them
    assert len(owned_numbers(fake)) == total
    assert set(fake.purchases_per_number(handled_only=False).values()) == {1}


async def test_three_processes_update_each_number_once(fake: FakeTwilio, tmp_path: Path) -> None:
    fake.latency = 0.02
    sids = fake.seed_numbers(60, friendly_name="fleet")
    source = "UpdateNumbers(NumberFilter(friendly_name='fleet'), settings={'sms_method': 'GET'})"
    results = await run_processes(fake, source, tmp_path / "j.sqlite", 3)
    assert sum(r["updates"] for r in results) == 60
    assert fake.updates_per_sid(handled_only=False) == dict.fromkeys(sids, 1)
    lists = fake.requests_to("GET", "/IncomingPhoneNumbers.json")
    assert len(lists) == 1  # one process listed the filter's numbers; the others waited


async def test_a_slot_waiting_for_numbers_a_dead_worker_held_takes_them_up(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    """A worker dies holding the 30 numbers a search answers. The live worker's slot,
    finding nothing new, recovers the dead claims, hands its slot back, buys those 30
    (their slots come first), then finds the 31st: nothing waits forever, nothing fails."""
    fake.inventory.size = 31
    journal = tmp_path / "j.sqlite"
    plan = BuyNumbers(31, area_codes=["415"], contains="+1415")  # one search, never split
    found = await client.available_phone_numbers("US").local.list(area_code=415)
    dead = Journal.open(journal)
    dead.start(plan=plan.canonical(), account_sid=fake.account_sid, slots=31)
    dead.join()
    dead.add_candidates(0, [n.phone_number for n in found])
    for _ in found:
        assert dead.claim(pools=lambda item: [0]).bound  # bound, not yet bought

    def die(event: Event) -> None:
        if event.kind is EventKind.SEARCHED and dead._lock is not None:
            dead._lock.release()  # the process dies: the kernel drops its lock

    job = BulkJob(client, plan, journal=journal, workers=1, on_event=die, **FAST)
    summary = await asyncio.wait_for(job.run(), 60)
    assert summary.ok
    assert summary.stats.recovered == 30
    assert len(owned_numbers(fake)) == 31
    assert set(fake.purchases_per_number(handled_only=False).values()) == {1}
    dead.close()
