"""Quickstart: provision numbers, list them, update one, release them.

    python examples/quickstart.py

With no TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN in the environment this runs against the
fake Twilio bundled with the library (twilio_async.testing), so it needs no account. With
Twilio *test* credentials it buys the magic test number +15005550006, which costs nothing;
since live credentials would buy a real number in area code 415, any TWILIO_* credentials
need ``--yes-real-twilio``.
"""

from __future__ import annotations

import asyncio

from _support import open_client

from twilio_async import NotFoundError


async def main() -> None:
    buys = (
        "buys +15005550006 (a magic test number: free with test credentials) and a number "
        "in area code 415, changes one and releases both"
    )
    async with open_client(on_real_twilio=buys) as (client, _fake):
        numbers = client.incoming_phone_numbers

        # Provision: by exact number, and by area code.
        main_line = await numbers.create(
            phone_number="+15005550006",
            friendly_name="Quickstart main line",
            voice_url="https://example.com/voice",
        )
        bought_on = main_line.date_created
        print(f"bought {main_line.phone_number} as {main_line.sid} on {bought_on:%Y-%m-%d}")
        second = await numbers.create(area_code="415", friendly_name="Quickstart 415")
        print(f"bought {second.phone_number} in area code 415")

        # List: one page, then every number (streamed page by page).
        page = await numbers.page(page_size=50)
        print(f"first page holds {len(page)} numbers; more pages: {page.has_next_page}")
        async for number in numbers.stream(friendly_name="Quickstart 415"):
            print(f"  found {number.phone_number} ({number.friendly_name})")

        # Update: change the voice webhook, clear the SMS one.
        updated = await numbers(main_line.sid).update(
            voice_url="https://example.com/voice-v2", voice_method="GET", sms_url=""
        )
        print(f"voice_url is now {updated.voice_url} ({updated.voice_method})")

        # Release both numbers.
        for number in (main_line, second):
            await numbers(number.sid).delete()
        try:
            await numbers(main_line.sid).fetch()
        except NotFoundError as exc:
            print(f"released: fetching it again gives HTTP {exc.status} (code {exc.code})")


if __name__ == "__main__":
    asyncio.run(main())
