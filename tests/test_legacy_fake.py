"""The fake's 2008-08-01 routes, checked with raw HTTP (no client-side validation)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from typing import Any

import aiohttp
import pytest

from twilio_async.testing import FakeTwilio, Fault
from twilio_async.xml import parse_xml

PACIFIC = timezone(timedelta(hours=-7))

DOCUMENTED_ORDER = [
    "Sid",
    "AccountSid",
    "FriendlyName",
    "PhoneNumber",
    "Url",
    "Method",
    "SmsUrl",
    "SmsMethod",
    "VoiceFallbackUrl",
    "VoiceFallbackMethod",
    "SmsFallbackUrl",
    "SmsFallbackMethod",
    "VoiceCallerIdLookup",
    "DateCreated",
    "DateUpdated",
]


@pytest.fixture
async def http(fake: FakeTwilio) -> AsyncIterator[aiohttp.ClientSession]:
    async with fake.session() as session:
        yield session


def path(fake: FakeTwilio, suffix: str = "") -> str:
    return f"/2008-08-01/Accounts/{fake.account_sid}/IncomingPhoneNumbers{suffix}"


async def call(
    session: aiohttp.ClientSession, method: str, url: str, **kwargs: Any
) -> tuple[int, ET.Element, aiohttp.ClientResponse]:
    async with session.request(method, url, **kwargs) as response:
        body = await response.read()
        assert response.content_type == "application/xml", body
        root = parse_xml(body)
        assert root.tag == "TwilioResponse"
        return response.status, root, response


def error_of(root: ET.Element) -> dict[str, str | None]:
    node = root.find("RestException")
    assert node is not None
    return {child.tag: child.text for child in node}


def add(fake: FakeTwilio, phone: str, **fields: Any) -> str:
    return str(fake.state.add_number(fake.account_sid, phone, **fields)["sid"])


async def test_a_record_as_documented(fake: FakeTwilio, http: aiohttp.ClientSession) -> None:
    created = datetime(2008, 4, 1, 11, 26, 32, tzinfo=PACIFIC)
    sid = add(
        fake,
        "+14158675309",
        friendly_name="Company Main Line",
        voice_url="http://mycompany.com/handleMainLineCall.asp",
        voice_method="GET",
        voice_fallback_url="http://mycompany.com/handleError.asp",
        date_created=created,
    )
    status, root, response = await call(http, "GET", path(fake, f"/{sid}"))
    assert status == 200
    assert response.headers["Twilio-Request-Id"].startswith("RQ")
    (record,) = list(root)
    assert record.tag == "IncomingPhoneNumber"
    assert [child.tag for child in record] == DOCUMENTED_ORDER
    fields = {child.tag: child.text for child in record}
    assert fields == {
        "Sid": sid,
        "AccountSid": fake.account_sid,
        "FriendlyName": "Company Main Line",
        "PhoneNumber": "4158675309",
        "Url": "http://mycompany.com/handleMainLineCall.asp",
        "Method": "GET",
        "SmsUrl": None,  # unset: an empty element
        "SmsMethod": None,  # and so is the method of an unset URL
        "VoiceFallbackUrl": "http://mycompany.com/handleError.asp",
        "VoiceFallbackMethod": "POST",
        "SmsFallbackUrl": None,
        "SmsFallbackMethod": None,
        "VoiceCallerIdLookup": "0",
        "DateCreated": "Tue, 01 Apr 2008 11:26:32 -0700",
        "DateUpdated": "Tue, 01 Apr 2008 11:26:32 -0700",
    }


async def test_text_is_escaped(fake: FakeTwilio, http: aiohttp.ClientSession) -> None:
    sid = add(fake, "+14158675309", friendly_name="A & B <Sales>", voice_url="http://x/?a=1&b=2")
    _, root, _ = await call(http, "GET", path(fake, f"/{sid}"))
    assert root.findtext("IncomingPhoneNumber/FriendlyName") == "A & B <Sales>"
    assert root.findtext("IncomingPhoneNumber/Url") == "http://x/?a=1&b=2"


async def test_toll_free_records_have_no_sms_elements(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    sid = add(fake, "+18668675309", sms_url="http://ignored.example/")
    _, root, _ = await call(http, "GET", path(fake, f"/{sid}"))
    record = root.find("IncomingPhoneNumber")
    assert record is not None
    tags = [child.tag for child in record]
    assert tags == [t for t in DOCUMENTED_ORDER if not t.startswith("Sms")]
    assert root.findtext("IncomingPhoneNumber/PhoneNumber") == "8668675309"


async def test_list_attributes_and_paging(fake: FakeTwilio, http: aiohttp.ClientSession) -> None:
    sids = fake.seed_numbers(7)

    async def page(query: str) -> tuple[dict[str, str], list[str]]:
        status, root, _ = await call(http, "GET", path(fake) + query)
        assert status == 200
        element = root.find("IncomingPhoneNumbers")
        assert element is not None
        return dict(element.attrib), [n.findtext("Sid") or "" for n in element]

    attributes, listed = await page("")
    assert attributes == {
        "page": "0",
        "numpages": "1",
        "pagesize": "50",
        "total": "7",
        "start": "0",
        "end": "6",
    }
    assert listed == sids
    attributes, listed = await page("?page=1&num=3")
    assert attributes == {
        "page": "1",
        "numpages": "3",
        "pagesize": "3",
        "total": "7",
        "start": "3",
        "end": "5",
    }
    assert listed == sids[3:6]
    attributes, listed = await page("?page=2&num=3")
    assert (attributes["start"], attributes["end"], listed) == ("6", "6", sids[6:])
    attributes, listed = await page("?page=9&num=3")
    assert (attributes["page"], attributes["start"], attributes["end"], listed) == (
        "9",
        "27",
        "27",
        [],
    )
    ten_digits = str(fake.state.numbers[sids[2]]["phone_number"]).removeprefix("+1")
    attributes, listed = await page(f"?PhoneNumber={ten_digits}")
    assert (attributes["total"], listed) == ("1", [sids[2]])
    attributes, listed = await page(f"?PhoneNumber=%2B1{ten_digits}")  # exact 10 digits only
    assert (attributes["total"], listed) == ("0", [])


async def test_empty_list_has_one_empty_page(fake: FakeTwilio, http: aiohttp.ClientSession) -> None:
    _, root, _ = await call(http, "GET", path(fake, "/TollFree"))
    element = root.find("IncomingPhoneNumbers")
    assert element is not None
    assert len(element) == 0
    assert element.attrib == {
        "page": "0",
        "numpages": "1",
        "pagesize": "50",
        "total": "0",
        "start": "0",
        "end": "0",
    }


@pytest.mark.parametrize("query", ["?page=-1", "?page=x", "?num=0", "?num=1001", "?num=%D9%A1"])
async def test_bad_paging_parameters_are_a_400(
    fake: FakeTwilio, http: aiohttp.ClientSession, query: str
) -> None:
    status, root, _ = await call(http, "GET", path(fake) + query)
    assert status == 400
    assert error_of(root)["Code"] == "20422"


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("POST", ""),
        ("PUT", ""),
        ("DELETE", ""),
        ("PUT", "/Local"),
        ("DELETE", "/Local"),
        ("PUT", "/TollFree"),
        ("DELETE", "/TollFree"),
    ],
)
async def test_methods_documented_as_not_supported_get_405(
    fake: FakeTwilio, http: aiohttp.ClientSession, method: str, suffix: str
) -> None:
    status, root, _ = await call(http, method, path(fake, suffix), data={"AreaCode": "415"})
    assert status == 405
    assert error_of(root) == {
        "Status": "405",
        "Message": f"{method} is not supported on {path(fake, suffix)}",
        "Code": "20004",
        "MoreInfo": "https://www.twilio.com/docs/errors/20004",
    }
    assert fake.state.numbers == {}


async def test_other_methods_get_405_too(fake: FakeTwilio, http: aiohttp.ClientSession) -> None:
    sid = add(fake, "+14158675309")
    status, root, _ = await call(http, "PATCH", path(fake, f"/{sid}"), data={"Url": "http://x/"})
    assert status == 405
    assert error_of(root)["Code"] == "20004"


@pytest.mark.parametrize("method", ["PUT", "POST"])
async def test_update_by_put_or_post(
    fake: FakeTwilio, http: aiohttp.ClientSession, method: str
) -> None:
    sid = add(fake, "+14158675309", sms_url="http://sms.example/")
    form = {"Url": "http://voice.example/", "SmsUrl": "", "VoiceCallerIdLookup": "true"}
    status, root, _ = await call(http, method, path(fake, f"/{sid}"), data=form)
    assert status == 200
    assert root.findtext("IncomingPhoneNumber/Url") == "http://voice.example/"
    assert root.findtext("IncomingPhoneNumber/SmsUrl") == ""
    assert root.findtext("IncomingPhoneNumber/VoiceCallerIdLookup") == "1"
    record = fake.state.numbers[sid]
    assert (record["voice_url"], record["sms_url"]) == ("http://voice.example/", "")


@pytest.mark.parametrize(
    ("form", "code"),
    [
        ({"FriendlyName": "no url"}, "20422"),
        ({"Url": ""}, "20422"),
        ({"Url": "not a url"}, "21502"),
        ({"Url": "http://x/", "Method": "PUT"}, "20422"),
        ({"Url": "http://x/", "VoiceCallerIdLookup": "maybe"}, "20422"),
    ],
)
async def test_update_validation(
    fake: FakeTwilio, http: aiohttp.ClientSession, form: dict[str, str], code: str
) -> None:
    sid = add(fake, "+14158675309")
    status, root, _ = await call(http, "PUT", path(fake, f"/{sid}"), data=form)
    assert (status, error_of(root)["Code"]) == (400, code)


async def test_provisioning(fake: FakeTwilio, http: aiohttp.ClientSession) -> None:
    form = {"AreaCode": "866", "Url": "http://x/", "SmsUrl": "http://ignored/"}
    status, root, _ = await call(http, "POST", path(fake, "/TollFree"), data=form)
    assert status == 201
    number = root.findtext("IncomingPhoneNumber/PhoneNumber") or ""
    assert number.startswith("866")
    assert len(number) == 10
    record = fake.state.owned_number("+1" + number)
    assert record is not None
    assert record["type"] == "tollfree"
    assert record["sms_url"] == ""  # toll-free numbers take no SMS settings here
    assert record["api_version"] == "2008-08-01"
    status, root, _ = await call(http, "POST", path(fake, "/Local"), data={"AreaCode": "12"})
    assert (status, error_of(root)["Code"]) == (400, "21451")
    fake.state.exhausted_area_codes.update(["415", "212", "312", "206", "512", "617"])
    fake.state.exhausted_area_codes.update(["303", "404"])
    status, root, _ = await call(http, "POST", path(fake, "/Local"))
    assert (status, error_of(root)["Code"]) == (400, "21452")
    assert error_of(root)["Message"] == "No local phone numbers found in the United States"


async def test_numbers_outside_the_us_do_not_exist_here(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    sid = add(fake, "+447700900123")
    status, root, _ = await call(http, "GET", path(fake, f"/{sid}"))
    assert (status, error_of(root)["Code"]) == (404, "20404")
    add(fake, "+14158675309")
    _, root, _ = await call(http, "GET", path(fake))
    element = root.find("IncomingPhoneNumbers")
    assert element is not None
    assert element.get("total") == "1"
    assert [n.findtext("PhoneNumber") for n in element] == ["4158675309"]


async def test_delete_is_204_and_releases(fake: FakeTwilio, http: aiohttp.ClientSession) -> None:
    sid = add(fake, "+14158675309")
    async with http.delete(path(fake, f"/{sid}")) as response:
        assert response.status == 204
    assert sid not in fake.state.numbers
    status, root, _ = await call(http, "DELETE", path(fake, f"/{sid}"))
    assert (status, error_of(root)["Code"]) == (404, "20404")


async def test_every_error_under_2008_is_xml(fake: FakeTwilio, http: aiohttp.ClientSession) -> None:
    async with aiohttp.ClientSession(base_url=fake.url) as anonymous:
        status, root, response = await call(anonymous, "GET", path(fake))
    assert (status, error_of(root)["Code"], error_of(root)["Message"]) == (
        401,
        "20003",
        "Authenticate",
    )
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    status, root, _ = await call(http, "GET", "/2008-08-01/Accounts/Nothing")
    assert (status, error_of(root)["Code"]) == (404, "20404")
    other = "AC" + "f" * 32
    status, root, _ = await call(http, "GET", path(fake).replace(fake.account_sid, other))
    assert (status, error_of(root)["Code"]) == (404, "20404")
    fake.inject(Fault(status=503))
    status, root, _ = await call(http, "GET", path(fake))
    assert (status, error_of(root)["Status"]) == (503, "503")
    # The 2010 API keeps its JSON errors.
    async with http.get("/2010-04-01/Nothing.json") as response:
        assert response.content_type == "application/json"
