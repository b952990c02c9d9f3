"""The legacy 2008-08-01 API (XML): provision, page, stream concurrently, update, release.

    python examples/legacy_xml.py

``client.api.v2008`` speaks the 2008-08-01 API: XML bodies, 10-digit phone numbers, ``Url``
and ``Method`` for the voice webhook, update by PUT. Its list says how many pages there are,
so ``stream()`` fetches later pages concurrently (a bounded window ahead of you) while still
yielding numbers in order.

With no TWILIO_* credentials this runs against the bundled fake Twilio, with 20 ms of
latency per request, on an inventory of 2,000 numbers. With real credentials it only reads
(the page and the stream): it never buys or changes a number on a real account.
"""

from __future__ import annotations

import asyncio
import time

from _support import open_client

from twilio_async import BadRequestError, NotFoundError


async def main() -> None:
    async with open_client() as (client, fake):
        numbers = client.api.v2008.incoming_phone_numbers

        if fake is not None:
            fake.seed_numbers(1999)
            # Provision a local number by area code, with the 2008 parameter names.
            line = await numbers.local.create(
                area_code="415",
                friendly_name="My Company Line",
                url="https://example.com/voice",
                method="GET",
                sms_url="https://example.com/sms",
                voice_caller_id_lookup=True,
            )
            print(f"bought {line.phone_number} ({line.e164}) as {line.friendly_name!r}")
            lookup = line.voice_caller_id_lookup
            print(f"  voice: {line.method} {line.url}; caller ID lookup: {lookup}")
            try:
                await numbers.toll_free.create(area_code="555")
            except BadRequestError as exc:
                print(f"no toll-free number in 555: HTTP {exc.status}, Twilio error {exc.code}")
            fake.latency = 0.02  # from here on, every request takes 20 ms

        # One page: the 2008 list tells the total and the number of pages.
        page = await numbers.page(page_size=50)
        print(f"{page.total} numbers on {page.num_pages} pages of {page.page_size}")

        # Every number, in order; the later pages are fetched concurrently.
        started = time.perf_counter()
        count = 0
        last = None
        async for number in numbers.stream(page_size=50):
            count += 1
            last = number
        elapsed = time.perf_counter() - started
        print(f"streamed {count} numbers in {elapsed:.2f}s")
        if last is not None and last.date_created is not None:
            print(f"  the last one was created {last.date_created:%Y-%m-%d %H:%M %z}")

        if fake is not None:
            # Update (an HTTP PUT; url is required), then release.
            updated = await numbers(line.sid).update(
                url="https://example.com/voice-v2", method="POST", sms_url=""
            )
            print(f"voice is now {updated.method} {updated.url}; sms_url is {updated.sms_url}")
            await numbers(line.sid).delete()
            try:
                await numbers(line.sid).fetch()
            except NotFoundError as exc:
                print(f"released: fetching it again gives HTTP {exc.status} (code {exc.code})")


if __name__ == "__main__":
    asyncio.run(main())
