"""The bulk engine's pure parts, without a server: plans, rules, slices, progress, errors."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from twilio_async import (
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    IncomingPhoneNumber,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    ServerError,
    TwilioConnectionError,
    TwilioDecodeError,
    TwilioError,
    TwilioTimeoutError,
    TwilioValidationError,
)
from twilio_async.bulk import (
    BuyNumbers,
    ItemResult,
    ItemState,
    NoMoreNumbersError,
    NumberFilter,
    OutcomeUnknownError,
    PlannedItem,
    ReleaseNumbers,
    Target,
    UpdateNumbers,
)
from twilio_async.bulk.buy import Slices
from twilio_async.bulk.errors import error_from_json, error_to_json
from twilio_async.bulk.journal import Counts
from twilio_async.bulk.progress import ProgressBoard, RateMeter
from twilio_async.bulk.rules import (
    Outcome,
    Step,
    after_lookup,
    after_purchase,
    after_release,
    after_update,
    after_verify,
    changes_needed,
    classify,
)
from twilio_async.models import EmergencyStatus, HttpMethod

PN = "PN" + "a" * 32
PN2 = "PN" + "b" * 32
AC = "AC" + "c" * 32


def api_error(cls: type[Any], status: int, code: int | None = None) -> Any:
    return cls(status=status, message="m", code=code, method="POST", url="https://x/y")


def lost(sent: bool, cls: type[Any] = TwilioConnectionError) -> Any:
    return cls("x", method="POST", url="u", request_sent=sent)


# -- plans ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"count": 0}, "count"),
        ({"count": True}, "count"),
        ({"count": "3"}, "count"),
        ({"count": 1, "number_type": "landline"}, "number_type"),
        ({"count": 1, "area_codes": []}, "area_codes"),
        ({"count": 1, "area_codes": ["41"]}, "area_codes"),
        ({"count": 1, "area_codes": ["123"]}, "area_codes"),  # NANP: 200-999
        ({"count": 1, "area_codes": ["415", "415"]}, "area_codes"),
        ({"count": 1, "area_code_order": "random"}, "area_code_order"),
        ({"count": 1, "contains": "5"}, "contains"),
        ({"count": 1, "capabilities": "sms"}, "capabilities"),
        ({"count": 1, "capabilities": {"telex"}}, "capabilities"),
        ({"count": 1, "country": "USA"}, "country"),
        ({"count": 1, "search": {"area_code": 415}}, "search"),
        ({"count": 1, "search": {"sms_enabled": True}}, "search"),
        ({"count": 1, "search": {"nearby": "x"}}, "search"),
        ({"count": 1, "search": {"distance": 10}}, "distance"),  # needs near_*
        ({"count": 1, "settings": {"voice_url": "ftp://x"}}, "settings"),
        ({"count": 1, "settings": {"colour": "red"}}, "settings"),
        ({"count": 2, "per_number": [{}]}, "per_number"),
        ({"count": 1, "per_number": {"friendly_name": "x"}}, "per_number"),
    ],
)
def test_buy_plan_refuses_bad_input(kwargs: dict[str, Any], param: str) -> None:
    with pytest.raises(TwilioValidationError) as caught:
        BuyNumbers(**kwargs)
    assert caught.value.param == param


def test_buy_plan_searches_and_settings() -> None:
    plan = BuyNumbers(
        3,
        country="us",
        area_codes=["415", 628],
        area_code_order="round_robin",
        capabilities={"sms", "voice"},
        search={"in_region": "CA"},
        settings={"voice_url": "https://example.com/v", "voice_method": HttpMethod.GET},
        per_number=[{"friendly_name": f"n{i}"} for i in range(3)],
    )
    assert plan.country == "US"
    assert plan.area_codes == ("415", "628")
    assert plan.search_filters(1) == {
        "in_region": "CA",
        "area_code": 628,
        "sms_enabled": True,
        "voice_enabled": True,
    }
    assert [plan.pool_order(slot) for slot in range(3)] == [(0, 1), (1, 0), (0, 1)]
    assert plan.settings_for(2)["friendly_name"] == "n2"
    assert plan.settings_for(2)["voice_url"] == "https://example.com/v"
    # In turn: every slot tries the first area code first.
    assert BuyNumbers(3, area_codes=["415", "628"]).pool_order(1) == (0, 1)
    assert BuyNumbers(3).pools == (None,)


def test_plan_canonical_form_is_stable_and_tells_plans_apart() -> None:
    one = BuyNumbers(5, settings={"voice_method": HttpMethod.GET}, capabilities={"sms", "mms"})
    same = BuyNumbers(5, settings={"voice_method": "GET"}, capabilities=["mms", "sms"])
    assert one.canonical() == same.canonical()
    assert one.canonical() != BuyNumbers(6).canonical()
    update = UpdateNumbers([PN, PN2], settings={"sms_url": ""})
    assert update.canonical()["targets"] == [[PN, None], [PN2, None]]
    assert ReleaseNumbers([PN]).canonical() != ReleaseNumbers([PN2]).canonical()


def number(**fields: Any) -> IncomingPhoneNumber:
    return IncomingPhoneNumber(sid=fields.pop("sid", PN), **fields)


def test_update_plan_targets() -> None:
    model = number(sid=PN2, account_sid=AC, phone_number="+14155550100")
    plan = UpdateNumbers([PN, model, PN], settings={"voice_url": "https://e.com/v"})
    assert isinstance(plan.targets, tuple)
    assert [t.sid for t in plan.targets] == [PN, PN2]  # the same number twice is one item
    assert plan.targets[1] == Target(PN2, AC, "+14155550100")
    assert plan.targets[1].current is model
    bought = ItemResult(index=0, state=ItemState.DONE, sid=PN, phone_number="+14155550101")
    assert ReleaseNumbers([bought]).targets == (Target(PN, None, "+14155550101"),)
    per = UpdateNumbers([PN, PN2], per_number={PN: {"friendly_name": "a"}, PN2: {"sms_url": ""}})
    assert per.settings_for(PN2) == {"sms_url": ""}


@pytest.mark.parametrize(
    ("build", "param"),
    [
        (lambda: UpdateNumbers([PN]), "settings"),
        (lambda: UpdateNumbers([], settings={"sms_url": ""}), "targets"),
        (lambda: UpdateNumbers("PN" + "a" * 32, settings={"sms_url": ""}), "targets"),
        (lambda: UpdateNumbers(["PNxyz"], settings={"sms_url": ""}), "targets"),
        (lambda: UpdateNumbers([PN, PN2], per_number={PN: {"sms_url": ""}}), "per_number"),
        (lambda: UpdateNumbers([PN], per_number={"PN1": {"sms_url": ""}}), "per_number"),
        (lambda: UpdateNumbers(NumberFilter(friendly_name="x"), per_number={PN: {}}), "settings"),
        (lambda: UpdateNumbers([PN], settings={"account_sid": "ACx"}), "settings"),
        (lambda: ReleaseNumbers(NumberFilter()), "targets"),
        (lambda: ReleaseNumbers([3]), "targets"),
        (lambda: NumberFilter(origin="elsewhere"), "origin"),  # type: ignore[arg-type]
        (lambda: NumberFilter(phone_number="abc"), "phone_number"),
    ],
)
def test_number_plans_refuse_bad_input(build: Any, param: str) -> None:
    with pytest.raises(TwilioValidationError) as caught:
        build()
    assert caught.value.param == param


def test_number_filter() -> None:
    assert NumberFilter(everything=True).filters() == {}
    where = NumberFilter(friendly_name="store", beta=False, account_sid=AC)
    assert where.filters() == {"friendly_name": "store", "beta": False}
    assert where.canonical() == {
        "filter": {"FriendlyName": "store", "Beta": "false"},
        "account": AC,
    }


# -- rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (api_error(RateLimitError, 429, 20429), Outcome.NOT_PROCESSED),
        (
            TwilioConnectionError("x", method="POST", url="u", request_sent=False),
            Outcome.NOT_PROCESSED,
        ),
        (TwilioConnectionError("x", method="POST", url="u", request_sent=True), Outcome.UNKNOWN),
        (TwilioTimeoutError("x", method="POST", url="u", request_sent=True), Outcome.UNKNOWN),
        (api_error(ServerError, 503), Outcome.UNKNOWN),
        (TwilioDecodeError("x", method="POST", url="u"), Outcome.UNKNOWN),
        (api_error(BadRequestError, 400, 21422), Outcome.TAKEN),
        (api_error(BadRequestError, 400, 21421), Outcome.REJECTED),
        (api_error(NotFoundError, 404, 20404), Outcome.GONE),
        (api_error(AuthenticationError, 401, 20003), Outcome.FATAL),
        (api_error(PermissionDeniedError, 403), Outcome.FATAL),
        (ClientClosedError("closed"), Outcome.FATAL),
        (TwilioError("other"), Outcome.REJECTED),
    ],
)
def test_classify(error: TwilioError, outcome: Outcome) -> None:
    assert classify(error) is outcome


@pytest.mark.parametrize(
    ("outcome", "suspect", "sends", "step"),
    [
        (Outcome.UNKNOWN, False, 1, Step.LOOK_UP),
        (Outcome.UNKNOWN, True, 5, Step.LOOK_UP),  # never give up before looking
        (Outcome.TAKEN, False, 1, Step.NEW_NUMBER),
        (Outcome.TAKEN, True, 2, Step.LOOK_UP_LATER),  # maybe ours: look once settled
        (Outcome.NOT_PROCESSED, False, 1, Step.SEND_AGAIN),
        (Outcome.NOT_PROCESSED, False, 3, Step.FAIL),
        (Outcome.REJECTED, False, 1, Step.FAIL),
        (Outcome.GONE, False, 1, Step.ABORT),
        (Outcome.FATAL, True, 1, Step.ABORT),
    ],
)
def test_after_purchase(outcome: Outcome, suspect: bool, sends: int, step: Step) -> None:
    assert after_purchase(outcome, suspect=suspect, sends=sends, max_sends=3) is step


def test_after_lookup() -> None:
    def decide(owned: bool, taken: bool, settled: bool, sends: int = 1) -> Step:
        return after_lookup(owned, taken=taken, settled=settled, sends=sends, max_sends=3)

    assert decide(True, taken=False, settled=False) is Step.DONE
    assert decide(True, taken=True, settled=False) is Step.DONE
    # Not ours after an unknown outcome: the same number again, never another.
    assert decide(False, taken=False, settled=False) is Step.SEND_AGAIN
    assert decide(False, taken=False, settled=True, sends=3) is Step.FAIL
    assert decide(False, taken=True, settled=False) is Step.LOOK_UP_LATER
    assert decide(False, taken=True, settled=True) is Step.NEW_NUMBER


def test_after_update_verify_and_release() -> None:
    assert after_update(Outcome.UNKNOWN, sends=1, max_sends=2) is Step.LOOK_UP
    assert after_update(Outcome.NOT_PROCESSED, sends=1, max_sends=2) is Step.SEND_AGAIN
    assert after_update(Outcome.NOT_PROCESSED, sends=2, max_sends=2) is Step.FAIL
    assert after_update(Outcome.GONE, sends=1, max_sends=2) is Step.FAIL
    assert after_update(Outcome.FATAL, sends=1, max_sends=2) is Step.ABORT
    assert after_verify(True, sends=9, max_sends=2) is Step.DONE
    assert after_verify(False, sends=1, max_sends=2) is Step.SEND_AGAIN
    assert after_verify(False, sends=2, max_sends=2) is Step.FAIL
    assert after_release(Outcome.GONE, known=True, sends=1, max_sends=2) is Step.ALREADY_DONE
    assert after_release(Outcome.GONE, known=False, sends=1, max_sends=2) is Step.FAIL
    assert after_release(Outcome.UNKNOWN, known=True, sends=1, max_sends=2) is Step.LOOK_UP
    assert after_release(Outcome.NOT_PROCESSED, known=True, sends=1, max_sends=2) is Step.SEND_AGAIN
    assert after_release(Outcome.REJECTED, known=True, sends=1, max_sends=2) is Step.FAIL
    assert after_release(Outcome.FATAL, known=True, sends=1, max_sends=2) is Step.ABORT


def test_changes_needed_compares_one_spelling_per_value() -> None:
    current = number(
        voice_url="https://e.com/v",
        voice_method=HttpMethod.GET,
        sms_url=None,
        emergency_status=EmergencyStatus.ACTIVE,
        voice_caller_id_lookup=False,
        date_created=datetime(2020, 1, 1, tzinfo=timezone.utc),
    )
    applied = {
        "voice_url": "https://e.com/v",
        "voice_method": "GET",
        "sms_url": "",  # "" clears; None is how a cleared field reads
        "emergency_status": "Active",
        "voice_caller_id_lookup": False,
    }
    assert changes_needed(current, applied) == {}
    assert changes_needed(current, {"voice_method": "POST", "sms_url": "https://e.com/s"}) == {
        "voice_method": (HttpMethod.GET, "POST"),
        "sms_url": (None, "https://e.com/s"),
    }


# -- slices ----------------------------------------------------------------------------------


def test_slices_split_when_a_search_answers_numbers_in_flight() -> None:
    slices = Slices(can_split=True)
    assert slices.next() is None  # the whole pool first
    assert slices.next() == Slices.WAIT  # searching already
    slices.record(None, found=30, new=30, in_flight=0)
    assert not slices.split
    assert slices.next() is None
    slices.record(None, found=30, new=2, in_flight=28)  # mostly numbers being bought: split
    assert slices.split
    assert [slices.next() for _ in range(4)] == ["00$", "01$", "02$", "03$"]
    slices.record("00$", found=30, new=30, in_flight=0)
    slices.record("01$", found=4, new=0, in_flight=4)  # blocked until something changes
    slices.record("02$", found=0, new=0, in_flight=0)  # used up
    slices.record("03$", found=5, new=0, in_flight=0)  # (all of them seen, none in flight)
    slices.record(None, found=30, new=30, in_flight=0)  # a late answer for the whole pool
    keys = [slices.next() for _ in range(100)]
    assert "00$" in keys
    assert not {"01$", "02$", "03$"} & set(keys)
    assert keys[-1] == Slices.WAIT  # 01 is blocked: not used up
    slices.unblock()
    for key in keys:
        if key not in (Slices.WAIT, Slices.EXHAUSTED):
            slices.record(key, found=0, new=0, in_flight=0)
    assert slices.next() == "01$"
    slices.record("01$", found=0, new=0, in_flight=0)
    assert slices.exhausted
    assert slices.next() == Slices.EXHAUSTED


def test_slices_of_a_big_job_split_at_once() -> None:
    slices = Slices(can_split=True, split=True)
    assert slices.split
    assert slices.next() == "00$"
    assert not Slices(can_split=False, split=True).split  # a plan's own pattern wins


def test_slices_can_go_back_to_the_whole_pool() -> None:
    slices = Slices(can_split=True)
    assert slices.next() is None
    slices.record(None, found=30, new=0, in_flight=30)
    assert slices.next() == "00$"
    slices.unsplit()
    assert not slices.split
    assert slices.next() is None
    slices.record(None, found=30, new=0, in_flight=30)  # would split: not any more
    assert not slices.split


def test_slices_of_a_plan_with_its_own_pattern_never_split() -> None:
    slices = Slices(can_split=False)
    assert slices.next() is None
    slices.record(None, found=3, new=0, in_flight=3)
    assert not slices.split
    assert slices.next() == Slices.WAIT
    slices.unblock()
    assert slices.next() is None
    slices.failed(None)  # a failed search may be sent again
    assert slices.next() is None
    slices.record(None, found=0, new=0, in_flight=0)
    assert slices.exhausted


# -- progress -------------------------------------------------------------------------------


def test_rate_meter_uses_a_sliding_window() -> None:
    meter = RateMeter(window=10.0)
    assert meter.rate() is None
    meter.add(0.0, 0)
    assert meter.rate() is None
    meter.add(2.0, 20)
    assert meter.rate() == pytest.approx(10.0)
    assert meter.eta(100) == pytest.approx(10.0)
    for second in range(3, 31):
        meter.add(float(second), 20 + (second - 2) * 2)  # slows to 2 per second
    assert meter.rate() == pytest.approx(2.0)


def test_progress_board_adds_local_changes_to_the_journal_counts() -> None:
    board = ProgressBoard(started=100.0, refresh=1.0)
    assert board.stale(100.0)
    board.reset(Counts(pending=8, done=2, unsure=2), now=100.0)
    assert not board.stale(100.5)
    board.move("pending", "active", unsure=-1)  # an unsure item claimed ...
    board.reconciling.add(7)  # ... and looked up
    snapshot = board.snapshot(101.0)
    assert (snapshot.total, snapshot.in_flight, snapshot.reconciling) == (10, 1, 2)
    board.reconciling.discard(7)
    assert (snapshot.done, snapshot.skipped, snapshot.elapsed) == (2, 0, 1.0)
    board.move("active", "done")
    snapshot = board.snapshot(102.0)
    assert (snapshot.done, snapshot.remaining, snapshot.finished) == (3, 7, 3)
    assert snapshot.rate == pytest.approx(1.0)  # 2 finished at 101 s, 3 at 102 s
    board.reset(Counts(pending=7, done=3, unsure=1), now=102.0)  # the journal agrees
    assert board.snapshot(102.0).fraction == pytest.approx(3 / 10)


# -- errors in the journal ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        api_error(BadRequestError, 400, 21422),
        api_error(ServerError, 503),
        api_error(RateLimitError, 429, 20429),
        TwilioTimeoutError("no response", method="POST", url="https://x", request_sent=True),
        TwilioTimeoutError(
            "no response", method="GET", url="https://x", request_sent=True, attempts=3, note="n"
        ),
        TwilioDecodeError("bad body", method="POST", url="https://x", status=201),
        NoMoreNumbersError("none left"),
        OutcomeUnknownError("maybe", phone_number="+14155550100"),
        TwilioError("plain"),
    ],
)
def test_errors_survive_the_journal(error: TwilioError) -> None:
    again = error_from_json(error_to_json(error))
    assert type(again) is type(error)
    assert str(again) == str(error)
    fields = ("status", "code", "method", "url", "request_sent", "phone_number", "attempts")
    for name in (*fields, "more_info", "note"):
        assert getattr(again, name, None) == getattr(error, name, None)


def test_an_error_the_journal_does_not_know_comes_back_as_a_twilio_error() -> None:
    error = ResponseTooLargeError(method="GET", url="https://x", limit=10, size=20)
    again = error_from_json(error_to_json(error))
    assert type(again) is TwilioError
    assert str(again) == str(error)


def test_an_item_is_named_by_what_is_known_of_it() -> None:
    slot = ItemResult(index=7, state=ItemState.PENDING)
    assert slot.label == "#7"  # a purchase slot with no number yet
    bound = ItemResult(index=7, state=ItemState.FAILED, phone_number="+14155550101")
    assert bound.label == "+14155550101"
    bought = ItemResult(index=7, state=ItemState.DONE, sid=PN, phone_number="+14155550101")
    assert bought.label == f"{PN} +14155550101"
    assert str(PlannedItem(index=3, action="fail", sid=PN)).startswith(f"fail    {PN}")
