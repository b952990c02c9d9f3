"""AvailablePhoneNumbers against the wire truth: Twilio's OpenAPI spec, and Prism serving it.

The spec (``shared/openapi/twilio_api_v2010_numbers.json``) and the Prism launcher
(``shared/tools/prism-twilio``) live beside the repository, not in it: the tests find them
in a parent directory (or through ``TWILIO_ASYNC_SHARED_DIR``) and skip, saying why, when
they or Node.js are not there.

The spec tests compare declarations (paths, query names and types, list keys, response
fields) with the spec. The Prism tests send every operation with every filter to a Prism
mock, which validates each request against the spec (422 on a bad name or value; it
ignores unknown query names, which the spec tests cover) and answers the spec's examples.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

import aiohttp
import attrs
import pytest

from twilio_async import AvailablePhoneNumber, AvailablePhoneNumberCountry, Client
from twilio_async.resources import available_phone_numbers as module
from twilio_async.resources.available_phone_numbers import (
    AvailablePhoneNumberCountryContext,
    AvailablePhoneNumberCountryList,
    AvailablePhoneNumberFilters,
    _SearchList,
)

from .test_available_phone_numbers import EVERY_FILTER, TYPES

SPEC_NAME = "twilio_api_v2010_numbers.json"
PAGING = {"PageSize", "Page", "PageToken"}
ACCOUNT = "AC" + "a" * 32
SUBACCOUNT = "AC" + "b" * 32
SEARCHES = {
    "local": ("Local", module.AvailableLocalList),
    "toll_free": ("TollFree", module.AvailableTollFreeList),
    "mobile": ("Mobile", module.AvailableMobileList),
    "national": ("National", module.AvailableNationalList),
    "voip": ("Voip", module.AvailableVoipList),
    "shared_cost": ("SharedCost", module.AvailableSharedCostList),
    "machine_to_machine": ("MachineToMachine", module.AvailableMachineToMachineList),
}


def find_shared(relative: str) -> Path | None:
    """``shared/<relative>`` in TWILIO_ASYNC_SHARED_DIR or beside a parent of this file."""
    override = os.environ.get("TWILIO_ASYNC_SHARED_DIR")
    roots = [Path(override)] if override else [p / "shared" for p in Path(__file__).parents]
    return next((root / relative for root in roots if (root / relative).is_file()), None)


@cache
def spec() -> dict[str, Any]:
    path = find_shared(f"openapi/{SPEC_NAME}")
    if path is None:
        pytest.skip(f"{SPEC_NAME} not found in a parent's shared/openapi/")
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def spec_path(template: str) -> dict[str, Any]:
    """The spec's path item for one of our endpoint templates."""
    key = template.replace("{account_sid}", "{AccountSid}").replace(
        "{country_code}", "{CountryCode}"
    )
    item: dict[str, Any] = spec()["paths"][key]  # KeyError: a path the spec does not have
    return item


def response_schema(template: str) -> dict[str, Any]:
    schema: dict[str, Any] = spec_path(template)["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    ref = schema.get("$ref")
    if ref is not None:
        resolved: dict[str, Any] = spec()["components"]["schemas"][ref.rsplit("/", 1)[1]]
        return resolved
    return schema


def record_schema(template: str, list_key: str) -> dict[str, Any]:
    ref = response_schema(template)["properties"][list_key]["items"]["$ref"]
    resolved: dict[str, Any] = spec()["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return resolved


def field_names(model: type) -> set[str]:
    return {field.name for field in attrs.fields(model)}


# -- declarations against the spec ---------------------------------------------------------


@pytest.mark.parametrize("number_type", TYPES)
def test_each_search_is_a_documented_path_with_its_list_key_and_fields(number_type: str) -> None:
    segment, cls = SEARCHES[number_type]
    template = cls._endpoint.path
    assert template.endswith(f"/AvailablePhoneNumbers/{{country_code}}/{segment}.json")
    assert response_schema(template)["properties"].keys() >= {"available_phone_numbers"}
    assert cls._paging.list_key == "available_phone_numbers"
    record = record_schema(template, "available_phone_numbers")
    assert field_names(AvailablePhoneNumber) == set(record["properties"])


def spec_type(schema: dict[str, Any]) -> type:
    return {"boolean": bool, "integer": int, "string": str}[schema["type"]]


def declared_type(hint: Any) -> Any:
    while get_origin(hint) is not None and get_args(hint):  # Annotated[...] -> its type
        hint = get_args(hint)[0]
    return hint


@pytest.mark.parametrize("number_type", TYPES)
def test_each_search_takes_exactly_the_documented_filters_with_their_types(
    number_type: str,
) -> None:
    _, cls = SEARCHES[number_type]
    assert cls._filters is not None
    documented = {
        p["name"]: spec_type(p["schema"])
        for p in spec_path(cls._endpoint.path)["get"]["parameters"]
        if p["in"] == "query" and p["name"] not in PAGING
    }
    hints = get_type_hints(AvailablePhoneNumberFilters, include_extras=True)
    declared = {cls._filters.wire_name(name): declared_type(hint) for name, hint in hints.items()}
    assert declared == documented


def test_the_countries_list_and_one_country_are_documented_paths_with_their_fields() -> None:
    countries = AvailablePhoneNumberCountryList._endpoint.path
    assert AvailablePhoneNumberCountryList._paging.list_key == "countries"
    listed = record_schema(countries, "countries")
    assert field_names(AvailablePhoneNumberCountry) == set(listed["properties"])
    params = {p["name"] for p in spec_path(countries)["get"]["parameters"] if p["in"] == "query"}
    assert params == PAGING  # no filters
    one = AvailablePhoneNumberCountryContext._endpoint.path
    assert set(response_schema(one)["properties"]) == set(listed["properties"])


def test_every_search_the_spec_has_is_offered() -> None:
    root = "/2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers/{CountryCode}/"
    documented = {path[len(root) :] for path in spec()["paths"] if path.startswith(root)}
    assert documented == {f"{segment}.json" for segment, _ in SEARCHES.values()}
    assert all(issubclass(cls, _SearchList) for _, cls in SEARCHES.values())


# -- requests against Prism ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a Prism mock of the 2010 API, on ports of its own; stopped after."""
    launcher = find_shared("tools/prism-twilio")
    if launcher is None:
        pytest.skip("prism-twilio not found in a parent's shared/tools/")
    if shutil.which("node") is None or shutil.which("bash") is None:
        pytest.skip("Prism needs Node.js (node) and bash")
    env = {**os.environ, "PRISM_TWILIO_STATE_DIR": str(tmp_path_factory.mktemp("prism"))}
    installed = subprocess.run(
        [str(launcher), "install"], env=env, capture_output=True, text=True, timeout=600
    )
    if installed.returncode != 0:  # e.g. no npm and no cached install
        pytest.skip(f"Prism could not be installed: {installed.stderr.strip()[-300:]}")
    ports = ("--api-port", "--marketplace-port", "--preview-port")
    started = subprocess.run(
        [str(launcher), "start", *(arg for opt in ports for arg in (opt, str(free_port())))],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        assert started.returncode == 0, started.stderr
        urls = dict(line.split("=", 1) for line in started.stdout.split())
        yield urls["TWILIO_API_BASE_URL"]
    finally:
        subprocess.run([str(launcher), "stop"], env=env, capture_output=True, timeout=60)


@pytest.fixture
async def mocked(prism: str) -> Any:
    async with Client(ACCOUNT, "token", api_base_url=prism) as client:
        yield client


async def test_prism_refuses_a_request_the_spec_does_not_allow(prism: str) -> None:
    """The harness check: a value of the wrong type is a 422, so the tests below mean
    something when Prism answers 200."""
    url = f"{prism}/2010-04-01/Accounts/{ACCOUNT}/AvailablePhoneNumbers/US/Local.json"
    basic = base64.b64encode(f"{ACCOUNT}:token".encode()).decode()
    async with aiohttp.ClientSession(headers={"Authorization": f"Basic {basic}"}) as session:
        async with session.get(url, params={"AreaCode": "abc"}) as bad:
            assert bad.status == 422
        async with session.get(url, params={"AreaCode": "510"}) as good:
            assert good.status == 200


async def test_countries_list_stream_page_and_fetch(mocked: Client) -> None:
    countries = await mocked.available_phone_numbers.list()
    assert [c.country_code for c in countries] == ["DK", "AU"]
    assert countries[1].subresource_uris is not None
    assert set(countries[1].subresource_uris) == {"local", "mobile", "toll_free"}
    assert [c async for c in mocked.available_phone_numbers.stream(limit=1)] == countries[:1]
    page = await mocked.available_phone_numbers.page(page_size=50, page_number=0)
    assert list(page) == countries
    assert page.next_page_url is None
    assert await page.next_page() is None

    us = await mocked.available_phone_numbers("us").fetch()
    assert us.country_code == "US"
    assert us.country == "United States"


@pytest.mark.parametrize("number_type", TYPES)
async def test_every_search_with_every_filter_is_accepted_and_decodes(
    mocked: Client, number_type: str
) -> None:
    search = getattr(mocked.available_phone_numbers("US"), number_type)
    found = await search.list(**EVERY_FILTER)
    assert len(found) == 1
    (number,) = found
    assert isinstance(number, AvailablePhoneNumber)
    assert number.phone_number.startswith("+")
    page = await search.page(page_size=30, page_number=0, page_token="PT0", **EVERY_FILTER)
    assert list(page) == found
    assert page.next_page_url is None  # one page per search: streams end after it
    assert [n async for n in search.stream(limit=5, area_code=510)] == found


async def test_the_local_example_reads_latitude_and_longitude_sent_as_strings(
    mocked: Client,
) -> None:
    (number,) = await mocked.available_phone_numbers("US").local.list(
        near_lat_long="37.840699,-122.461853", distance=25
    )
    assert (number.latitude, number.longitude) == (19.72, -155.09)
    assert (number.locality, number.region, number.postal_code) == ("Hilo", "HI", "96720")


async def test_a_subaccount_searches_under_its_own_path(mocked: Client) -> None:
    sub = mocked.accounts(SUBACCOUNT).available_phone_numbers
    assert len(await sub("CA").toll_free.list(contains="+1800%")) == 1
    assert len(await sub.list()) == 2
