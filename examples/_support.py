"""Shared by the examples: a client for real Twilio if credentials are set, else the fake.

An example that buys, installs or releases something names what it would do to a real
account (``open_client(on_real_twilio=...)``): with TWILIO_* credentials set it does that
only when run with ``--yes-real-twilio``, and otherwise says what it would do and stops
before sending anything. ``TWILIO_BASE_URL`` (read by the examples only) sends every request
to another origin, such as a local mock.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from twilio_async import Client
from twilio_async.testing import FakeTwilio

REAL_TWILIO_FLAG = "--yes-real-twilio"


def have_credentials() -> bool:
    return bool(
        os.environ.get("TWILIO_ACCOUNT_SID")
        and (os.environ.get("TWILIO_AUTH_TOKEN") or os.environ.get("TWILIO_API_KEY"))
    )


@asynccontextmanager
async def open_client(
    *, on_real_twilio: str | None = None, **options: Any
) -> AsyncIterator[tuple[Client, FakeTwilio | None]]:
    """Yield ``(client, fake)``: real Twilio when TWILIO_* credentials are set (``fake`` is
    None), otherwise a fake Twilio on 127.0.0.1 that lives for the ``async with`` block.

    ``on_real_twilio`` says what the example does to a real account ("buys ..."); with
    credentials set and no ``--yes-real-twilio`` on the command line, the example exits
    saying so, before anything is sent."""
    if have_credentials():
        if on_real_twilio and REAL_TWILIO_FLAG not in sys.argv[1:]:
            raise SystemExit(
                f"TWILIO_* credentials are set: on that real account this example "
                f"{on_real_twilio}, which can cost money. Nothing was sent. Rerun with "
                f"{REAL_TWILIO_FLAG} to do it, or unset TWILIO_* to run against the fake."
            )
        base_url = os.environ.get("TWILIO_BASE_URL") or None
        async with Client(base_url=base_url, **options) as client:
            yield client, None
        return
    async with FakeTwilio() as fake:
        print(f"(no TWILIO_* credentials set: using the fake Twilio at {fake.url})")
        async with fake.client(**options) as client:
            yield client, fake
