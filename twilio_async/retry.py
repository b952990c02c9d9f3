"""When to retry, and how long to wait: pure functions, no I/O.

Nothing may be done twice, so the rules turn on whether a failed request **may have been
processed**: whether any byte of it could have reached Twilio. It may have, after any
failure once the connection was established (a reset, a timeout, a connection closed
before the answer) and after any 5xx answer (the server may have acted, then failed). It
certainly was not when the connection was never made (refused, DNS failure, connect
timeout), nor when Twilio answered 429 (it rate-limits before doing anything).

* **429** is retried for every method. ``Retry-After`` (seconds or an HTTP date) is
  honoured, up to ``max_retry_after``.
* A request that **was not sent** is retried for every method.
* A request that **may have been processed** is resent only if a repeat cannot change the
  outcome: GET, HEAD, OPTIONS and DELETE (:data:`RESENDABLE_METHODS`). Never a POST (a
  repeated purchase buys twice) and never a PUT: HTTP calls PUT idempotent, but Twilio's
  2008-08-01 update is a PUT that rewrites a number's settings, and a late repeat would
  undo any change made by someone else in between. A repeated DELETE can only release the
  same resource (SIDs are never reused); if the first one went through, the repeat answers
  404, which the caller gets with ``attempts`` > 1.
* Waits grow exponentially from ``backoff_base``, capped at ``backoff_max``, with full
  jitter, so a fleet of clients does not retry in lockstep.

The transport counts every attempt that goes on the wire: aiohttp's own silent resend of an
idempotent request is switched off on the sessions the client owns.
"""

from __future__ import annotations

import random
from datetime import datetime, timezone

import attrs

__all__ = ["RESENDABLE_METHODS", "RETRYABLE_STATUSES", "RetryPolicy", "parse_retry_after"]

RESENDABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
"""Methods resent after a failure that may have been processed (see the module docs)."""
RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date).

    Returns None when the header is absent or unreadable; never a negative number.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        # Imported here: HTTP dates are rare in Retry-After, and email.utils is a tenth of
        # what ``import twilio_async`` would otherwise cost.
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        current = now or datetime.now(timezone.utc)
        return max(0.0, (when - current).total_seconds())
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN / inf
        return None
    return max(0.0, seconds)


@attrs.frozen
class RetryPolicy:
    """How many times, and how patiently, to retry.

    ``max_retries`` counts retries after the first attempt (0 disables retrying).
    """

    max_retries: int = attrs.field(default=3, validator=attrs.validators.ge(0))
    backoff_base: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    backoff_max: float = attrs.field(default=8.0, validator=attrs.validators.ge(0))
    max_retry_after: float = attrs.field(default=60.0, validator=attrs.validators.ge(0))

    def backoff(self, retry_number: int, rng: random.Random | None = None) -> float:
        """Full-jitter exponential backoff for the ``retry_number``-th retry (0-based)."""
        # The exponent is capped so a huge retry count cannot overflow a float.
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** min(retry_number, 64)))
        return (rng or random).uniform(0.0, ceiling)

    def delay_for_status(
        self,
        *,
        method: str,
        status: int,
        retry_number: int,
        retry_after: float | None,
        rng: random.Random | None = None,
    ) -> float | None:
        """Seconds to wait before retrying an HTTP error, or None to give up."""
        if retry_number >= self.max_retries:
            return None
        if status == 429:
            if retry_after is not None:
                # A server asking for a longer pause than we are willing to wait gets the
                # error back at once rather than a silently hung caller.
                return retry_after if retry_after <= self.max_retry_after else None
            return self.backoff(retry_number, rng)
        if status in RETRYABLE_STATUSES and method.upper() in RESENDABLE_METHODS:
            if retry_after is not None and retry_after <= self.max_retry_after:
                return retry_after
            return self.backoff(retry_number, rng)
        return None

    def delay_for_failure(
        self,
        *,
        method: str,
        request_sent: bool,
        retry_number: int,
        rng: random.Random | None = None,
    ) -> float | None:
        """Seconds to wait before retrying a connection failure/timeout, or None."""
        if retry_number >= self.max_retries:
            return None
        if method.upper() in RESENDABLE_METHODS or not request_sent:
            return self.backoff(retry_number, rng)
        return None
