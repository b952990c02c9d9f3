"""What a running job reports: events with a progress snapshot, and the final summary.

All frozen values, cheap to build, safe to hand to another task or render on a web page.
The counting (:class:`ProgressBoard`) and the rate (:class:`RateMeter`) are pure: they are
given the time, never read a clock.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Mapping

import attrs

from ..errors import TwilioError
from .errors import error_from_json
from .journal import Counts, ItemRow

__all__ = [
    "Event",
    "EventKind",
    "ItemResult",
    "ItemState",
    "JobStats",
    "JobSummary",
    "Progress",
    "ProgressBoard",
    "RateMeter",
    "item_label",
]


class ItemState(str, enum.Enum):
    """Where an item stands. ``done``, ``skipped`` and ``failed`` are final for a run."""

    PENDING = "pending"
    ACTIVE = "active"
    DONE = "done"
    SKIPPED = "skipped"  # nothing to do: already applied, or already released
    FAILED = "failed"


def item_label(index: int, sid: str | None, phone_number: str | None) -> str:
    """How messages name an item: its SID and number, either of which may not be known
    yet, or ``#index`` for a purchase slot with neither."""
    return " ".join(filter(None, (sid, phone_number))) or f"#{index}"


@attrs.frozen
class ItemResult:
    """One item of a job: its number, its state and, when it failed, the error.

    ``index`` is its place in the job (a purchase's slot, 0-based, as in ``per_number``).
    ``unsure`` is True while a request's outcome is unknown; a failed item that is still
    unsure has an :class:`~twilio_async.bulk.OutcomeUnknownError`, and the next run of the
    job looks its number up before anything else.
    """

    index: int
    state: ItemState
    sid: str | None = None
    phone_number: str | None = None
    error: TwilioError | None = attrs.field(default=None, eq=False)
    note: str | None = None
    unsure: bool = False

    @property
    def label(self) -> str:
        """How messages name it: see :func:`item_label`."""
        return item_label(self.index, self.sid, self.phone_number)

    @classmethod
    def from_row(cls, row: ItemRow, *, error: TwilioError | None = None) -> ItemResult:
        """The item a journal row holds; ``error`` replaces the one rebuilt from the row."""
        if error is None and row.error is not None:
            error = error_from_json(row.error)
        return cls(
            index=row.id,
            state=ItemState(row.state),
            sid=row.sid if row.target is None else row.target,
            phone_number=row.phone,
            error=error,
            note=row.note,
            unsure=row.unsure,
        )


@attrs.frozen
class Progress:
    """Counts over the whole job (every process working on its journal).

    ``in_flight``: items a worker holds now; ``reconciling``: items whose earlier request
    has an unknown outcome, being looked up (by this process) or waiting to be. ``rate``
    is items finished per second over the last seconds and ``eta`` the seconds left at
    that rate; both are None until there is something to measure.
    """

    total: int
    done: int = 0
    skipped: int = 0
    failed: int = 0
    in_flight: int = 0
    reconciling: int = 0
    elapsed: float = 0.0
    rate: float | None = None
    eta: float | None = None

    @property
    def finished(self) -> int:
        """Items done, skipped or failed."""
        return self.done + self.skipped + self.failed

    @property
    def remaining(self) -> int:
        """Items not finished yet."""
        return self.total - self.finished

    @property
    def fraction(self) -> float:
        """Finished share of the job, 0.0 to 1.0."""
        return 1.0 if self.total == 0 else self.finished / self.total


class EventKind(str, enum.Enum):
    """What an :class:`Event` reports (each member's comment says when it comes)."""

    STARTED = "started"  # the job began; progress counts what the journal held already
    SEARCHED = "searched"  # a search for numbers answered (message: how many were new)
    LISTED = "listed"  # a page of a NumberFilter's numbers was listed into the job
    SENDING = "sending"  # an item's request is about to leave
    RETRYING = "retrying"  # not processed (429), or the number was taken: trying again
    UNKNOWN = "unknown"  # a request's outcome is unknown: it is being looked up
    DONE = "done"
    SKIPPED = "skipped"
    FAILED = "failed"
    FINISHED = "finished"  # the run ended; the summary is ready


@attrs.frozen
class Event:
    """Something happened to the job (``item`` says to which item, if any); the last event
    of a run (``FINISHED``) carries its ``summary``."""

    kind: EventKind
    progress: Progress
    item: ItemResult | None = None
    message: str = ""
    summary: JobSummary | None = None


@attrs.frozen
class JobStats:
    """Requests this run sent, by purpose, and what came of them."""

    searches: int = 0
    purchases: int = 0
    updates: int = 0
    releases: int = 0
    fetches: int = 0
    lookups: int = 0
    rate_limited: int = 0  # requests still answered 429 after the client's own retries
    taken: int = 0  # purchases answered 21422: the number went to someone else
    unknown: int = 0  # requests with an unknown outcome (each was looked up)
    recovered: int = 0  # items taken over from a dead worker
    listed: int = 0  # numbers a NumberFilter listed
    done: int = 0  # items this run ended done ...
    skipped: int = 0  # ... skipped ...
    failed: int = 0  # ... and failed

    @classmethod
    def of(cls, counts: Mapping[str, int]) -> JobStats:
        """Stats from a mapping of counts by field name (missing ones are 0)."""
        return cls(**{name: counts.get(name, 0) for name in attrs.fields_dict(cls)})


@attrs.frozen
class JobSummary:
    """The job as it stands at the end of a run: every item, and this run's requests."""

    kind: str
    items: tuple[ItemResult, ...]
    elapsed: float
    stats: JobStats = attrs.field(factory=JobStats)
    error: TwilioError | None = attrs.field(default=None, eq=False)
    """A failure of the job as a whole: listing a NumberFilter's numbers failed (the run
    worked the numbers listed before it), or an error every request would get (401, 403)
    stopped it."""

    def _in(self, state: ItemState) -> tuple[ItemResult, ...]:
        return tuple(item for item in self.items if item.state is state)

    @property
    def done(self) -> tuple[ItemResult, ...]:
        """The items done by this job or an earlier run of it."""
        return self._in(ItemState.DONE)

    @property
    def skipped(self) -> tuple[ItemResult, ...]:
        """The items skipped: nothing to do (an update in place, a number already released)."""
        return self._in(ItemState.SKIPPED)

    @property
    def failed(self) -> tuple[ItemResult, ...]:
        """The items that failed, each with its ``error``."""
        return self._in(ItemState.FAILED)

    @property
    def unresolved(self) -> tuple[ItemResult, ...]:
        """Items whose request's outcome is still unknown (each also counts as failed)."""
        return tuple(item for item in self.items if item.unsure)

    @property
    def ok(self) -> bool:
        """True when every item is done or skipped, and the job had no error of its own."""
        return self.error is None and all(
            item.state in (ItemState.DONE, ItemState.SKIPPED) for item in self.items
        )

    def __str__(self) -> str:
        verb = {"buy": "bought", "update": "updated", "release": "released"}.get(self.kind, "done")
        earlier = len(self.done) - self.stats.done
        text = (
            f"{verb} {len(self.done)} of {len(self.items)}"
            + (f" ({earlier} by an earlier run)" if earlier else "")
            + f", {len(self.skipped)} already done, {len(self.failed)} failed"
            f" in {self.elapsed:.1f}s"
        )
        unresolved = len(self.unresolved)
        return text + (f" ({unresolved} with an unknown outcome)" if unresolved else "")


class RateMeter:
    """Items finished per second over a sliding window of ``window`` seconds."""

    def __init__(self, window: float = 10.0) -> None:
        self.window = window
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, now: float, finished: int) -> None:
        samples = self._samples
        samples.append((now, finished))
        while len(samples) > 2 and now - samples[1][0] >= self.window:
            samples.popleft()  # keep one sample at or beyond the window's start

    def rate(self) -> float | None:
        if len(self._samples) < 2:
            return None
        (start, first), (end, last) = self._samples[0], self._samples[-1]
        if end <= start or last <= first:
            return None
        return (last - first) / (end - start)

    def eta(self, remaining: int) -> float | None:
        rate = self.rate()
        return None if rate is None else remaining / rate


_COUNTED = ("pending", "active", "done", "skipped", "failed")


class ProgressBoard:
    """The job's counts: the journal's, as last read, plus this process's changes since.

    Reading the journal's counts is a scan of every item, too dear on every event; it is
    done every ``refresh`` seconds (to see other processes' work) and each local change is
    added on top meanwhile.
    """

    def __init__(self, *, started: float, refresh: float = 1.0, window: float = 10.0) -> None:
        self.started = started
        self.refresh = refresh
        self._base = Counts()
        self._read_at = float("-inf")
        self._delta: dict[str, int] = dict.fromkeys((*_COUNTED, "unsure"), 0)
        self.reconciling: set[int] = set()  # items this process is looking up now
        self._meter = RateMeter(window)

    def stale(self, now: float) -> bool:
        return now - self._read_at >= self.refresh

    def reset(self, counts: Counts, now: float) -> None:
        self._base, self._read_at = counts, now
        self._delta = dict.fromkeys(self._delta, 0)

    def move(self, before: str, after: str, *, unsure: int = 0) -> None:
        """An item went from state ``before`` to ``after`` (``unsure``: -1 for a pending
        unsure item claimed, +1 for one given back)."""
        self._delta[before] -= 1
        self._delta[after] += 1
        self._delta["unsure"] += unsure

    def snapshot(self, now: float) -> Progress:
        counts = {name: getattr(self._base, name) + self._delta[name] for name in self._delta}
        finished = counts["done"] + counts["skipped"] + counts["failed"]
        total = finished + counts["pending"] + counts["active"]
        self._meter.add(now, finished)
        return Progress(
            total=total,
            done=counts["done"],
            skipped=counts["skipped"],
            failed=counts["failed"],
            in_flight=counts["active"],
            reconciling=counts["unsure"] + len(self.reconciling),
            elapsed=now - self.started,
            rate=self._meter.rate(),
            eta=self._meter.eta(total - finished),
        )
