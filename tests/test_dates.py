"""RFC 2822 and ISO 8601 parsing/formatting (twilio_async.dates): pure, no server."""

from __future__ import annotations

import contextlib
import email.utils
import tracemalloc
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twilio_async import dates
from twilio_async.dates import (
    cached_rfc2822_source,
    format_iso8601,
    format_rfc2822,
    parse_cached_rfc2822,
    parse_datetime,
    parse_iso8601,
    parse_rfc2822,
)

UTC = timezone.utc
SEED_DATE = "Thu, 30 Jul 2015 23:19:04 +0000"  # IncomingPhoneNumber examples
MARKETPLACE_DATE = "2016-04-07T23:52:28Z"  # marketplace v1 examples


@pytest.fixture
def fresh_memo() -> Iterator[None]:
    """Nothing learnt yet, for this test only: the first parse of a date takes the path
    that learns its day and offset, as in a fresh process."""
    saved = (dict(dates._HEADS), dict(dates._TAILS))
    dates._HEADS.clear()
    dates._TAILS.clear()
    yield
    for cache, old in zip((dates._HEADS, dates._TAILS), saved, strict=True):
        cache.clear()
        cache.update(old)


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


def test_parse_datetime_dispatches_both_formats(fresh_memo: None) -> None:
    assert parse_datetime(SEED_DATE) == parse_rfc2822(SEED_DATE)
    assert parse_datetime(MARKETPLACE_DATE) == parse_iso8601(MARKETPLACE_DATE)
    assert parse_datetime(f"  {MARKETPLACE_DATE}\n") == parse_iso8601(MARKETPLACE_DATE)


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_parse_datetime_refuses_blank_text(text: str, fresh_memo: None) -> None:
    with pytest.raises(ValueError, match="empty date"):
        parse_datetime(text)


@pytest.mark.parametrize("text", ["Thu, 31 Feb 2015 23:19:04 +0000", "2016-02-30T00:00:00Z", "x"])
def test_parse_datetime_invalid_raises_every_time(text: str, fresh_memo: None) -> None:
    for _ in range(2):
        with pytest.raises(ValueError, match="invalid"):
            parse_datetime(text)


def test_parse_datetime_memory_stays_bounded_over_endless_distinct_days(
    fresh_memo: None,
) -> None:
    # What parse_datetime learns is bounded: after the first few thousand distinct days,
    # ten thousand more hold no more memory than the first did.
    start = datetime(2015, 1, 1, tzinfo=UTC)
    batch = 10_000
    held = []
    tracemalloc.start()
    try:
        for round_ in range(3):
            for i in range(round_ * batch, (round_ + 1) * batch):
                moment = start + timedelta(days=i, seconds=i)
                assert parse_datetime(format_rfc2822(moment)) == moment
            held.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    # Unbounded, each batch would add about 2 MB (10k heads); bounded, the later batches
    # replace what the first learnt.
    assert held[2] - held[0] < 500_000, held


@pytest.mark.parametrize(
    "text",
    [
        "Thu, 30 Xyz 2015 23:19:04 +0000",  # no such month
        "Thu, 3a Jul 2015 23:19:04 +0000",  # not a day
        "Thu, 30 Jul 20x5 23:19:04 +0000",  # not a year
        "Thu, 30 Jul 2015 23:19:04 *0000",  # not an offset
        "Thu, 30 Jul 2015 23:19:04 +00:0",  # not an offset either
    ],
)
def test_parse_datetime_learns_nothing_from_odd_text(text: str, fresh_memo: None) -> None:
    # The tolerant parser may still read some of these ("*0000" as an unknown zone): what
    # matters is that the fast path never takes them, then or later.
    for _ in range(2):
        with contextlib.suppress(ValueError):
            assert parse_datetime(text) == parse_rfc2822(text)
        with pytest.raises(KeyError):
            parse_cached_rfc2822(text)
    assert parse_datetime(SEED_DATE) == datetime(2015, 7, 30, 23, 19, 4, tzinfo=UTC)
    assert parse_cached_rfc2822(SEED_DATE) == parse_datetime(SEED_DATE)


@pytest.mark.parametrize(
    "text",
    [SEED_DATE, "Thu, 30 Jul 2015 16:19:04 -0700", "Thu, 30 Jul 2015 25:19:04 +0000", "x", ""],
)
def test_the_inline_source_reads_as_parse_cached_rfc2822(text: str) -> None:
    parse_datetime(SEED_DATE)  # the day and offset of SEED_DATE are seen
    source, names = cached_rfc2822_source("text")
    inline = eval(f"lambda text: {source}", dict(names))
    try:
        expected: object = parse_cached_rfc2822(text)
    except (KeyError, ValueError) as exc:
        with pytest.raises(type(exc)):
            inline(text)
    else:
        assert inline(text) == expected


def test_parse_cached_rfc2822_reads_only_what_parse_datetime_has_seen(fresh_memo: None) -> None:
    west = "Thu, 30 Jul 2015 16:19:04 -0700"
    with pytest.raises(KeyError):
        parse_cached_rfc2822(west)  # nothing seen yet
    first = parse_datetime(west)  # learns the day and the offset
    again = parse_cached_rfc2822(west)
    assert again == first == email.utils.parsedate_to_datetime(west)
    assert again.utcoffset() == first.utcoffset() == timedelta(hours=-7)
    # The same day at another time and the same offset on that day: both seen.
    assert parse_cached_rfc2822("Thu, 30 Jul 2015 01:02:03 -0700") == datetime(
        2015, 7, 30, 8, 2, 3, tzinfo=UTC
    )
    for other in (
        MARKETPLACE_DATE,
        "30 Jul 2015 16:19:04 -0700",
        "",
        "Thu, 30 Jul 2015 16:19:04 +0100",
    ):
        with pytest.raises(KeyError):
            parse_cached_rfc2822(other)
    with pytest.raises(ValueError, match="hour"):
        parse_cached_rfc2822("Thu, 30 Jul 2015 25:19:04 -0700")  # seen day, impossible time


def test_parse_datetime_cached_head_with_an_impossible_time_still_fails(
    fresh_memo: None,
) -> None:
    parse_datetime(SEED_DATE)
    for text in ("Thu, 30 Jul 2015 25:19:04 +0000", "Thu, 30 Jul 2015 23:1x:04 +0000"):
        with pytest.raises(ValueError, match="invalid"):
            parse_datetime(text)


def test_parse_datetime_cached_parts_keep_each_offset(fresh_memo: None) -> None:
    west = parse_datetime("Thu, 30 Jul 2015 16:19:04 -0700")
    east = parse_datetime("Thu, 30 Jul 2015 16:19:04 +0530")
    assert west.utcoffset() == timedelta(hours=-7)
    assert east.utcoffset() == timedelta(hours=5, minutes=30)
    assert west - east == timedelta(hours=12, minutes=30)


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
def test_parse_datetime_reads_rfc2822_without_weekday(text: str, fresh_memo: None) -> None:
    # The weekday is optional in RFC 2822, so a leading digit does not mean ISO 8601.
    assert parse_datetime(text) == parse_rfc2822(text)


def test_parse_datetime_error_for_digit_led_garbage_names_the_text(
    fresh_memo: None,
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
