"""The legacy 2008-08-01 XML API over real HTTP against the fake: every operation, paging,
concurrent streaming, errors, and the XML edge cases a real server (or proxy) may send."""

from __future__ import annotations

import gc
import logging
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from yarl import URL

from twilio_async import (
    BadRequestError,
    Client,
    HttpMethod,
    IncomingPhoneNumberV2008,
    NotFoundError,
    ServerError,
    TwilioAPIError,
    TwilioDecodeError,
    TwilioValidationError,
)
from twilio_async.pagination import MAX_PAGE_WINDOW
from twilio_async.testing import FakeTwilio, Fault

from .conftest import client_tasks

PACIFIC = timezone(timedelta(hours=-7))
SEED_DATE = datetime(2008, 4, 1, 11, 26, 32, tzinfo=PACIFIC)


def root(fake: FakeTwilio, account_sid: str | None = None) -> str:
    return f"/2008-08-01/Accounts/{account_sid or fake.account_sid}/IncomingPhoneNumbers"


def list_requests(fake: FakeTwilio, suffix: str = "") -> list[Any]:
    path = root(fake) + suffix
    return [r for r in fake.requests if r.method == "GET" and r.path == path]


def add(fake: FakeTwilio, phone: str, **fields: Any) -> str:
    return str(fake.state.add_number(fake.account_sid, phone, **fields)["sid"])


def xml_body(inner: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<TwilioResponse>{inner}</TwilioResponse>'.encode()
    )


def reply(body: bytes | str, status: int = 200) -> Fault:
    return Fault(status=status, body=body, content_type="application/xml")


# -- the tree ----------------------------------------------------------------------------


async def test_v2008_is_scoped_like_v2010(client: Client, fake: FakeTwilio) -> None:
    v2008 = client.api.v2008
    assert v2008.account_sid == fake.account_sid
    assert v2008 is client.api.v2008
    sub = fake.create_subaccount()
    assert client.accounts(sub).api.v2008.account_sid == sub
    assert v2008.accounts(sub).account_sid == sub
    with pytest.raises(TwilioValidationError, match="account_sid"):
        v2008.accounts("AC123")
    with pytest.raises(TwilioValidationError):
        v2008.incoming_phone_numbers("XX" + "0" * 32)
    assert fake.requests == []


# -- provisioning ------------------------------------------------------------------------


async def test_local_create_sends_the_2008_parameter_names(
    client: Client, fake: FakeTwilio
) -> None:
    number = await client.api.v2008.incoming_phone_numbers.local.create(
        area_code="415",
        url="http://mycompany.com/handleNewCall.php",
        method="GET",
        friendly_name="My Company Line",
        sms_url="http://mycompany.com/handleSms.php",
        sms_method="POST",
        voice_fallback_url="http://mycompany.com/errorHandler.php",
        voice_fallback_method=HttpMethod.GET,
        sms_fallback_url="http://mycompany.com/smsError.php",
        sms_fallback_method="GET",
        voice_caller_id_lookup=True,
    )
    (request,) = fake.requests
    assert request.method == "POST"
    assert request.path == root(fake) + "/Local"
    assert request.query == ()
    assert request.headers["Accept"] == "application/xml"
    assert request.form_dict() == {
        "AreaCode": "415",
        "Url": "http://mycompany.com/handleNewCall.php",
        "Method": "GET",
        "FriendlyName": "My Company Line",
        "SmsUrl": "http://mycompany.com/handleSms.php",
        "SmsMethod": "POST",
        "VoiceFallbackUrl": "http://mycompany.com/errorHandler.php",
        "VoiceFallbackMethod": "GET",
        "SmsFallbackUrl": "http://mycompany.com/smsError.php",
        "SmsFallbackMethod": "GET",
        "VoiceCallerIdLookup": "true",
    }
    assert isinstance(number, IncomingPhoneNumberV2008)
    assert number.sid.startswith("PN")
    assert number.account_sid == fake.account_sid
    assert number.phone_number is not None
    assert len(number.phone_number) == 10
    assert number.phone_number.startswith("415")
    assert number.e164 == "+1" + number.phone_number
    assert number.friendly_name == "My Company Line"
    assert number.url == "http://mycompany.com/handleNewCall.php"
    assert number.method is HttpMethod.GET
    assert number.sms_url == "http://mycompany.com/handleSms.php"
    assert number.sms_method is HttpMethod.POST
    assert number.voice_fallback_url == "http://mycompany.com/errorHandler.php"
    assert number.voice_fallback_method is HttpMethod.GET
    assert number.sms_fallback_url == "http://mycompany.com/smsError.php"
    assert number.sms_fallback_method is HttpMethod.GET
    assert number.voice_caller_id_lookup is True
    assert number.date_created is not None
    assert number.date_created.tzinfo is not None


async def test_toll_free_create_has_no_sms_fields(client: Client, fake: FakeTwilio) -> None:
    toll_free = client.api.v2008.incoming_phone_numbers.toll_free
    number = await toll_free.create(
        area_code="866", url="http://mycompany.com/handleNewCall.php", method="GET"
    )
    assert fake.requests[-1].path == root(fake) + "/TollFree"
    assert fake.requests[-1].form_dict() == {
        "AreaCode": "866",
        "Url": "http://mycompany.com/handleNewCall.php",
        "Method": "GET",
    }
    assert number.phone_number is not None
    assert number.phone_number.startswith("866")
    # The fake, like the docs' toll-free example, sends no Sms* elements at all.
    assert (number.sms_url, number.sms_method, number.sms_fallback_url) == (None, None, None)
    assert number.voice_caller_id_lookup is False
    fake.requests.clear()
    with pytest.raises(TypeError, match="unexpected keyword argument 'sms_url'"):
        await toll_free.create(area_code="866", sms_url="http://x.example/")  # type: ignore[call-arg]
    assert fake.requests == []


async def test_create_without_an_area_code_finds_a_number(client: Client) -> None:
    numbers = client.api.v2008.incoming_phone_numbers
    local = await numbers.local.create()
    toll_free = await numbers.toll_free.create(friendly_name="Support")
    assert local.phone_number is not None
    assert local.phone_number[:3] not in ("800", "833", "844", "855", "866", "877", "888")
    assert toll_free.phone_number is not None
    assert toll_free.phone_number[:3] in ("800", "833", "844", "855", "866", "877", "888")
    assert toll_free.friendly_name == "Support"


async def test_no_number_in_the_area_code_is_a_400_with_code_21452(
    client: Client, fake: FakeTwilio
) -> None:
    numbers = client.api.v2008.incoming_phone_numbers
    assert "555" in fake.state.exhausted_area_codes
    with pytest.raises(BadRequestError) as caught:
        await numbers.local.create(area_code="555")
    error = caught.value
    assert (error.status, error.code) == (400, 21452)
    assert error.message == "No local phone numbers found in area code 555"
    assert error.more_info == "https://www.twilio.com/docs/errors/21452"
    assert error.method == "POST"
    assert error.url.endswith(root(fake) + "/Local")
    assert error.request_id is not None
    # A toll-free area code has no local numbers, and the other way round.
    with pytest.raises(BadRequestError) as caught:
        await numbers.local.create(area_code="866")
    assert caught.value.code == 21452
    with pytest.raises(BadRequestError) as caught:
        await numbers.toll_free.create(area_code="415")
    assert caught.value.code == 21452
    assert fake.state.numbers == {}


async def test_parameters_are_validated_before_sending(client: Client, fake: FakeTwilio) -> None:
    numbers = client.api.v2008.incoming_phone_numbers
    sid = "PN" + "0" * 32
    with pytest.raises(TwilioValidationError, match="area_code"):
        await numbers.local.create(area_code="41")
    with pytest.raises(TwilioValidationError, match="method"):
        await numbers.local.create(method="PUT")  # type: ignore[arg-type]
    with pytest.raises(TwilioValidationError, match="url"):
        await numbers.toll_free.create(url="not a url")
    with pytest.raises(TwilioValidationError, match="friendly_name"):
        await numbers.local.create(friendly_name="x" * 65)
    with pytest.raises(TwilioValidationError, match="voice_caller_id_lookup"):
        await numbers.local.create(voice_caller_id_lookup="yes")  # type: ignore[arg-type]
    with pytest.raises(TwilioValidationError, match="requires url"):
        await numbers(sid).update(friendly_name="x")  # type: ignore[call-arg]
    with pytest.raises(TwilioValidationError, match="url"):
        await numbers(sid).update(url="")
    with pytest.raises(TwilioValidationError, match="phone_number"):
        await numbers.list(phone_number="+14158675309")
    with pytest.raises(TwilioValidationError, match="page_token"):
        await numbers.page(page_token="PA1")
    with pytest.raises(TypeError, match="unexpected keyword argument 'phone_number'"):
        await numbers.local.create(phone_number="+14158675309")  # type: ignore[call-arg]
    assert fake.requests == []


# -- the shared inventory ----------------------------------------------------------------


async def test_numbers_are_shared_with_the_2010_api(client: Client, fake: FakeTwilio) -> None:
    from_2010 = await client.incoming_phone_numbers.create(
        phone_number="+14155552344", voice_url="https://example.com/v"
    )
    from_2008 = await client.api.v2008.incoming_phone_numbers.local.create(
        area_code="212", url="https://example.com/2008", method="GET"
    )
    listed = await client.api.v2008.incoming_phone_numbers.list()
    assert [n.sid for n in listed] == [from_2010.sid, from_2008.sid]
    assert listed[0].phone_number == "4155552344"
    assert listed[0].url == "https://example.com/v"
    seen_in_2010 = await client.incoming_phone_numbers(from_2008.sid).fetch()
    assert seen_in_2010.phone_number == from_2008.e164
    assert seen_in_2010.voice_url == "https://example.com/2008"
    assert seen_in_2010.voice_method is HttpMethod.GET
    assert seen_in_2010.api_version == "2008-08-01"
    assert seen_in_2010.date_created == from_2008.date_created


async def test_local_and_toll_free_lists_filter_by_type(client: Client, fake: FakeTwilio) -> None:
    local = add(fake, "+14155550100")
    toll_free = add(fake, "+18005550100")
    local_2 = add(fake, "+12125550100")
    add(fake, "+447700900123")  # not a US number: the 2008 API does not know it
    numbers = client.api.v2008.incoming_phone_numbers
    assert [n.sid for n in await numbers.list()] == [local, toll_free, local_2]
    assert [n.sid for n in await numbers.local.list()] == [local, local_2]
    assert [n.sid for n in await numbers.toll_free.list()] == [toll_free]
    assert [n.sid async for n in numbers.toll_free.stream()] == [toll_free]
    page = await numbers.local.page()
    assert [n.sid for n in page] == [local, local_2]
    assert list_requests(fake, "/Local")[-1].query == ()


async def test_phone_number_filter(client: Client, fake: FakeTwilio) -> None:
    wanted = add(fake, "+14158675309")
    add(fake, "+14158675310")
    numbers = client.api.v2008.incoming_phone_numbers
    found = await numbers.list(phone_number="4158675309")
    assert [n.sid for n in found] == [wanted]
    assert found[0].phone_number == "4158675309"
    assert list_requests(fake)[-1].query == (("PhoneNumber", "4158675309"), ("num", "1000"))
    assert await numbers.local.list(phone_number="4150000000") == []


async def test_subaccount_numbers(client: Client, fake: FakeTwilio) -> None:
    sub = fake.create_subaccount()
    in_sub = client.accounts(sub).api.v2008.incoming_phone_numbers
    number = await in_sub.local.create(area_code="415")
    assert fake.requests[-1].path == root(fake, sub) + "/Local"
    assert number.account_sid == sub
    assert [n.sid for n in await in_sub.list()] == [number.sid]
    same = client.api.v2008.accounts(sub).incoming_phone_numbers
    assert (await same(number.sid).fetch()).sid == number.sid
    assert await client.api.v2008.incoming_phone_numbers.list() == []
    with pytest.raises(NotFoundError):
        await client.api.v2008.incoming_phone_numbers(number.sid).fetch()


# -- one number ----------------------------------------------------------------------------


async def test_fetch_update_delete(client: Client, fake: FakeTwilio) -> None:
    numbers = client.api.v2008.incoming_phone_numbers
    created = await numbers.local.create(
        area_code="415", url="https://example.com/v", sms_url="https://example.com/s"
    )
    fetched = await numbers(created.sid).fetch()
    assert fetched == created
    assert fake.requests[-1].path == root(fake) + f"/{created.sid}"

    updated = await numbers(created.sid).update(
        url="https://example.com/v2",
        method="GET",
        friendly_name="Renamed",
        sms_url="",
        voice_caller_id_lookup=True,
    )
    request = fake.requests[-1]
    assert request.method == "PUT"
    assert request.path == root(fake) + f"/{created.sid}"
    assert request.form_dict() == {
        "Url": "https://example.com/v2",
        "Method": "GET",
        "FriendlyName": "Renamed",
        "SmsUrl": "",
        "VoiceCallerIdLookup": "true",
    }
    assert updated.url == "https://example.com/v2"
    assert updated.method is HttpMethod.GET
    assert updated.friendly_name == "Renamed"
    assert updated.sms_url is None  # cleared: <SmsUrl></SmsUrl>
    assert updated.sms_method is None
    assert updated.voice_caller_id_lookup is True
    assert updated.date_updated is not None
    assert created.date_updated is not None
    assert updated.date_updated > created.date_updated
    assert (await numbers(created.sid).fetch()) == updated

    await numbers(created.sid).delete()
    assert fake.requests[-1].method == "DELETE"
    assert created.sid not in fake.state.numbers
    with pytest.raises(NotFoundError) as caught:
        await numbers(created.sid).fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)
    with pytest.raises(NotFoundError):
        await client.incoming_phone_numbers(created.sid).fetch()


async def test_update_is_not_resent_after_a_5xx_since_it_may_have_been_processed(
    client: Client, fake: FakeTwilio
) -> None:
    # The 2008 update is a PUT that rewrites a number: like a POST, never repeated once it
    # may have reached Twilio (see twilio_async.retry); a 429 is retried.
    sid = add(fake, "+14155550100")
    fake.inject(Fault(status=503, method="PUT"))
    with pytest.raises(ServerError):
        await client.api.v2008.incoming_phone_numbers(sid).update(url="https://e.x/v")
    assert len(fake.requests_to("PUT")) == 1
    fake.inject(Fault(status=429, retry_after="0", method="PUT"))
    updated = await client.api.v2008.incoming_phone_numbers(sid).update(url="https://e.x/v")
    assert updated.url == "https://e.x/v"
    assert len(fake.requests_to("PUT")) == 3


async def test_dates_keep_their_offsets(client: Client, fake: FakeTwilio) -> None:
    sid = add(
        fake,
        "+14158675309",
        date_created=SEED_DATE,
        date_updated=datetime(
            2008, 12, 24, 23, 0, 0, tzinfo=timezone(timedelta(hours=5, minutes=30))
        ),
    )
    number = await client.api.v2008.incoming_phone_numbers(sid).fetch()
    assert number.date_created == SEED_DATE
    assert number.date_created is not None
    assert number.date_created.utcoffset() == timedelta(hours=-7)
    assert number.date_created.isoformat() == "2008-04-01T11:26:32-07:00"
    assert number.date_updated is not None
    assert number.date_updated.isoformat() == "2008-12-24T23:00:00+05:30"


# -- paging --------------------------------------------------------------------------------


async def test_page_attributes_and_next_page(client: Client, fake: FakeTwilio) -> None:
    sids = fake.seed_numbers(7)
    numbers = client.api.v2008.incoming_phone_numbers
    page = await numbers.page(page_size=3)
    assert [n.sid for n in page] == sids[:3]
    assert (page.page_number, page.page_size, page.total, page.num_pages) == (0, 3, 7, 3)
    assert page.has_next_page
    assert page.next_page_url is not None
    assert page.next_page_url.startswith(fake.url)
    assert page.previous_page_url is None
    assert list_requests(fake)[-1].query == (("num", "3"),)
    second = await page.next_page()
    assert second is not None
    assert [n.sid for n in second] == sids[3:6]
    assert list_requests(fake)[-1].query == (("page", "1"), ("num", "3"))
    assert second.previous_page_url is not None
    assert second.previous_page_url.endswith("?page=0&num=3")
    third = await second.next_page()
    assert third is not None
    assert [n.sid for n in third] == sids[6:]
    assert not third.has_next_page
    assert await third.next_page() is None
    resumed = await numbers.get_page(page.next_page_url)
    assert [n.sid for n in resumed] == sids[3:6]
    by_number = await numbers.page(page_size=3, page_number=2)
    assert [n.sid for n in by_number] == sids[6:]
    assert list_requests(fake)[-1].query == (("page", "2"), ("num", "3"))


async def test_next_pages_keep_the_filter(client: Client, fake: FakeTwilio) -> None:
    fake.seed_numbers(3)
    numbers = client.api.v2008.incoming_phone_numbers.local
    page = await numbers.page(page_size=1, phone_number="4152000001")
    assert page.total == 1
    assert not page.has_next_page
    fake.seed_numbers(2, friendly_name="x")
    [n async for n in numbers.stream(page_size=2)]
    queries = [r.query for r in list_requests(fake, "/Local")[1:]]
    assert queries == [
        (("num", "2"),),
        (("page", "1"), ("num", "2")),
        (("page", "2"), ("num", "2")),
    ]


async def test_stream_walks_every_page_in_order(client: Client, fake: FakeTwilio) -> None:
    sids = fake.seed_numbers(1234)
    streamed = [n.sid async for n in client.api.v2008.incoming_phone_numbers.stream(page_size=50)]
    assert streamed == sids
    requests = list_requests(fake)
    assert len(requests) == 25
    assert sorted(int(r.query_dict().get("page", "0")) for r in requests) == list(range(25))
    assert await client.api.v2008.incoming_phone_numbers.list(page_size=1000) == [
        n async for n in client.api.v2008.incoming_phone_numbers.stream(page_size=1000)
    ]


async def test_stream_fetches_pages_concurrently_in_page_order(
    client: Client, fake: FakeTwilio
) -> None:
    sids = fake.seed_numbers(100)
    fake.latency = 0.05
    fake.peak_in_flight = 0
    streamed = [n.sid async for n in client.api.v2008.incoming_phone_numbers.stream(page_size=10)]
    assert streamed == sids
    assert len(list_requests(fake)) == 10
    # Requests overlapped at the server: 9 later pages, at most MAX_PAGE_WINDOW at once.
    assert 1 < fake.peak_in_flight <= MAX_PAGE_WINDOW


async def test_the_window_is_bounded_by_max_concurrency(fake: FakeTwilio) -> None:
    sids = fake.seed_numbers(60)
    fake.latency = 0.02
    async with fake.client(max_concurrency=3) as client:
        streamed = [
            n.sid async for n in client.api.v2008.incoming_phone_numbers.stream(page_size=5)
        ]
    assert streamed == sids
    assert 1 < fake.peak_in_flight <= 3


async def test_limit_stops_fetching_as_soon_as_met(client: Client, fake: FakeTwilio) -> None:
    fake.seed_numbers(100)
    numbers = client.api.v2008.incoming_phone_numbers
    got = [n async for n in numbers.stream(page_size=10, limit=25)]
    assert len(got) == 25
    assert len(list_requests(fake)) == 3
    fake.requests.clear()
    assert len(await numbers.list(limit=5)) == 5
    (request,) = fake.requests
    assert request.query == (("num", "5"),)


async def test_a_failing_page_surfaces_in_order_and_cancels_the_rest(
    client: Client, fake: FakeTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    sids = fake.seed_numbers(100)
    fake.inject(Fault(status=400, path="/2008-08-01/", skip=3))  # the 4th request fails
    got: list[str] = []

    async def consume() -> None:
        async for number in client.api.v2008.incoming_phone_numbers.stream(page_size=10):
            got.append(number.sid)

    with caplog.at_level(logging.WARNING, logger="asyncio"):
        with pytest.raises(TwilioAPIError) as caught:
            await consume()
        gc.collect()  # a task whose failure nobody read would complain as it is collected
    assert caught.value.status == 400
    # Page order: the failure is raised where its page would have been.
    # Requests arrive concurrently, so which page failed is read from the error.
    failed_page = int(URL(caught.value.url).query["page"])
    assert 1 <= failed_page <= MAX_PAGE_WINDOW
    assert got == sids[: failed_page * 10]
    assert client_tasks() == []
    assert caplog.text == ""


async def test_empty_list(client: Client, fake: FakeTwilio) -> None:
    numbers = client.api.v2008.incoming_phone_numbers
    page = await numbers.page()
    assert (len(page), page.total, page.num_pages, page.has_next_page) == (0, 0, 1, False)
    assert [n async for n in numbers.stream()] == []
    assert len(fake.requests) == 2


# -- XML a server may send -------------------------------------------------------------


RECORD_WITH_EDGES = """
  <IncomingPhoneNumber>
    <Sid>PNe536dfda7c6DDd455fed980cb83345FF</Sid>
    <AccountSid>AC35542fc30a091bed0c1ed511e1d9935d</AccountSid>
    <FriendlyName>Voice &amp; Fax &lt;main&gt;</FriendlyName>
    <PhoneNumber>4158675310</PhoneNumber>
    <Url>http://mycompany.com/handle.php?a=1&amp;b=2</Url>
    <Method>POST</Method>
    <SmsUrl/>
    <SmsMethod></SmsMethod>
    <VoiceFallbackUrl>
    </VoiceFallbackUrl>
    <Capabilities><Voice>true</Voice><Sms>false</Sms></Capabilities>
    <Beta>false</Beta>
    <VoiceCallerIdLookup>true</VoiceCallerIdLookup>
    <DateCreated>Tue, 01 Apr 2008 11:26:32 -0700</DateCreated>
  </IncomingPhoneNumber>
"""


async def test_empty_missing_and_unknown_elements(client: Client, fake: FakeTwilio) -> None:
    fake.inject(reply(xml_body(RECORD_WITH_EDGES)))
    sid = "PNe536dfda7c6DDd455fed980cb83345FF"
    number = await client.api.v2008.incoming_phone_numbers(sid).fetch()
    assert number == IncomingPhoneNumberV2008(
        sid=sid,
        account_sid="AC35542fc30a091bed0c1ed511e1d9935d",
        friendly_name="Voice & Fax <main>",
        phone_number="4158675310",
        url="http://mycompany.com/handle.php?a=1&b=2",
        method=HttpMethod.POST,
        voice_caller_id_lookup=True,
        date_created=SEED_DATE,
    )


@pytest.mark.parametrize(
    ("wire", "expected"),
    [("0", False), ("1", True), ("false", False), ("true", True), ("", None)],
)
async def test_voice_caller_id_lookup_values(
    client: Client, fake: FakeTwilio, wire: str, expected: bool | None
) -> None:
    fake.inject(
        reply(
            xml_body(
                "<IncomingPhoneNumber><Sid>PN1</Sid>"
                f"<VoiceCallerIdLookup>{wire}</VoiceCallerIdLookup></IncomingPhoneNumber>"
            )
        )
    )
    number = await client.api.v2008.incoming_phone_numbers("PN" + "1" * 32).fetch()
    assert number.voice_caller_id_lookup is expected


# The list example of the 2008-08-01 docs, verbatim (its end="0" included).
DOCUMENTED_LIST = """\
<TwilioResponse>
<IncomingPhoneNumbers page="0" numpages="1" pagesize="50" total="2" start="0" end="0">
<IncomingPhoneNumber>
<Sid>PNe536dfda7c6184afab78d980cb8cdf43</Sid>
<AccountSid>AC35542fc30a091bed0c1ed511e1d9935d</AccountSid>
<FriendlyName>Company Main Line</FriendlyName>
<PhoneNumber>4158675309</PhoneNumber>
<Url>http://mycompany.com/handleMainLineCall.asp</Url>
<Method>GET</Method>
<SmsUrl>http://mycompany.com/handleIncomingSms.asp</SmsUrl>
<SmsMethod>POST</SmsMethod>
<VoiceFallbackUrl>http://mycompany.com/handleError.asp</VoiceFallbackUrl>
<VoiceFallbackMethod>POST</VoiceFallbackMethod>
<SmsFallbackUrl>http://mycompany.com/handleSmsError.asp</SmsFallbackUrl>
<SmsFallbackMethod>POST</SmsFallbackMethod>
<VoiceCallerIdLookup>0</VoiceCallerIdLookup>
<DateCreated>Tue, 01 Apr 2008 11:26:32 -0700</DateCreated>
<DateUpdated>Tue, 01 Apr 2008 11:26:32 -0700</DateUpdated>
</IncomingPhoneNumber>
<IncomingPhoneNumber>
<Sid>PNe536dfda7c6DDd455fed980cb83345FF</Sid>
<AccountSid>AC35542fc30a091bed0c1ed511e1d9935d</AccountSid>
<FriendlyName>Voice Test Line, No SMS or Fallback configured</FriendlyName>
<PhoneNumber>4158675310</PhoneNumber>
<Url>http://mycompany.com/handleSupportCall.php</Url>
<Method>POST</Method>
<SmsUrl></SmsUrl>
<SmsMethod></SmsMethod>
<VoiceFallbackUrl></VoiceFallbackUrl>
<VoiceFallbackMethod></VoiceFallbackMethod>
<SmsFallbackUrl></SmsFallbackUrl>
<SmsFallbackMethod></SmsFallbackMethod>
<VoiceCallerIdLookup>1</VoiceCallerIdLookup>
<DateCreated>Tue, 01 Apr 2008 11:26:32 -0700</DateCreated>
<DateUpdated>Tue, 01 Apr 2008 11:26:32 -0700</DateUpdated>
</IncomingPhoneNumber>
</IncomingPhoneNumbers>
</TwilioResponse>
"""


async def test_the_documented_list_example(client: Client, fake: FakeTwilio) -> None:
    fake.inject(reply(DOCUMENTED_LIST))
    page = await client.api.v2008.incoming_phone_numbers.page()
    assert (page.page_number, page.page_size, page.total, page.num_pages) == (0, 50, 2, 1)
    assert not page.has_next_page
    main_line, test_line = page
    assert main_line == IncomingPhoneNumberV2008(
        sid="PNe536dfda7c6184afab78d980cb8cdf43",
        account_sid="AC35542fc30a091bed0c1ed511e1d9935d",
        friendly_name="Company Main Line",
        phone_number="4158675309",
        url="http://mycompany.com/handleMainLineCall.asp",
        method=HttpMethod.GET,
        sms_url="http://mycompany.com/handleIncomingSms.asp",
        sms_method=HttpMethod.POST,
        voice_fallback_url="http://mycompany.com/handleError.asp",
        voice_fallback_method=HttpMethod.POST,
        sms_fallback_url="http://mycompany.com/handleSmsError.asp",
        sms_fallback_method=HttpMethod.POST,
        voice_caller_id_lookup=False,
        date_created=SEED_DATE,
        date_updated=SEED_DATE,
    )
    assert main_line.e164 == "+14158675309"
    assert test_line == IncomingPhoneNumberV2008(
        sid="PNe536dfda7c6DDd455fed980cb83345FF",
        account_sid="AC35542fc30a091bed0c1ed511e1d9935d",
        friendly_name="Voice Test Line, No SMS or Fallback configured",
        phone_number="4158675310",
        url="http://mycompany.com/handleSupportCall.php",
        method=HttpMethod.POST,
        voice_caller_id_lookup=True,
        date_created=SEED_DATE,
        date_updated=SEED_DATE,
    )


@pytest.mark.parametrize(
    ("phone_number", "e164"),
    [
        ("4158675309", "+14158675309"),
        (None, None),
        ("415867530", None),
        ("+14158675309", None),
        ("415-867-53", None),
        ("\u0664\u0661\u0665\u0668\u0666\u0667\u0665\u0663\u0660\u0669", None),
    ],
)
def test_e164(phone_number: str | None, e164: str | None) -> None:
    assert IncomingPhoneNumberV2008(sid="PN1", phone_number=phone_number).e164 == e164


async def test_a_list_with_one_record_and_a_list_with_none(
    client: Client, fake: FakeTwilio
) -> None:
    one = '<IncomingPhoneNumbers page="0" numpages="1"><IncomingPhoneNumber><Sid>PN1</Sid></IncomingPhoneNumber></IncomingPhoneNumbers>'  # noqa: E501
    none = '<IncomingPhoneNumbers page="0" numpages="0" pagesize="50" total="0"/>'
    fake.inject(reply(xml_body(one)), reply(xml_body(none)))
    numbers = client.api.v2008.incoming_phone_numbers
    assert [n.sid for n in await numbers.list()] == ["PN1"]
    assert await numbers.list() == []


async def test_a_billion_laughs_body_is_refused_fast_in_bounded_memory(
    client: Client, fake: FakeTwilio
) -> None:
    entities = "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]>'
        "<TwilioResponse><IncomingPhoneNumber><Sid>&lol9;</Sid></IncomingPhoneNumber>"
        "</TwilioResponse>"
    )
    fake.inject(reply(bomb))
    sid = "PN" + "a" * 32
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(TwilioDecodeError) as caught:
            await client.api.v2008.incoming_phone_numbers(sid).fetch()
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(caught.value)
    assert "DTDs and entity declarations are refused" in message
    assert f"GET {fake.url}{root(fake)}/{sid}" in message
    assert caught.value.__cause__ is None
    assert elapsed < 1.0
    assert peak < 5 * 1024 * 1024  # expanded, it would be 3 GB


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><TwilioResponse/>', "DTD"),
        ("<TwilioResponse><IncomingPhoneNumber>", "not well-formed XML"),
        ("<TwilioResponse>&undefined;</TwilioResponse>", "not well-formed XML"),
        ('{"sid": "PN1"}', "not well-formed XML"),
        ("<html><body>Bad gateway</body></html>", "expected a <TwilioResponse> document"),
        (
            "<TwilioResponse><IncomingPhoneNumber/><IncomingPhoneNumber/></TwilioResponse>",
            "should hold one element",
        ),
        ("<TwilioResponse>" + "<a>" * 100 + "</a>" * 100 + "</TwilioResponse>", "nested"),
        ("<TwilioResponse><IncomingPhoneNumber/></TwilioResponse>", "cannot read"),
        (
            "<TwilioResponse><IncomingPhoneNumber><Sid>PN1</Sid>"
            "<DateCreated>yesterday</DateCreated></IncomingPhoneNumber></TwilioResponse>",
            "cannot read",
        ),
    ],
)
async def test_bad_bodies_raise_a_decode_error_naming_the_url(
    client: Client, fake: FakeTwilio, body: str, expected: str
) -> None:
    fake.inject(reply(body))
    sid = "PN" + "b" * 32
    with pytest.raises(TwilioDecodeError, match=expected) as caught:
        await client.api.v2008.incoming_phone_numbers(sid).fetch()
    assert caught.value.url == f"{fake.url}{root(fake)}/{sid}"
    assert caught.value.url in str(caught.value)
    assert caught.value.__cause__ is None


@pytest.mark.parametrize(
    "body",
    [
        "<TwilioResponse><IncomingPhoneNumber><Sid>PN1</Sid></IncomingPhoneNumber></TwilioResponse>",
        '<TwilioResponse><IncomingPhoneNumbers page="x" numpages="1"/></TwilioResponse>',
        "<TwilioResponse><Broken></TwilioResponse>",
    ],
    ids=["a record", "bad attributes", "malformed"],
)
async def test_a_page_that_is_not_a_2008_list_is_a_decode_error(
    client: Client, fake: FakeTwilio, body: str
) -> None:
    fake.inject(reply(body))
    with pytest.raises(TwilioDecodeError) as caught:
        await client.api.v2008.incoming_phone_numbers.page()
    assert caught.value.url.startswith(fake.url + root(fake))


async def test_xml_errors_become_the_same_api_errors_as_json(
    client: Client, fake: FakeTwilio
) -> None:
    error = xml_body(
        "<RestException><Status>404</Status><Message>The requested resource was not found"
        "</Message><Code>20404</Code><MoreInfo>https://www.twilio.com/docs/errors/20404"
        "</MoreInfo></RestException>"
    )
    fake.inject(reply(error, status=404))
    with pytest.raises(NotFoundError) as caught:
        await client.api.v2008.incoming_phone_numbers("PN" + "c" * 32).fetch()
    assert caught.value.code == 20404
    assert caught.value.message == "The requested resource was not found"
    assert caught.value.more_info == "https://www.twilio.com/docs/errors/20404"
    # And a 2010 JSON error carries the same fields the same way.
    with pytest.raises(NotFoundError) as json_caught:
        await client.incoming_phone_numbers("PN" + "c" * 32).fetch()
    assert (json_caught.value.status, json_caught.value.code) == (404, 20404)


async def test_unauthenticated_requests_get_an_xml_401(fake: FakeTwilio) -> None:
    async with Client(fake.account_sid, "wrong-token", base_url=fake.url) as client:
        with pytest.raises(TwilioAPIError) as caught:
            await client.api.v2008.incoming_phone_numbers.list()
    assert (caught.value.status, caught.value.code) == (401, 20003)
    assert caught.value.message == "Authenticate"
