"""A provisioning job: buy numbers in bulk, repoint them, release them, with a journal.

    python examples/provisioning_job.py                   # against the bundled fake Twilio
    python examples/provisioning_job.py --yes-real-twilio # with TWILIO_* set: spends money

Shows a dry run, a purchase with per-number settings and a progress line, a job stopped
half way and resumed from its journal (nothing is bought twice), lost answers looked up,
an update that a second run finds already applied, and the release of everything bought.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from pathlib import Path

from _support import open_client

from twilio_async import Client
from twilio_async.bulk import BulkJob, BuyNumbers, EventKind, ReleaseNumbers, UpdateNumbers
from twilio_async.testing import FakeTwilio, Fault

COUNT = 40
PURCHASES = "/IncomingPhoneNumbers.json"
PLAN = BuyNumbers(
    COUNT,
    area_codes=["415", "510"],
    area_code_order="round_robin",
    capabilities={"sms"},
    settings={"voice_url": "https://example.com/voice"},
    per_number=[{"friendly_name": f"store {n:03d}"} for n in range(COUNT)],
)


async def buy(client: Client, journal: Path) -> list[str]:
    dry_run = await BulkJob(client, PLAN, journal=journal).dry_run()
    print(str(dry_run).splitlines()[0])
    print("  first: " + str(dry_run.items[0]))

    # Stop the job after ten numbers (as Ctrl-C or a crash would), then run it again.
    job = BulkJob(client, PLAN, journal=journal)
    async with contextlib.aclosing(job.events()) as events:
        async for event in events:
            if event.kind is EventKind.DONE and event.progress.done == 10:
                break
    print("stopped after 10 numbers; running the same job again with its journal")

    job = BulkJob(client, PLAN, journal=journal)
    async with contextlib.aclosing(job.events()) as events:
        async for event in events:
            if event.kind is EventKind.FINISHED:
                p = event.progress
                print(f"progress: {p.done}/{p.total} done, {p.failed} failed")
    summary = job.summary
    assert summary is not None
    print(summary)
    return [item.sid for item in summary.done if item.sid]


async def repoint(client: Client, sids: list[str], journal_dir: Path) -> None:
    plan = UpdateNumbers(sids, settings={"voice_url": "https://example.com/voice-v2"})
    first = await BulkJob(client, plan, journal=journal_dir / "update-1.sqlite").run()
    again = await BulkJob(client, plan, journal=journal_dir / "update-2.sqlite").run()
    print(f"update: {first}; run again: {len(again.skipped)} already applied, 0 sent")


async def main() -> None:
    buys = f"buys {COUNT} phone numbers in area codes 415 and 510 (and releases them)"
    with tempfile.TemporaryDirectory() as directory:
        journals = Path(directory)
        async with open_client(on_real_twilio=buys, max_concurrency=8) as (client, fake):
            if fake is not None:  # three purchases go through but their answers are lost
                fake.latency = 0.005
                fake.inject(Fault(drop_after_commit=True, method="POST", path=PURCHASES, times=3))
            sids = await buy(client, journals / "buy.sqlite")
            await repoint(client, sids, journals)
            released = await BulkJob(client, ReleaseNumbers(sids)).run()
            print(f"release: {released}")
            if fake is not None:
                report(fake)


def report(fake: FakeTwilio) -> None:
    sent = fake.purchases_per_number(handled_only=False)
    lost = sum(1 for r in fake.requests if r.purchased_number and r.handled and r.status is None)
    print(f"the fake saw {sum(sent.values())} purchases of {len(sent)} numbers", end="; ")
    print(f"{lost} answers were lost, and the job looked those numbers up")


if __name__ == "__main__":
    asyncio.run(main())
