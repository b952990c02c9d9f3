"""The transport against servers that misbehave on purpose, counted on the wire.

Each test runs a raw HTTP server on 127.0.0.1 (tests/rawserver.py) that can do what
aiohttp.web cannot: reset a connection after reading the request, stall, stream a body
larger than the client accepts. The assertions are about what arrived at the server (how
many requests, which request lines), not only about what the caller saw.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import subprocess
import sys
import textwrap
import threading
import tracemalloc
import zlib
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from yarl import URL

from twilio_async import (
    BadRequestError,
    Client,
    ClientClosedError,
    EventLoopError,
    NotFoundError,
    RateLimitError,
    ResponseTooLargeError,
    RetryPolicy,
    ServerError,
    TwilioConnectionError,
    TwilioTimeoutError,
    TwilioValidationError,
)
from twilio_async.transport import DEFAULT_MAX_RESPONSE_SIZE, Credentials, Request, Transport

from .rawserver import RawServer, Received, Reply, json_body

AC = "AC" + "0" * 32
PN = "PN" + "a" * 32
PN_OK = "PN" + "b" * 32
NUMBER = json_body({"sid": PN})
QUICK = RetryPolicy(max_retries=3, backoff_base=0.001, backoff_max=0.01)
MiB = 2**20


def client_for(server: RawServer, **options: Any) -> Client:
    return Client(AC, "token", base_url=server.url, environ={}, **options)


async def reset(request: Received, reply: Reply) -> None:
    reply.reset()


async def stall(request: Received, reply: Reply) -> None:
    await reply.stall()


def answer(status: int, body: bytes = b"", **headers: str) -> Callable[..., Awaitable[None]]:
    async def handler(request: Received, reply: Reply) -> None:
        sent = (("Content-Type", "application/json"), *headers.items())
        await reply.send(status, body, headers=tuple((k.replace("_", "-"), v) for k, v in sent))

    return handler


# -- 1. every attempt on the wire is one the retry policy decided and counted --------------------


@pytest.mark.parametrize("max_retries", [0, 2])
async def test_a_reset_get_goes_out_once_per_attempt_the_policy_counts(max_retries: int) -> None:
    # Before: aiohttp resent it once below the retry loop (2 GETs with max_retries=0, 6 with 2).
    async with RawServer(reset) as server:
        retry = RetryPolicy(max_retries=max_retries, backoff_base=0.001)
        async with client_for(server, retry=retry) as client:
            with pytest.raises(TwilioConnectionError) as excinfo:
                await client.incoming_phone_numbers(PN).fetch()
    assert server.count("GET") == 1 + max_retries
    assert excinfo.value.attempts == 1 + max_retries
    assert len(set(server.lines)) == 1  # the same request each time


@pytest.mark.parametrize(
    ("method", "call"),
    [
        ("POST", lambda c: c.incoming_phone_numbers.create(phone_number="+14155552344")),
        ("POST", lambda c: c.incoming_phone_numbers(PN).update(voice_url="https://e.com/v")),
        ("PUT", lambda c: c.api.v2008.incoming_phone_numbers(PN).update(url="https://e.com/v")),
    ],
    ids=["purchase", "update-2010", "update-2008-put"],
)
async def test_a_reset_write_that_may_have_been_processed_is_sent_once(
    method: str, call: Callable[[Client], Awaitable[object]]
) -> None:
    async with RawServer(reset) as server, client_for(server, retry=QUICK) as client:
        with pytest.raises(TwilioConnectionError) as excinfo:
            await call(client)
    assert server.count(method) == 1  # before: a PUT went out twice
    assert excinfo.value.request_sent is True
    assert excinfo.value.attempts == 1


async def test_a_reset_delete_is_resent_by_the_policy_and_a_late_404_says_how_many_attempts() -> (
    None
):
    async def first_reset_then_gone(request: Received, reply: Reply) -> None:
        if server.count("DELETE") == 1:
            reply.reset()  # as if Twilio released the number, then the connection broke
        else:
            body = json_body({"code": 20404, "message": "not found", "status": 404})
            await reply.send(404, body)

    async with (
        RawServer(first_reset_then_gone) as server,
        client_for(server, retry=QUICK) as client,
    ):
        with pytest.raises(NotFoundError) as excinfo:
            await client.incoming_phone_numbers(PN).delete()
    assert server.count("DELETE") == 2
    assert excinfo.value.attempts == 2
    assert "2 attempts" in str(excinfo.value)


async def test_aiohttp_still_has_the_resend_switch_the_client_turns_off() -> None:
    # The client relies on this private attribute (aiohttp's own test client sets it too):
    # if aiohttp renames or drops it, this fails, and transport.Sessions must follow.
    async with aiohttp.ClientSession() as session:
        assert session._retry_connection is True


async def test_a_session_passed_in_keeps_aiohttps_own_resend() -> None:
    # Documented: a session the user passes is used as configured, and aiohttp resends a
    # GET, PUT or DELETE once on a dropped connection. If this starts failing, aiohttp
    # changed, and README's "Retries" section must say so.
    async with RawServer(reset) as server, aiohttp.ClientSession() as session:
        retry = RetryPolicy(max_retries=0)
        async with client_for(server, retry=retry, session=session) as client:
            with pytest.raises(TwilioConnectionError):
                await client.incoming_phone_numbers(PN).fetch()
    assert server.count("GET") == 2


async def test_connections_are_still_kept_alive() -> None:
    async with RawServer(answer(200, NUMBER)) as server, client_for(server) as client:
        for _ in range(3):
            await client.incoming_phone_numbers(PN).fetch()
    assert (server.count("GET"), server.connections) == (3, 1)


# -- 2. a bound on a response's size ------------------------------------------------------------


def stream(total: int, *, content_length: bool) -> Callable[..., Awaitable[None]]:
    async def handler(request: Received, reply: Reply) -> None:
        await reply.stream(total, content_length=content_length)

    return handler


@pytest.mark.parametrize("content_length", [True, False], ids=["content-length", "until-close"])
async def test_a_100_mb_body_is_refused_at_the_cap_with_bounded_memory(
    content_length: bool,
) -> None:
    # Before: the whole body was read, about 1.3 GB traced, and a decode error followed.
    async with (
        RawServer(stream(100 * MiB, content_length=content_length)) as server,
        client_for(server, max_response_size=4 * MiB, retry=QUICK) as client,
    ):
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLargeError) as excinfo:
                await client.incoming_phone_numbers(PN).fetch()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    error = excinfo.value
    assert error.limit == 4 * MiB
    assert error.size == (100 * MiB if content_length else None)
    assert f"/IncomingPhoneNumbers/{PN}.json" in error.url
    assert "max_response_size (4 MiB" in str(error)
    assert error.url in str(error)
    assert peak < 8 * MiB
    assert server.count("GET") == 1  # not retried
    assert server.bytes_sent < 50 * MiB  # the server could not push it all


async def test_the_default_cap_refuses_a_100_mb_body() -> None:
    async with (
        RawServer(stream(100 * MiB, content_length=False)) as server,
        client_for(server) as client,
    ):
        assert client.max_response_size == DEFAULT_MAX_RESPONSE_SIZE == 32 * MiB
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLargeError):
                await client.incoming_phone_numbers(PN).fetch()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 40 * MiB


async def test_a_compressed_body_is_capped_by_its_inflated_size() -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip
    bomb = packer.compress(bytes(64 * MiB)) + packer.flush()
    assert len(bomb) < MiB
    async with (
        RawServer(answer(200, bomb, Content_Encoding="gzip")) as server,
        client_for(server, max_response_size=4 * MiB) as client,
    ):
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLargeError):
                await client.incoming_phone_numbers(PN).fetch()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 16 * MiB


@pytest.mark.parametrize("content_length", [True, False], ids=["content-length", "until-close"])
async def test_a_body_of_exactly_the_cap_is_read_and_one_byte_more_is_not(
    content_length: bool,
) -> None:
    async with RawServer(stream(1000, content_length=content_length)) as server:
        url = URL(server.url + "/x")
        for limit, fits in [(1000, True), (999, False)]:
            transport = Transport(credentials=Credentials(AC, "t"), max_response_size=limit)
            try:
                if fits:
                    response = await transport.request(Request("GET", url))
                    assert response.body == b"x" * 1000
                else:
                    with pytest.raises(ResponseTooLargeError):
                        await transport.request(Request("GET", url))
            finally:
                await transport.close()


# -- 5. text UTF-8 cannot carry is refused before anything is sent -------------------------------


async def test_a_lone_surrogate_anywhere_is_a_validation_error_and_nothing_is_sent() -> None:
    # Before: a bare UnicodeEncodeError from deep inside the URL encoder.
    bad = "a\ud800b"
    async with RawServer(answer(200, NUMBER)) as server, client_for(server) as client:
        numbers = client.incoming_phone_numbers
        installs = client.marketplace.installed_add_ons
        calls: list[tuple[str, Callable[[], Awaitable[object]]]] = [
            ("friendly_name", lambda: numbers.create(area_code="415", friendly_name=bad)),
            ("friendly_name", lambda: numbers(PN).update(friendly_name=bad)),
            ("friendly_name", lambda: numbers.list(friendly_name=bad)),
            ("sid", lambda: numbers("PN" + "\ud800" * 32).fetch()),
            (
                "configuration",
                lambda: installs.create(
                    available_add_on_sid="XB" + "0" * 32,
                    accept_terms_of_service=True,
                    configuration={"words": [bad]},
                ),
            ),
        ]
        for param, call in calls:
            with pytest.raises(TwilioValidationError) as excinfo:
                await call()
            assert excinfo.value.param == param
        await numbers(PN).fetch()  # and the client goes on working
    assert len(server.requests) == 1


# -- 7. a bound on a call's total time ---------------------------------------------------------


async def test_total_timeout_ends_a_call_to_a_stalled_server() -> None:
    # Before: 30 s per attempt x 4 attempts, plus backoff.
    async with RawServer(stall) as server, client_for(server, total_timeout=0.5) as client:
        assert client.timeout.total == 30.0
        with pytest.raises(TwilioTimeoutError) as excinfo:
            await asyncio.wait_for(client.incoming_phone_numbers(PN).fetch(), 20)
    assert "total_timeout of 0.5s" in str(excinfo.value)
    assert excinfo.value.attempts == 1 == server.count("GET")
    assert excinfo.value.request_sent is True


async def test_total_timeout_covers_retries_and_counts_every_attempt() -> None:
    async def fail_then_stall(request: Received, reply: Reply) -> None:
        if server.count("GET") == 1:
            await reply.send(503, json_body({"message": "busy"}))
        else:
            await reply.stall()

    async with (
        RawServer(fail_then_stall) as server,
        client_for(server, total_timeout=2.0, retry=QUICK) as client,
    ):
        with pytest.raises(TwilioTimeoutError) as excinfo:
            await asyncio.wait_for(client.incoming_phone_numbers(PN).fetch(), 20)
    assert excinfo.value.attempts == 2 == server.count("GET")
    assert "2 attempts" in str(excinfo.value)


@pytest.mark.parametrize(("status", "error"), [(503, ServerError), (429, RateLimitError)])
async def test_a_wait_that_would_pass_the_budget_is_not_slept(
    status: int, error: type[Exception]
) -> None:
    body = json_body({"message": "later", "code": 20429 if status == 429 else 20500})
    retry = RetryPolicy(max_retry_after=120)
    async with (
        RawServer(answer(status, body, Retry_After="30")) as server,
        client_for(server, total_timeout=10, retry=retry) as client,
    ):
        with pytest.raises(error) as excinfo:  # at once: not after 10 s, nor 30
            await asyncio.wait_for(client.incoming_phone_numbers(PN).fetch(), 5)
    assert server.count("GET") == 1
    assert excinfo.value.attempts == 1  # type: ignore[attr-defined]
    assert "not retried: a wait of 30s would pass the total_timeout of 10s" in str(excinfo.value)


async def test_with_options_changes_options_per_call_and_shares_session_and_bound() -> None:
    async def by_sid(request: Received, reply: Reply) -> None:
        if PN in request.path:
            await reply.stall()
        else:
            await reply.send(200, json_body({"sid": PN_OK}))

    async with RawServer(by_sid) as server, client_for(server, max_concurrency=1) as client:
        quick = client.with_options(total_timeout=0.5, retry=RetryPolicy(max_retries=0))
        assert (quick.total_timeout, client.total_timeout) == (0.5, 60.0)
        assert quick.retry.max_retries == 0
        assert client.retry.max_retries == 3
        stalled = asyncio.create_task(quick.incoming_phone_numbers(PN).fetch())
        await server.wait_for(lambda: server.stalled == 1)
        # The one slot is the stalled call's: this waits for it, then goes out.
        number = await asyncio.wait_for(client.incoming_phone_numbers(PN_OK).fetch(), 20)
        with pytest.raises(TwilioTimeoutError):
            await stalled
        assert number.sid == PN_OK
        assert server.peak_in_flight == 1
        assert server.requests[-1].path.endswith(f"{PN_OK}.json")
        await client.incoming_phone_numbers(PN_OK).fetch()
        await quick.close()  # closing either closes both
        assert client.closed
    assert server.count("GET") == 3


def test_with_options_checks_what_it_is_given() -> None:
    client = Client(AC, "token", environ={})
    with pytest.raises(ValueError, match="total_timeout") as excinfo:
        client.with_options(total_timeout=-1)
    assert getattr(excinfo.value, "param", None) == "total_timeout"
    with pytest.raises(TypeError, match="nope"):
        client.with_options(nope=1)  # type: ignore[call-arg]
    assert client.with_options(total_timeout=None).total_timeout is None


# -- 8. close() interrupts a call at once ------------------------------------------------------


async def test_close_wakes_a_call_waiting_to_retry() -> None:
    retry = RetryPolicy(max_retry_after=60)
    async with RawServer(answer(503, b"{}", Retry_After="30")) as server:
        client = client_for(server, retry=retry)
        call = asyncio.create_task(client.incoming_phone_numbers(PN).fetch())
        await server.wait_for(lambda: server.count("GET") == 1 and server.in_flight == 0)
        await client.close()
        with pytest.raises(ClientClosedError):
            await asyncio.wait_for(call, 5)  # not after the 30 s wait
    assert server.count("GET") == 1


async def test_close_during_an_in_flight_get_raises_at_once_and_sends_nothing_more() -> None:
    # Before: the broken GET first slept a backoff (here up to 30 s), then raised.
    retry = RetryPolicy(backoff_base=30, backoff_max=30)
    async with RawServer(stall) as server:
        client = client_for(server, retry=retry)
        call = asyncio.create_task(client.incoming_phone_numbers(PN).fetch())
        await server.wait_for(lambda: server.stalled == 1)
        await client.close()
        with pytest.raises(ClientClosedError):
            await asyncio.wait_for(call, 5)
    assert server.count("GET") == 1


# -- 9. nothing a server sends can forge a log line ---------------------------------------------

FORGED = "bad\r\nINFO twilio_async: all good\x1b[2J\u2028\u202e"


async def test_control_characters_from_the_server_are_escaped_in_errors_and_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = json_body({"code": 20001, "message": FORGED, "more_info": "x\ny", "status": 400})
    handler = answer(400, body, Twilio_Request_Id="RQ\x1b[31m1")
    with caplog.at_level(logging.DEBUG, logger="twilio_async"):
        async with RawServer(handler) as server, client_for(server) as client:
            with pytest.raises(BadRequestError) as excinfo:
                await client.incoming_phone_numbers(PN).fetch()
    error = excinfo.value
    text = str(error)
    assert text.isprintable()
    assert "bad\\r\\nINFO twilio_async: all good\\x1b[2J\\u2028\\u202e" in text
    assert "request id: RQ\\x1b[31m1" in text
    assert (error.message, error.more_info, error.request_id) == (FORGED, "x\ny", "RQ\x1b[31m1")
    messages = [record.getMessage() for record in caplog.records]
    assert any("RQ\\x1b[31m1" in m for m in messages)
    assert all(m.isprintable() for m in messages)


async def test_a_reason_phrase_and_a_garbled_answer_are_escaped_too() -> None:
    async def odd_reason(request: Received, reply: Reply) -> None:
        await reply.write(b"HTTP/1.1 400 Bad\x1b[2JRequest\r\nContent-Length: 0\r\n\r\n")

    async def garbled(request: Received, reply: Reply) -> None:
        await reply.write(b"\x1b[2J\r\nINFO forged\r\n\r\n")
        reply.close()

    async with RawServer(odd_reason) as server, client_for(server) as client:
        with pytest.raises(BadRequestError) as api_error:
            await client.incoming_phone_numbers(PN).fetch()
    async with RawServer(garbled) as server, client_for(server, retry=QUICK) as client:
        with pytest.raises(TwilioConnectionError) as broken:
            await client.incoming_phone_numbers(PN).fetch()
    assert "Bad\\x1b[2JRequest" in str(api_error.value)
    for error in (api_error.value, broken.value):
        assert str(error).isprintable()


# -- 10. one client, several event loops ---------------------------------------------------------


def test_a_client_made_outside_any_loop_works_in_one_asyncio_run_after_another() -> None:
    # Before: the second run failed with a raw "RuntimeError: Event loop is closed".
    with RawServer(answer(200, NUMBER)).in_thread() as server:
        client = client_for(server, max_concurrency=1)

        async def use() -> list[str]:
            # Two calls at once contend for the one slot: the bound works in this loop.
            numbers = await asyncio.gather(
                *(client.incoming_phone_numbers(PN).fetch() for _ in "ab")
            )
            return [n.sid for n in numbers]

        assert asyncio.run(use()) == [PN, PN]
        assert asyncio.run(use()) == [PN, PN]
        asyncio.run(client.close())
        gc.collect()  # an unclosed session or connector would warn now (warnings are errors)
    assert server.count("GET") == 4
    assert server.connections == 2  # one session, and its connection, per loop


def test_a_client_used_from_a_second_loop_while_the_first_is_open_says_what_to_do() -> None:
    with RawServer(answer(200, NUMBER)).in_thread() as server:
        client = client_for(server)
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever)
        thread.start()
        try:
            fetched = asyncio.run_coroutine_threadsafe(
                client.incoming_phone_numbers(PN).fetch(), loop
            ).result(10)
            assert fetched.sid == PN

            async def elsewhere() -> None:
                with pytest.raises(EventLoopError, match="one Client per event loop") as excinfo:
                    await client.incoming_phone_numbers(PN).fetch()
                assert isinstance(excinfo.value, RuntimeError)
                with pytest.raises(EventLoopError):
                    await client.close()

            asyncio.run(elsewhere())
            asyncio.run_coroutine_threadsafe(client.close(), loop).result(10)
            assert client.closed
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
            loop.close()
    assert server.count("GET") == 1


def test_a_session_passed_in_serves_only_the_loop_it_first_served() -> None:
    with RawServer(answer(200, NUMBER)).in_thread() as server:
        client: Client | None = None

        async def first() -> None:
            nonlocal client
            async with aiohttp.ClientSession() as session:
                client = client_for(server, session=session)
                await client.incoming_phone_numbers(PN).fetch()

        async def second() -> None:
            assert client is not None
            with pytest.raises(EventLoopError, match="pass a session created in the loop"):
                await client.incoming_phone_numbers(PN).fetch()

        asyncio.run(first())
        asyncio.run(second())
    assert server.count("GET") == 1


def test_a_module_level_client_serves_every_test_of_a_pytest_asyncio_run(tmp_path: Path) -> None:
    # pytest-asyncio gives each test its own loop: before, the second test failed.
    module = tmp_path / "test_module_client.py"
    module.write_text(
        textwrap.dedent(
            f"""
            import os
            from twilio_async import Client

            client = Client({AC!r}, "token", base_url=os.environ["RAW_URL"], environ={{}})

            async def test_one():
                assert (await client.incoming_phone_numbers({PN!r}).fetch()).sid == {PN!r}

            async def test_two():
                assert (await client.incoming_phone_numbers({PN!r}).fetch()).sid == {PN!r}
            """
        )
    )
    with RawServer(answer(200, NUMBER)).in_thread() as server:
        options = ["asyncio_mode=auto", "asyncio_default_fixture_loop_scope=function"]
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error"]
            + [arg for option in options for arg in ("-o", option)]
            + ["--rootdir", str(module.parent), str(module)],
            env={**os.environ, "RAW_URL": server.url},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout
    assert (server.count("GET"), server.connections) == (2, 2)
