"""Batch provisioning: hundreds of purchases with asyncio.gather, safely.

    python examples/batch_provisioning.py

The client bounds requests in flight (``max_concurrency``), so gathering hundreds of
coroutines queues them instead of flooding Twilio. Rate-limited requests (HTTP 429) are
retried, honouring Retry-After, because Twilio did not process them; a purchase that failed
in any way that might have reached Twilio is never retried, so nothing is bought twice.
Against the fake, a burst of 429s is injected to show the retries at work. With TWILIO_*
credentials it buys real numbers, so it runs only with ``--yes-real-twilio``.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from _support import open_client

from twilio_async import Client, IncomingPhoneNumber, TwilioAPIError, TwilioError
from twilio_async.testing import Fault

AREA_CODES = ["415", "212", "312", "555"]  # 555 has no inventory in the fake: failures shown
PER_AREA_CODE = 50


async def provision(client: Client, area_code: str) -> IncomingPhoneNumber:
    return await client.incoming_phone_numbers.create(
        area_code=area_code,
        friendly_name=f"batch {area_code}",
        voice_url="https://example.com/voice",
    )


async def main() -> None:
    buys = (
        f"buys up to {len(AREA_CODES) * PER_AREA_CODE} phone numbers ({PER_AREA_CODE} in each "
        f"of area codes {', '.join(AREA_CODES)}), updates their voice URL and releases them"
    )
    async with open_client(on_real_twilio=buys, max_concurrency=20) as (client, fake):
        if fake is not None:
            fake.latency = 0.002
            fake.inject(Fault(status=429, retry_after="0.05", method="POST", times=15))

        jobs = [provision(client, code) for code in AREA_CODES for _ in range(PER_AREA_CODE)]
        results = await asyncio.gather(*jobs, return_exceptions=True)

        bought = [r for r in results if isinstance(r, IncomingPhoneNumber)]
        failed = [r for r in results if isinstance(r, TwilioError)]
        print(f"bought {len(bought)} numbers, {len(failed)} failed")
        for code, count in Counter(e.code for e in failed if isinstance(e, TwilioAPIError)).items():
            print(f"  Twilio error {code}: {count} requests")
        if fake is not None:
            posts = len(fake.requests_to("POST"))
            print(
                f"the server saw {posts} purchase requests (429s retried), "
                f"at most {fake.peak_in_flight} at once"
            )

        # Re-point every new number at a new webhook, then release them all.
        updates = [
            client.incoming_phone_numbers(n.sid).update(voice_url="https://example.com/v2")
            for n in bought
        ]
        await asyncio.gather(*updates)
        await asyncio.gather(*(client.incoming_phone_numbers(n.sid).delete() for n in bought))
        print(f"updated and released {len(bought)} numbers")


if __name__ == "__main__":
    asyncio.run(main())
