"""What the provisioning work needs from the fake: an account concurrency limit, latency,
lost responses, and a request log that tells purchases and updates apart."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from twilio_async.testing import FakeTwilio, Fault
from twilio_async.transport import Credentials


def auth(sid: str, token: str) -> dict[str, str]:
    return {"Authorization": Credentials(sid, token).authorization()}


def numbers(fake: FakeTwilio, suffix: str = ".json", account_sid: str | None = None) -> str:
    return f"/2010-04-01/Accounts/{account_sid or fake.account_sid}/IncomingPhoneNumbers{suffix}"


async def call(
    session: aiohttp.ClientSession, method: str, path: str, **kwargs: Any
) -> tuple[int, Any]:
    async with session.request(method, path, **kwargs) as response:
        if response.content_type == "application/json":
            return response.status, await response.json()
        return response.status, await response.text()


class Gate:
    """A route that holds every request until opened: requests in flight, on demand."""

    def __init__(self, fake: FakeTwilio, holding: int) -> None:
        self.holding = holding
        self.arrived = 0
        self.all_in = asyncio.Event()
        self.open = asyncio.Event()
        fake.app.router.add_get("/test/gate", self.handle)  # before the fake starts

    async def handle(self, request: web.Request) -> web.Response:
        self.arrived += 1
        if self.arrived == self.holding:
            self.all_in.set()
        await self.open.wait()
        return web.Response(text="through")


@pytest.fixture
async def limited() -> AsyncIterator[tuple[FakeTwilio, Gate, aiohttp.ClientSession]]:
    fake = FakeTwilio(account_concurrency=3)
    gate = Gate(fake, holding=3)
    async with (
        fake,
        fake.session() as session,
    ):
        yield fake, gate, session


# -- the account concurrency limit ------------------------------------------------------


async def test_requests_beyond_the_account_limit_get_429_and_are_not_processed(
    limited: tuple[FakeTwilio, Gate, aiohttp.ClientSession],
) -> None:
    fake, gate, session = limited
    held = [asyncio.create_task(call(session, "GET", "/test/gate")) for _ in range(3)]
    await asyncio.wait_for(gate.all_in.wait(), 10)
    status, body = await call(session, "POST", numbers(fake), data={"PhoneNumber": "+14155550101"})
    assert (status, body) == (
        429,
        {
            "code": 20429,
            "message": "Too Many Requests",
            "more_info": "https://www.twilio.com/docs/errors/20429",
            "status": 429,
        },
    )
    assert fake.state.numbers == {}  # not processed
    assert not fake.requests[-1].handled
    assert fake.requests[-1].status == 429
    # The 2008-08-01 API answers its own way.
    status, text = await call(
        session, "GET", f"/2008-08-01/Accounts/{fake.account_sid}/IncomingPhoneNumbers"
    )
    assert status == 429
    assert ET.fromstring(text).findtext("RestException/Code") == "20429"
    # Another account has its own limit.
    sub = fake.state.accounts[fake.create_subaccount()]
    async with fake.session(account_sid=sub.sid, auth_token=sub.auth_token) as other:
        status, _ = await call(other, "GET", numbers(fake, account_sid=sub.sid))
    assert status == 200
    gate.open.set()
    assert [status for status, _ in await asyncio.gather(*held)] == [200, 200, 200]
    status, _ = await call(session, "POST", numbers(fake), data={"PhoneNumber": "+14155550101"})
    assert status == 201
    assert fake.status_counts[429] == 2
    assert fake.peak_in_flight == 4  # the three held and the refused one
    assert fake.in_flight == 0


async def test_the_limit_can_be_changed_and_lifted(
    limited: tuple[FakeTwilio, Gate, aiohttp.ClientSession],
) -> None:
    fake, gate, session = limited
    fake.account_concurrency = 2
    gate.holding = 2
    held = [asyncio.create_task(call(session, "GET", "/test/gate")) for _ in range(2)]
    await asyncio.wait_for(gate.all_in.wait(), 10)
    assert (await call(session, "GET", numbers(fake)))[0] == 429
    fake.account_concurrency = None
    assert (await call(session, "GET", numbers(fake)))[0] == 200
    gate.open.set()
    await asyncio.gather(*held)
    for bad in (0, -1, True, 2.5):
        with pytest.raises(ValueError, match="account_concurrency"):
            fake.account_concurrency = bad  # type: ignore[assignment]
    with pytest.raises(ValueError, match="account_concurrency"):
        FakeTwilio(account_concurrency=0)


# -- latency ------------------------------------------------------------------------------


async def test_latency_for_every_request_and_per_method_and_path() -> None:
    async with (
        FakeTwilio(latency=0.2) as fake,
        fake.session() as session,
    ):
        started = time.monotonic()
        assert (await call(session, "GET", numbers(fake)))[0] == 200
        assert time.monotonic() - started >= 0.2  # a lower bound holds on a busy machine
        fake.latency = 0.0
        fake.set_latency(60, method="POST", path="/IncomingPhoneNumbers")
        slow = asyncio.create_task(
            call(session, "POST", numbers(fake), data={"PhoneNumber": "+14155550102"})
        )
        # Requests the rule does not match are not held behind it.
        assert (await call(session, "GET", numbers(fake)))[0] == 200
        avail = f"/2010-04-01/Accounts/{fake.account_sid}/AvailablePhoneNumbers.json"
        assert (await call(session, "GET", avail))[0] == 200
        assert not slow.done()
        slow.cancel()
        fake.set_latency(0, method="POST")  # the last matching rule wins
        status, _ = await call(session, "POST", numbers(fake), data={"PhoneNumber": "+14155550103"})
        assert status == 201
        assert len(fake.latencies) == 2


# -- lost responses -------------------------------------------------------------------------


async def test_the_next_purchases_are_committed_and_their_answers_lost(
    fake: FakeTwilio,
) -> None:
    fake.inject(
        Fault(drop_after_commit=True, method="POST", path="/IncomingPhoneNumbers.json", times=2)
    )
    async with fake.session() as session:
        for phone in ("+14155550111", "+14155550112"):
            with pytest.raises(aiohttp.ServerDisconnectedError):
                await call(session, "POST", numbers(fake), data={"PhoneNumber": phone})
        status, _ = await call(session, "POST", numbers(fake), data={"PhoneNumber": "+14155550113"})
    assert status == 201
    owned = sorted(n["phone_number"] for n in fake.state.numbers.values())
    assert owned == ["+14155550111", "+14155550112", "+14155550113"]  # all committed
    assert [(r.handled, r.status) for r in fake.requests] == [
        (True, None),
        (True, None),
        (True, 201),
    ]
    assert fake.status_counts == {201: 1}
    assert fake.faults == []


async def dropped_purchases(seed: int, count: int = 100) -> list[int]:
    """Which of ``count`` purchases, sent one after another, lose their answer."""
    async with (
        FakeTwilio() as fake,
        fake.session() as session,
    ):
        fake.inject(
            Fault(drop_after_commit=True, method="POST", fraction=0.1, seed=seed, times=None)
        )
        lost = []
        for i in range(count):
            try:
                await call(session, "POST", numbers(fake), data={"PhoneNumber": f"+1415555{i:04d}"})
            except aiohttp.ServerDisconnectedError:
                lost.append(i)
        assert len(fake.state.numbers) == count  # every purchase was committed
        assert len(fake.faults) == 1  # times=None: it stays
    return lost


async def test_a_seeded_fraction_of_purchases_lose_their_answers_reproducibly() -> None:
    first = await dropped_purchases(seed=7)
    assert 0 < len(first) < 30  # about a tenth of 100
    assert await dropped_purchases(seed=7) == first
    assert await dropped_purchases(seed=8) != first


def test_fault_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="times"):
        Fault(drop=True, times=0)
    for fraction in (0.0, 1.5, -0.1):
        with pytest.raises(ValueError, match="fraction"):
            Fault(drop=True, fraction=fraction)


# -- the request log --------------------------------------------------------------------------


async def test_purchases_updates_and_releases_are_counted_per_number(fake: FakeTwilio) -> None:
    fake.inject(Fault(status=429, method="POST", path="/IncomingPhoneNumbers.json"))
    async with fake.session() as session:
        statuses = []
        for _ in range(2):  # the first is refused with 429, not processed: a safe retry
            status, body = await call(
                session, "POST", numbers(fake), data={"PhoneNumber": "+14155550121"}
            )
            statuses.append(status)
        assert statuses == [429, 201]
        sid = body["sid"]
        await call(
            session, "POST", numbers(fake, "/Local.json"), data={"PhoneNumber": "+14155550122"}
        )
        await call(session, "POST", numbers(fake), data={"PhoneNumber": "+14155550121"})  # 21422
        await call(session, "POST", numbers(fake), data={"AreaCode": "415"})  # names no number
        await call(session, "POST", numbers(fake, f"/{sid}.json"), data={"FriendlyName": "a"})
        legacy = f"/2008-08-01/Accounts/{fake.account_sid}/IncomingPhoneNumbers/{sid}"
        await call(session, "PUT", legacy, data={"Url": "https://example.com/v"})
        await call(session, "GET", numbers(fake, f"/{sid}.json"))
        await call(session, "DELETE", numbers(fake, f"/{sid}.json"))
    assert fake.purchases_per_number() == {"+14155550121": 2, "+14155550122": 1}
    assert fake.purchases_per_number(handled_only=False)["+14155550121"] == 3
    assert fake.updates_per_sid() == {sid: 2}
    assert fake.releases_per_sid() == {sid: 1}


async def buy_one_twice(base_url: str, sid: str, token: str) -> list[dict[str, Any]]:
    """Search 415, then buy the first number twice; both answers are lost."""
    async with aiohttp.ClientSession(base_url=base_url, headers=auth(sid, token)) as http:
        root = f"/2010-04-01/Accounts/{sid}"
        _, body = await call(
            http, "GET", f"{root}/AvailablePhoneNumbers/US/Local.json?AreaCode=415"
        )
        found: list[dict[str, Any]] = body["available_phone_numbers"]
        form = {"PhoneNumber": found[0]["phone_number"]}
        for _ in range(2):
            with pytest.raises(aiohttp.ServerDisconnectedError):
                await call(http, "POST", f"{root}/IncomingPhoneNumbers.json", data=form)
        return found


def test_standalone_fake_takes_the_new_options_and_prints_stats() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWILIO_")}
    command = [sys.executable, "-m", "twilio_async.testing", "--port", "0", "--stats"]
    command += ["--account-concurrency", "4", "--inventory-size", "7", "--lose-purchases", "1"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as process:
        try:
            assert process.stdout is not None
            url = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline())
            sid = process.stdout.readline().strip().split("=", 1)[1]
            token = process.stdout.readline().strip().split("=", 1)[1]
            assert url is not None
            found = asyncio.run(buy_one_twice(url.group(0), sid, token))
            process.terminate()  # SIGTERM: a clean stop that prints the stats
            out, _ = process.communicate(timeout=30)
        finally:
            process.kill()
    assert len(found) == 7  # --inventory-size
    assert process.returncode == 0
    assert json.loads(out.strip().splitlines()[-1]) == {
        "requests": 3,
        "status_counts": {"200": 1},
        "peak_in_flight": 1,
        "numbers_owned": 1,  # the first purchase was committed, the second refused (21422)
        "purchases_per_number_over_1": {found[0]["phone_number"]: 2},
        "updates_per_sid_over_1": {},
    }
