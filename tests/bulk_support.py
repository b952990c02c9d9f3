"""Helpers shared by the bulk engine's tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from twilio_async.bulk import Event, EventKind
from twilio_async.bulk.journal import Journal
from twilio_async.testing import FakeTwilio

# Short waits, so that rules which wait for a number's state to settle run fast in tests.
FAST = {"settle_time": 0.05, "poll_interval": 0.02}


async def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.01)


def owned_numbers(fake: FakeTwilio) -> list[str]:
    """The phone numbers the fake's main account owns now."""
    return sorted(n["phone_number"] for n in fake.state.numbers_of(fake.account_sid))


def when_not_ours(act: Callable[[str], None]) -> Callable[[Event], None]:
    """An ``on_event`` listener calling ``act(number)`` when a lookup after an unknown
    outcome has just found the slot's number not on the account."""

    def listener(event: Event) -> None:
        if event.kind is EventKind.RETRYING and "not on the account" in event.message:
            phone = event.item.phone_number if event.item else None
            assert phone is not None
            act(phone)

    return listener


class TakeSomeFound:
    """An ``on_event`` listener that, as each search answers, takes every ``every``-th of
    the numbers it newly found, as another customer buying them before the job can: the
    job's purchases of those get 21422."""

    def __init__(self, fake: FakeTwilio, journal: Path, every: int = 4) -> None:
        self.fake = fake
        self.journal = journal
        self.every = every
        self.seen: set[str] = set()
        self.taken: list[str] = []

    def __call__(self, event: Event) -> None:
        if event.kind is not EventKind.SEARCHED:
            return
        reader = Journal.read(self.journal)
        try:
            found = [phone for phone in reader.candidates() if phone not in self.seen]
        finally:
            reader.close()
        self.seen.update(found)
        taken = found[:: self.every]
        self.fake.take_available(taken)
        self.taken.extend(taken)
