"""Updating and releasing many numbers over real HTTP against the fake."""

from __future__ import annotations

from pathlib import Path

from tests.bulk_support import FAST
from twilio_async import AuthenticationError, Client, NotFoundError
from twilio_async.bulk import (
    BulkJob,
    ItemState,
    NumberFilter,
    OutcomeUnknownError,
    ReleaseNumbers,
    UpdateNumbers,
)
from twilio_async.testing import FakeTwilio, Fault

VOICE = {"voice_url": "https://example.com/voice", "voice_method": "GET"}
INSTANCE = "/IncomingPhoneNumbers/PN"


def instance_gets(fake: FakeTwilio) -> int:
    return sum(1 for r in fake.requests_to("GET", INSTANCE))


async def test_update_by_sid_and_a_second_run_sends_no_post(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    sids = fake.seed_numbers(12)
    plan = UpdateNumbers(sids, settings=VOICE)
    first = await BulkJob(client, plan, journal=tmp_path / "a.sqlite", **FAST).run()
    assert first.ok
    assert [item.sid for item in first.done] == sids
    assert all(fake.state.numbers[sid]["voice_url"] == VOICE["voice_url"] for sid in sids)
    assert fake.updates_per_sid() == dict.fromkeys(sids, 1)
    second = await BulkJob(client, plan, journal=tmp_path / "b.sqlite", **FAST).run()
    assert [(i.state, i.note) for i in second.items] == [
        (ItemState.SKIPPED, "already applied")
    ] * 12
    assert fake.updates_per_sid() == dict.fromkeys(sids, 1)  # no POST the second time
    # The same journal again: everything is finished, nothing is even fetched.
    gets = instance_gets(fake)
    third = await BulkJob(client, plan, journal=tmp_path / "a.sqlite", **FAST).run()
    assert len(third.done) == 12
    assert instance_gets(fake) == gets


async def test_update_by_model_compares_without_a_get(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    fake.seed_numbers(6)
    fake.seed_numbers(4, voice_url=VOICE["voice_url"], voice_method="GET")
    numbers = await client.incoming_phone_numbers.list()
    summary = await BulkJob(client, UpdateNumbers(numbers, settings=VOICE), **FAST).run()
    assert (len(summary.done), len(summary.skipped)) == (6, 4)
    assert instance_gets(fake) == 0
    sent = fake.requests_to("POST", INSTANCE)
    assert len(sent) == 6
    assert all(
        r.form_dict() == {"VoiceUrl": VOICE["voice_url"], "VoiceMethod": "GET"} for r in sent
    )


async def test_update_only_sends_the_settings_that_differ(fake: FakeTwilio, client: Client) -> None:
    (sid,) = fake.seed_numbers(1, voice_url=VOICE["voice_url"])
    summary = await BulkJob(client, UpdateNumbers([sid], settings=VOICE), **FAST).run()
    assert summary.ok
    (sent,) = fake.requests_to("POST", INSTANCE)
    assert sent.form_dict() == {"VoiceMethod": "GET"}


async def test_update_by_filter_streams_the_inventory(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    stores = fake.seed_numbers(30, friendly_name="store")
    done_already = fake.seed_numbers(5, friendly_name="store", sms_url="https://e.com/sms")
    others = fake.seed_numbers(10, friendly_name="office")
    plan = UpdateNumbers(
        NumberFilter(friendly_name="store"), settings={"sms_url": "https://e.com/sms"}
    )
    summary = await BulkJob(client, plan, journal=tmp_path / "j.sqlite", **FAST).run()
    assert summary.ok
    assert sorted(i.sid or "" for i in summary.done) == sorted(stores)
    assert sorted(i.sid or "" for i in summary.skipped) == sorted(done_already)
    assert summary.stats.listed == 35
    assert instance_gets(fake) == 0  # a listed number's settings are known
    lists = fake.requests_to("GET", "/IncomingPhoneNumbers.json")
    assert lists[0].query_dict()["FriendlyName"] == "store"
    assert all(fake.state.numbers[sid]["sms_url"] == "" for sid in others)


async def test_per_number_settings(fake: FakeTwilio, client: Client) -> None:
    a, b = fake.seed_numbers(2)
    plan = UpdateNumbers(
        [a, b],
        settings={"sms_method": "GET"},
        per_number={a: {"friendly_name": "front desk"}, b: {"sms_method": "POST"}},
    )
    summary = await BulkJob(client, plan, **FAST).run()
    assert summary.ok
    assert (fake.state.numbers[a]["friendly_name"], fake.state.numbers[a]["sms_method"]) == (
        "front desk",
        "GET",
    )
    assert fake.state.numbers[b]["sms_method"] == "POST"


async def test_an_update_with_a_lost_answer_is_fetched_not_sent_again(
    fake: FakeTwilio, client: Client
) -> None:
    sids = fake.seed_numbers(4)
    fake.inject(Fault(drop_after_commit=True, method="POST", path=INSTANCE, times=2))
    summary = await BulkJob(client, UpdateNumbers(sids, settings=VOICE), **FAST).run()
    assert summary.ok
    assert summary.stats.unknown == 2
    assert sum("reconciled" in (i.note or "") for i in summary.done) == 2
    assert fake.updates_per_sid(handled_only=False) == dict.fromkeys(sids, 1)


async def test_an_update_that_did_not_land_is_sent_again(fake: FakeTwilio, client: Client) -> None:
    (sid,) = fake.seed_numbers(1)
    fake.inject(Fault(drop=True, method="POST", path=INSTANCE, times=1))
    summary = await BulkJob(client, UpdateNumbers([sid], settings=VOICE), **FAST).run()
    assert summary.ok
    assert fake.updates_per_sid() == {sid: 1}  # processed once
    assert fake.updates_per_sid(handled_only=False) == {sid: 2}  # the dropped one, again


async def test_an_update_whose_outcome_cannot_be_fetched_is_unresolved(
    fake: FakeTwilio, client: Client
) -> None:
    (sid,) = fake.seed_numbers(1)
    fake.inject(
        Fault(drop=True, method="POST", path=INSTANCE, times=1),
        Fault(status=503, method="GET", path=INSTANCE, times=None, skip=1),  # after the first
    )
    summary = await BulkJob(client, UpdateNumbers([sid], settings=VOICE), **FAST).run()
    (item,) = summary.unresolved
    assert isinstance(item.error, OutcomeUnknownError)
    assert item.state is ItemState.FAILED


async def test_a_missing_number_fails_the_item(fake: FakeTwilio, client: Client) -> None:
    (sid,) = fake.seed_numbers(1)
    missing = "PN" + "0" * 32
    summary = await BulkJob(client, UpdateNumbers([sid, missing], settings=VOICE), **FAST).run()
    assert [i.sid for i in summary.done] == [sid]
    (failed,) = summary.failed
    assert failed.sid == missing
    assert isinstance(failed.error, NotFoundError)


async def test_release_many_and_a_number_already_gone(fake: FakeTwilio, client: Client) -> None:
    sids = fake.seed_numbers(6)
    listed = {n.sid: n for n in await client.incoming_phone_numbers.list()}
    fake.state.release_number(sids[0])  # released elsewhere: the model proves it was ours
    fake.state.release_number(sids[1])  # ... and this one is given as a bare SID
    never = "PN" + "0" * 32  # never on this account
    targets = [listed[sids[0]], sids[1], *sids[2:], never]
    summary = await BulkJob(client, ReleaseNumbers(targets), **FAST).run()
    assert [i.sid for i in summary.done] == sids[2:]
    assert [(i.sid, i.note) for i in summary.skipped] == [(sids[0], "already released")]
    failed = {i.sid: i.error for i in summary.failed}
    assert set(failed) == {sids[1], never}  # a bare SID's 404: it cannot tell it was ours
    assert all(isinstance(e, NotFoundError) for e in failed.values())
    assert fake.state.numbers_of(fake.account_sid) == []
    assert fake.releases_per_sid(handled_only=False) == dict.fromkeys([sids[0], *sids[2:]], 1)


async def test_release_by_filter(fake: FakeTwilio, client: Client, tmp_path: Path) -> None:
    fake.seed_numbers(25, friendly_name="old")
    keep = fake.seed_numbers(5, friendly_name="keep")
    plan = ReleaseNumbers(NumberFilter(friendly_name="old"))
    summary = await BulkJob(client, plan, journal=tmp_path / "j.sqlite", **FAST).run()
    assert (len(summary.done), summary.ok) == (25, True)
    assert sorted(n["sid"] for n in fake.state.numbers_of(fake.account_sid)) == sorted(keep)
    assert instance_gets(fake) == 0


async def test_a_release_with_a_lost_answer_ends_released(fake: FakeTwilio, client: Client) -> None:
    sids = fake.seed_numbers(3)
    fake.inject(Fault(drop_after_commit=True, method="DELETE", path=INSTANCE, times=1))
    summary = await BulkJob(client, ReleaseNumbers(sids), **FAST).run()
    assert summary.ok  # released, or found released (a resent DELETE's 404)
    assert fake.state.numbers_of(fake.account_sid) == []
    assert summary.stats.releases == 3  # the job sent one release per number


async def test_authentication_failure_stops_the_job(fake: FakeTwilio, tmp_path: Path) -> None:
    sids = fake.seed_numbers(20)
    async with fake.client(auth_token="wrong-token", max_concurrency=4) as client:
        job = BulkJob(client, UpdateNumbers(sids, settings=VOICE), journal=tmp_path / "j.sqlite")
        summary = await job.run()
    assert isinstance(summary.error, AuthenticationError)
    assert len(summary.failed) == 20
    assert all(isinstance(i.error, AuthenticationError) for i in summary.failed)
    assert len(fake.requests) <= 4  # the workers' first requests; nothing after
