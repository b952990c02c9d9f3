"""The pytest plugin: fixtures that give a test a fake Twilio, with no import.

Installing twilio_async registers it (the ``pytest11`` entry point ``twilio_async``;
``-p no:twilio_async`` turns it off). Two fixtures:

* ``twilio_fake``: a fresh :class:`~twilio_async.testing.FakeTwilio` for each test.
* ``twilio_fake_session``: one fake for the whole session, for suites that want speed or
  seed a large state once. Its **state is kept** between tests (accounts, numbers,
  installs, the inventory): sharing what was seeded is the point of it. What a test
  *instructs* or *observes* is reset before each test that uses it (queued faults,
  latency, the concurrency cap, the request record and its counts), so a fault left by
  one test never fails the next and ``fake.requests`` is the test's own.

Both serve from a thread with an event loop of their own, so they work whatever runs the
test's event loop: pytest-asyncio (auto or strict mode, a new loop per test) or anyio's
pytest plugin. The clients they make (``fake.client(**options)``) retry as production does
but never sleep: their default ``retry=`` is :class:`~.instant_retry.InstantRetry`, so
injected 503s and a ``Retry-After: 5`` cost no time while the attempts stay as counted.

::

    async def test_purchase(twilio_fake: FakeTwilio) -> None:
        async with twilio_fake.client() as client:
            number = await client.incoming_phone_numbers.create(area_code="415")
        assert twilio_fake.state.numbers[number.sid]["phone_number"] == number.phone_number
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .server import FakeTwilio

__all__ = ["twilio_fake", "twilio_fake_session"]

# The session's fake, once made: reset before each test that uses it.
_SESSION_FAKE = pytest.StashKey["FakeTwilio"]()


@contextmanager
def _serving() -> Iterator[FakeTwilio]:
    # Imported here, not with the plugin: pytest loads the plugin in every project that
    # has twilio_async installed, and the fake brings aiohttp with it.
    from .instant_retry import InstantRetry
    from .server import FakeTwilio

    with FakeTwilio() as fake:
        fake.client_defaults["retry"] = InstantRetry()
        yield fake


@pytest.fixture
def twilio_fake() -> Iterator[FakeTwilio]:
    """A fake Twilio of its own for this test (fresh state), on 127.0.0.1."""
    with _serving() as fake:
        yield fake


@pytest.fixture(scope="session")
def twilio_fake_session(pytestconfig: pytest.Config) -> Iterator[FakeTwilio]:
    """One fake Twilio for the session: state kept between tests; faults, latency, the
    concurrency cap and the request record reset before each test that uses it."""
    with _serving() as fake:
        pytestconfig.stash[_SESSION_FAKE] = fake
        try:
            yield fake
        finally:
            del pytestconfig.stash[_SESSION_FAKE]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before a test that uses the session's fake (made by an earlier test), reset it."""
    fake = item.config.stash.get(_SESSION_FAKE, None)
    if fake is not None and "twilio_fake_session" in getattr(item, "fixturenames", ()):
        fake.reset_between_tests()
