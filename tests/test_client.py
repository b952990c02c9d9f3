"""Client configuration, session ownership and closing, and bounded concurrency."""

from __future__ import annotations

import asyncio
import pickle

import aiohttp
import pytest

from twilio_async import (
    Client,
    ClientClosedError,
    ConfigurationError,
    InvalidSidError,
    TwilioValidationError,
)
from twilio_async.hosts import Product
from twilio_async.testing import FakeTwilio

AC = "AC" + "0" * 32
TOKEN = "super-secret-token"


def test_client_can_be_built_outside_an_event_loop() -> None:
    # No session exists yet: building one here would warn (and warnings are errors).
    client = Client(AC, TOKEN, base_url="http://127.0.0.1:9")
    assert not client.closed

    async def use() -> None:
        async with FakeTwilio() as fake, fake.client() as real:
            assert await real.incoming_phone_numbers.list() == []
        await client.close()

    asyncio.run(use())
    assert client.closed


def test_credentials_from_environment() -> None:
    env = {"TWILIO_ACCOUNT_SID": AC, "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_REGION": "ie1"}
    client = Client(environ=env)
    assert client.account_sid == AC
    assert client.hosts.origin(Product.API).host == "api.ie1.twilio.com"


def test_api_key_from_environment() -> None:
    env = {
        "TWILIO_ACCOUNT_SID": AC,
        "TWILIO_API_KEY": "SK" + "1" * 32,
        "TWILIO_API_SECRET": TOKEN,
    }
    client = Client(environ=env)
    assert "api key" in repr(client)


def test_region_and_edge_rewrite_every_product() -> None:
    client = Client(AC, TOKEN, region="au1", edge="sydney", environ={})
    assert str(client.hosts.origin(Product.API)) == "https://api.sydney.au1.twilio.com"
    assert str(client.hosts.origin(Product.MARKETPLACE)) == (
        "https://marketplace.sydney.au1.twilio.com"
    )
    env = {"TWILIO_EDGE": "dublin"}
    edge_only = Client(AC, TOKEN, environ=env)
    assert edge_only.hosts.origin(Product.PREVIEW).host == "preview.dublin.us1.twilio.com"


def test_a_region_typo_is_refused_before_anything_is_sent() -> None:
    with pytest.raises(ConfigurationError, match="did you mean 'au1'") as info:
        Client(AC, TOKEN, region="au2x", environ={})
    assert info.value.param == "region"
    with pytest.raises(ConfigurationError, match="did you mean 'sydney'"):
        Client(AC, TOKEN, environ={"TWILIO_REGION": "au1", "TWILIO_EDGE": "sidney"})


def test_allow_unknown_region_from_the_argument_or_the_environment() -> None:
    client = Client(AC, TOKEN, region="xy9", edge="atlantis", allow_unknown_region=True, environ={})
    assert str(client.hosts.origin(Product.API)) == "https://api.atlantis.xy9.twilio.com"
    env = {"TWILIO_REGION": "xy9", "TWILIO_ALLOW_UNKNOWN_REGION": "1"}
    assert Client(AC, TOKEN, environ=env).hosts.region == "xy9"
    with pytest.raises(ConfigurationError, match="unknown Twilio region 'xy9'"):
        Client(AC, TOKEN, allow_unknown_region=False, environ=env)


def test_base_url_and_per_product_overrides() -> None:
    client = Client(
        AC,
        TOKEN,
        base_url="http://127.0.0.1:8080",
        marketplace_base_url="http://127.0.0.1:9090",
        environ={},
    )
    assert str(client.hosts.origin(Product.API)) == "http://127.0.0.1:8080/"
    assert str(client.hosts.origin(Product.PREVIEW)) == "http://127.0.0.1:8080/"
    assert str(client.hosts.origin(Product.MARKETPLACE)) == "http://127.0.0.1:9090/"


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({}, "account_sid"),
        ({"account_sid": AC}, "auth_token"),
        ({"account_sid": "AC123", "auth_token": TOKEN}, "account_sid"),
        ({"account_sid": AC, "api_key": "SK1", "api_secret": TOKEN}, "api_key"),
        ({"account_sid": AC, "api_key": "SK" + "1" * 32}, "api_secret"),
        ({"account_sid": AC, "auth_token": TOKEN, "max_concurrency": 0}, "max_concurrency"),
        ({"account_sid": AC, "auth_token": TOKEN, "timeout": -1}, "timeout"),
        ({"account_sid": AC, "auth_token": TOKEN, "region": "bad region!"}, "region"),
        ({"account_sid": AC, "auth_token": TOKEN, "base_url": "ftp://x"}, "base_url"),
    ],
)
def test_bad_configuration_is_refused_naming_the_setting(
    kwargs: dict[str, object], param: str
) -> None:
    with pytest.raises(ConfigurationError) as excinfo:
        Client(environ={}, **kwargs)  # type: ignore[arg-type]
    assert excinfo.value.param == param
    assert isinstance(excinfo.value, ValueError)
    assert TOKEN not in str(excinfo.value)


def test_repr_never_shows_the_secret() -> None:
    client = Client(AC, TOKEN, environ={})
    assert TOKEN not in repr(client)
    assert AC in repr(client)
    with pytest.raises(TypeError):
        pickle.dumps(client)


def test_sids_are_checked_when_addressing_resources() -> None:
    client = Client(AC, TOKEN, environ={})
    for bad in ("PN123", "AC" + "0" * 32, "PN" + "g" * 32, "PN" + "0" * 31 + "/", "../PN"):
        with pytest.raises(InvalidSidError):
            client.incoming_phone_numbers(bad)
    with pytest.raises(InvalidSidError):
        client.accounts("PN" + "0" * 32)
    with pytest.raises(TwilioValidationError):
        client.api.v2010.accounts("AC../x")


async def test_async_with_closes_the_session(fake: FakeTwilio) -> None:
    client = fake.client()
    async with client:
        await client.incoming_phone_numbers.list()
    assert client.closed
    with pytest.raises(ClientClosedError):
        await client.incoming_phone_numbers.list()
    await client.close()  # idempotent


async def test_a_session_passed_in_is_used_and_left_open(fake: FakeTwilio) -> None:
    seen: list[str] = []

    async def on_request_start(
        session: aiohttp.ClientSession,
        context: object,
        params: aiohttp.TraceRequestStartParams,
    ) -> None:
        seen.append(str(params.url))

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_request_start)
    async with aiohttp.ClientSession(trace_configs=[trace]) as session:
        async with fake.client(session=session) as client:
            await client.incoming_phone_numbers.list()
        assert not session.closed
        assert len(seen) == 1
        assert seen[0].startswith(fake.url)
        assert fake.requests[0].headers["Authorization"].startswith("Basic ")


async def test_one_session_is_shared_and_connections_are_reused(
    client: Client, fake: FakeTwilio
) -> None:
    for _ in range(20):
        await client.incoming_phone_numbers.list()
    assert len({r.peer for r in fake.requests}) == 1


async def test_gather_hundreds_of_creates_with_bounded_concurrency(fake: FakeTwilio) -> None:
    fake.latency = 0.005
    async with fake.client(max_concurrency=8) as client:
        numbers = await asyncio.gather(
            *(
                client.incoming_phone_numbers.create(phone_number=f"+1415555{i:04d}")
                for i in range(300)
            )
        )
    assert len({n.sid for n in numbers}) == 300
    assert len(fake.state.numbers) == 300
    assert 2 <= fake.peak_in_flight <= 8
    assert len({r.peer for r in fake.requests}) <= 8


async def test_bounded_concurrency_also_bounds_mixed_operations(fake: FakeTwilio) -> None:
    sids = fake.seed_numbers(60)
    fake.latency = 0.005
    async with fake.client(max_concurrency=5) as client:
        await asyncio.gather(
            *(client.incoming_phone_numbers(sid).fetch() for sid in sids),
            *(client.incoming_phone_numbers.list(limit=3) for _ in range(20)),
        )
    assert fake.peak_in_flight <= 5


async def test_cancelled_request_frees_its_slot(fake: FakeTwilio) -> None:
    (sid,) = fake.seed_numbers(1)
    fake.latency = 0.5
    async with fake.client(max_concurrency=1) as client:
        slow = asyncio.create_task(client.incoming_phone_numbers(sid).fetch())
        await asyncio.sleep(0.05)
        slow.cancel()
        with pytest.raises(asyncio.CancelledError):
            await slow
        fake.latency = 0.0
        number = await asyncio.wait_for(client.incoming_phone_numbers(sid).fetch(), 2)
    assert number.sid == sid
