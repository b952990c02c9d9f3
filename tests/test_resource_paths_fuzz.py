"""Fuzzed SIDs and strings passed to resource methods never send a request outside the
resource's own path, and nothing but a TwilioError reaches the caller.

Runs against one fake Twilio on an event loop of its own thread, so that Hypothesis can
drive many examples through the same server and client.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twilio_async import Client, RetryPolicy, TwilioError
from twilio_async.testing import FakeTwilio


class Served:
    """A fake Twilio and a client on an event loop running in a thread of their own."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.fake = self.run(FakeTwilio().start())
        self.client: Client = self.fake.client(retry=RetryPolicy(max_retries=0))
        (self.number,) = self.fake.seed_numbers(1)

    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=60)

    def close(self) -> None:
        self.run(self.client.close())
        self.run(self.fake.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    harness = Served()
    yield harness
    harness.close()


async def first(stream: Any) -> Any:
    async for record in stream:
        return record
    return None


Call = Callable[[Client, str, str, str], Awaitable[Any]]
NUMBERS = "/2010-04-01/Accounts/{ac}/IncomingPhoneNumbers"

# (what, the path every request must stay under, the call); the call gets the client, a
# fuzzed SID, a fuzzed string and a number that exists.
CALLS: list[tuple[str, str, Call]] = [
    ("fetch", NUMBERS, lambda c, sid, text, pn: c.incoming_phone_numbers(sid).fetch()),
    ("delete", NUMBERS, lambda c, sid, text, pn: c.incoming_phone_numbers(sid).delete()),
    (
        "update",
        NUMBERS,
        lambda c, sid, text, pn: c.incoming_phone_numbers(pn).update(
            friendly_name=text,
            voice_url=text,
            sms_method=text,  # type: ignore[arg-type]
        ),
    ),
    (
        "create",
        NUMBERS,
        lambda c, sid, text, pn: c.incoming_phone_numbers.create(phone_number=text),
    ),
    (
        "list filters",
        NUMBERS,
        lambda c, sid, text, pn: c.incoming_phone_numbers.list(
            friendly_name=text, phone_number=text, limit=1
        ),
    ),
    (
        "page token",
        NUMBERS,
        lambda c, sid, text, pn: c.incoming_phone_numbers.page(page_token=text, page_size=1),
    ),
    (
        "get_page",
        NUMBERS + ".json",
        lambda c, sid, text, pn: c.incoming_phone_numbers.get_page(text),
    ),
    (
        "resume",
        NUMBERS + ".json",
        lambda c, sid, text, pn: first(c.incoming_phone_numbers.stream(resume=text)),
    ),
    (
        "subaccount",
        "/2010-04-01/Accounts/",
        lambda c, sid, text, pn: c.accounts(sid).incoming_phone_numbers.list(limit=1),
    ),
    (
        "assigned add-on",
        NUMBERS + "/{pn}/AssignedAddOns",
        lambda c, sid, text, pn: c.incoming_phone_numbers(pn).assigned_add_ons(sid).fetch(),
    ),
    (
        "installed extension",
        "/v1/InstalledAddOns/",
        lambda c, sid, text, pn: (
            c.marketplace.installed_add_ons(sid).extensions(sid).update(enabled=True)
        ),
    ),
    (
        "v2008 update",
        "/2008-08-01/Accounts/{ac}/IncomingPhoneNumbers",
        lambda c, sid, text, pn: c.api.v2008.incoming_phone_numbers(sid).update(url=text),
    ),
]

ROOT = "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef"  # the fake's account
NASTY = [
    "",
    "/",
    "..",
    "../..",
    "%2F..%2F",
    "?x=1",
    "#f",
    "a b",
    "\r\nX: y",
    "//evil.example/x",
    "https://evil.example/x",
    f"{ROOT}/Calls.json",
    f"{ROOT}/IncomingPhoneNumbers/Local.json?PageSize=1",
    f"c1:0::{ROOT}/Calls.json",
    "c1:0::/v1/InstalledAddOns",
    f"c1:0::{ROOT}/IncomingPhoneNumbers.json/../Calls.json",
]
# Every code point, lone surrogates included (refused before sending, naming the parameter).
texts = st.text(max_size=40) | st.sampled_from(NASTY)
hex_tail = st.text("0123456789abcdefABCDEF", min_size=32, max_size=32)
prefixes = st.sampled_from(["PN", "XE", "XF", "AC"])
sids = (
    st.builds(lambda prefix, tail: prefix + tail, prefixes, hex_tail)
    | st.builds(lambda tail, junk: "PN" + tail + junk, hex_tail, texts)
    | texts
)


def check_stays_in_resource(
    served: Served, call: tuple[str, str, Call], sid: str, text: str
) -> None:
    _, prefix, make = call
    fake = served.fake
    before = len(fake.requests)
    # Refused before sending, or an error answer of the fake: both are fine.
    with contextlib.suppress(TwilioError):
        served.run(make(served.client, sid, text, served.number))  # type: ignore[arg-type]
    expected = prefix.format(ac=fake.account_sid, pn=served.number)
    for request in fake.requests[before:]:
        assert request.path.startswith(expected), (request.method, request.path)
        assert ".." not in request.path.split("/")


def test_every_nasty_string_in_every_place_stays_in_its_resource(served: Served) -> None:
    for call in CALLS:
        for text in NASTY:
            check_stays_in_resource(served, call, text, text)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(call=st.sampled_from(CALLS), sid=sids, text=texts)
def test_fuzzed_sids_and_strings_stay_in_their_resource(
    served: Served, call: tuple[str, str, Call], sid: str, text: str
) -> None:
    check_stays_in_resource(served, call, sid, text)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(name=st.text(min_size=1, max_size=20), value=texts)
def test_an_unknown_keyword_is_a_type_error_and_nothing_else_escapes(
    served: Served, name: str, value: str
) -> None:
    numbers = served.client.incoming_phone_numbers
    known = {"friendly_name", "phone_number", "beta", "origin", "limit", "page_size", "resume"}
    if name in known:
        with contextlib.suppress(TwilioError):
            served.run(numbers.list(**{name: value}))
    else:
        with pytest.raises(TypeError, match="unexpected keyword argument"):
            served.run(numbers.list(**{name: value}))
