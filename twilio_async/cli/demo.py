"""``--fake``: the bundled fake Twilio, started in the command's own process and seeded.

The account owns :data:`STORES` numbers named ``store 001``… (voice pointed at a webhook),
:data:`SUPPORT` named ``support 01``… (SMS pointed at another) and :data:`PLAIN` left as
bought, and has two Add-ons installed; searches offer the fake's inventory. Everything
lives and dies with the process: a journal kept for a ``--fake`` job is in memory too.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from ..testing import FakeTwilio

__all__ = ["PLAIN", "STORES", "SUPPORT", "demo_fake"]

STORES, SUPPORT, PLAIN = 60, 20, 20
STORE_VOICE_URL = "https://example.com/stores/voice"
SUPPORT_SMS_URL = "https://example.com/support/sms"


def seed(fake: FakeTwilio) -> None:
    """Numbers and installed Add-ons, the same in every run (but for SIDs and numbers)."""
    for n in range(1, STORES + 1):
        fake.seed_numbers(1, friendly_name=f"store {n:03d}", voice_url=STORE_VOICE_URL)
    for n in range(1, SUPPORT + 1):
        fake.seed_numbers(1, friendly_name=f"support {n:02d}", sms_url=SUPPORT_SMS_URL)
    fake.seed_numbers(PLAIN)
    fake.install_add_on(
        "VoiceBase High Accuracy Transcription",
        configuration={"bad_words": True},
        unique_name="transcription",
    )
    fake.install_add_on("Nomorobo Spam Score", unique_name="spam-score", enabled=True)


@contextlib.asynccontextmanager
async def demo_fake() -> AsyncIterator[FakeTwilio]:
    """The seeded fake, served from the running event loop until the block ends."""
    async with FakeTwilio() as fake:
        seed(fake)
        yield fake
