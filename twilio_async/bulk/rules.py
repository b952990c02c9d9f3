"""The decisions of a bulk job, as pure functions: no I/O, no clock, no journal.

The engine (:mod:`.engine`) sends a request, then asks these functions what the answer
means and what to do next; the rules they encode are written out in the package docstring
(:mod:`twilio_async.bulk`). Everything here is tested without a server.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from ..errors import (
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    TwilioAPIError,
    TwilioDecodeError,
    TwilioError,
    TwilioTransportError,
)
from ..models import IncomingPhoneNumber

__all__ = [
    "NUMBER_TAKEN",
    "Outcome",
    "Step",
    "after_lookup",
    "after_purchase",
    "after_release",
    "after_update",
    "after_verify",
    "changes_needed",
    "classify",
]

NUMBER_TAKEN = 21422  # "PhoneNumber is not available": bought by someone between search and buy


class Outcome(enum.Enum):
    """What a failed request says about whether Twilio processed it."""

    NOT_PROCESSED = "not processed"  # 429, or never left: sending it again is safe
    TAKEN = "taken"  # 400 with code 21422: the number is not (or no longer) available
    GONE = "gone"  # 404: the number is not on the account
    REJECTED = "rejected"  # processed and refused (4xx): definite, nothing changed
    UNKNOWN = "unknown"  # may have been processed: look before doing anything else
    FATAL = "fatal"  # every request of the job would fail alike (401, 403, closed client)


def classify(error: TwilioError) -> Outcome:
    """What ``error``, raised by one request (after the transport's own retries), means."""
    if isinstance(error, RateLimitError):
        return Outcome.NOT_PROCESSED  # Twilio documents 429/20429 as "not processed"
    if isinstance(error, TwilioTransportError):
        return Outcome.UNKNOWN if error.request_sent else Outcome.NOT_PROCESSED
    if isinstance(error, (ServerError, TwilioDecodeError)):
        return Outcome.UNKNOWN  # a 5xx, or a 2xx we could not read: it may have happened
    if isinstance(error, (AuthenticationError, PermissionDeniedError, ClientClosedError)):
        return Outcome.FATAL
    if isinstance(error, BadRequestError) and error.code == NUMBER_TAKEN:
        return Outcome.TAKEN
    if isinstance(error, NotFoundError):
        return Outcome.GONE
    if isinstance(error, TwilioAPIError):
        return Outcome.REJECTED
    return Outcome.REJECTED  # any other TwilioError: refused before or without Twilio


class Step(enum.Enum):
    """What the engine does next with an item."""

    DONE = "done"
    ALREADY_DONE = "already done"  # skipped: the change was there already
    SEND_AGAIN = "send again"  # the same request (a purchase: of the same number)
    NEW_NUMBER = "new number"  # a purchase: this number is certainly not ours, take another
    LOOK_UP = "look up"  # find out whether the request took effect
    LOOK_UP_LATER = "look up later"  # the same, once the number's state has settled
    FAIL = "fail"
    ABORT = "abort"  # fail this item and every item not started


def _retry_or_fail(sends: int, max_sends: int) -> Step:
    return Step.SEND_AGAIN if sends < max_sends else Step.FAIL


def after_purchase(outcome: Outcome, *, suspect: bool, sends: int, max_sends: int) -> Step:
    """A purchase of number X failed with ``outcome``.

    ``suspect``: an earlier purchase of X by this item had an unknown outcome, so X may be
    ours already; ``sends``: purchases of X sent so far for this item.
    """
    if outcome is Outcome.UNKNOWN:
        return Step.LOOK_UP
    if outcome is Outcome.TAKEN:
        # Taken by someone, and that someone may be us (the earlier purchase of X landed
        # late, or the lookup read a stale list): only a settled lookup can say which.
        return Step.LOOK_UP_LATER if suspect else Step.NEW_NUMBER
    if outcome is Outcome.NOT_PROCESSED:
        return _retry_or_fail(sends, max_sends)
    if outcome in (Outcome.FATAL, Outcome.GONE):
        return Step.ABORT  # a 404 on the account's own list: every purchase would get it
    return Step.FAIL


def after_lookup(owned: bool, *, taken: bool, settled: bool, sends: int, max_sends: int) -> Step:
    """The account's list was searched for X after an unknown outcome (``taken``: after a
    21422 for a suspect X; ``settled``: the settle time since the last send has passed)."""
    if owned:
        return Step.DONE
    if not taken:
        # Not ours: the purchase did not happen (yet). Buying X again is the safe move: if
        # the first purchase lands after all, one of the two fails with 21422, and the item
        # still ends with exactly one number. Buying another number instead could end with
        # two.
        return _retry_or_fail(sends, max_sends)
    return Step.NEW_NUMBER if settled else Step.LOOK_UP_LATER


def after_update(outcome: Outcome, *, sends: int, max_sends: int) -> Step:
    """An update of a number's settings failed with ``outcome``."""
    if outcome is Outcome.UNKNOWN:
        return Step.LOOK_UP  # fetch the number and compare: an update is idempotent
    if outcome is Outcome.NOT_PROCESSED:
        return _retry_or_fail(sends, max_sends)
    if outcome is Outcome.FATAL:
        return Step.ABORT
    return Step.FAIL  # including 404: the number is not on the account


def after_verify(applied: bool, *, sends: int, max_sends: int) -> Step:
    """A number was fetched after an update with an unknown outcome."""
    return Step.DONE if applied else _retry_or_fail(sends, max_sends)


def after_release(outcome: Outcome, *, known: bool, sends: int, max_sends: int) -> Step:
    """A release (DELETE) failed with ``outcome``; ``known``: the job has seen the number
    on this account (listed there, fetched from there, or given as a model of it)."""
    if outcome is Outcome.GONE:
        # Gone from a path scoped to the account: it was ours and is released now (maybe by
        # our own earlier DELETE). A number never seen here could be a typo or another
        # account's: that is a failure, not a success.
        return Step.ALREADY_DONE if known else Step.FAIL
    if outcome is Outcome.UNKNOWN:
        return Step.LOOK_UP
    if outcome is Outcome.NOT_PROCESSED:
        return _retry_or_fail(sends, max_sends)
    if outcome is Outcome.FATAL:
        return Step.ABORT
    return Step.FAIL


_ABSENT = (None, "")


def _comparable(value: Any) -> Any:
    """One spelling per value: "" and None are both "unset"; enums compare by value."""
    if value in _ABSENT:
        return None
    if isinstance(value, enum.Enum):
        return value.value
    return value


def changes_needed(
    current: IncomingPhoneNumber, desired: Mapping[str, Any]
) -> dict[str, tuple[Any, Any]]:
    """The settings of ``desired`` that ``current`` does not have yet: name -> (now, wanted).

    Empty when the update is already applied. Every settings name is an attribute of
    :class:`~twilio_async.models.IncomingPhoneNumber`.
    """
    changes = {}
    for name, wanted in desired.items():
        now = getattr(current, name)
        if _comparable(now) != _comparable(wanted):
            changes[name] = (now, wanted)
    return changes
