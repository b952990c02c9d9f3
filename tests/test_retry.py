"""Retry rules and Retry-After parsing (twilio_async.retry): pure, no server, no sleeping."""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta, timezone

import pytest

from twilio_async.retry import RESENDABLE_METHODS, RetryPolicy, parse_retry_after

UTC = timezone.utc
NOW = datetime(2015, 10, 21, 7, 27, 0, tzinfo=UTC)
POLICY = RetryPolicy(max_retries=3, backoff_base=0.5, backoff_max=8.0, max_retry_after=60.0)


class CeilingRandom(random.Random):
    """Always draws the top of the range: exposes the backoff ceiling."""

    def uniform(self, a: float, b: float) -> float:
        return b


def status_delay(
    method: str,
    status: int,
    *,
    retry_number: int = 0,
    retry_after: float | None = None,
    policy: RetryPolicy = POLICY,
    rng: random.Random | None = None,
) -> float | None:
    return policy.delay_for_status(
        method=method,
        status=status,
        retry_number=retry_number,
        retry_after=retry_after,
        rng=rng or random.Random(7),
    )


# --- parse_retry_after ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("1.5", 1.5),
        (" 7 ", 7.0),
        ("\t3\r\n", 3.0),
        ("1e2", 100.0),
        ("-5", 0.0),
        ("-0.1", 0.0),
    ],
)
def test_retry_after_delta_seconds(header: str, seconds: float) -> None:
    assert parse_retry_after(header, now=NOW) == seconds


@pytest.mark.parametrize(
    "header", [None, "", "   ", "soon", "12 seconds", "nan", "NaN", "inf", "-inf", "1e400"]
)
def test_unreadable_or_non_finite_retry_after_is_none(header: str | None) -> None:
    assert parse_retry_after(header, now=NOW) is None


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("Wed, 21 Oct 2015 07:28:00 GMT", 60.0),
        ("Wed, 21 Oct 2015 07:27:30 +0000", 30.0),
        ("Wed, 21 Oct 2015 09:28:00 +0200", 60.0),
        ("Wed, 21 Oct 2015 07:28:00 -0000", 60.0),  # "-0000": UTC, zone unknown
    ],
)
def test_retry_after_http_date_in_the_future(header: str, seconds: float) -> None:
    assert parse_retry_after(header, now=NOW) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "header", ["Wed, 21 Oct 2015 07:26:00 GMT", "Thu, 01 Jan 1970 00:00:00 GMT"]
)
def test_retry_after_http_date_in_the_past_is_zero(header: str) -> None:
    assert parse_retry_after(header, now=NOW) == 0.0


def test_retry_after_http_date_uses_the_current_time_by_default() -> None:
    future = (datetime.now(UTC) + timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    seconds = parse_retry_after(future)
    assert seconds is not None
    assert 3500 < seconds <= 3600
    assert parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT") == 0.0


# --- RetryPolicy: HTTP statuses ------------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "GET", "DELETE", "post"])
def test_429_is_retried_for_every_method_honouring_retry_after(method: str) -> None:
    assert status_delay(method, 429, retry_after=2.5) == 2.5
    assert status_delay(method, 429, retry_after=0.0) == 0.0


def test_429_retry_after_up_to_the_limit_is_honoured_and_above_it_gives_up() -> None:
    assert status_delay("GET", 429, retry_after=60.0) == 60.0
    assert status_delay("GET", 429, retry_after=60.5) is None
    assert status_delay("POST", 429, retry_after=3600.0) is None


@pytest.mark.parametrize("retry_number", [0, 1, 2])
@pytest.mark.parametrize("seed", range(20))
def test_429_without_retry_after_backs_off_within_the_cap(retry_number: int, seed: int) -> None:
    cap = min(POLICY.backoff_max, POLICY.backoff_base * 2**retry_number)
    delay = status_delay("POST", 429, retry_number=retry_number, rng=random.Random(seed))
    assert delay is not None
    assert 0.0 <= delay <= cap


@pytest.mark.parametrize("status", [500, 502, 503, 504])
@pytest.mark.parametrize("method", ["GET", "DELETE", "HEAD", "OPTIONS", "get"])
def test_5xx_is_retried_for_resendable_methods(status: int, method: str) -> None:
    delay = status_delay(method, status)
    assert delay is not None
    assert 0.0 <= delay <= POLICY.backoff_base
    assert status_delay(method, status, retry_after=4.0) == 4.0


@pytest.mark.parametrize("status", [500, 502, 503, 504])
@pytest.mark.parametrize("method", ["POST", "post", "PATCH", "PUT", "put"])
def test_5xx_is_never_retried_for_post_or_put(status: int, method: str) -> None:
    assert status_delay(method, status) is None
    assert status_delay(method, status, retry_after=1.0) is None


def test_5xx_retry_after_above_the_limit_falls_back_to_backoff() -> None:
    delay = status_delay("GET", 503, retry_after=3600.0)
    assert delay is not None
    assert delay <= POLICY.backoff_base


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 409, 418, 501, 505])
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_other_statuses_are_never_retried(status: int, method: str) -> None:
    assert status_delay(method, status) is None
    assert status_delay(method, status, retry_after=1.0) is None


def test_retries_stop_at_max_retries() -> None:
    for status in (429, 503):
        assert status_delay("GET", status, retry_number=2, retry_after=1.0) == 1.0
        assert status_delay("GET", status, retry_number=3, retry_after=1.0) is None
        assert status_delay("GET", status, retry_number=10) is None


def test_max_retries_zero_disables_retrying() -> None:
    policy = RetryPolicy(max_retries=0)
    assert status_delay("GET", 429, retry_after=1.0, policy=policy) is None
    assert status_delay("GET", 503, policy=policy) is None
    assert policy.delay_for_failure(method="GET", request_sent=False, retry_number=0) is None


# --- RetryPolicy: connection failures and timeouts ------------------------------------------------


@pytest.mark.parametrize("method", sorted(RESENDABLE_METHODS))
@pytest.mark.parametrize("request_sent", [True, False])
def test_failures_of_resendable_methods_are_retried(method: str, request_sent: bool) -> None:
    delay = POLICY.delay_for_failure(
        method=method, request_sent=request_sent, retry_number=0, rng=random.Random(1)
    )
    assert delay is not None
    assert 0.0 <= delay <= POLICY.backoff_base


@pytest.mark.parametrize("method", ["POST", "post", "PATCH", "PUT", "put"])
def test_post_or_put_failure_is_retried_only_when_the_request_was_not_sent(method: str) -> None:
    assert POLICY.delay_for_failure(method=method, request_sent=True, retry_number=0) is None
    unsent = POLICY.delay_for_failure(
        method=method, request_sent=False, retry_number=0, rng=random.Random(1)
    )
    assert unsent is not None


def test_failure_retries_stop_at_max_retries() -> None:
    for retry_number, retried in [(0, True), (2, True), (3, False), (9, False)]:
        delay = POLICY.delay_for_failure(
            method="GET", request_sent=True, retry_number=retry_number, rng=random.Random(1)
        )
        assert (delay is not None) is retried


def test_resendable_methods_are_the_documented_ones() -> None:
    # PUT is idempotent in HTTP, but Twilio's 2008 update is a PUT that rewrites a number:
    # a late repeat would undo a change made in between, so it is never resent.
    assert frozenset({"GET", "HEAD", "OPTIONS", "DELETE"}) == RESENDABLE_METHODS


def test_429_is_retried_for_put() -> None:
    assert status_delay("PUT", 429, retry_after=1.0) == 1.0


# --- backoff ------------------------------------------------------------------------------------


def test_backoff_ceiling_doubles_then_is_capped() -> None:
    ceilings = [POLICY.backoff(n, CeilingRandom()) for n in range(8)]
    assert ceilings == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0, 8.0]


def test_backoff_draws_with_full_jitter_and_grows() -> None:
    rng = random.Random(2024)
    samples = {n: [POLICY.backoff(n, rng) for _ in range(300)] for n in range(5)}
    for n, values in samples.items():
        cap = min(8.0, 0.5 * 2**n)
        assert all(0.0 <= v <= cap for v in values)
        assert min(values) < cap * 0.1  # jitter reaches near zero ...
        assert max(values) > cap * 0.9  # ... and near the ceiling
    means = [sum(values) / len(values) for values in samples.values()]
    assert all(a < b for a, b in itertools.pairwise(means))  # the ceiling doubles each retry
    assert max(POLICY.backoff(20, rng) for _ in range(300)) <= POLICY.backoff_max


def test_backoff_is_reproducible_with_a_seeded_rng() -> None:
    first = [POLICY.backoff(n, random.Random(99)) for n in range(5)]
    second = [POLICY.backoff(n, random.Random(99)) for n in range(5)]
    assert first == second


def test_zero_backoff_base_never_waits() -> None:
    policy = RetryPolicy(backoff_base=0.0)
    assert status_delay("GET", 503, policy=policy) == 0.0


@pytest.mark.parametrize("field", ["max_retries", "backoff_base", "backoff_max", "max_retry_after"])
def test_negative_settings_are_refused(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        RetryPolicy(**{field: -1})


def test_backoff_for_an_enormous_retry_number_stays_capped() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_max=8.0)
    assert 0.0 <= policy.backoff(5000, random.Random(1)) <= 8.0
