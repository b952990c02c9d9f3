"""Retries without waiting, for tests: production's decisions, none of its sleeps."""

from __future__ import annotations

import random

import attrs

from ..retry import RetryPolicy

__all__ = ["InstantRetry"]


@attrs.frozen
class InstantRetry(RetryPolicy):
    """A :class:`~twilio_async.RetryPolicy` whose every wait is zero.

    What is retried, how many attempts are made and when to give up (``max_retries``, a
    ``Retry-After`` longer than ``max_retry_after``) are decided exactly as the policy with
    the same fields decides them, so a test sees the retries production would make; only
    the backoff and ``Retry-After`` sleeps are skipped. The ``twilio_fake`` fixtures'
    clients use ``InstantRetry()`` (the production defaults) unless given ``retry=``.
    """

    def delay_for_status(
        self,
        *,
        method: str,
        status: int,
        retry_number: int,
        retry_after: float | None,
        rng: random.Random | None = None,
    ) -> float | None:
        """The production decision for a status, with any wait made 0."""
        delay = super().delay_for_status(
            method=method,
            status=status,
            retry_number=retry_number,
            retry_after=retry_after,
            rng=rng,
        )
        return None if delay is None else 0.0

    def delay_for_failure(
        self,
        *,
        method: str,
        request_sent: bool,
        retry_number: int,
        rng: random.Random | None = None,
    ) -> float | None:
        """The production decision for a failed attempt, with any wait made 0."""
        delay = super().delay_for_failure(
            method=method, request_sent=request_sent, retry_number=retry_number, rng=rng
        )
        return None if delay is None else 0.0
