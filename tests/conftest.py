"""Shared fixtures: a fresh fake Twilio per test, and a client pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from twilio_async import Client, RetryPolicy
from twilio_async.testing import FakeTwilio

# Fast retries so fault-injection tests do not sleep for real backoff times.
FAST_RETRY = RetryPolicy(max_retries=3, backoff_base=0.001, backoff_max=0.01)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTwilio]:
    async with FakeTwilio() as server:
        yield server


@pytest.fixture
async def client(fake: FakeTwilio) -> AsyncIterator[Client]:
    async with fake.client(retry=FAST_RETRY) as c:
        yield c
