"""Peer C, the floor: what a careful user would write by hand with aiohttp.

One ``ClientSession``, a precomputed Basic auth header, ``json.loads`` per body, a plain
loop over ``next_page_uri`` (no prefetch), and a ``Semaphore`` for fan-out.
With ``BENCH_FLOOR_LOADS=orjson`` it decodes with ``orjson.loads`` instead (peer Co).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import aiohttp

from bench.fixtures import ACCOUNT_SID, AUTH_TOKEN, LEGACY_LIST_PATH, LIST_PATH
from bench.peers import Outcome, Work

_AUTH = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
_ONE_PATH = LIST_PATH[: -len(".json")]


def _pick_loads() -> Callable[[bytes], Any]:
    if os.environ.get("BENCH_FLOOR_LOADS") == "orjson":
        import orjson

        return orjson.loads
    return json.loads


loads = _pick_loads()


def _session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(headers={"Authorization": _AUTH})


async def stream(base_url: str, page_size: int, work: Work | None = None) -> Outcome:
    out = Outcome()
    count = 0
    last = None
    created = None
    async with _session() as session:
        url: str | None = f"{base_url}{LIST_PATH}?PageSize={page_size}"
        while url is not None:
            async with session.get(url) as resp:
                if resp.status != 200:
                    raise RuntimeError(f"GET {url}: {resp.status}")
                page = loads(await resp.read())
            for record in page["incoming_phone_numbers"]:
                count += 1
                last = record["sid"]
                created = record["date_created"]
                if work is not None and count % work.every == 0:
                    await work.run()
            next_uri = page["next_page_uri"]
            url = base_url + next_uri if next_uri else None
    out.count, out.last_sid, out.date_type = count, last, type(created).__name__
    return out


async def fetch(base_url: str, sids: list[str], concurrency: int) -> Outcome:
    gate = asyncio.Semaphore(concurrency)
    async with _session() as session:

        async def one(sid: str) -> object:
            async with gate, session.get(f"{base_url}{_ONE_PATH}/{sid}.json") as resp:
                if resp.status != 200:
                    raise RuntimeError(f"fetch {sid}: {resp.status}")
                record = loads(await resp.read())
            if record["sid"] != sid:
                raise RuntimeError(f"fetch {sid}: got {record['sid']}")
            return record["date_created"]

        dates = await asyncio.gather(*(one(sid) for sid in sids))
    return Outcome(count=len(dates), last_sid=sids[-1], date_type=type(dates[-1]).__name__)


async def create(base_url: str, numbers: list[str], concurrency: int) -> Outcome:
    gate = asyncio.Semaphore(concurrency)
    url = f"{base_url}{LIST_PATH}"
    async with _session() as session:

        async def one(number: str) -> str:
            async with gate, session.post(url, data={"PhoneNumber": number}) as resp:
                if resp.status != 201:
                    raise RuntimeError(f"create {number}: {resp.status}")
                record = loads(await resp.read())
            if record["phone_number"] != number:
                raise RuntimeError(f"create {number}: got {record['phone_number']}")
            _ = record["date_created"]
            return str(record["sid"])

        sids = await asyncio.gather(*(one(n) for n in numbers))
    return Outcome(count=len(sids), last_sid=sids[-1], date_type="str")


async def stream_legacy(base_url: str, page_size: int) -> Outcome:
    """Sequential walk of the 2008-08-01 XML list: page 0, 1, ... until ``numpages``."""
    count = 0
    last = None
    created = None
    page = 0
    numpages = 1
    async with _session() as session:
        while page < numpages:
            url = f"{base_url}{LEGACY_LIST_PATH}?page={page}&num={page_size}"
            async with session.get(url) as resp:
                if resp.status != 200:
                    raise RuntimeError(f"GET {url}: {resp.status}")
                root = ET.fromstring(await resp.read())
            listing = root.find("IncomingPhoneNumbers")
            if listing is None:
                raise RuntimeError(f"GET {url}: no <IncomingPhoneNumbers>")
            numpages = int(listing.get("numpages", "0"))
            for element in listing.iter("IncomingPhoneNumber"):
                count += 1
                last = element.findtext("Sid")
                created = element.findtext("DateCreated")
            page += 1
    return Outcome(count=count, last_sid=last, date_type=type(created).__name__)
