"""Peer D: ``twilio_async``, through its public API only.

If the installed ``Client`` does not accept ``max_concurrency`` yet, fan-out is bounded by a
``Semaphore`` in this peer (as in C) and the outcome carries a note saying so.
"""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager, nullcontext
from typing import Any

# twilio_async loads aiohttp and its resource tree on first use; load them with the
# library here, as for the other peers, so a measured window holds the work only (the
# import scenario times imports).
import aiohttp  # noqa: F401

import twilio_async.resources  # noqa: F401
from bench.fixtures import ACCOUNT_SID, AUTH_TOKEN
from bench.peers import NotAvailable, Outcome, Work
from twilio_async import Client

_NO_MAX_CONCURRENCY = "Client() has no max_concurrency yet: the peer bounds fan-out itself"


# Streams use the same construction as the brief's example: a client built for fan-out.
_STREAM_CONCURRENCY = 50


def _client(base_url: str, concurrency: int, notes: list[str]) -> tuple[Any, bool]:
    """The client, and whether the peer must bound concurrency itself."""
    try:
        return (
            Client(ACCOUNT_SID, AUTH_TOKEN, base_url=base_url, max_concurrency=concurrency),
            False,
        )
    except TypeError:
        notes.append(_NO_MAX_CONCURRENCY)
        return Client(ACCOUNT_SID, AUTH_TOKEN, base_url=base_url), True


def _gate(concurrency: int, own: bool) -> AbstractAsyncContextManager[Any]:
    return asyncio.Semaphore(concurrency) if own else nullcontext()


async def stream(base_url: str, page_size: int, work: Work | None = None) -> Outcome:
    out = Outcome()
    count = 0
    last = None
    created = None
    client, _ = _client(base_url, _STREAM_CONCURRENCY, out.notes)
    async with client:
        async for number in client.incoming_phone_numbers.stream(page_size=page_size):
            count += 1
            last = number.sid
            created = number.date_created
            if work is not None and count % work.every == 0:
                await work.run()
    out.count, out.last_sid, out.date_type = count, last, type(created).__name__
    return out


async def fetch(base_url: str, sids: list[str], concurrency: int) -> Outcome:
    out = Outcome()
    client, own = _client(base_url, concurrency, out.notes)
    gate = _gate(concurrency, own)

    async def one(sid: str) -> object:
        async with gate:
            number = await client.incoming_phone_numbers(sid).fetch()
        if number.sid != sid:
            raise RuntimeError(f"fetch {sid}: got {number.sid}")
        return number.date_created

    async with client:
        dates = await asyncio.gather(*(one(sid) for sid in sids))
    out.count, out.last_sid, out.date_type = len(dates), sids[-1], type(dates[-1]).__name__
    return out


async def create(base_url: str, numbers: list[str], concurrency: int) -> Outcome:
    out = Outcome()
    client, own = _client(base_url, concurrency, out.notes)
    gate = _gate(concurrency, own)

    async def one(phone_number: str) -> object:
        async with gate:
            number = await client.incoming_phone_numbers.create(phone_number=phone_number)
        if number.phone_number != phone_number:
            raise RuntimeError(f"create {phone_number}: got {number.phone_number}")
        return number.date_created

    async with client:
        dates = await asyncio.gather(*(one(n) for n in numbers))
    out.count, out.date_type = len(dates), type(dates[-1]).__name__
    return out


async def stream_legacy(base_url: str, page_size: int) -> Outcome:
    out = Outcome()
    count = 0
    last = None
    created = None
    client, _ = _client(base_url, _STREAM_CONCURRENCY, out.notes)
    async with client:
        legacy = getattr(getattr(client, "api", None), "v2008", None)
        if legacy is None:
            raise NotAvailable("not yet implemented (client.api.v2008 does not exist)")
        async for number in legacy.incoming_phone_numbers.stream(page_size=page_size):
            count += 1
            last = number.sid
            created = number.date_created
    out.count, out.last_sid, out.date_type = count, last, type(created).__name__
    return out
