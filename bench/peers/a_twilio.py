"""Peer A: Twilio's official ``twilio`` package in async mode (``AsyncTwilioHttpClient``).

Installed only by ``bench/requirements.txt``. The client is pointed at the bench server by
overriding ``client.api.base_url``; page links are then resolved against it by the package.
"""

from __future__ import annotations

import asyncio

# The official client loads its API domain on first use (``client.api``); load it with the
# library here, as for the other peers, so a measured window holds the work only.
import twilio.rest.api.v2010.account  # noqa: F401
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from bench.fixtures import ACCOUNT_SID, AUTH_TOKEN
from bench.peers import NotAvailable, Outcome, Work


def _client(base_url: str) -> Client:
    client = Client(ACCOUNT_SID, AUTH_TOKEN, http_client=AsyncTwilioHttpClient())
    client.api.base_url = base_url
    return client


async def _close(client: Client) -> None:
    http = client.http_client
    assert isinstance(http, AsyncTwilioHttpClient)
    await http.close()


async def stream(base_url: str, page_size: int, work: Work | None = None) -> Outcome:
    client = _client(base_url)
    count = 0
    last = None
    created = None
    try:
        records = await client.incoming_phone_numbers.stream_async(page_size=page_size)
        async for number in records:
            count += 1
            last = number.sid
            created = number.date_created
            if work is not None and count % work.every == 0:
                await work.run()
    finally:
        await _close(client)
    return Outcome(count=count, last_sid=last, date_type=type(created).__name__)


async def fetch(base_url: str, sids: list[str], concurrency: int) -> Outcome:
    client = _client(base_url)
    gate = asyncio.Semaphore(concurrency)
    numbers = client.incoming_phone_numbers

    async def one(sid: str) -> object:
        async with gate:
            number = await numbers(sid).fetch_async()
        if number.sid != sid:
            raise RuntimeError(f"fetch {sid}: got {number.sid}")
        return number.date_created

    try:
        dates = await asyncio.gather(*(one(sid) for sid in sids))
    finally:
        await _close(client)
    return Outcome(count=len(dates), last_sid=sids[-1], date_type=type(dates[-1]).__name__)


async def create(base_url: str, numbers: list[str], concurrency: int) -> Outcome:
    client = _client(base_url)
    gate = asyncio.Semaphore(concurrency)
    incoming = client.incoming_phone_numbers

    async def one(phone_number: str) -> object:
        async with gate:
            number = await incoming.create_async(phone_number=phone_number)
        if number.phone_number != phone_number:
            raise RuntimeError(f"create {phone_number}: got {number.phone_number}")
        return number.date_created

    try:
        dates = await asyncio.gather(*(one(n) for n in numbers))
    finally:
        await _close(client)
    return Outcome(count=len(dates), date_type=type(dates[-1]).__name__)


async def stream_legacy(base_url: str, page_size: int) -> Outcome:
    raise NotAvailable("the twilio package has no 2008-08-01 API")
