"""A fake Twilio for tests and examples: a real aiohttp server on 127.0.0.1.

::

    from twilio_async.testing import FakeTwilio

    async with FakeTwilio() as fake:
        async with fake.client() as client:
            ...

``with FakeTwilio() as fake:`` serves it from a thread of its own instead. In pytest, the
``twilio_fake`` and ``twilio_fake_session`` fixtures (:mod:`.pytest_plugin`, registered
when twilio_async is installed) need no import. Run it standalone with
``python -m twilio_async.testing --port 8080``.
"""

from .instant_retry import InstantRetry
from .server import (
    DEFAULT_ACCOUNT_SID,
    DEFAULT_AUTH_TOKEN,
    FakeTwilio,
    Fault,
    Latency,
    RecordedRequest,
)
from .state import FakeState
from .wire import FakeError

__all__ = [
    "DEFAULT_ACCOUNT_SID",
    "DEFAULT_AUTH_TOKEN",
    "FakeError",
    "FakeState",
    "FakeTwilio",
    "Fault",
    "InstantRetry",
    "Latency",
    "RecordedRequest",
]
