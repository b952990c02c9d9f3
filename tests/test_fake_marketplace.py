"""The fake's marketplace rules and wire shapes, checked with raw HTTP (no client validation)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from twilio_async.dates import parse_iso8601, parse_rfc2822
from twilio_async.testing import FakeTwilio
from twilio_async.testing.marketplace import configuration_problem

VOICEBASE = "VoiceBase High Accuracy Transcription"
NOMOROBO = "Nomorobo Spam Score"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
RFC2822 = re.compile(r"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0000$")


@pytest.fixture
async def http(fake: FakeTwilio) -> AsyncIterator[aiohttp.ClientSession]:
    async with fake.session() as session:
        yield session


async def call(
    session: aiohttp.ClientSession, method: str, path: str, **kwargs: Any
) -> tuple[int, Any]:
    async with session.request(method, path, **kwargs) as response:
        body = await response.json() if response.content_type == "application/json" else None
        return response.status, body


def sid_of(fake: FakeTwilio, name: str = VOICEBASE) -> str:
    sid: str = fake.state.marketplace.find_available(name)["sid"]
    return sid


def install_form(fake: FakeTwilio, **extra: str) -> dict[str, str]:
    form = {
        "AvailableAddOnSid": sid_of(fake),
        "AcceptTermsOfService": "true",
        "Configuration": '{"bad_words": true}',
    }
    form.update(extra)
    return form


async def install(http: aiohttp.ClientSession, fake: FakeTwilio, **extra: str) -> dict[str, Any]:
    status, body = await call(http, "POST", "/v1/InstalledAddOns", data=install_form(fake, **extra))
    assert status == 201, body
    result: dict[str, Any] = body
    return result


def numbers_path(fake: FakeTwilio, number: str, suffix: str = "") -> str:
    return f"/2010-04-01/Accounts/{fake.account_sid}/IncomingPhoneNumbers/{number}{suffix}"


# -- install rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"AcceptTermsOfService": None}, "Missing required parameter AcceptTermsOfService"),
        ({"AcceptTermsOfService": "false"}, "Terms of Service must be accepted"),
        ({"AcceptTermsOfService": "maybe"}, "AcceptTermsOfService must be true or false"),
        ({"AvailableAddOnSid": None}, "Missing required parameter AvailableAddOnSid"),
        ({"AvailableAddOnSid": "XB123"}, "is not a valid XB SID"),
        ({"AvailableAddOnSid": "XB" + "0" * 32}, "is not an available Add-on"),
        ({"Configuration": "{not json"}, "must be a valid JSON object"),
        ({"Configuration": "[true]"}, "must be a JSON object"),
        ({"Configuration": None}, "missing the required property 'bad_words'"),
        ({"Configuration": "{}"}, "missing the required property 'bad_words'"),
        ({"Configuration": '{"bad_words": 1}'}, "'bad_words' must be of type boolean"),
        (
            {"Configuration": '{"bad_words": true, "callback_method": "PUT"}'},
            "'callback_method' must be one of 'GET', 'POST'",
        ),
    ],
)
async def test_install_is_refused_with_400(
    fake: FakeTwilio, http: aiohttp.ClientSession, change: dict[str, str | None], message: str
) -> None:
    form = {k: v for k, v in {**install_form(fake), **change}.items() if v is not None}
    status, body = await call(http, "POST", "/v1/InstalledAddOns", data=form)
    assert (status, body["code"], body["status"]) == (400, 20422, 400)
    assert message in body["message"]
    assert fake.state.marketplace.installs == {}


@pytest.mark.parametrize(
    ("configuration", "problem"),
    [
        ({}, None),
        ({"threshold": 3}, None),
        ({"threshold": True}, "'threshold' must be of type integer"),
        ({"threshold": 0.5}, "'threshold' must be of type integer"),
        ({"threshold": "3"}, "'threshold' must be of type integer"),
        ({"other": 1}, "unknown property 'other'"),  # additionalProperties: false
    ],
)
async def test_configuration_types_follow_the_schema(
    fake: FakeTwilio,
    http: aiohttp.ClientSession,
    configuration: dict[str, Any],
    problem: str | None,
) -> None:
    form = install_form(fake, Configuration=json.dumps(configuration))
    form["AvailableAddOnSid"] = sid_of(fake, NOMOROBO)
    status, body = await call(http, "POST", "/v1/InstalledAddOns", data=form)
    if problem is None:
        assert status == 201
        assert body["configuration"] == configuration
    else:
        assert status == 400
        assert problem in body["message"]


def test_configuration_problem_is_a_json_schema_subset() -> None:
    schema = {
        "properties": {
            "n": {"type": "number"},
            "o": {"type": "object"},
            "a": {"type": "array"},
            "z": {"type": "null"},
            "x": {"type": "exotic"},
        },
        "required": ["n"],
    }
    assert configuration_problem(schema, {"n": 1.5, "o": {}, "a": [], "z": None, "x": 1}) is None
    assert configuration_problem(schema, {"n": 2, "extra": "allowed by default"}) is None
    assert (
        configuration_problem(schema, {"n": True})
        == "Configuration property 'n' must be of type number"
    )
    assert configuration_problem(schema, {"n": 1, "o": []}) is not None
    assert configuration_problem(schema, {"n": 1, "a": {}}) is not None
    assert configuration_problem(schema, {"n": 1, "z": 0}) is not None
    assert configuration_problem(schema, {}) == "Configuration is missing the required property 'n'"
    assert configuration_problem(None, {"anything": 1}) is None
    assert configuration_problem({}, {"anything": 1}) is None


async def test_unique_names_default_to_a_slug_and_conflict_with_409(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    first = await install(http, fake)
    second = await install(http, fake)
    assert first["unique_name"] == "voicebase_high_accuracy_transcription"
    assert second["unique_name"] == "voicebase_high_accuracy_transcription_1"
    status, body = await call(
        http,
        "POST",
        "/v1/InstalledAddOns",
        data=install_form(fake, UniqueName=first["unique_name"]),
    )
    assert (status, body["code"]) == (409, 20409)
    path = f"/v1/InstalledAddOns/{second['sid']}"
    status, body = await call(http, "POST", path, data={"UniqueName": first["unique_name"]})
    assert (status, body["code"]) == (409, 20409)
    status, body = await call(http, "POST", path, data={"UniqueName": second["unique_name"]})
    assert status == 200  # keeping its own name is not a conflict
    assert (await call(http, "POST", path, data={"UniqueName": ""}))[0] == 400


async def test_update_checks_configuration_against_the_schema(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    installed = await install(http, fake)
    path = f"/v1/InstalledAddOns/{installed['sid']}"
    status, body = await call(http, "POST", path, data={"Configuration": '{"callback_url": "x"}'})
    assert status == 400
    assert "bad_words" in body["message"]
    status, body = await call(http, "POST", path, data={"Configuration": '{"bad_words": false}'})
    assert status == 200
    assert body["configuration"] == {"bad_words": False}
    assert body["date_updated"] > body["date_created"]  # ISO 8601 sorts as text


async def test_extensions_start_disabled_and_enabled_is_required(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    installed = await install(http, fake)
    root = f"/v1/InstalledAddOns/{installed['sid']}/Extensions"
    status, body = await call(http, "GET", root)
    assert status == 200
    assert [e["enabled"] for e in body["extensions"]] == [False, False, False]
    path = f"{root}/{body['extensions'][2]['sid']}"
    assert (await call(http, "POST", path, data={}))[0] == 400
    assert (await call(http, "POST", path, data={"Enabled": "maybe"}))[0] == 400
    status, body = await call(http, "POST", path, data={"Enabled": "true"})
    assert (status, body["enabled"]) == (200, True)
    other_add_on_extension = fake.state.marketplace.extensions_of(sid_of(fake, NOMOROBO))[0]["sid"]
    assert (await call(http, "GET", f"{root}/{other_add_on_extension}"))[0] == 404


async def test_installs_are_private_to_the_authenticated_account(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    mine = await install(http, fake)
    other = fake.state.add_account()
    async with fake.session(account_sid=other.sid, auth_token=other.auth_token) as theirs:
        status, body = await call(theirs, "GET", "/v1/InstalledAddOns")
        assert (status, body["installed_add_ons"]) == (200, [])
        path = f"/v1/InstalledAddOns/{mine['sid']}"
        for method in ("GET", "POST", "DELETE"):
            assert (await call(theirs, method, path, data={}))[0] == 404
        assert (await call(theirs, "GET", path + "/Extensions"))[0] == 404
        theirs_installed = await install(theirs, fake)
        assert theirs_installed["account_sid"] == other.sid
        # The same name is free in another account.
        assert theirs_installed["unique_name"] == mine["unique_name"]
    status, body = await call(http, "GET", "/v1/InstalledAddOns")
    assert [i["sid"] for i in body["installed_add_ons"]] == [mine["sid"]]


async def test_marketplace_needs_credentials_and_well_formed_sids(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    async with aiohttp.ClientSession(base_url=fake.url) as anonymous:
        status, body = await call(anonymous, "GET", "/v1/AvailableAddOns")
    assert (status, body["code"]) == (401, 20003)
    for path in (
        "/v1/AvailableAddOns/XE" + "0" * 32,
        "/v1/InstalledAddOns/XB" + "0" * 32,
        "/marketplace/InstalledAddOns/XE123",
        "/v2/AvailableAddOns",
    ):
        status, body = await call(http, "GET", path)
        assert (status, body["code"]) == (404, 20404), path


# -- envelopes and dates ------------------------------------------------------------------


async def test_v1_envelope_has_absolute_meta_links_on_the_request_host(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    status, body = await call(http, "GET", "/v1/AvailableAddOns", params={"PageSize": "3"})
    assert status == 200
    assert set(body) == {"available_add_ons", "meta"}
    meta = body["meta"]
    base = f"{fake.url}/v1/AvailableAddOns"
    assert meta["key"] == "available_add_ons"
    assert (meta["page"], meta["page_size"]) == (0, 3)
    assert meta["first_page_url"] == f"{base}?PageSize=3&Page=0"
    assert meta["url"] == f"{base}?PageSize=3&Page=0"
    assert meta["previous_page_url"] is None
    assert re.fullmatch(
        re.escape(base) + r"\?PageSize=3&Page=1&PageToken=PA\d+", meta["next_page_url"]
    )
    status, second = await call(http, "GET", meta["next_page_url"].removeprefix(fake.url))
    assert second["meta"]["page"] == 1
    assert [a["friendly_name"] for a in second["available_add_ons"]] == [
        "Whitepages Pro Caller Identity"
    ]
    assert second["meta"]["next_page_url"] is None
    assert re.fullmatch(
        re.escape(base) + r"\?PageSize=3&Page=0&PageToken=PB\d+",
        second["meta"]["previous_page_url"],
    )
    # A request addressed as "localhost" gets links on "localhost".
    status, body = await call(
        http, "GET", "/marketplace/AvailableAddOns", headers={"Host": f"localhost:{fake.port}"}
    )
    assert body["meta"]["url"].startswith(f"http://localhost:{fake.port}/marketplace/")
    assert body["available_add_ons"][0]["url"].startswith(f"http://localhost:{fake.port}/")


async def test_v1_dates_are_iso8601_and_2010_dates_are_rfc2822(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    installed = await install(http, fake)
    assert ISO.match(installed["date_created"])
    assert ISO.match(installed["date_updated"])
    (number,) = fake.seed_numbers(1)
    status, assigned = await call(
        http,
        "POST",
        numbers_path(fake, number, "/AssignedAddOns.json"),
        data={"InstalledAddOnSid": installed["sid"]},
    )
    assert status == 201
    assert RFC2822.match(assigned["date_created"])
    assert parse_rfc2822(assigned["date_created"]) > parse_iso8601(installed["date_created"])
    status, page = await call(http, "GET", numbers_path(fake, number, "/AssignedAddOns.json"))
    assert set(page) == {
        "assigned_add_ons",
        "first_page_uri",
        "next_page_uri",
        "previous_page_uri",
        "page",
        "page_size",
        "start",
        "end",
        "uri",
    }
    assert page["assigned_add_ons"] == [assigned]


async def test_v1_and_preview_serve_the_same_state(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    installed = await install(http, fake)
    status, body = await call(http, "GET", f"/marketplace/InstalledAddOns/{installed['sid']}")
    assert status == 200
    assert body["url"] == f"{fake.url}/marketplace/InstalledAddOns/{installed['sid']}"
    assert body["links"]["available_add_on"].startswith(f"{fake.url}/marketplace/AvailableAddOns/")
    without_urls = {k: v for k, v in body.items() if k not in ("url", "links")}
    assert without_urls == {k: v for k, v in installed.items() if k not in ("url", "links")}
    status, _ = await call(http, "DELETE", f"/marketplace/InstalledAddOns/{installed['sid']}")
    assert status == 204
    assert (await call(http, "GET", f"/v1/InstalledAddOns/{installed['sid']}"))[0] == 404


# -- assignments --------------------------------------------------------------------------


async def test_assignment_rules(fake: FakeTwilio, http: aiohttp.ClientSession) -> None:
    (number,) = fake.seed_numbers(1)
    path = numbers_path(fake, number, "/AssignedAddOns.json")
    installed = await install(http, fake)
    stranger = fake.state.add_account()
    theirs = fake.state.marketplace.install(stranger.sid, sid_of(fake), configuration={})
    for form, message in [
        ({}, "Missing required parameter InstalledAddOnSid"),
        ({"InstalledAddOnSid": "XE1"}, "is not a valid XE SID"),
        ({"InstalledAddOnSid": "XE" + "0" * 32}, "not an Add-on installed on this account"),
        ({"InstalledAddOnSid": theirs["sid"]}, "not an Add-on installed on this account"),
    ]:
        status, body = await call(http, "POST", path, data=form)
        assert (status, body["code"]) == (400, 20422)
        assert message in body["message"]
    assert (await call(http, "POST", path, data={"InstalledAddOnSid": installed["sid"]}))[0] == 201
    status, body = await call(http, "POST", path, data={"InstalledAddOnSid": installed["sid"]})
    assert status == 400
    assert "already assigned" in body["message"]

    status, body = await call(http, "DELETE", f"/v1/InstalledAddOns/{installed['sid']}")
    assert status == 400
    assert number in body["message"]
    one = numbers_path(fake, number, f"/AssignedAddOns/{installed['sid']}.json")
    assert (await call(http, "DELETE", one))[0] == 204
    assert (await call(http, "DELETE", one))[0] == 404
    assert (await call(http, "DELETE", f"/v1/InstalledAddOns/{installed['sid']}"))[0] == 204


async def test_assignment_needs_the_numbers_account(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    stranger = fake.state.add_account()
    (their_number,) = fake.seed_numbers(1, account_sid=stranger.sid)
    suffix = f"/IncomingPhoneNumbers/{their_number}/AssignedAddOns.json"
    assert (await call(http, "GET", f"/2010-04-01/Accounts/{stranger.sid}{suffix}"))[0] == 403
    assert (await call(http, "GET", f"/2010-04-01/Accounts/{fake.account_sid}{suffix}"))[0] == 404


async def test_assigned_extensions_mirror_the_install_live(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    (number,) = fake.seed_numbers(1)
    installed = await install(http, fake)
    await call(
        http,
        "POST",
        numbers_path(fake, number, "/AssignedAddOns.json"),
        data={"InstalledAddOnSid": installed["sid"]},
    )
    root = numbers_path(fake, number, f"/AssignedAddOns/{installed['sid']}/Extensions")
    status, page = await call(http, "GET", root + ".json", params={"PageSize": "2"})
    assert status == 200
    assert page["next_page_uri"].startswith(root + ".json?")
    assert [e["enabled"] for e in page["extensions"]] == [False, False]
    first = page["extensions"][0]
    await call(
        http,
        "POST",
        f"/v1/InstalledAddOns/{installed['sid']}/Extensions/{first['sid']}",
        data={"Enabled": "true"},
    )
    status, fetched = await call(http, "GET", f"{root}/{first['sid']}.json")
    assert (status, fetched["enabled"]) == (200, True)
    assert fetched == {**first, "enabled": True}
    # The configuration shown on the assignment is the install's, as updated.
    await call(
        http,
        "POST",
        f"/v1/InstalledAddOns/{installed['sid']}",
        data={"Configuration": '{"bad_words": false}'},
    )
    status, assigned = await call(
        http, "GET", numbers_path(fake, number, f"/AssignedAddOns/{installed['sid']}.json")
    )
    assert assigned["configuration"] == {"bad_words": False}


async def test_releasing_a_number_drops_its_assignments(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    (number,) = fake.seed_numbers(1)
    installed = await install(http, fake)
    path = numbers_path(fake, number, "/AssignedAddOns.json")
    await call(http, "POST", path, data={"InstalledAddOnSid": installed["sid"]})
    assert fake.state.marketplace.assigned_numbers(installed["sid"]) == [number]
    assert (await call(http, "DELETE", numbers_path(fake, number, ".json")))[0] == 204
    assert fake.state.marketplace.assignments == {}
    assert (await call(http, "DELETE", f"/v1/InstalledAddOns/{installed['sid']}"))[0] == 204
