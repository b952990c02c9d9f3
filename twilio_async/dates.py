"""Twilio's two date formats, parsed and formatted without I/O.

The 2010-04-01 and 2008-08-01 APIs send RFC 2822 dates (``Thu, 30 Jul 2015 23:19:04 +0000``);
the marketplace APIs send ISO 8601 (``2016-04-07T23:52:28Z``). Both parse to timezone-aware
``datetime`` objects. Parsing sits on the hot path of every streamed record (two dates per
phone number), so the common exact shape of each format takes a slicing fast path and
everything else falls back to the standard library's tolerant parsers.
"""

from __future__ import annotations

import email.utils
import re
from datetime import datetime, timedelta, timezone

__all__ = [
    "format_iso8601",
    "format_rfc2822",
    "parse_datetime",
    "parse_iso8601",
    "parse_rfc2822",
]

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        start=1,
    )
}
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


_MONTH_DIGITS = {name: f"{number:02d}" for name, number in _MONTHS.items()}

# Caches for the RFC 2822 fast path: a day ("30 Jul 2015") becomes the ISO prefix
# "2015-07-30T" and an offset ("+0000") becomes "+00:00". A page of an inventory spans few
# days and fewer offsets, so nearly every lookup hits; both are bounded all the same.
_DAY_PREFIXES: dict[str, str] = {}
_OFFSETS: dict[str, str] = {}
_CACHE_LIMIT = 4096

# The last date parsed. date_updated often equals date_created, and numbers bought in one
# batch share their timestamps, so the same text often comes twice in a row.
_last: tuple[str | None, datetime] = (None, datetime(1970, 1, 1, tzinfo=timezone.utc))


def _day_prefix(day: str) -> str:
    """ "30 Jul 2015" -> "2015-07-30T" (cached), or "" if it is not that shape."""
    month = _MONTH_DIGITS.get(day[3:6])
    ok = (
        month is not None
        and len(day) == 11
        and day[:2].isdigit()
        and day[7:].isdigit()
        and day[2] == day[6] == " "
    )
    prefix = f"{day[7:]}-{month}-{day[:2]}T" if ok else ""
    if len(_DAY_PREFIXES) >= _CACHE_LIMIT:
        _DAY_PREFIXES.clear()
    _DAY_PREFIXES[day] = prefix
    return prefix


def _iso_offset(offset: str) -> str:
    """ "+0530" -> "+05:30" (cached), or "" if it is not that shape."""
    ok = len(offset) == 5 and offset[0] in "+-" and offset[1:].isdigit()
    iso = f"{offset[:3]}:{offset[3:]}" if ok else ""
    if len(_OFFSETS) >= _CACHE_LIMIT:
        _OFFSETS.clear()
    _OFFSETS[offset] = iso
    return iso


def _fast_rfc2822(text: str) -> datetime | None:
    """The exact shape Twilio emits, "Thu, 30 Jul 2015 23:19:04 +0000", rearranged into
    ISO 8601 for the C-implemented ``fromisoformat``; None for any other shape.

    This is the per-record hot path of every stream, so lookups are inlined."""
    if len(text) != 31 or text[3] != "," or text[16] != " " or text[25] != " ":
        return None
    day, zone = text[5:16], text[26:]
    prefix = _DAY_PREFIXES.get(day) or _day_prefix(day)
    offset = _OFFSETS.get(zone) or _iso_offset(zone)
    if not prefix or not offset:
        return None
    try:
        return _fromisoformat(prefix + text[17:25] + offset)
    except ValueError:
        return None  # e.g. "31 Feb" or "25:00:00": the tolerant parser words the error


_fromisoformat = datetime.fromisoformat


def parse_rfc2822(text: str) -> datetime:
    """Parse an RFC 2822 date into an aware ``datetime``.

    Raises ``ValueError`` for text that is not an RFC 2822 date.
    """
    fast = _fast_rfc2822(text)
    if fast is not None:
        return fast
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError) as exc:
        raise ValueError(f"invalid RFC 2822 date {text!r}") from exc
    if parsed.tzinfo is None:  # "-0000" means "UTC, source zone unknown"
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


# What datetime.fromisoformat reads only from Python 3.11 on (any fraction length,
# "+HHMM" offsets), spelled out so 3.10 reads the same dates.
_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"(?:([Zz])|([+-])(\d{2}):?(\d{2}))?"
)


def _parse_iso_portably(text: str) -> datetime:
    match = _ISO.fullmatch(text)
    if match is None:
        raise ValueError(f"invalid ISO 8601 date {text!r}")
    year, month, day, hour, minute, second, fraction, _zulu, sign, off_h, off_m = match.groups()
    zone = timezone.utc
    if sign:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        zone = timezone(-offset if sign == "-" else offset)
    return datetime(
        int(year),
        int(month),
        int(day),
        int(hour),
        int(minute),
        int(second or 0),
        int((fraction or "0")[:6].ljust(6, "0")),
        tzinfo=zone,
    )


def parse_iso8601(text: str) -> datetime:
    """Parse an ISO 8601 date-time into an aware ``datetime`` (naive input is taken as UTC)."""
    candidate = text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        try:
            return _parse_iso_portably(text)
        except ValueError as exc:
            raise ValueError(f"invalid ISO 8601 date {text!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def parse_datetime(text: str) -> datetime:
    """Parse either Twilio date format: ISO 8601 starts with a four-digit year; RFC 2822
    starts with a weekday or (the weekday being optional) a one- or two-digit day."""
    global _last
    last = _last
    if text == last[0]:
        return last[1]
    value: datetime | None = None
    # The fast path of _fast_rfc2822, inlined: one function call less per date.
    if len(text) == 31 and text[3] == "," and text[16] == " " and text[25] == " ":
        day, zone = text[5:16], text[26:]
        prefix = _DAY_PREFIXES.get(day) or _day_prefix(day)
        offset = _OFFSETS.get(zone) or _iso_offset(zone)
        if prefix and offset:  # fromisoformat checks the "HH:MM:SS" in between
            try:
                value = _fromisoformat(prefix + text[17:25] + offset)
            except ValueError:
                value = None
    if value is None:
        stripped = text.strip()
        if not stripped:
            raise ValueError("empty date")
        value = parse_iso8601(stripped) if stripped[:4].isdigit() else parse_rfc2822(stripped)
    _last = (text, value)
    return value


def format_rfc2822(value: datetime) -> str:
    """Format an aware ``datetime`` as Twilio's 2010 API does (its own offset, no UTC shift)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("format_rfc2822 needs a timezone-aware datetime")
    offset = value.utcoffset()
    assert offset is not None
    total = int(offset.total_seconds()) // 60
    sign = "-" if total < 0 else "+"
    hours, minutes = divmod(abs(total), 60)
    return (
        f"{_DAYS[value.weekday()]}, {value.day:02d} {_MONTH_NAMES[value.month - 1]} "
        f"{value.year:04d} {value.hour:02d}:{value.minute:02d}:{value.second:02d} "
        f"{sign}{hours:02d}{minutes:02d}"
    )


def format_iso8601(value: datetime) -> str:
    """Format an aware ``datetime`` as ``2016-04-07T23:52:28Z`` (UTC, whole seconds)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("format_iso8601 needs a timezone-aware datetime")
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
