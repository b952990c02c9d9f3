"""Several processes working one job on one journal, as a fleet of workers would."""

from __future__ import annotations

import asyncio
import json
import sys
import textwrap
from pathlib import Path

from tests.bulk_support import owned_numbers
from twilio_async.testing import FakeTwilio

ROOT = Path(__file__).resolve().parent.parent


async def run_processes(
    fake: FakeTwilio, plan_source: str, journal: Path, count: int
) -> list[dict[str, int]]:
    """Run the job in ``count`` processes at once; each prints its summary's counts."""
    script = textwrap.dedent(
        f"""
        import asyncio, json
        from twilio_async import Client
        from twilio_async.bulk import *

        async def main():
            async with Client({fake.account_sid!r}, {fake.auth_token!r},
                              base_url={fake.url!r}, max_concurrency=4) as client:
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
