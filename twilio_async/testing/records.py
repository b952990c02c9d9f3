"""What every record of the fake gets: a SID, a creation sequence number and a timestamp
from a deterministic clock. Shared by the state and the marketplace, importing neither."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import attrs

__all__ = ["Clock", "new_sid"]


def new_sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


@attrs.define
class Clock:
    """Deterministic time and creation order for the fake's records."""

    _sequence: Iterator[int] = attrs.field(factory=lambda: itertools.count(1))
    _time: datetime = attrs.field(
        factory=lambda: datetime(2015, 7, 30, 23, 19, 4, tzinfo=timezone.utc)
    )

    def now(self) -> datetime:
        """Each call is one second after the previous."""
        self._time += timedelta(seconds=1)
        return self._time

    def next_sequence(self) -> int:
        """Creation order; page tokens point at it, so paging is stable under changes."""
        return next(self._sequence)
