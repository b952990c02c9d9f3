"""The fake behaves as Twilio documents, checked with raw HTTP (no client-side validation)."""

from __future__ import annotations

import ast
import asyncio
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

import twilio_async.testing
from twilio_async.testing import FakeTwilio


@pytest.fixture
async def http(fake: FakeTwilio) -> AsyncIterator[aiohttp.ClientSession]:
    async with fake.session() as session:
        yield session


def numbers_path(fake: FakeTwilio, suffix: str = ".json") -> str:
    return f"/2010-04-01/Accounts/{fake.account_sid}/IncomingPhoneNumbers{suffix}"


async def call(
    session: aiohttp.ClientSession, method: str, path: str, **kwargs: Any
) -> tuple[int, Any, aiohttp.ClientResponse]:
    async with session.request(method, path, **kwargs) as response:
        body = await response.json() if response.content_type == "application/json" else None
        return response.status, body, response


async def test_missing_or_wrong_credentials_get_401_20003(fake: FakeTwilio) -> None:
    async with aiohttp.ClientSession(base_url=fake.url) as anonymous:
        status, body, response = await call(anonymous, "GET", numbers_path(fake))
    assert status == 401
    assert body == {
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    async with fake.session(auth_token="wrong") as session:
        assert (await call(session, "GET", numbers_path(fake)))[0] == 401


async def test_unknown_resources_get_404_20404(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    status, body, response = await call(http, "GET", "/2010-04-01/Nothing.json")
    assert (status, body["code"], body["status"]) == (404, 20404, 404)
    assert response.headers["Twilio-Request-Id"].startswith("RQ")
    other = "/2010-04-01/Accounts/AC" + "9" * 32 + "/IncomingPhoneNumbers.json"
    assert (await call(http, "GET", other))[0] == 404


async def test_create_validation_codes(fake: FakeTwilio, http: aiohttp.ClientSession) -> None:
    path = numbers_path(fake)
    cases = [
        ({}, 20422),
        ({"PhoneNumber": "4155552344"}, 21421),
        ({"PhoneNumber": "+15005550001"}, 21421),
        ({"PhoneNumber": "+15005550000"}, 21422),
        ({"AreaCode": "41"}, 21451),
        ({"AreaCode": "555"}, 21452),
        ({"PhoneNumber": "+14155552344", "VoiceMethod": "PATCH"}, 20422),
        ({"PhoneNumber": "+14155552344", "VoiceUrl": "not a url"}, 21502),
        ({"PhoneNumber": "+14155552344", "VoiceCallerIdLookup": "maybe"}, 20422),
        ({"PhoneNumber": "+14155552344", "TrunkSid": "TK123"}, 20422),
        ({"PhoneNumber": "+14155552344", "FriendlyName": "x" * 65}, 20422),
        ({"PhoneNumber": "+14155552344", "EmergencyStatus": "On"}, 20422),
    ]
    for form, code in cases:
        status, body, _ = await call(http, "POST", path, data=form)
        assert (status, body["code"]) == (400, code), form
    assert fake.state.numbers == {}
    status, body, _ = await call(
        http, "POST", numbers_path(fake, "/Local.json"), data={"AreaCode": "415"}
    )
    assert (status, body["code"]) == (400, 21457)


async def test_create_returns_201_and_delete_204(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    status, body, _ = await call(
        http, "POST", numbers_path(fake), data={"PhoneNumber": "+14155552344"}
    )
    assert status == 201
    assert body["phone_number"] == "+14155552344"
    assert body["date_created"].endswith("+0000")
    instance = numbers_path(fake, f"/{body['sid']}.json")
    async with http.delete(instance) as response:
        assert response.status == 204
        assert await response.read() == b""
    assert (await call(http, "DELETE", instance))[0] == 404


async def test_page_size_bounds_and_envelope(fake: FakeTwilio, http: aiohttp.ClientSession) -> None:
    fake.seed_numbers(3)
    for bad in ("0", "1001", "x"):
        status, body, _ = await call(http, "GET", numbers_path(fake), params={"PageSize": bad})
        assert (status, body["code"]) == (400, 20422)
    status, body, _ = await call(
        http, "GET", numbers_path(fake), params={"PageSize": "2", "FriendlyName": "(415) 200-0000"}
    )
    assert status == 200
    assert set(body) == {
        "incoming_phone_numbers",
        "first_page_uri",
        "next_page_uri",
        "previous_page_uri",
        "page",
        "page_size",
        "start",
        "end",
        "uri",
    }
    assert len(body["incoming_phone_numbers"]) == 1
    assert body["next_page_uri"] is None
    status, body, _ = await call(http, "GET", numbers_path(fake), params={"PageSize": "2"})
    assert re.fullmatch(
        re.escape(numbers_path(fake)) + r"\?PageSize=2&Page=1&PageToken=PA\d+",
        body["next_page_uri"],
    )
    assert (body["page"], body["page_size"], body["start"], body["end"]) == (0, 2, 0, 1)
    status, body, _ = await call(http, "GET", body["next_page_uri"])
    assert (body["page"], body["start"], body["end"]) == (1, 2, 2)
    assert body["previous_page_uri"] is not None
    assert body["next_page_uri"] is None
    status, body, _ = await call(http, "GET", numbers_path(fake), params={"PageToken": "bogus"})
    assert status == 400


async def test_paging_is_stable_while_records_change(
    fake: FakeTwilio, http: aiohttp.ClientSession
) -> None:
    sids = fake.seed_numbers(6)
    _, first, _ = await call(http, "GET", numbers_path(fake), params={"PageSize": "3"})
    fake.state.release_number(sids[0])  # deleted behind the reader's back
    _, second, _ = await call(http, "GET", first["next_page_uri"])
    assert [n["sid"] for n in second["incoming_phone_numbers"]] == sids[3:]


async def test_injected_faults(fake: FakeTwilio, http: aiohttp.ClientSession) -> None:
    from twilio_async.testing import Fault

    fake.inject(Fault(status=429, retry_after="7", times=2), Fault(status=503, path="/Nope"))
    for _ in range(2):
        status, body, response = await call(http, "GET", numbers_path(fake))
        assert (status, body["code"], response.headers["Retry-After"]) == (429, 20429, "7")
    assert (await call(http, "GET", numbers_path(fake)))[0] == 200
    assert len(fake.faults) == 1  # the /Nope fault never matched
    # aiohttp itself resends an idempotent request once when a kept-alive connection
    # drops, so two drops are needed to see the failure.
    fake.inject(Fault(drop=True, times=2))
    before = len(fake.requests)
    with pytest.raises(aiohttp.ClientConnectionError):
        await call(http, "GET", numbers_path(fake))
    assert len(fake.requests) == before + 2


def test_standalone_server_prints_url_and_credentials() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWILIO_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "twilio_async.testing", "--port", "0", "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        sid_line = process.stdout.readline()
        token_line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+", first)
        assert match, first
        sid = sid_line.strip().split("=", 1)[1]
        token = token_line.strip().split("=", 1)[1]

        async def use() -> int:
            from twilio_async import Client

            async with Client(sid, token, base_url=match.group(0)) as client:
                return len(await client.incoming_phone_numbers.list())

        assert asyncio.run(use()) == 3
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()
        if process.stderr:
            process.stderr.close()


def test_fake_refuses_non_loopback_hosts() -> None:
    with pytest.raises(ValueError, match="loopback"):
        FakeTwilio(host="0.0.0.0")


def test_the_fake_has_no_import_circles() -> None:
    """Every import inside twilio_async.testing (deferred and TYPE_CHECKING ones included)
    goes one way: the modules form a graph without cycles."""
    package = Path(twilio_async.testing.__file__).parent
    graph: dict[str, set[str]] = {}
    for source in package.glob("*.py"):
        imports = graph.setdefault(source.stem, set())
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                imports.add(node.module.split(".")[0])
    assert "server" in graph["__init__"]  # the walk sees the imports
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " -> ".join((*path, module))
        if module not in done:
            for imported in sorted(graph.get(module, ())):
                visit(imported, (*path, module))
            done.add(module)

    for module in sorted(graph):
        visit(module, ())
