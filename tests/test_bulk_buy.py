"""Buying many numbers over real HTTP against the fake: searches, races, lost answers."""

from __future__ import annotations

from pathlib import Path

from tests.bulk_support import FAST, TakeSomeFound, owned_numbers, when_not_ours
from twilio_async import AuthenticationError, Client, IncomingPhoneNumber, RateLimitError
from twilio_async.bulk import (
    BulkJob,
    BuyNumbers,
    Event,
    EventKind,
    ItemState,
    NoMoreNumbersError,
    OutcomeUnknownError,
)
from twilio_async.testing import FakeTwilio, Fault

SEARCH = "/AvailablePhoneNumbers/US/Local.json"
PURCHASES = "/IncomingPhoneNumbers.json"


async def test_search_filters_go_on_the_wire_and_exactly_n_are_bought(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    plan = BuyNumbers(
        5,
        area_codes=["510"],
        contains="55",
        capabilities={"sms", "voice"},
        search={"in_region": "CA", "exclude_all_address_required": True},
    )
    summary = await BulkJob(client, plan, journal=tmp_path / "j.sqlite", **FAST).run()
    assert summary.ok
    assert len(summary.done) == 5
    searches = fake.requests_to("GET", SEARCH)
    assert searches
    assert searches[0].query_dict() == {
        "AreaCode": "510",
        "Contains": "55",
        "SmsEnabled": "true",
        "VoiceEnabled": "true",
        "InRegion": "CA",
        "ExcludeAllAddressRequired": "true",
        "PageSize": "30",
    }
    owned = owned_numbers(fake)
    assert owned == sorted(item.phone_number or "" for item in summary.done)
    assert all(n.startswith("+1510") and "55" in n[2:] for n in owned)
    assert set(fake.purchases_per_number(handled_only=False).values()) == {1}


async def test_settings_apply_to_every_number_and_per_number(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    count = 45  # more than one search answers: the pool splits into slices
    plan = BuyNumbers(
        count,
        area_codes=["415"],
        settings={"voice_url": "https://example.com/voice", "sms_method": "GET"},
        per_number=[{"friendly_name": f"line {slot}"} for slot in range(count)],
    )
    summary = await BulkJob(client, plan, journal=tmp_path / "j.sqlite", **FAST).run()
    assert summary.ok
    assert [item.index for item in summary.done] == list(range(count))
    records = {n["sid"]: n for n in fake.state.numbers_of(fake.account_sid)}
    assert len(records) == count
    for item in summary.done:
        record = records[item.sid or ""]
        assert record["phone_number"] == item.phone_number
        assert record["friendly_name"] == f"line {item.index}"
        assert record["voice_url"] == "https://example.com/voice"
        assert record["sms_method"] == "GET"
    contains = {r.query_dict().get("Contains") for r in fake.requests_to("GET", SEARCH)}
    assert "00$" in contains  # more than one search's worth: searched in slices at once
    assert None not in contains
    assert set(fake.purchases_per_number(handled_only=False).values()) == {1}
    assert summary.stats.purchases == count


async def test_a_refused_slice_search_goes_back_to_whole_pool_searches(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    # A job of 200 searches in slices from the start; the first is refused as if Twilio
    # did not take the pattern.
    fake.inject(Fault(status=400, method="GET", path=SEARCH, times=1))
    plan = BuyNumbers(200, area_codes=["415"])
    job = BulkJob(client, plan, journal=tmp_path / "j.sqlite", workers=8, **FAST)
    summary = await job.run()
    assert summary.ok
    assert len(owned_numbers(fake)) == 200
    searches = [r.query_dict().get("Contains") for r in fake.requests_to("GET", SEARCH)]
    assert searches[0] is not None  # a slice: refused
    # Slice searches stop (the other one in flight at the refusal aside: two per pool at
    # most), and the 200 come from whole-pool searches.
    assert sum(c is not None for c in searches) <= 2
    assert searches.count(None) >= 6  # 170 numbers or more, 30 a search at most


async def test_area_codes_in_turn_and_round_robin(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    fake.inventory.size = 10
    in_turn = BuyNumbers(14, area_codes=["415", "510"])
    summary = await BulkJob(client, in_turn, journal=tmp_path / "a.sqlite", **FAST).run()
    assert summary.ok
    owned = owned_numbers(fake)
    assert sum(n.startswith("+1415") for n in owned) == 10  # the first one, used up
    assert sum(n.startswith("+1510") for n in owned) == 4
    spread = BuyNumbers(6, area_codes=["212", "312", "206"], area_code_order="round_robin")
    summary = await BulkJob(client, spread, journal=tmp_path / "b.sqlite", **FAST).run()
    bought = [item.phone_number or "" for item in summary.done]
    assert [n[2:5] for n in bought] == ["212", "312", "206", "212", "312", "206"]


async def test_when_the_criteria_match_no_more_numbers_the_rest_fail(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    fake.inventory.size = 8
    plan = BuyNumbers(12, area_codes=["415"])
    summary = await BulkJob(client, plan, journal=tmp_path / "j.sqlite", **FAST).run()
    assert len(summary.done) == 8
    assert len(summary.failed) == 4
    for item in summary.failed:
        assert isinstance(item.error, NoMoreNumbersError)
        assert "area codes 415" in str(item.error)
        assert item.phone_number is None
    assert len(owned_numbers(fake)) == 8
    assert sum(fake.purchases_per_number(handled_only=False).values()) == 8
    assert not summary.ok


async def test_numbers_taken_between_search_and_purchase(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    journal = tmp_path / "j.sqlite"
    taker = TakeSomeFound(fake, journal, every=4)  # 25% of what the searches find
    plan = BuyNumbers(60, area_codes=["415"])
    summary = await BulkJob(client, plan, journal=journal, on_event=taker, **FAST).run()
    assert summary.ok
    owned = owned_numbers(fake)
    assert len(owned) == 60
    assert not set(owned) & set(taker.taken)
    per_number = fake.purchases_per_number(handled_only=False)
    assert set(per_number.values()) == {1}  # no number's purchase sent twice
    assert summary.stats.taken == sum(1 for n in per_number if n in taker.taken) > 0


async def test_lost_answers_are_looked_up_and_nothing_is_bought_twice(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    lose = Fault(
        drop_after_commit=True, method="POST", path=PURCHASES, times=None, fraction=0.1, seed=7
    )
    fake.inject(lose)
    events: list[Event] = []
    job = BulkJob(client, BuyNumbers(60), journal=tmp_path / "j.sqlite", on_event=events.append)
    summary = await job.run()
    assert summary.ok
    unknown = [e for e in events if e.kind is EventKind.UNKNOWN]
    assert unknown
    assert all(e.progress.reconciling >= 1 for e in unknown)
    assert events[-1].progress.reconciling == 0
    assert len(owned_numbers(fake)) == 60
    assert set(fake.purchases_per_number(handled_only=False).values()) == {1}
    assert summary.stats.unknown > 0  # some answers were lost ...
    assert summary.stats.lookups >= summary.stats.unknown  # ... and each was looked up
    assert not summary.unresolved
    reconciled = [item for item in summary.done if item.note and "reconciled" in item.note]
    assert len(reconciled) == summary.stats.unknown


async def test_a_purchase_that_did_not_happen_is_sent_again_for_the_same_number(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    fake.inject(
        Fault(drop=True, method="POST", path=PURCHASES, times=1),  # not processed
        Fault(status=500, method="POST", path=PURCHASES, times=1),  # not processed either
    )
    summary = await BulkJob(client, BuyNumbers(5), journal=tmp_path / "j.sqlite", **FAST).run()
    assert summary.ok
    owned = owned_numbers(fake)
    assert len(owned) == 5
    assert set(fake.purchases_per_number().values()) == {1}  # each processed once
    sent = fake.purchases_per_number(handled_only=False)
    assert sorted(sent.values()) == [1, 1, 1, 2, 2]  # the two unanswered ones, again
    assert {n for n, c in sent.items() if c == 2} <= set(owned)  # the same numbers, bought


async def test_a_purchase_landing_after_the_lookup_still_gives_one_number(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    """The lookup said "not ours", then the lost purchase landed: buying the same number
    again gets 21422, and a settled lookup finds it ours. No other number is bought."""
    fake.inject(Fault(drop=True, method="POST", path=PURCHASES, times=1))
    landed: list[str] = []

    def land_late(phone: str) -> None:
        fake.state.add_number(fake.account_sid, phone)  # the first purchase, late
        landed.append(phone)

    listener = when_not_ours(land_late)
    job = BulkJob(client, BuyNumbers(1), journal=tmp_path / "j.sqlite", on_event=listener, **FAST)
    summary = await job.run()
    assert summary.ok
    assert [item.phone_number for item in summary.done] == landed
    assert owned_numbers(fake) == landed
    assert fake.purchases_per_number(handled_only=False) == {landed[0]: 2}


async def test_a_number_taken_after_an_unknown_outcome_is_given_up_once_settled(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    fake.inject(Fault(drop=True, method="POST", path=PURCHASES, times=1))
    taken: list[str] = []

    def another_customer(phone: str) -> None:
        fake.take_available([phone])
        taken.append(phone)

    listener = when_not_ours(another_customer)
    job = BulkJob(client, BuyNumbers(1), journal=tmp_path / "j.sqlite", on_event=listener, **FAST)
    summary = await job.run()
    assert summary.ok
    (owned,) = owned_numbers(fake)
    assert owned != taken[0]
    assert summary.stats.lookups == 2  # after the drop, and once more once settled


async def test_a_failed_lookup_leaves_the_slot_unsure_until_the_next_run(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    journal = tmp_path / "j.sqlite"
    fake.inject(
        Fault(drop_after_commit=True, method="POST", path=PURCHASES, times=1),
        Fault(status=503, method="GET", path=PURCHASES, times=None),  # every lookup
    )
    first = await BulkJob(client, BuyNumbers(3), journal=journal, **FAST).run()
    (unresolved,) = first.unresolved
    assert unresolved.state is ItemState.FAILED
    assert isinstance(unresolved.error, OutcomeUnknownError)
    assert unresolved.error.phone_number == unresolved.phone_number
    assert len(first.done) == 2
    assert len(owned_numbers(fake)) == 3  # it had been bought: the job must not buy another
    fake.faults.clear()
    second = await BulkJob(client, BuyNumbers(3), journal=journal, **FAST).run()
    assert second.ok
    assert second.stats.purchases == 0
    assert second.stats.lookups == 1
    assert sorted(i.phone_number or "" for i in second.done) == owned_numbers(fake)
    assert set(fake.purchases_per_number(handled_only=False).values()) == {1}


async def test_purchases_still_rate_limited_after_the_clients_retries_are_sent_again(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    # The client retries a 429 three times (FAST_RETRY); ten in a row outlast that twice.
    fake.inject(Fault(status=429, retry_after="0", method="POST", path=PURCHASES, times=10))
    summary = await BulkJob(client, BuyNumbers(1), journal=tmp_path / "j.sqlite", **FAST).run()
    assert summary.ok
    assert summary.stats.rate_limited == 2
    assert summary.stats.purchases == 3
    assert len(owned_numbers(fake)) == 1
    assert set(fake.purchases_per_number().values()) == {1}
    assert fake.status_counts[429] == 10


async def test_searches_still_rate_limited_after_the_clients_retries_pause_and_go_on(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    # Four searches in a row each answered 429 four times (the client's FAST_RETRY): an
    # account this busy slows the job down; it does not end it.
    fake.inject(Fault(status=429, retry_after="0", method="GET", path=SEARCH, times=16))
    summary = await BulkJob(client, BuyNumbers(5), journal=tmp_path / "j.sqlite", **FAST).run()
    assert summary.ok
    assert summary.stats.rate_limited == 4
    assert len(owned_numbers(fake)) == 5


async def test_a_slot_rate_limited_max_sends_times_fails(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    fake.inject(Fault(status=429, retry_after="0", method="POST", path=PURCHASES, times=None))
    job = BulkJob(client, BuyNumbers(1), journal=tmp_path / "j.sqlite", max_sends=2, **FAST)
    summary = await job.run()
    (failed,) = summary.failed
    assert isinstance(failed.error, RateLimitError)
    assert failed.phone_number is None  # nothing bought, nothing held
    assert not failed.unsure
    assert fake.status_counts[429] == 8  # two sends, each tried four times by the client
    assert owned_numbers(fake) == []


async def test_bought_models_in_the_summary(fake: FakeTwilio, client: Client) -> None:
    summary = await BulkJob(client, BuyNumbers(3), **FAST).run()  # journal in memory
    numbers = {n.sid: n for n in await client.incoming_phone_numbers.list()}
    for item in summary.done:
        assert isinstance(numbers[item.sid or ""], IncomingPhoneNumber)
        assert numbers[item.sid or ""].phone_number == item.phone_number


async def test_purchases_refused_for_the_credentials_stop_the_job_and_leave_nothing_unsure(
    fake: FakeTwilio, client: Client, tmp_path: Path
) -> None:
    journal = tmp_path / "j.sqlite"
    fake.inject(Fault(status=401, method="POST", path=PURCHASES, times=None))
    first = await BulkJob(client, BuyNumbers(10), journal=journal, **FAST).run()
    assert isinstance(first.error, AuthenticationError)
    assert [type(item.error) for item in first.failed] == [AuthenticationError] * 10
    assert not first.unresolved  # nothing was bought: no lookup is owed
    assert len(fake.requests_to("POST", PURCHASES)) <= 10
    fake.faults.clear()
    second = await BulkJob(client, BuyNumbers(10), journal=journal, **FAST).run()
    assert second.ok
    assert second.stats.lookups == 0
    assert len(owned_numbers(fake)) == 10
