"""RFC 2822 and ISO 8601 parsing/formatting (twilio_async.dates): pure, no server."""

from __future__ import annotations

import email.utils
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twilio_async import dates
from twilio_async.dates import (
    format_iso8601,
    format_rfc2822,
    parse_datetime,
    parse_iso8601,
    parse_rfc2822,
)

UTC = timezone.utc
SEED_DATE = "Thu, 30 Jul 2015 23:19:04 +0000"  # IncomingPhoneNumber examples
MARKETPLACE_DATE = "2016-04-07T23:52:28Z"  # marketplace v1 examples


@pytest.fixture
def fresh_memo(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Empty caches for this test only, so tests do not see each other's entries; returns
    the day-prefix cache."""
    days: dict[str, str] = {}
    monkeypatch.setattr(dates, "_DAY_PREFIXES", days)
    monkeypatch.setattr(dates, "_OFFSETS", {})
    monkeypatch.setattr(dates, "_last", (None, datetime(1970, 1, 1, tzinfo=UTC)))
    return days


def _no_fallback(*_args: object, **_kwargs: object) -> datetime:
    raise AssertionError("the fast path should not fall back to email.utils")


# --- RFC 2822 --------------------------------------------------------------------------------


def test_rfc2822_twilio_shape_parses_to_aware_utc() -> None:
    parsed = parse_rfc2822(SEED_DATE)
    assert parsed == datetime(2015, 7, 30, 23, 19, 4, tzinfo=UTC)
    assert parsed.utcoffset() == timedelta(0)


def test_rfc2822_twilio_shape_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(email.utils, "parsedate_to_datetime", _no_fallback)
    assert parse_rfc2822("Mon, 01 Jan 2024 00:00:00 -0700") == datetime(
        2024, 1, 1, 7, 0, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("Thu, 30 Jul 2015 16:19:04 -0700", timedelta(hours=-7)),
        ("Fri, 31 Jul 2015 04:49:04 +0530", timedelta(hours=5, minutes=30)),
        ("Thu, 30 Jul 2015 22:49:04 -0030", timedelta(minutes=-30)),
    ],
)
def test_rfc2822_offsets_are_kept_as_real_offsets(text: str, offset: timedelta) -> None:
    parsed = parse_rfc2822(text)
    assert parsed.utcoffset() == offset
    assert parsed == datetime(2015, 7, 30, 23, 19, 4, tzinfo=UTC)  # the same instant


def test_rfc2822_minus_zero_means_utc() -> None:
    parsed = parse_rfc2822("Thu, 30 Jul 2015 23:19:04 -0000")
    assert parsed.tzinfo is not None
    assert parsed.utcoffset() == timedelta(0)
    assert parsed == datetime(2015, 7, 30, 23, 19, 4, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "Fri, 3 Jul 2015 23:19:04 +0000",  # single-digit day
        "03 Jul 2015 23:19:04 +0000",  # no weekday (optional in RFC 2822)
        "3 Jul 2015 23:19:04 +0000",
        "Fri,  3 Jul 2015 23:19:04 +0000",  # extra folding whitespace
        "Fri, 03 Jul 2015 23:19:04 GMT",  # obsolete zone name
        "Fri, 03 Jul 2015 23:19 +0000",  # no seconds
    ],
)
def test_rfc2822_fallback_accepts_other_valid_shapes(text: str) -> None:
    expected_second = 0 if "23:19 " in text else 4
    assert parse_rfc2822(text) == datetime(2015, 7, 3, 23, 19, expected_second, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "Thu, 31 Feb 2015 23:19:04 +0000",  # Twilio's shape, impossible date
        "Thu, 30 Foo 2015 23:19:04 +0000",
        "Thu, 30 Jul 2015 25:19:04 +0000",
        "not a date",
        "",
    ],
)
def test_rfc2822_invalid_dates_raise_value_error_with_the_text(text: str) -> None:
    with pytest.raises(ValueError, match="RFC 2822") as info:
        parse_rfc2822(text)
    assert repr(text) in str(info.value)


# --- ISO 8601 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "offset"),
    [
        (MARKETPLACE_DATE, datetime(2016, 4, 7, 23, 52, 28, tzinfo=UTC), timedelta(0)),
        ("2016-04-07T23:52:28z", datetime(2016, 4, 7, 23, 52, 28, tzinfo=UTC), timedelta(0)),
        (
            "2016-04-07T16:52:28-07:00",
            datetime(2016, 4, 7, 23, 52, 28, tzinfo=UTC),
            timedelta(hours=-7),
        ),
        (
            "2016-04-08T05:22:28+05:30",
            datetime(2016, 4, 7, 23, 52, 28, tzinfo=UTC),
            timedelta(hours=5, minutes=30),
        ),
        (
            "2016-04-07T23:52:28.123Z",
            datetime(2016, 4, 7, 23, 52, 28, 123000, tzinfo=UTC),
            timedelta(0),
        ),
        (
            "2016-04-07T23:52:28.123456+00:00",
            datetime(2016, 4, 7, 23, 52, 28, 123456, tzinfo=UTC),
            timedelta(0),
        ),
    ],
)
def test_iso8601_parses_to_aware_datetimes(
    text: str, expected: datetime, offset: timedelta
) -> None:
    parsed = parse_iso8601(text)
    assert parsed == expected
    assert parsed.utcoffset() == offset


def test_iso8601_naive_input_is_taken_as_utc() -> None:
    parsed = parse_iso8601("2016-04-07T23:52:28")
    assert parsed.tzinfo is not None
    assert parsed == datetime(2016, 4, 7, 23, 52, 28, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2016-13-07T23:52:28Z", "yesterday", "", "Z"])
def test_iso8601_invalid_raises_value_error_with_the_text(text: str) -> None:
    with pytest.raises(ValueError, match="ISO 8601") as info:
        parse_iso8601(text)
    assert repr(text) in str(info.value)


# --- parse_datetime: dispatch and memo ---------------------------------------------------------


def test_parse_datetime_dispatches_both_formats(fresh_memo: dict[str, str]) -> None:
    assert parse_datetime(SEED_DATE) == parse_rfc2822(SEED_DATE)
    assert parse_datetime(MARKETPLACE_DATE) == parse_iso8601(MARKETPLACE_DATE)
    assert parse_datetime(f"  {MARKETPLACE_DATE}\n") == parse_iso8601(MARKETPLACE_DATE)


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_parse_datetime_refuses_blank_text(text: str, fresh_memo: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="empty date"):
        parse_datetime(text)


@pytest.mark.parametrize("text", ["Thu, 31 Feb 2015 23:19:04 +0000", "2016-02-30T00:00:00Z", "x"])
def test_parse_datetime_invalid_raises_and_is_not_memoised(
    text: str, fresh_memo: dict[str, str]
) -> None:
    for _ in range(2):
        with pytest.raises(ValueError, match="invalid"):
            parse_datetime(text)
    assert dates._last[0] != text


def test_parse_datetime_same_text_twice_in_a_row_returns_the_same_object(
    fresh_memo: dict[str, str],
) -> None:
    first = parse_datetime(SEED_DATE)
    assert parse_datetime(SEED_DATE) is first
    assert parse_datetime(MARKETPLACE_DATE) is not first
    assert parse_datetime(SEED_DATE) == first


def test_parse_datetime_day_cache_is_bounded(fresh_memo: dict[str, str]) -> None:
    start = datetime(2015, 1, 1, tzinfo=UTC)
    limit = dates._CACHE_LIMIT
    sizes = []
    for i in range(limit + 500):
        moment = start + timedelta(days=i, seconds=i)
        assert parse_datetime(format_rfc2822(moment)) == moment
        sizes.append(len(fresh_memo))
    assert max(sizes) <= limit
    assert max(sizes) == limit  # it does fill up before being cleared


def test_parse_datetime_caches_are_not_poisoned_by_bad_shapes(fresh_memo: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="invalid"):
        parse_datetime("Thu, 30 Xyz 2015 23:19:04 +0000")
    assert fresh_memo["30 Xyz 2015"] == ""  # remembered as "not the fast shape"
    assert parse_datetime(SEED_DATE) == datetime(2015, 7, 30, 23, 19, 4, tzinfo=UTC)


def test_parse_datetime_memo_hit_does_not_parse_again(
    monkeypatch: pytest.MonkeyPatch, fresh_memo: dict[str, str]
) -> None:
    parse_datetime(MARKETPLACE_DATE)

    def fail(_text: str) -> datetime:
        raise AssertionError("parsed again despite the memo")

    monkeypatch.setattr(dates, "parse_iso8601", fail)
    assert parse_datetime(MARKETPLACE_DATE) == datetime(2016, 4, 7, 23, 52, 28, tzinfo=UTC)


# --- formatting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2015, 7, 30, 23, 19, 4, tzinfo=UTC), SEED_DATE),
        (datetime(2015, 7, 3, 1, 2, 3, tzinfo=UTC), "Fri, 03 Jul 2015 01:02:03 +0000"),
        (
            datetime(2015, 7, 30, 16, 19, 4, tzinfo=timezone(timedelta(hours=-7))),
            "Thu, 30 Jul 2015 16:19:04 -0700",
        ),
        (
            datetime(2015, 7, 31, 4, 49, 4, tzinfo=timezone(timedelta(hours=5, minutes=30))),
            "Fri, 31 Jul 2015 04:49:04 +0530",
        ),
        (
            datetime(2015, 7, 30, 22, 49, 4, tzinfo=timezone(timedelta(minutes=-30))),
            "Thu, 30 Jul 2015 22:49:04 -0030",
        ),
    ],
)
def test_format_rfc2822_keeps_the_datetimes_own_offset(value: datetime, text: str) -> None:
    assert format_rfc2822(value) == text


def test_format_iso8601_shifts_to_utc_and_drops_microseconds() -> None:
    value = datetime(2016, 4, 8, 1, 52, 28, 999999, tzinfo=timezone(timedelta(hours=2)))
    assert format_iso8601(value) == MARKETPLACE_DATE


@pytest.mark.parametrize("formatter", [format_rfc2822, format_iso8601])
def test_formatting_refuses_naive_datetimes(formatter: object) -> None:
    assert callable(formatter)
    with pytest.raises(ValueError, match="timezone-aware"):
        formatter(datetime(2015, 7, 30, 23, 19, 4))


# --- properties ------------------------------------------------------------------------------

_offsets = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
_aware = st.datetimes(
    min_value=datetime(1900, 1, 1),
    max_value=datetime(2100, 12, 31),
    timezones=_offsets,
).map(lambda value: value.replace(microsecond=0))


@settings(max_examples=200, deadline=None)
@given(_aware)
def test_rfc2822_round_trip_keeps_instant_and_offset(value: datetime) -> None:
    parsed = parse_rfc2822(format_rfc2822(value))
    assert parsed == value
    assert parsed.utcoffset() == value.utcoffset()


@settings(max_examples=200, deadline=None)
@given(_aware)
def test_iso8601_round_trip_keeps_the_instant(value: datetime) -> None:
    parsed = parse_iso8601(format_iso8601(value))
    assert parsed == value.astimezone(UTC)
    assert parsed.utcoffset() == timedelta(0)


@settings(max_examples=200, deadline=None)
@given(_aware)
def test_rfc2822_fast_path_agrees_with_email_utils(value: datetime) -> None:
    text = format_rfc2822(value)
    assert len(text) == 31  # Twilio's shape: the fast path applies
    expected = email.utils.parsedate_to_datetime(text)
    parsed = parse_rfc2822(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text",
    ["30 Jul 2015 23:19:04 +0000", "3 Jul 2015 23:19:04 -0000", "30 Jul 2015 16:19:04 -0700"],
)
def test_parse_datetime_reads_rfc2822_without_weekday(
    text: str, fresh_memo: dict[str, str]
) -> None:
    # The weekday is optional in RFC 2822, so a leading digit does not mean ISO 8601.
    assert parse_datetime(text) == parse_rfc2822(text)


def test_parse_datetime_error_for_digit_led_garbage_names_the_text(
    fresh_memo: dict[str, str],
) -> None:
    with pytest.raises(ValueError, match="invalid") as info:
        parse_datetime("30 lemons")
    assert "30 lemons" in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-04-07T23:52:28.5Z", datetime(2016, 4, 7, 23, 52, 28, 500000, tzinfo=timezone.utc)),
        (
            "2016-04-07T23:52:28.1234567Z",
            datetime(2016, 4, 7, 23, 52, 28, 123456, tzinfo=timezone.utc),
        ),
        (
            "2016-04-07T23:52:28+0530",
            datetime(2016, 4, 7, 23, 52, 28, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        ),
        ("2016-04-07 23:52", datetime(2016, 4, 7, 23, 52, tzinfo=timezone.utc)),
    ],
)
def test_iso8601_shapes_read_on_every_supported_python(text: str, expected: datetime) -> None:
    # Some of these only datetime.fromisoformat of 3.11+ reads; the portable parser agrees.
    assert parse_iso8601(text) == expected
    assert dates._parse_iso_portably(text) == expected
