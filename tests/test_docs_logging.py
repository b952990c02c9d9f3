"""What docs/logging.md promises: the loggers and levels it names, and no secret in any log
record, exception text or repr of a run with retries, failures and errors."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator

import pytest

from tests.bulk_support import FAST
from twilio_async import (
    AuthenticationError,
    Client,
    NotFoundError,
    RateLimitError,
    RetryPolicy,
    TwilioConnectionError,
    TwilioError,
)
from twilio_async.bulk import BulkJob, BuyNumbers
from twilio_async.testing import FakeTwilio, Fault

QUICK_RETRY = RetryPolicy(max_retries=3, backoff_base=0.001, backoff_max=0.01)
NUMBERS = "/IncomingPhoneNumbers.json"


def basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


def texts_of(records: list[logging.LogRecord]) -> Iterator[str]:
    """Everything a handler could write of each record: the message, its arguments, the
    formatted exception and traceback, and every extra attribute."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    for record in records:
        yield formatter.format(record)
        yield repr(record.args)
        yield repr(vars(record))


async def run_everything(fake: FakeTwilio, client: Client, seen: list[str]) -> None:
    """Retries (503s, a 429 with Retry-After, dropped connections), then failures for good
    and errors of every kind, keeping the text and repr of each error and of the client."""
    fake.inject(
        Fault(status=503, method="GET", times=2),
        Fault(status=429, retry_after="0", method="GET", times=1),
    )
    await client.incoming_phone_numbers.list()  # retried 3 times, then answered
    fake.inject(Fault(drop=True, method="GET", times=None))
    with pytest.raises(TwilioConnectionError) as dropped:
        await client.incoming_phone_numbers.list()
    fake.faults.clear()
    fake.inject(Fault(status=429, method="GET", times=None))
    with pytest.raises(RateLimitError) as limited:
        await client.incoming_phone_numbers.list()
    fake.faults.clear()
    with pytest.raises(NotFoundError) as missing:
        await client.incoming_phone_numbers("PN" + "0" * 32).fetch()
    for error in (dropped.value, limited.value, missing.value):
        seen += [str(error), repr(error), repr(error.__cause__), repr(vars(error))]
    seen += [repr(client), repr(client.incoming_phone_numbers)]


async def test_no_secret_in_any_log_record_error_or_repr(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, every level
    seen: list[str] = []
    async with FakeTwilio() as fake:
        key, key_secret = fake.state.add_api_key(fake.account_sid)
        token = fake.auth_token
        secrets = [token, key_secret, basic(fake.account_sid, token), basic(key, key_secret)]

        async with fake.client(retry=QUICK_RETRY) as client:
            await run_everything(fake, client, seen)
        keyed = fake.client(auth_token=None, api_key=key, api_secret=key_secret, retry=QUICK_RETRY)
        async with keyed:
            await run_everything(fake, keyed, seen)

        # Credentials refused: the error and its log lines name no secret either.
        wrong_token = "fake-twilio-wrong-" + token[-8:]
        secrets.append(wrong_token)
        async with fake.client(auth_token=wrong_token) as wrong:
            with pytest.raises(AuthenticationError) as refused:
                await wrong.incoming_phone_numbers.list()
            seen += [str(refused.value), repr(refused.value)]

        # A bulk job stopped by an error every purchase gets (logged at ERROR).
        fake.inject(Fault(status=401, method="POST", path=NUMBERS, times=None))
        async with fake.client(retry=QUICK_RETRY) as client:
            summary = await BulkJob(client, BuyNumbers(3), **FAST).run()
        assert isinstance(summary.error, TwilioError)
        seen += [repr(summary), *(repr(item) for item in summary.failed)]

    records = caplog.records
    levels = {(record.name, record.levelname) for record in records}
    # The run logged what docs/logging.md says it logs (so the check below saw something).
    assert ("twilio_async", "DEBUG") in levels
    assert ("twilio_async", "INFO") in levels
    assert ("twilio_async.bulk", "ERROR") in levels
    retries = [r.getMessage() for r in records if r.levelname == "INFO"]
    assert any("retrying GET" in m and "after HTTP 503" in m for m in retries)
    assert any("after TwilioConnectionError" in m for m in retries)
    cuts = [m for m in retries if m.startswith("concurrency limit")]  # the 429s cut the limit
    assert cuts
    assert all("after a 429 (the account's concurrency limit)" in m for m in cuts)

    everything = [*texts_of(records), *seen]
    for secret in secrets:
        assert not [text for text in everything if secret in text]
