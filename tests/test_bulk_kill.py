"""A job process killed with SIGKILL half way, then run again with the same journal."""

from __future__ import annotations

import asyncio
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from tests.bulk_support import FAST, owned_numbers, wait_until
from twilio_async.bulk import BulkJob, BuyNumbers, JobSummary, Plan, UpdateNumbers
from twilio_async.testing import FakeTwilio

ROOT = Path(__file__).resolve().parent.parent


async def kill_half_way(
    fake: FakeTwilio, plan_source: str, journal: Path, progress: Callable[[], int], total: int
) -> None:
    """Run a job in a child process; SIGKILL it once ``progress()`` reaches half of ``total``."""
    script = textwrap.dedent(
        f"""
        import asyncio
        from twilio_async import Client
        from twilio_async.bulk import *

        async def main():
            async with Client({fake.account_sid!r}, {fake.auth_token!r},
                              base_url={fake.url!r}, max_concurrency=4) as client:
                await BulkJob(client, {plan_source}, journal={str(journal)!r}).run()

        asyncio.run(main())
        """
    )
    child = await asyncio.create_subprocess_exec(sys.executable, "-c", script, cwd=ROOT)
    try:
        await wait_until(lambda: progress() >= total // 2 or child.returncode is not None, 120)
    finally:
        child.kill()
        await child.wait()
    assert progress() < total, "the job finished before it could be killed"
    await wait_until(lambda: fake.in_flight == 0)  # what it sent has landed


async def resume(fake: FakeTwilio, plan: Plan, journal: Path) -> JobSummary:
    async with fake.client(max_concurrency=4) as client:
        summary = await BulkJob(client, plan, journal=journal, **FAST).run()
    assert summary.ok, [str(item.error) for item in summary.failed]
    # The killed worker held items with requests in flight: taken over, and looked at
    # before anything was sent for them.
    assert summary.stats.recovered >= 1
    return summary


async def test_a_purchase_job_killed_half_way_resumes(fake: FakeTwilio, tmp_path: Path) -> None:
    fake.latency = 0.05
    journal, total = tmp_path / "buy.sqlite", 120
    source = f"BuyNumbers({total}, settings={{'voice_url': 'https://example.com/v'}})"
    await kill_half_way(fake, source, journal, lambda: len(fake.purchases_per_number()), total)
    plan = BuyNumbers(total, settings={"voice_url": "https://example.com/v"})
    await resume(fake, plan, journal)
    assert len(owned_numbers(fake)) == total
    assert set(fake.purchases_per_number(handled_only=False).values()) == {1}


async def test_an_update_job_killed_half_way_resumes(fake: FakeTwilio, tmp_path: Path) -> None:
    fake.latency = 0.05
    journal, total = tmp_path / "update.sqlite", 120
    sids = fake.seed_numbers(total)
    source = f"UpdateNumbers({sids!r}, settings={{'sms_url': 'https://e.com/s'}})"
    await kill_half_way(fake, source, journal, lambda: len(fake.updates_per_sid()), total)
    summary = await resume(
        fake, UpdateNumbers(sids, settings={"sms_url": "https://e.com/s"}), journal
    )
    assert summary.stats.fetches >= 1
    assert all(fake.state.numbers[sid]["sms_url"] == "https://e.com/s" for sid in sids)
    assert fake.updates_per_sid(handled_only=False) == dict.fromkeys(sids, 1)
