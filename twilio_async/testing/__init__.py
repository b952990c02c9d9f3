"""A fake Twilio for tests and examples: a real aiohttp server on 127.0.0.1.

::

    from twilio_async.testing import FakeTwilio

    async with FakeTwilio() as fake:
        async with fake.client() as client:
            ...

Run it standalone with ``python -m twilio_async.testing --port 8080``.
"""

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
    "Latency",
    "RecordedRequest",
]
