"""``import twilio_async`` stays cheap: aiohttp, asyncio and the resource tree load on use.

Each check runs in a fresh interpreter, since this test process has them all loaded.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap

import aiohttp
import pytest

import twilio_async
from twilio_async.testing import FakeTwilio

HEAVY = (
    "aiohttp",
    "asyncio",
    "cattrs",
    "email.utils",
    "twilio_async.converter",
    "twilio_async.models",
    "twilio_async.pagination",
    "twilio_async.resources",
)


async def run_fresh(script: str) -> str:
    """Run ``script`` in a new interpreter (off the event loop, which may be serving it)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        textwrap.dedent(script),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out.decode()


async def test_import_and_client_construction_load_nothing_heavy() -> None:
    out = await run_fresh(
        f"""
        import sys
        import twilio_async
        client = twilio_async.Client("AC" + "0" * 32, "token", base_url="http://127.0.0.1:9")
        print(sorted(m for m in {HEAVY!r} if m in sys.modules))
        """
    )
    assert out.strip() == "[]"


async def test_first_request_loads_aiohttp_and_works(fake: FakeTwilio) -> None:
    (sid,) = fake.seed_numbers(1)
    out = await run_fresh(
        f"""
        import asyncio, sys
        from twilio_async import Client
        client = Client({fake.account_sid!r}, {fake.auth_token!r}, base_url={fake.url!r})
        assert "aiohttp" not in sys.modules

        async def main():
            async with client:
                number = await client.incoming_phone_numbers({sid!r}).fetch()
            print(type(number).__name__, number.sid, "aiohttp" in sys.modules)

        asyncio.run(main())
        """
    )
    assert out.split() == ["IncomingPhoneNumber", sid, "True"]
    (request,) = fake.requests
    assert request.headers["User-Agent"].split()[-1].startswith("aiohttp/")


async def test_timeout_property_builds_the_client_timeout_on_demand() -> None:
    out = await run_fresh(
        """
        import sys
        import twilio_async
        client = twilio_async.Client("AC" + "0" * 32, "token", timeout=7)
        print(type(client.timeout).__module__.split(".")[0], client.timeout.total)
        """
    )
    assert out.split() == ["aiohttp", "7.0"]


async def test_a_client_timeout_of_the_callers_is_used_as_given() -> None:
    timeout = aiohttp.ClientTimeout(total=3, connect=1)
    client = twilio_async.Client("AC" + "0" * 32, "token", timeout=timeout)
    assert client.timeout is timeout
    await client.close()


def test_lazy_names_resolve_and_are_listed() -> None:
    from twilio_async.models import IncomingPhoneNumber
    from twilio_async.pagination import Page

    assert twilio_async.IncomingPhoneNumber is IncomingPhoneNumber
    assert twilio_async.Page is Page
    assert set(twilio_async.__all__) <= set(dir(twilio_async))
    namespace: dict[str, object] = {}
    exec("from twilio_async import *", namespace)
    assert set(twilio_async.__all__) <= set(namespace)


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        twilio_async.Nope  # noqa: B018
