"""A job as a whole: events and progress, cancellation, dry runs, journals that do not fit."""

from __future__ import annotations

import asyncio
import contextlib
import re
from pathlib import Path
from typing import Any

import pytest

from tests.bulk_support import FAST, owned_numbers, wait_until
from twilio_async import Client, TwilioValidationError
from twilio_async.bulk import (
    BulkJob,
    BuyNumbers,
    Event,
    EventKind,
    ItemState,
    JournalMismatchError,
    NumberFilter,
    ReleaseNumbers,
    UpdateNumbers,
    read_journal,
)
from twilio_async.testing import FakeTwilio

VOICE = {"voice_url": "https://example.com/voice"}


def bulk_tasks() -> list[asyncio.Task[Any]]:
    return [t for t in asyncio.all_tasks() if t.get_name() == "twilio_async.bulk"]


async def test_events_report_each_item_and_the_progress(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    job = BulkJob(client, BuyNumbers(20), journal=tmp_path / "j.sqlite", **FAST)
    events: list[Event] = []
    async with contextlib.aclosing(job.events()) as stream:
        async for event in stream:
            events.append(event)
    assert events[0].kind is EventKind.STARTED
    assert events[0].progress.total == 20
    assert events[-1].kind is EventKind.FINISHED
    assert events[-1].progress.done == 20
    assert events[-1].progress.fraction == 1.0
    done = [e for e in events if e.kind is EventKind.DONE]
    assert sorted(e.item.index for e in done if e.item) == list(range(20))
    assert [e.progress.done for e in done] == sorted(e.progress.done for e in done)
    first_sends = {}
    for position, event in enumerate(events):
        if event.kind is EventKind.SENDING and event.item:
            first_sends.setdefault(event.item.index, position)
    assert all(first_sends[e.item.index] < events.index(e) for e in done if e.item)
    searched = [e.message for e in events if e.kind is EventKind.SEARCHED]
    assert searched
    # "search of numbers ending 07: 1 found, 1 new": no count with a noun to misspell.
    assert all(
        re.fullmatch(r"search( of numbers ending \d\d)?: \d+ found, \d+ new", m) for m in searched
    )
    assert job.summary is not None
    assert events[-1].summary is job.summary
    assert all(e.summary is None for e in events[:-1])
    assert len(job.summary.done) == 20
    assert events[-1].progress.rate is not None


async def test_a_callback_sees_the_same_events(fake: FakeTwilio, client: Client) -> None:
    seen: list[EventKind] = []
    summary = await BulkJob(client, BuyNumbers(3), on_event=lambda e: seen.append(e.kind)).run()
    assert summary.ok
    assert seen[0] is EventKind.STARTED
    assert seen[-1] is EventKind.FINISHED
    assert seen.count(EventKind.DONE) == 3


async def test_cancelling_leaves_the_journal_consistent_and_no_task_behind(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    fake.latency = 0.01
    journal = tmp_path / "j.sqlite"
    plan = BuyNumbers(80)
    task = asyncio.ensure_future(BulkJob(client, plan, journal=journal, workers=4, **FAST).run())
    await wait_until(lambda: len(fake.purchases_per_number()) >= 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert bulk_tasks() == []
    snapshot = read_journal(journal)
    states = {item.state for item in snapshot.items}
    assert ItemState.ACTIVE not in states  # every claim was given back
    assert snapshot.progress.done < 80
    await wait_until(lambda: fake.in_flight == 0)  # purchases sent before the cancel land
    summary = await BulkJob(client, plan, journal=journal, **FAST).run()
    assert summary.ok
    assert len(owned_numbers(fake)) == 80
    assert set(fake.purchases_per_number(handled_only=False).values()) == {1}


async def test_leaving_the_events_loop_early_cancels_the_job(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    job = BulkJob(client, BuyNumbers(50), journal=tmp_path / "j.sqlite", workers=2, **FAST)
    async with contextlib.aclosing(job.events()) as stream:
        async for event in stream:
            if event.kind is EventKind.DONE:
                break
    assert bulk_tasks() == []
    assert job.summary is None
    assert ItemState.ACTIVE not in {i.state for i in read_journal(tmp_path / "j.sqlite").items}


async def test_a_job_runs_once_at_a_time(fake: FakeTwilio, client: Client) -> None:
    fake.latency = 0.01
    job = BulkJob(client, BuyNumbers(5), **FAST)
    first = asyncio.ensure_future(job.run())
    await wait_until(lambda: len(fake.requests) > 0)
    with pytest.raises(RuntimeError, match="running already"):
        await job.run()
    assert (await first).ok
    again = await job.run()  # the in-memory journal: everything is done already
    assert len(again.done) == 5
    assert len(owned_numbers(fake)) == 5


async def test_dry_run_of_a_purchase_sends_only_searches(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    plan = BuyNumbers(40, area_codes=["415"], settings=VOICE)
    dry = await BulkJob(client, plan, journal=tmp_path / "j.sqlite").dry_run()
    assert {r.method for r in fake.requests} == {"GET"}
    assert not (tmp_path / "j.sqlite").exists()  # a dry run writes no journal
    assert [item.action for item in dry.items] == ["buy"] * 40
    phones = [item.phone_number or "" for item in dry.items]
    assert len(set(phones)) == 40
    assert all(p.startswith("+1415") for p in phones)
    assert dry.items[0].changes == VOICE
    assert str(dry).splitlines()[0] == "dry run of a buy job (buy: 40)"
    assert f"buy     {phones[0]} (voice_url='https://example.com/voice')" in str(dry)


async def test_dry_run_reads_the_journal_of_a_job_under_way(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    journal = tmp_path / "j.sqlite"
    fake.inventory.size = 12
    first = await BulkJob(client, BuyNumbers(8), journal=journal, **FAST).run()
    assert first.ok
    job = BulkJob(client, BuyNumbers(8), journal=journal)
    dry = await job.dry_run()
    assert [item.action for item in dry.items] == ["none"] * 8
    assert dry.to_send == ()


async def test_dry_run_of_updates_and_releases(fake: FakeTwilio, client: Client) -> None:
    changed, applied = fake.seed_numbers(1), fake.seed_numbers(1, **VOICE)
    missing = "PN" + "0" * 32
    update = UpdateNumbers([*changed, *applied, missing], settings=VOICE)
    dry = await BulkJob(client, update).dry_run()
    assert [(i.action, i.sid) for i in dry.items] == [
        ("update", changed[0]),
        ("none", applied[0]),
        ("fail", missing),
    ]
    assert dry.items[0].changes == {"voice_url": (None, VOICE["voice_url"])}
    assert "(voice_url: None -> 'https://example.com/voice')" in str(dry)
    release = await BulkJob(client, ReleaseNumbers(NumberFilter(everything=True))).dry_run()
    assert [i.action for i in release.items] == ["release", "release"]
    assert {r.method for r in fake.requests} == {"GET"}
    assert len(fake.state.numbers) == 2


async def test_a_journal_of_another_job_is_refused_before_anything_is_sent(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    journal = tmp_path / "j.sqlite"
    assert (await BulkJob(client, BuyNumbers(2), journal=journal, **FAST).run()).ok
    sent = len(fake.requests)
    with pytest.raises(JournalMismatchError) as caught:
        await BulkJob(client, BuyNumbers(3), journal=journal).run()
    assert caught.value.differences == ("count",)
    with pytest.raises(JournalMismatchError):
        await BulkJob(client, BuyNumbers(3), journal=journal).dry_run()
    sub = fake.create_subaccount()
    async with fake.client(
        account_sid=sub, auth_token=fake.state.accounts[sub].auth_token
    ) as other:
        with pytest.raises(JournalMismatchError) as caught:
            await BulkJob(other, BuyNumbers(2), journal=journal).run()
    assert caught.value.differences == ("account_sid",)
    assert len(fake.requests) == sent


@pytest.mark.parametrize(
    ("options", "param"),
    [
        ({"workers": 0}, "workers"),
        ({"workers": 2.5}, "workers"),
        ({"max_sends": 0}, "max_sends"),
        ({"settle_time": -1}, "settle_time"),
        ({"poll_interval": 0}, "poll_interval"),
    ],
)
def test_bad_options_are_refused(client: Client, options: dict[str, Any], param: str) -> None:
    with pytest.raises(TwilioValidationError) as caught:
        BulkJob(client, BuyNumbers(1), **options)
    assert caught.value.param == param


def test_a_plan_is_required(client: Client) -> None:
    with pytest.raises(TwilioValidationError, match="plan must be"):
        BulkJob(client, {"count": 3})  # type: ignore[arg-type]


async def test_read_journal(fake: FakeTwilio, client: Client, tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    summary = await BulkJob(client, BuyNumbers(4, settings=VOICE), journal=journal, **FAST).run()
    snapshot = read_journal(journal)
    assert (snapshot.kind, snapshot.account_sid) == ("buy", client.account_sid)
    assert snapshot.plan["count"] == 4
    assert snapshot.plan["settings"] == {"VoiceUrl": VOICE["voice_url"]}
    assert snapshot.items == summary.items
    assert snapshot.progress.done == 4
