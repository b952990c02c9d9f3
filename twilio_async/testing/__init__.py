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

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Each name's module. Loaded on first access (PEP 562): pytest imports this package for
# the plugin in every project that has twilio_async installed, and the fake brings aiohttp
# and its API areas (about 0.35 s at pytest's start, measured with -X importtime).
_HOMES = {
    "DEFAULT_ACCOUNT_SID": "server",
    "DEFAULT_AUTH_TOKEN": "server",
    "FakeError": "wire",
    "FakeState": "state",
    "FakeTwilio": "server",
    "Fault": "server",
    "InstantRetry": "instant_retry",
    "Latency": "server",
    "RecordedRequest": "server",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


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
