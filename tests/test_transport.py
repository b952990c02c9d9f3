"""Retries, timeouts, connection failures and error reporting, counted at the server."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from twilio_async import (
    AuthenticationError,
    BadRequestError,
    Client,
    ConfigurationError,
    NotFoundError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    TwilioAPIError,
    TwilioConnectionError,
    TwilioError,
    TwilioTimeoutError,
)
from twilio_async.testing import FakeTwilio, Fault

from .conftest import FAST_RETRY

PN = "PN" + "a" * 32


@pytest.fixture
async def number_sid(fake: FakeTwilio) -> str:
    (sid,) = fake.seed_numbers(1)
    fake.requests.clear()
    return sid


# -- 429: retried for every method, honouring Retry-After -----------------------------------


async def test_429_is_retried_for_a_purchase_and_buys_once(
    client: Client, fake: FakeTwilio
) -> None:
    fake.inject(Fault(status=429, retry_after="0", method="POST", times=2))
    number = await client.incoming_phone_numbers.create(phone_number="+14155552344")
    assert len(fake.requests_to("POST", "/IncomingPhoneNumbers.json")) == 3
    assert [n["sid"] for n in fake.state.numbers.values()] == [number.sid]


async def test_429_is_retried_for_get_and_delete(
    client: Client, fake: FakeTwilio, number_sid: str
) -> None:
    fake.inject(Fault(status=429, retry_after="0", times=1))
    await client.incoming_phone_numbers(number_sid).fetch()
    fake.inject(Fault(status=429, times=1))  # no Retry-After: backoff
    await client.incoming_phone_numbers(number_sid).delete()
    assert len(fake.requests_to("GET")) == 2
    assert len(fake.requests_to("DELETE")) == 2


async def test_retry_after_is_honoured(fake: FakeTwilio, number_sid: str) -> None:
    fake.inject(Fault(status=429, retry_after="0.3", times=1))
    async with fake.client(retry=RetryPolicy(max_retries=1, backoff_base=0.0)) as client:
        loop = __import__("asyncio").get_running_loop()
        started = loop.time()
        await client.incoming_phone_numbers(number_sid).fetch()
        assert loop.time() - started >= 0.3


async def test_429_gives_up_after_max_retries_with_a_typed_error(
    client: Client, fake: FakeTwilio, number_sid: str
) -> None:
    fake.inject(Fault(status=429, retry_after="0", times=10))
    with pytest.raises(RateLimitError) as excinfo:
        await client.incoming_phone_numbers(number_sid).fetch()
    assert len(fake.requests) == 1 + FAST_RETRY.max_retries
    assert excinfo.value.retry_after == 0.0
    assert excinfo.value.code == 20429


async def test_retry_after_longer_than_allowed_fails_at_once(
    fake: FakeTwilio, number_sid: str
) -> None:
    fake.inject(Fault(status=429, retry_after="3600", times=1))
    async with fake.client(retry=RetryPolicy(max_retry_after=5)) as client:
        with pytest.raises(RateLimitError) as excinfo:
            await client.incoming_phone_numbers(number_sid).fetch()
    assert excinfo.value.retry_after == 3600
    assert len(fake.requests) == 1


# -- 5xx and connection failures: idempotent methods only -----------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_5xx_is_retried_for_get(
    client: Client, fake: FakeTwilio, number_sid: str, status: int
) -> None:
    fake.inject(Fault(status=status, times=2))
    number = await client.incoming_phone_numbers(number_sid).fetch()
    assert number.sid == number_sid
    assert len(fake.requests) == 3


async def test_5xx_is_retried_for_delete(client: Client, fake: FakeTwilio, number_sid: str) -> None:
    fake.inject(Fault(status=503, method="DELETE", times=1))
    await client.incoming_phone_numbers(number_sid).delete()
    assert len(fake.requests_to("DELETE")) == 2
    assert number_sid not in fake.state.numbers


async def test_5xx_is_never_retried_for_post(client: Client, fake: FakeTwilio) -> None:
    fake.inject(Fault(status=503, method="POST", times=1))
    with pytest.raises(ServerError) as excinfo:
        await client.incoming_phone_numbers.create(phone_number="+14155552344")
    assert excinfo.value.status == 503
    assert len(fake.requests) == 1
    assert fake.state.numbers == {}


async def test_update_is_a_post_and_is_not_retried_on_5xx(
    client: Client, fake: FakeTwilio, number_sid: str
) -> None:
    fake.inject(Fault(status=500, method="POST", times=1))
    with pytest.raises(ServerError):
        await client.incoming_phone_numbers(number_sid).update(voice_url="https://e.com/v")
    assert len(fake.requests) == 1


async def test_dropped_connections_are_retried_for_get(
    client: Client, fake: FakeTwilio, number_sid: str
) -> None:
    # Every attempt is the retry loop's (aiohttp's own resend is off): 3 drops, 3 retries.
    fake.inject(Fault(drop=True, times=3))
    number = await client.incoming_phone_numbers(number_sid).fetch()
    assert number.sid == number_sid
    assert len(fake.requests) == 4


async def test_dropped_connections_surface_as_twilio_errors(
    fake: FakeTwilio, number_sid: str
) -> None:
    fake.inject(Fault(drop=True, times=10))
    async with fake.client(retry=RetryPolicy(max_retries=1, backoff_base=0.001)) as client:
        with pytest.raises(TwilioConnectionError) as excinfo:
            await client.incoming_phone_numbers(number_sid).fetch()
    assert excinfo.value.method == "GET"
    assert number_sid in excinfo.value.url
    # The aiohttp error stays reachable as the cause, for debugging.
    assert isinstance(excinfo.value.__cause__, aiohttp.ClientError)


async def test_dropped_connection_on_purchase_is_not_retried(
    client: Client, fake: FakeTwilio
) -> None:
    fake.inject(Fault(drop=True, method="POST", times=1))
    with pytest.raises(TwilioConnectionError) as excinfo:
        await client.incoming_phone_numbers.create(phone_number="+14155552344")
    assert excinfo.value.request_sent is True
    assert excinfo.value.method == "POST"
    assert len(fake.requests) == 1


async def test_refused_connection_is_a_twilio_error_and_post_is_retried() -> None:
    # Nothing listens on the port: a purchase that never left is safe to retry.
    async with FakeTwilio() as fake:
        base = fake.url
    retry = RetryPolicy(max_retries=2, backoff_base=0.001)
    async with Client("AC" + "0" * 32, "token", base_url=base, retry=retry) as client:
        with pytest.raises(TwilioConnectionError) as excinfo:
            await client.incoming_phone_numbers.create(phone_number="+14155552344")
    assert excinfo.value.request_sent is False
    assert isinstance(excinfo.value, TwilioError)
    assert not isinstance(excinfo.value, aiohttp.ClientError)


# -- timeouts ---------------------------------------------------------------------------


async def test_timeout_is_applied_and_raises_a_twilio_error(
    fake: FakeTwilio, number_sid: str
) -> None:
    fake.inject(Fault(latency=2.0, times=5))
    async with fake.client(timeout=0.1, retry=RetryPolicy(max_retries=0)) as client:
        with pytest.raises(TwilioTimeoutError) as excinfo:
            await client.incoming_phone_numbers(number_sid).fetch()
    assert "0.1" in str(excinfo.value)
    assert excinfo.value.__cause__ is None
    assert excinfo.value.__suppress_context__
    assert len(fake.requests) == 1


async def test_timed_out_get_is_retried(fake: FakeTwilio, number_sid: str) -> None:
    fake.inject(Fault(latency=1.0, times=1))
    async with fake.client(timeout=0.2, retry=FAST_RETRY) as client:
        number = await client.incoming_phone_numbers(number_sid).fetch()
    assert number.sid == number_sid
    assert len(fake.requests) == 2


async def test_timed_out_purchase_is_not_retried(fake: FakeTwilio) -> None:
    fake.inject(Fault(latency=1.0, method="POST", times=1))
    async with fake.client(timeout=0.2, retry=FAST_RETRY) as client:
        with pytest.raises(TwilioTimeoutError):
            await client.incoming_phone_numbers.create(phone_number="+14155552344")
    assert len(fake.requests) == 1


async def test_default_timeout_is_explicit(client: Client) -> None:
    assert client.timeout.total == 30.0


# -- error reporting --------------------------------------------------------------------


async def test_api_error_carries_every_detail(client: Client, fake: FakeTwilio) -> None:
    with pytest.raises(NotFoundError) as excinfo:
        await client.incoming_phone_numbers(PN).fetch()
    error = excinfo.value
    assert error.status == 404
    assert error.code == 20404
    assert error.more_info == "https://www.twilio.com/docs/errors/20404"
    assert "was not found" in error.message
    assert error.method == "GET"
    assert (
        error.url
        == f"{fake.url}/2010-04-01/Accounts/{fake.account_sid}/IncomingPhoneNumbers/{PN}.json"
    )
    assert error.request_id is not None
    assert error.request_id.startswith("RQ")
    assert error.request_id in str(error)


async def test_list_errors_are_the_same_typed_errors(client: Client, fake: FakeTwilio) -> None:
    fake.inject(Fault(status=400, body={"code": 20001, "message": "bad", "status": 400}))
    with pytest.raises(BadRequestError) as excinfo:
        await client.incoming_phone_numbers.list()
    assert (excinfo.value.code, excinfo.value.method) == (20001, "GET")
    fake.seed_numbers(3)
    fake.inject(Fault(status=404, path="/IncomingPhoneNumbers.json", times=1))
    stream = client.incoming_phone_numbers.stream()
    with pytest.raises(NotFoundError):
        [n async for n in stream]
    page = await client.incoming_phone_numbers.page(page_size=1)
    fake.inject(Fault(status=400, times=1))
    with pytest.raises(BadRequestError):
        await page.next_page()


async def test_rfc9457_problem_body(client: Client, fake: FakeTwilio) -> None:
    fake.inject(
        Fault(
            status=400,
            body={
                "type": "https://www.twilio.com/docs/errors/20001",
                "title": "Invalid parameter",
                "status": 400,
                "code": 20001,
                "detail": "PageSize must be positive",
                "instance": "/v1/x",
            },
        )
    )
    with pytest.raises(BadRequestError) as excinfo:
        await client.incoming_phone_numbers.list()
    assert excinfo.value.code == 20001
    assert "PageSize must be positive" in excinfo.value.message
    assert excinfo.value.more_info == "https://www.twilio.com/docs/errors/20001"


async def test_html_502_from_a_proxy(fake: FakeTwilio, number_sid: str) -> None:
    html = "<html><body><h1>502 Bad Gateway</h1>" + "x" * 5000 + "</body></html>"
    fake.inject(Fault(status=502, body=html, content_type="text/html", times=1))
    async with fake.client(retry=RetryPolicy(max_retries=0)) as client:
        with pytest.raises(ServerError) as excinfo:
            await client.incoming_phone_numbers(number_sid).fetch()
    assert excinfo.value.status == 502
    assert excinfo.value.code is None
    assert "502 Bad Gateway" in excinfo.value.message
    assert len(str(excinfo.value)) < 800  # an excerpt, not the whole page


async def test_wrong_credentials_give_authentication_error(fake: FakeTwilio) -> None:
    async with fake.client(auth_token="not-the-token") as client:
        with pytest.raises(AuthenticationError) as excinfo:
            await client.incoming_phone_numbers.list()
    assert excinfo.value.code == 20003
    assert "not-the-token" not in str(excinfo.value)
    assert fake.auth_token not in str(excinfo.value)


async def test_api_key_credentials(fake: FakeTwilio) -> None:
    key, secret = fake.create_api_key()
    async with fake.client(auth_token=None, api_key=key, api_secret=secret) as client:
        assert await client.incoming_phone_numbers.list() == []
        assert "api key" in repr(client)
        assert secret not in repr(client)
    sent = fake.requests[0].headers["Authorization"]
    assert sent.startswith("Basic ")


async def test_headers_sent(client: Client, fake: FakeTwilio) -> None:
    await client.incoming_phone_numbers.list()
    headers = fake.requests[0].headers
    assert headers["User-Agent"].startswith("twilio_async/")
    assert "Python/" in headers["User-Agent"]
    assert headers["Accept"] == "application/json"


async def test_secrets_never_logged(
    fake: FakeTwilio, number_sid: str, caplog: pytest.LogCaptureFixture
) -> None:
    fake.inject(Fault(status=503, times=1))
    with caplog.at_level(logging.DEBUG, logger="twilio_async"):
        async with fake.client(retry=FAST_RETRY) as client:
            await client.incoming_phone_numbers(number_sid).fetch()
    assert "retrying GET" in caplog.text
    assert fake.auth_token not in caplog.text
    assert "Basic " not in caplog.text


async def test_error_is_raised_not_retried_for_client_errors(
    client: Client, fake: FakeTwilio
) -> None:
    with pytest.raises(TwilioAPIError):
        await client.incoming_phone_numbers.create(area_code="555")
    assert len(fake.requests) == 1


def test_transport_checks_its_options_at_construction() -> None:
    from twilio_async.transport import Credentials, Transport

    credentials = Credentials("AC" + "0" * 32, "token")
    for option, bad in [
        ("timeout", object()),
        ("timeout", True),
        ("total_timeout", 0),
        ("total_timeout", "60"),
        ("retry", 3),
        ("max_response_size", 0),
        ("max_response_size", 1.5),
        ("max_concurrency", 0),
    ]:
        with pytest.raises(ConfigurationError) as excinfo:
            Transport(credentials=credentials, **{option: bad})  # type: ignore[arg-type]
        assert excinfo.value.param == option
    assert Transport(credentials=credentials, timeout=2).timeout.total == 2.0
    assert Transport(credentials=credentials, total_timeout=None).total_timeout is None
