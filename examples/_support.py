"""Shared by the examples: a client for real Twilio if credentials are set, else the fake."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from twilio_async import Client
from twilio_async.testing import FakeTwilio


def have_credentials() -> bool:
    return bool(
        os.environ.get("TWILIO_ACCOUNT_SID")
        and (os.environ.get("TWILIO_AUTH_TOKEN") or os.environ.get("TWILIO_API_KEY"))
    )


@asynccontextmanager
async def open_client(**options: Any) -> AsyncIterator[tuple[Client, FakeTwilio | None]]:
    """Yield ``(client, fake)``: real Twilio when TWILIO_* credentials are set (``fake`` is
    None), otherwise a fake Twilio on 127.0.0.1 that lives for the ``async with`` block."""
    if have_credentials():
        async with Client(**options) as client:
            yield client, None
        return
    async with FakeTwilio() as fake:
        print(f"(no TWILIO_* credentials set: using the fake Twilio at {fake.url})")
        async with fake.client(**options) as client:
            yield client, fake
