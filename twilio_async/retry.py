"""When to retry, and how long to wait: pure functions, no I/O.

Rules (the official client gets these wrong in both directions):

* **429** is retried for every method: Twilio did not process a request it rate-limited.
  ``Retry-After`` (seconds or an HTTP date) is honoured, up to ``max_retry_after``.
* **5xx** and connection failures are retried only for idempotent methods (GET, HEAD,
  OPTIONS, PUT, DELETE). A POST that may have reached the server is never retried: a
  retried purchase buys twice. A POST whose connection was refused before any byte was
  sent is safe, and is retried.
* Timeouts are connection failures whose request may have been processed: idempotent only.
* Waits grow exponentially from ``backoff_base``, capped at ``backoff_max``, with full
  jitter, so a fleet of clients does not retry in lockstep.
"""

from __future__ import annotations

import random
from datetime import datetime, timezone

import attrs

__all__ = ["IDEMPOTENT_METHODS", "RetryPolicy", "parse_retry_after"]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
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
        if status in RETRYABLE_STATUSES and method.upper() in IDEMPOTENT_METHODS:
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
        if method.upper() in IDEMPOTENT_METHODS or not request_sent:
            return self.backoff(retry_number, rng)
        return None
