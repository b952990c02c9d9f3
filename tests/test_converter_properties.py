"""Properties of the converter: the fast path equals the reference, for every model.

The generated fast path (``record_structurer``, ``records_structurer``, ``structure``) must
read every record exactly as the plain reference loop (``reference_structurer``) does:
valid records, odd-but-valid ones (fields missing, ``""`` and ``null`` for unset,
booleans and dates in every documented spelling, unknown enum values, unknown fields),
and it must refuse the invalid ones with a ``ValueError``, as the reference does.
"""

from __future__ import annotations

import email.utils
import types
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import Any, Union, get_args, get_origin

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import twilio_async.models as models
from twilio_async.converter import (
    record_structurer,
    records_structurer,
    reference_structurer,
    structure,
)
from twilio_async.dates import format_iso8601, format_rfc2822

MODELS = [getattr(models, name) for name in models.__all__ if attrs.has(getattr(models, name))]
assert len(MODELS) >= 9


def _inner(tp: Any) -> Any:
    if get_origin(tp) in (Union, types.UnionType):
        (inner,) = [arg for arg in get_args(tp) if arg is not type(None)]
        return inner
    return tp


# --- wire values, valid and odd-but-valid, per field kind ------------------------------------

_offsets = st.integers(min_value=-(14 * 60), max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
_moments = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2100, 12, 31), timezones=_offsets
).map(lambda value: value.replace(microsecond=0))


def _date_spellings(value: datetime) -> list[str]:
    rfc = format_rfc2822(value)
    utc = value.astimezone(timezone.utc)
    return [
        rfc,  # Twilio's own shape
        rfc[5:],  # no weekday (optional in RFC 2822)
        rfc.replace(f" {value.day:02d} ", f" {value.day} ", 1),  # one-digit day
        f"  {rfc} ",  # surrounding whitespace
        email.utils.format_datetime(utc, usegmt=True),  # "GMT"
        format_rfc2822(utc).replace("+0000", "-0000"),  # "UTC, source zone unknown"
        format_iso8601(value),  # marketplace: "Z"
        value.isoformat(),  # ISO 8601 with its own offset
        value.strftime("%Y-%m-%dT%H:%M:%S%z"),  # an offset without a colon
        utc.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z",
    ]


_twilio_dates = _moments.map(format_rfc2822)
_odd_dates = st.builds(_date_spellings, _moments).flatmap(st.sampled_from)
_texts = st.text(max_size=40)
_json: st.SearchStrategy[Any] = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), _texts),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(_texts, children, max_size=3)
    ),
    max_leaves=8,
)
_finite = st.floats(allow_nan=False, allow_infinity=False)
_flat_maps = st.dictionaries(_texts, _texts, max_size=3)
ABSENT = object()


def _kind(tp: Any) -> Any:
    if isinstance(tp, type) and issubclass(tp, Enum):
        return Enum
    if get_origin(tp) in (Mapping, dict):
        return Mapping
    if attrs.has(tp):
        return "model"
    return tp


def _typical(tp: Any) -> st.SearchStrategy[Any]:
    """Values as Twilio usually sends them (what the fast path is written for)."""
    kind = _kind(tp)
    if kind is Enum:
        return st.sampled_from([None, "", *[member.value for member in tp]])
    return {
        str: st.one_of(st.none(), _texts),
        bool: st.sampled_from([True, False, None]),
        float: st.one_of(st.none(), _finite),
        datetime: st.one_of(st.none(), _twilio_dates),
        Mapping: st.one_of(st.none(), _flat_maps),
        "model": st.one_of(st.none(), _records(tp, all_keys=True)),
    }[kind]


def _odd(tp: Any) -> st.SearchStrategy[Any]:
    """Valid values Twilio sends less often, or other spellings of them."""
    kind = _kind(tp)
    if kind is Enum:
        return _texts.filter(bool)  # unknown values are kept
    loose_bools = ["true", "false", "1", "0", "yes", "no", "True", "TRUE", "False", "FALSE"]
    return {
        str: st.one_of(st.integers(), st.floats(allow_nan=False)),  # unquoted numbers
        bool: st.sampled_from(["", *loose_bools, 1, 0, 1.0, 0.0, " true ", "\tfalse\n"]),
        # Twilio sends latitude/longitude as strings; integers are numbers too.
        float: st.one_of(st.just(""), _finite.map(repr), st.integers()),
        datetime: st.one_of(st.just(""), _odd_dates),
        Mapping: st.dictionaries(_texts, _json, max_size=3),
        "model": st.one_of(st.just(""), _records(tp)),
    }[kind]


def _is_set(value: Any) -> bool:
    return value not in ("", None)


@st.composite
def _records(draw: st.DrawFn, cls: type, all_keys: bool = False) -> dict[str, Any]:
    """A record of ``cls``: typical values, except in a few fields that are absent or odd
    (so that many records are read by the fast path, and the rest by the reference), and
    unknown fields besides."""
    fields = attrs.fields(attrs.resolve_types(cls))
    keys = [field.alias or field.name for field in fields]
    odd = draw(st.sets(st.sampled_from(keys), max_size=0 if all_keys else 4))
    record: dict[str, Any] = {}
    for key, field in zip(keys, fields, strict=True):
        tp = _inner(field.type)
        required = field.default is attrs.NOTHING
        if required:  # present, and not blank
            value = draw((_odd(tp) if key in odd else _typical(tp)).filter(_is_set))
        elif key in odd:
            value = draw(st.one_of(st.just(ABSENT), _odd(tp)))
        else:
            value = draw(_typical(tp))
        if value is not ABSENT:
            record[key] = value
    extra = draw(st.dictionaries(_texts.filter(lambda key: key not in keys), _json, max_size=2))
    return {**extra, **record}


def assert_same(fast: Any, reference: Any) -> None:
    """Equal field by field, of the same types, and dates with the same offsets."""
    assert type(fast) is type(reference)
    for field in attrs.fields(type(fast)):
        a, b = getattr(fast, field.name), getattr(reference, field.name)
        assert type(a) is type(b), field.name
        assert a == b, field.name
        if isinstance(a, datetime):
            assert a.utcoffset() == b.utcoffset(), field.name
        if attrs.has(type(a)):
            assert_same(a, b)


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_fast_path_equals_the_reference_on_valid_records(cls: type, data: st.DataObject) -> None:
    record = data.draw(_records(cls))
    # The reference first: it learns what the fast path then looks up (dates' days and
    # offsets, capabilities), so that typical records are read by the fast path.
    expected: Any = reference_structurer(cls)(record)
    assert type(expected) is cls
    assert_same(record_structurer(cls)(record), expected)
    assert_same(structure(record, cls), expected)
    page = records_structurer(cls)([record, dict(record)])
    assert len(page) == 2
    for built in page:
        assert_same(built, expected)


# --- invalid records: both sides refuse them --------------------------------------------------

_INVALID: dict[Any, list[Any]] = {
    str: [True, False, {"a": 1}, [1]],
    bool: ["maybe", 2, -1, 0.5, [True], {}],
    float: [True, "north", "nan", "inf", float("inf"), [1.0], {}],
    datetime: ["soon", 1438298344, ["2016-04-07"], "Thu, 31 Feb 2015 23:19:04 +0000"],
    Enum: [5, True, ["none"], {}],
    Mapping: [["a"], 5, "text", True],
    "model": ["voice", [1], 5, {"voice": "maybe"}],
}


_BAD_CASES = [
    (cls, field.alias or field.name, value)
    for cls in MODELS
    for field in attrs.fields(attrs.resolve_types(cls))
    for value in [
        *_INVALID[_kind(_inner(field.type))],
        *(["", None] if field.default is attrs.NOTHING else []),  # a required field unset
    ]
]


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_fast_path_and_reference_refuse_invalid_records(cls: type, data: st.DataObject) -> None:
    record = data.draw(_records(cls))
    cases = [(key, value) for model, key, value in _BAD_CASES if model is cls]
    key, value = data.draw(st.sampled_from(cases))
    bad = {**record, key: value}
    readers: list[Callable[[Any], Any]] = [
        reference_structurer(cls),
        record_structurer(cls),
        lambda raw: records_structurer(cls)([record, raw]),
    ]
    for read in readers:
        # Any ValueError: that the caller can catch one is the contract, not its words.
        with pytest.raises(ValueError):  # noqa: PT011
            read(bad)


def test_a_missing_required_field_is_refused_by_both() -> None:
    for cls in MODELS:
        required = [f.name for f in attrs.fields(cls) if f.default is attrs.NOTHING]
        for read in (reference_structurer(cls), record_structurer(cls)):
            if required:
                with pytest.raises(ValueError, match=repr(required[0])):
                    read({"unrelated": 1})
            else:
                assert read({}) == cls()
