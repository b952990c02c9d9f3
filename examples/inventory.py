"""Inventory: iterate over every number on an account with constant memory.

    python examples/inventory.py

``stream()`` is an async iterator: it fetches page after page (the next one already in
flight while you work on the current one) and holds at most two pages, whatever the size of
the inventory. Against the fake, 20,000 numbers are seeded first.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from _support import open_client


async def main() -> None:
    async with open_client() as (client, fake):
        if fake is not None:
            fake.seed_numbers(20_000, voice_url="https://example.com/voice")
            fake.seed_numbers(500)  # no voice webhook configured

        started = time.perf_counter()
        total = 0
        by_area = Counter[str]()
        unconfigured = []
        async for number in client.incoming_phone_numbers.stream(page_size=1000):
            total += 1
            if number.phone_number and number.phone_number.startswith("+1"):
                by_area[number.phone_number[2:5]] += 1
            if number.voice_url is None:
                unconfigured.append(number.sid)
        elapsed = time.perf_counter() - started

        print(f"{total} numbers in {elapsed:.2f}s")
        print("top area codes:", ", ".join(f"{a}: {n}" for a, n in by_area.most_common(3)))
        print(f"{len(unconfigured)} numbers have no voice webhook")

        # Only the first few? limit stops fetching as soon as it is met.
        first_five = await client.incoming_phone_numbers.list(limit=5)
        print("first five:", ", ".join(n.phone_number or "?" for n in first_five))


if __name__ == "__main__":
    asyncio.run(main())
