"""Pure pieces around a request: JSON decoding, page envelopes, credentials, request bodies."""

from __future__ import annotations

import base64
import json
import platform
from typing import Any

import aiohttp
import pytest
from yarl import URL

from twilio_async import codecs
from twilio_async._version import __version__
from twilio_async.client import resolve_credentials
from twilio_async.codecs import JSON, JsonCodec
from twilio_async.envelopes import PageDecodeError, PagingV1, PagingV2010
from twilio_async.errors import (
    ConfigurationError,
    TwilioDecodeError,
    TwilioValidationError,
    UnsafeURLError,
)
from twilio_async.hosts import Hosts, Product
from twilio_async.transport import Credentials, Request, user_agent

AC = "AC" + "a" * 32
SK = "SK" + "b" * 32
AUTH_TOKEN = "0123456789abcdef0123456789abcdef"
API_SECRET = "s3cr3t-API-secret-value-xyz"
ROOT_2010 = f"/2010-04-01/Accounts/{AC}/IncomingPhoneNumbers.json"
SEED_QUERY = "FriendlyName=friendly_name&Beta=true&PhoneNumber=%2B19876543210&PageSize=50&Page=0"
NEXT_QUERY = (
    "FriendlyName=friendly_name&PhoneNumber=%2B19876543210&PageSize=50&Page=1&PageToken=PAPN%2Bx"
)

# The envelope of the IncomingPhoneNumber "read" example (seed 003), one record abridged.
PAGE_2010: dict[str, Any] = {
    "end": 0,
    "first_page_uri": f"{ROOT_2010}?{SEED_QUERY}",
    "incoming_phone_numbers": [
        {"sid": "PN" + "a" * 32, "phone_number": "+18089255327", "sms_url": "", "voice_url": None}
    ],
    "next_page_uri": None,
    "page": 0,
    "page_size": 50,
    "previous_page_uri": None,
    "start": 0,
    "uri": f"{ROOT_2010}?{SEED_QUERY}",
}

# The "readFull" example of GET /v1/InstalledAddOns (twilio_marketplace_v1.json).
PAGE_V1: dict[str, Any] = {
    "installed_add_ons": [
        {
            "sid": "XE" + "a" * 32,
            "account_sid": AC,
            "friendly_name": "VoiceBase High Accuracy Transcription",
            "description": "Automatic Transcription and Keyword Extract...",
            "configuration": {"bad_words": True},
            "unique_name": "voicebase_high_accuracy_transcription",
            "date_created": "2016-04-07T23:52:28Z",
            "date_updated": "2016-04-07T23:52:28Z",
            "url": "https://marketplace.twilio.com/v1/InstalledAddOns/XE" + "a" * 32,
            "links": {
                "extensions": "https://marketplace.twilio.com/v1/InstalledAddOns/XE"
                + "a" * 32
                + "/Extensions",
                "available_add_on": "https://marketplace.twilio.com/v1/AvailableAddOns/XB"
                + "a" * 32,
            },
        }
    ],
    "meta": {
        "page": 0,
        "page_size": 50,
        "first_page_url": "https://marketplace.twilio.com/v1/InstalledAddOns?PageSize=50&Page=0",
        "previous_page_url": None,
        "url": "https://marketplace.twilio.com/v1/InstalledAddOns?PageSize=50&Page=0",
        "next_page_url": None,
        "key": "installed_add_ons",
    },
}
V1_NEXT = "/v1/InstalledAddOns?PageSize=50&Page=1&PageToken=PAXE%2Baaaa%3D"

DEFAULT_HOSTS = Hosts.resolve()
LOCAL_HOSTS = Hosts.resolve(base_url="http://127.0.0.1:8080")
PREFIXED_HOSTS = Hosts.resolve(base_url="https://proxy.example.com/twilio")

ORJSON = "orjson"
PURE = "json"


@pytest.fixture(params=[ORJSON, PURE])
def loads(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test with the orjson decoder and with the standard library's."""
    if request.param == ORJSON:
        orjson = pytest.importorskip("orjson")
        monkeypatch.setattr(codecs, "json_loads", orjson.loads)
    else:
        monkeypatch.setattr(codecs, "json_loads", json.loads)
    name: str = request.param
    return name


FETCHED = URL("https://api.twilio.com/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json")


def v2010(body: Any, hosts: Hosts = DEFAULT_HOSTS) -> Any:
    return PagingV2010("incoming_phone_numbers").decode(
        body, url=FETCHED, product=Product.API, hosts=hosts
    )


def v1(body: Any, hosts: Hosts = DEFAULT_HOSTS, list_key: str = "installed_add_ons") -> Any:
    return PagingV1(list_key).decode(body, url=FETCHED, product=Product.MARKETPLACE, hosts=hosts)


def with_meta(**changes: Any) -> dict[str, Any]:
    return {**PAGE_V1, "meta": {**PAGE_V1["meta"], **changes}}


# --- JsonCodec ------------------------------------------------------------------------------------


def test_orjson_is_the_default_decoder_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    orjson = pytest.importorskip("orjson")
    monkeypatch.delenv("TWILIO_ASYNC_PURE_JSON", raising=False)
    assert codecs._pick_loads() is orjson.loads


def test_pure_json_can_be_forced_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_ASYNC_PURE_JSON", "1")
    assert codecs._pick_loads() is json.loads


def test_both_decoders_give_the_same_data(monkeypatch: pytest.MonkeyPatch) -> None:
    orjson = pytest.importorskip("orjson")
    body = json.dumps(
        {**PAGE_2010, "unicode": "caf\u00e9 \u260e \U0001f4de", "big": 2**53 + 1, "f": 0.1}
    ).encode()
    decoded = {}
    for name, fn in (("orjson", orjson.loads), ("json", json.loads)):
        monkeypatch.setattr(codecs, "json_loads", fn)
        decoded[name] = JSON.decode(body, method="GET", url="u")
    assert decoded["orjson"] == decoded["json"]
    assert decoded["json"]["incoming_phone_numbers"][0]["voice_url"] is None


def test_decode_a_page(loads: str) -> None:
    body = json.dumps(PAGE_2010).encode()
    assert JsonCodec().decode(body, method="GET", url="u") == PAGE_2010


@pytest.mark.parametrize("body", [b"", b"  \r\n\t"])
def test_empty_body_decodes_to_none(body: bytes, loads: str) -> None:
    assert JSON.decode(body, method="DELETE", url="u") is None


@pytest.mark.parametrize(
    "body",
    [b"<html>502</html>", b'{"sid": ', b"{'sid': 1}", b'{"a": "\xff"}', b"\xef\xbb"],
    ids=["html", "truncated", "single-quotes", "bad-utf8", "partial-bom"],
)
def test_invalid_json_is_a_decode_error_naming_method_and_url(body: bytes, loads: str) -> None:
    url = "https://api.twilio.com/2010-04-01/Accounts/" + AC + ".json"
    with pytest.raises(TwilioDecodeError, match="not valid JSON") as info:
        JSON.decode(body, method="GET", url=url)
    assert info.value.method == "GET"
    assert info.value.url == url
    assert f"(GET {url})" in str(info.value)


@pytest.mark.parametrize(
    "body", [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 100_000], ids=["valid", "unterminated"]
)
def test_absurdly_nested_json_is_a_decode_error_on_both_decoders(body: bytes, loads: str) -> None:
    # orjson stops at depth 1024 with a JSONDecodeError; json raises RecursionError.
    with pytest.raises(TwilioDecodeError):
        JSON.decode(body, method="GET", url="https://api.twilio.com/x.json")


def test_json_codec_asks_for_json() -> None:
    assert JSON.accept == "application/json"


# --- PagingV2010.decode ---------------------------------------------------------------------------


def test_2010_page_from_the_seed_example() -> None:
    page = v2010(PAGE_2010)
    assert page.records == PAGE_2010["incoming_phone_numbers"]
    assert page.next_url is None
    assert page.page_number == 0
    assert page.page_size == 50
    assert page.url == f"https://api.twilio.com{ROOT_2010}?{SEED_QUERY}"
    assert page.first_page_url == f"https://api.twilio.com{ROOT_2010}?{SEED_QUERY}"
    assert page.previous_page_url is None


@pytest.mark.parametrize(
    ("hosts", "origin"),
    [
        (DEFAULT_HOSTS, "https://api.twilio.com"),
        (LOCAL_HOSTS, "http://127.0.0.1:8080"),
        (PREFIXED_HOSTS, "https://proxy.example.com/twilio"),
        (Hosts.resolve(region="ie1", edge="dublin"), "https://api.dublin.ie1.twilio.com"),
    ],
)
def test_2010_relative_next_page_uri_is_resolved_on_the_configured_origin(
    hosts: Hosts, origin: str
) -> None:
    body = {**PAGE_2010, "next_page_uri": f"{ROOT_2010}?{NEXT_QUERY}", "page": 1}
    page = v2010(body, hosts)
    assert isinstance(page.next_url, URL)
    assert str(page.next_url) == f"{origin}{ROOT_2010}?{NEXT_QUERY}"  # byte for byte
    assert page.next_url.raw_query_string == NEXT_QUERY
    assert page.url == f"{origin}{ROOT_2010}?{SEED_QUERY}"
    assert page.page_number == 1


def test_2010_previous_page_uri_is_absolute_too() -> None:
    body = {**PAGE_2010, "previous_page_uri": f"{ROOT_2010}?Page=0&PageSize=50"}
    assert v2010(body).previous_page_url == f"https://api.twilio.com{ROOT_2010}?Page=0&PageSize=50"


@pytest.mark.parametrize(
    "next_page_uri", ["https://evil.example/steal", "//evil.example/steal", "steal?Page=1"]
)
def test_2010_next_page_uri_off_the_host_is_refused(next_page_uri: str) -> None:
    # Not followed: whoever would follow it raises this (a stream, after the page's records).
    page = v2010({**PAGE_2010, "next_page_uri": next_page_uri})
    assert page.next_url is None
    assert isinstance(page.next_error, UnsafeURLError)


@pytest.mark.parametrize("value", ["", None, 0, False])
def test_2010_blank_next_page_uri_means_last_page(value: object) -> None:
    assert v2010({**PAGE_2010, "next_page_uri": value}).next_url is None


def test_2010_non_integer_page_metadata_reads_as_none() -> None:
    page = v2010({**PAGE_2010, "page": "0", "page_size": True})
    assert page.page_number is None
    assert page.page_size is None


def test_2010_minimal_envelope() -> None:
    page = v2010({"incoming_phone_numbers": []})
    assert list(page.records) == []
    assert page.next_url is None
    assert page.url is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"numbers": []}, "incoming_phone_numbers"),
        ({"incoming_phone_numbers": None}, "incoming_phone_numbers"),
        ({"incoming_phone_numbers": {"sid": "PN"}}, "incoming_phone_numbers"),
        ([PAGE_2010], "JSON object"),
        (None, "JSON object"),
        ("page", "JSON object"),
    ],
)
def test_2010_wrong_envelope_is_a_page_decode_error(body: Any, message: str) -> None:
    with pytest.raises(PageDecodeError, match=message):
        v2010(body)


# --- PagingV1.decode ------------------------------------------------------------------------------


def test_v1_page_from_the_spec_example() -> None:
    page = v1(PAGE_V1)
    assert page.records == PAGE_V1["installed_add_ons"]
    assert page.next_url is None
    assert page.page_number == 0
    assert page.page_size == 50
    assert page.url == PAGE_V1["meta"]["url"]
    assert page.first_page_url == PAGE_V1["meta"]["first_page_url"]
    assert page.previous_page_url is None


def test_v1_absolute_next_page_url_on_the_public_host_is_followed() -> None:
    page = v1(with_meta(next_page_url="https://marketplace.twilio.com" + V1_NEXT))
    assert str(page.next_url) == "https://marketplace.twilio.com" + V1_NEXT


@pytest.mark.parametrize(
    ("hosts", "origin"),
    [(LOCAL_HOSTS, "http://127.0.0.1:8080"), (PREFIXED_HOSTS, "https://proxy.example.com/twilio")],
)
def test_v1_public_next_page_url_is_rebased_onto_the_base_url(hosts: Hosts, origin: str) -> None:
    page = v1(with_meta(next_page_url="https://marketplace.twilio.com" + V1_NEXT), hosts)
    assert str(page.next_url) == origin + V1_NEXT
    assert page.next_url is not None
    assert page.next_url.raw_query_string == V1_NEXT.split("?", 1)[1]


def test_v1_next_page_url_on_the_base_url_is_kept() -> None:
    page = v1(with_meta(next_page_url="http://127.0.0.1:8080" + V1_NEXT), LOCAL_HOSTS)
    assert str(page.next_url) == "http://127.0.0.1:8080" + V1_NEXT


@pytest.mark.parametrize(
    "next_page_url",
    [
        "https://evil.example" + V1_NEXT,
        "http://marketplace.twilio.com" + V1_NEXT,
        "https://api.twilio.com" + V1_NEXT,
    ],
)
def test_v1_next_page_url_off_the_host_is_refused(next_page_url: str) -> None:
    page = v1(with_meta(next_page_url=next_page_url))
    assert page.next_url is None
    assert isinstance(page.next_error, UnsafeURLError)


def test_v1_meta_key_names_the_records_list() -> None:
    body = {"extensions": [{"sid": "XF1"}], "meta": {**PAGE_V1["meta"], "key": "extensions"}}
    assert v1(body, list_key="installed_add_ons").records == [{"sid": "XF1"}]


def test_v1_without_meta_key_uses_the_declared_list_key() -> None:
    meta = {k: v for k, v in PAGE_V1["meta"].items() if k != "key"}
    assert v1({**PAGE_V1, "meta": meta}).records == PAGE_V1["installed_add_ons"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"installed_add_ons": []}, "meta"),
        ({**PAGE_V1, "meta": None}, "meta"),
        ({**PAGE_V1, "meta": ["key"]}, "meta"),
        (with_meta(key="extensions"), "extensions"),
        ({"meta": PAGE_V1["meta"]}, "installed_add_ons"),
        ([PAGE_V1], "JSON object"),
        (None, "JSON object"),
    ],
)
def test_v1_wrong_envelope_is_a_page_decode_error(body: Any, message: str) -> None:
    with pytest.raises(PageDecodeError, match=message):
        v1(body)


# --- Paging.query -----------------------------------------------------------------------------


@pytest.mark.parametrize("paging", [PagingV2010("x"), PagingV1("x")])
@pytest.mark.parametrize(
    ("kwargs", "pairs"),
    [
        ({}, []),
        ({"page_size": 50}, [("PageSize", "50")]),
        ({"page_number": 0}, [("Page", "0")]),
        ({"page_token": "PA%2B"}, [("PageToken", "PA%2B")]),
        (
            {"page_size": 1000, "page_number": 3, "page_token": "PT1"},
            [("PageSize", "1000"), ("Page", "3"), ("PageToken", "PT1")],
        ),
    ],
)
def test_query_sends_only_the_given_paging_values(
    paging: PagingV2010 | PagingV1, kwargs: dict[str, Any], pairs: list[tuple[str, str]]
) -> None:
    values = {"page_size": None, "page_number": None, "page_token": None, **kwargs}
    assert paging.query(**values) == pairs


# --- Credentials, Request, user_agent -----------------------------------------------------------


def test_credentials_never_show_the_secret() -> None:
    credentials = Credentials(SK, API_SECRET)
    for text in (repr(credentials), str(credentials), f"{credentials}", f"{[credentials]}"):
        assert API_SECRET not in text
        assert SK in text


def test_credentials_authorization_is_basic_auth_of_the_pair() -> None:
    header = Credentials(AC, AUTH_TOKEN).authorization()
    scheme, token = header.split(" ")
    assert scheme == "Basic"
    assert base64.b64decode(token).decode() == f"{AC}:{AUTH_TOKEN}"


def test_request_body_is_the_url_encoded_form() -> None:
    form = (("PhoneNumber", "+14155552344"), ("FriendlyName", "a b&c=d"), ("VoiceUrl", ""))
    request = Request("POST", URL("https://api.twilio.com/x.json"), form=form)
    assert request.body() == b"PhoneNumber=%2B14155552344&FriendlyName=a+b%26c%3Dd&VoiceUrl="


def test_request_body_keeps_order_and_repeated_names() -> None:
    request = Request("POST", URL("https://x"), form=(("B", "1"), ("A", "2"), ("B", "3")))
    assert request.body() == b"B=1&A=2&B=3"


def test_request_without_a_form_has_no_body_and_an_empty_form_has_an_empty_one() -> None:
    assert Request("GET", URL("https://x")).body() is None
    assert Request("POST", URL("https://x"), form=()).body() == b""


def test_request_body_encodes_non_ascii_as_utf8() -> None:
    request = Request("POST", URL("https://x"), form=(("FriendlyName", "caf\u00e9"),))
    assert request.body() == b"FriendlyName=caf%C3%A9"


def test_user_agent_names_library_python_and_aiohttp() -> None:
    agent = user_agent()
    assert agent.startswith(f"twilio_async/{__version__} (")
    assert f"Python/{platform.python_version()}" in agent
    assert f"aiohttp/{aiohttp.__version__}" in agent
    assert "\n" not in agent


# --- resolve_credentials --------------------------------------------------------------------------


def resolve(
    *,
    account_sid: str | None = None,
    auth_token: str | None = None,
    api_key: str | None = None,
    api_secret: str | None = None,
    environ: dict[str, str] | None = None,
) -> tuple[str, Credentials]:
    return resolve_credentials(
        account_sid=account_sid,
        auth_token=auth_token,
        api_key=api_key,
        api_secret=api_secret,
        environ=environ or {},
    )


def assert_same_credentials(actual: Credentials, username: str, password: str) -> None:
    assert actual.username == username
    assert actual.password == password


def test_account_sid_and_auth_token_from_arguments() -> None:
    account, credentials = resolve(account_sid=AC, auth_token=AUTH_TOKEN)
    assert account == AC
    assert_same_credentials(credentials, AC, AUTH_TOKEN)


def test_account_sid_and_auth_token_from_the_environment() -> None:
    env = {"TWILIO_ACCOUNT_SID": AC, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
    account, credentials = resolve(environ=env)
    assert account == AC
    assert_same_credentials(credentials, AC, AUTH_TOKEN)


def test_arguments_win_over_the_environment() -> None:
    other = "AC" + "c" * 32
    env = {"TWILIO_ACCOUNT_SID": other, "TWILIO_AUTH_TOKEN": "env-token"}
    account, credentials = resolve(account_sid=AC, auth_token=AUTH_TOKEN, environ=env)
    assert account == AC
    assert_same_credentials(credentials, AC, AUTH_TOKEN)


def test_empty_arguments_fall_back_to_the_environment() -> None:
    env = {"TWILIO_ACCOUNT_SID": AC, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
    account, credentials = resolve(account_sid="", auth_token="", environ=env)
    assert account == AC
    assert_same_credentials(credentials, AC, AUTH_TOKEN)


def test_api_key_and_secret_authenticate_as_the_key() -> None:
    account, credentials = resolve(account_sid=AC, api_key=SK, api_secret=API_SECRET)
    assert account == AC
    assert_same_credentials(credentials, SK, API_SECRET)


def test_api_key_and_secret_from_the_environment() -> None:
    env = {"TWILIO_ACCOUNT_SID": AC, "TWILIO_API_KEY": SK, "TWILIO_API_SECRET": API_SECRET}
    account, credentials = resolve(environ=env)
    assert account == AC
    assert_same_credentials(credentials, SK, API_SECRET)


def test_api_key_is_preferred_over_an_auth_token() -> None:
    _, credentials = resolve(
        account_sid=AC, auth_token=AUTH_TOKEN, api_key=SK, api_secret=API_SECRET
    )
    assert_same_credentials(credentials, SK, API_SECRET)


def _configuration_error(**kwargs: Any) -> ConfigurationError:
    with pytest.raises(ConfigurationError) as info:
        resolve(**kwargs)
    error = info.value
    for secret in (AUTH_TOKEN, API_SECRET):
        assert secret not in str(error)
        assert secret not in repr(error)
    return error


def test_missing_account_sid() -> None:
    error = _configuration_error(auth_token=AUTH_TOKEN)
    assert error.param == "account_sid"
    assert "TWILIO_ACCOUNT_SID" in str(error)


def test_missing_auth_token() -> None:
    error = _configuration_error(account_sid=AC, environ={"TWILIO_API_SECRET": API_SECRET})
    assert error.param == "auth_token"
    assert "TWILIO_AUTH_TOKEN" in str(error)


def test_api_key_without_its_secret() -> None:
    error = _configuration_error(account_sid=AC, api_key=SK, auth_token=AUTH_TOKEN)
    assert error.param == "api_secret"
    assert "TWILIO_API_SECRET" in str(error)


@pytest.mark.parametrize("api_key", ["SK123", "AK" + "b" * 32, "SK" + "z" * 32, API_SECRET])
def test_malformed_api_key_is_refused_without_echoing_it(api_key: str) -> None:
    error = _configuration_error(account_sid=AC, api_key=api_key, api_secret=API_SECRET)
    assert error.param == "api_key"
    assert api_key not in str(error)


@pytest.mark.parametrize("account_sid", ["AC123", "SK" + "a" * 32, "AC" + "a" * 31 + "/"])
def test_malformed_account_sid_is_refused(account_sid: str) -> None:
    with pytest.raises(TwilioValidationError) as info:
        resolve(account_sid=account_sid, auth_token=AUTH_TOKEN)
    assert info.value.param == "account_sid"
    assert AUTH_TOKEN not in str(info.value)


def test_auth_token_passed_as_the_account_sid_is_not_echoed() -> None:
    # Client(auth_token, account_sid): the classic swapped-arguments mistake.
    with pytest.raises(ConfigurationError) as info:
        resolve(account_sid=AUTH_TOKEN, auth_token=AC)
    assert info.value.param == "account_sid"
    assert AUTH_TOKEN not in str(info.value)
    with pytest.raises(ConfigurationError) as info:
        resolve(environ={"TWILIO_ACCOUNT_SID": AUTH_TOKEN, "TWILIO_AUTH_TOKEN": AC})
    assert AUTH_TOKEN not in str(info.value)


@pytest.mark.parametrize(("name", "value"), [("account_sid", AC + "\n"), ("api_key", SK + "\n")])
def test_sids_with_a_trailing_newline_are_refused(name: str, value: str) -> None:
    kwargs = {"account_sid": AC, "api_key": SK, "api_secret": API_SECRET, name: value}
    with pytest.raises(ConfigurationError) as info:
        resolve(**kwargs)
    assert info.value.param == name


def test_v1_informational_links_are_rebased_like_the_next_page() -> None:
    body = with_meta(
        url="https://marketplace.twilio.com/v1/InstalledAddOns?PageSize=50&Page=1",
        first_page_url="https://marketplace.twilio.com/v1/InstalledAddOns?PageSize=50&Page=0",
        previous_page_url="https://marketplace.twilio.com/v1/InstalledAddOns?PageSize=50&Page=0",
    )
    page = v1(body, hosts=LOCAL_HOSTS)
    assert page.url == "http://127.0.0.1:8080/v1/InstalledAddOns?PageSize=50&Page=1"
    assert page.first_page_url == "http://127.0.0.1:8080/v1/InstalledAddOns?PageSize=50&Page=0"
    assert page.previous_page_url == page.first_page_url


def test_informational_links_off_the_host_are_dropped_not_raised() -> None:
    page = v1(with_meta(url="https://evil.example/v1/x", previous_page_url="ftp://x/y"))
    assert page.url is None
    assert page.previous_page_url is None


# --- decode(links=False): what a stream needs, and nothing else ------------------------------


def test_2010_decode_without_links_keeps_the_way_forward_only() -> None:
    body = {
        **PAGE_2010,
        "next_page_uri": f"{ROOT_2010}?{NEXT_QUERY}",
        "previous_page_uri": f"{ROOT_2010}?Page=0&PageSize=50",
        "page": 1,
    }
    full = v2010(body)
    lean = PagingV2010("incoming_phone_numbers").decode(
        body, url=FETCHED, product=Product.API, hosts=DEFAULT_HOSTS, links=False
    )
    assert lean.records == full.records
    assert lean.next_url == full.next_url
    assert (lean.page_number, lean.page_size) == (full.page_number, full.page_size)
    assert full.url is not None
    assert full.previous_page_url is not None
    assert (lean.url, lean.first_page_url, lean.previous_page_url) == (None, None, None)


def test_decode_without_links_still_refuses_a_foreign_next_link() -> None:
    lean = PagingV2010("incoming_phone_numbers").decode(
        {**PAGE_2010, "next_page_uri": "https://evil.example/steal"},
        url=FETCHED,
        product=Product.API,
        hosts=DEFAULT_HOSTS,
        links=False,
    )
    assert isinstance(lean.next_error, UnsafeURLError)
    lean = PagingV1("installed_add_ons").decode(
        with_meta(next_page_url="https://evil.example/steal"),
        url=FETCHED,
        product=Product.MARKETPLACE,
        hosts=DEFAULT_HOSTS,
        links=False,
    )
    assert isinstance(lean.next_error, UnsafeURLError)


def test_v1_decode_without_links() -> None:
    body = with_meta(next_page_url="https://marketplace.twilio.com/v1/InstalledAddOns?Page=1")
    lean = PagingV1("installed_add_ons").decode(
        body, url=FETCHED, product=Product.MARKETPLACE, hosts=DEFAULT_HOSTS, links=False
    )
    assert lean.next_url == v1(body).next_url
    assert lean.url is None
    assert lean.first_page_url is None
