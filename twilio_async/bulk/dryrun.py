"""A dry run: what a job would do, found with searches and GETs only.

Nothing is bought, changed or released, and the journal is only read: an existing one
must hold the same plan, and its finished items are shown as such. The numbers a purchase
plan shows are those the searches offer now; another customer may buy some first.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ..errors import TwilioError
from ..models import FrozenDict, IncomingPhoneNumber
from .buy import SEARCH_SIZE, Slices
from .context import numbers_of
from .journal import ItemRow, Journal
from .plans import BuyNumbers, NumberFilter, ReleaseNumbers, Target, UpdateNumbers
from .progress import JobStats, item_label
from .rules import changes_needed

if TYPE_CHECKING:
    from .engine import BulkJob

__all__ = ["DryRun", "PlannedItem", "plan_dry_run"]

T = TypeVar("T")
CHUNK = 1000  # targets fetched concurrently (the client bounds requests in flight)


@attrs.frozen
class PlannedItem:
    """What a job would do with one item.

    ``action`` is ``"buy"``, ``"update"`` or ``"release"`` (a request would be sent),
    ``"none"`` (nothing to do: finished already, already applied) or ``"fail"`` (it would
    fail: no number left, not on the account). ``changes``: for an update, each setting
    that would change, ``name -> (now, wanted)``; for a purchase, its settings.
    """

    index: int
    action: str
    sid: str | None = None
    phone_number: str | None = None
    changes: FrozenDict = attrs.field(factory=FrozenDict)
    note: str = ""

    def __str__(self) -> str:
        return planned_text(self)


def planned_text(
    item: PlannedItem, *, shown: Callable[[Any], str] = repr, framed: bool = True
) -> str:
    """One planned item as a line for people: the action, the number (SID and phone
    number, or ``#index`` for a slot without one yet), then what would change
    (``name: now -> wanted``; a purchase's ``name=value``) and the note.

    ``shown`` writes a value (``repr``: ``None``, ``'GET'``); the details are in
    parentheses when ``framed``, else after two spaces (the command line's plan).
    """
    who = item_label(item.index, item.sid, item.phone_number)
    changes = item.changes.items()
    if item.action == "update":
        detail = ", ".join(f"{k}: {shown(a)} -> {shown(b)}" for k, (a, b) in changes)
    elif item.action == "buy":
        detail = ", ".join(f"{k}={shown(v)}" for k, v in changes)
    else:
        detail = ""
    notes = "; ".join(filter(None, (detail, item.note)))
    if not notes:
        return f"{item.action:<7} {who}"
    return f"{item.action:<7} {who}" + (f" ({notes})" if framed else f"  {notes}")


@attrs.frozen
class DryRun:
    """A job's plan: every item and what a run would do with it, in order."""

    kind: str
    items: tuple[PlannedItem, ...]
    stats: JobStats = attrs.field(factory=JobStats)

    @property
    def to_send(self) -> tuple[PlannedItem, ...]:
        """The items a run would send a request for."""
        return tuple(i for i in self.items if i.action in ("buy", "update", "release"))

    def __str__(self) -> str:
        counts = Counter(item.action for item in self.items)
        head = ", ".join(f"{action}: {n}" for action, n in sorted(counts.items()))
        return "\n".join([f"dry run of a {self.kind} job ({head})", *map(str, self.items)])


@attrs.frozen
class _Seen:
    """What an existing journal says: its items (by slot or SID) and candidate numbers."""

    rows: dict[Any, ItemRow] = attrs.field(factory=dict)
    candidates: frozenset[str] = frozenset()

    @classmethod
    def of(cls, job: BulkJob) -> _Seen:
        path = job.journal_path
        if path is None or not path.exists():
            return cls()
        journal = Journal.read(path)
        try:
            journal.check(plan=job.plan.canonical(), account_sid=job.client.account_sid)
            rows = {row.target if row.target else row.id: row for row in journal.items()}
            return cls(rows, frozenset(journal.candidates()))
        finally:
            journal.close()

    def finished(self, index: int, key: Any) -> PlannedItem | None:
        row = self.rows.get(key)
        if row is None or row.state not in ("done", "skipped"):
            return None
        sid = row.sid if row.target is None else row.target
        return PlannedItem(index, "none", sid, row.phone, note=f"{row.state} already")


async def plan_dry_run(job: BulkJob) -> DryRun:
    stats: Counter[str] = Counter()
    seen = _Seen.of(job)
    plan = job.plan
    if isinstance(plan, BuyNumbers):
        items = await _purchases(job, plan, seen, stats)
    else:
        items = await _numbers(job, plan, seen, stats)
    return DryRun(kind=plan.kind, items=tuple(items), stats=JobStats.of(stats))


# -- purchases ---------------------------------------------------------------------------


class _Offers:
    """The numbers one pool's searches offer, each once, searched as the engine does."""

    def __init__(self, job: BulkJob, plan: BuyNumbers, index: int, seen: set[str]) -> None:
        country = job.client.available_phone_numbers(plan.country)
        self._search = getattr(country, plan.number_type)
        self._filters = plan.search_filters(index)
        self._slices = Slices(can_split=plan.contains is None)
        self._seen = seen  # shared by the pools: every number offered once
        self._queue: list[str] = []

    async def take(self, stats: Counter[str]) -> str | None:
        while not self._queue:
            key = self._slices.next()
            if key in (Slices.WAIT, Slices.EXHAUSTED):
                return None  # searches offer nothing new: that is all a run would get
            filters = self._filters if key is None else {**self._filters, "contains": key}
            stats["searches"] += 1
            found = await self._search.list(limit=SEARCH_SIZE, **filters)
            new = [n.phone_number for n in found if n.phone_number not in self._seen]
            self._seen.update(new)
            self._queue.extend(new)
            # Numbers planned already count as being bought: a search offering only those
            # is what splits a pool in a run.
            self._slices.record(
                key, found=len(found), new=len(new), in_flight=len(found) - len(new)
            )
        return self._queue.pop(0)


async def _purchases(
    job: BulkJob, plan: BuyNumbers, seen: _Seen, stats: Counter[str]
) -> list[PlannedItem]:
    taken = set(seen.candidates)
    offers = [_Offers(job, plan, index, taken) for index in range(len(plan.pools))]
    items = []
    for slot in range(plan.count):
        settings = FrozenDict(plan.settings_for(slot))
        row = seen.rows.get(slot)
        item = seen.finished(slot, slot)
        if item is None and row is not None and row.phone is not None:
            note = "looked up first: it may be bought already" if row.unsure else "from the journal"
            item = PlannedItem(slot, "buy", None, row.phone, settings, note)
        if item is None:
            phone = None
            for index in plan.pool_order(slot):
                phone = await offers[index].take(stats)
                if phone is not None:
                    break
            item = (
                PlannedItem(slot, "buy", None, phone, settings)
                if phone is not None
                else PlannedItem(slot, "fail", note="no more numbers match the criteria")
            )
        items.append(item)
    return items


# -- updates and releases ----------------------------------------------------------------


async def _numbers(
    job: BulkJob, plan: UpdateNumbers | ReleaseNumbers, seen: _Seen, stats: Counter[str]
) -> list[PlannedItem]:
    targets = plan.targets
    if isinstance(targets, NumberFilter):
        listed = numbers_of(job.client, targets.account_sid)
        return [
            seen.finished(i, n.sid) or _decide(plan, i, n)
            async for i, n in _enumerate(listed.stream(page_size=1000, **targets.filters()))
        ]
    items: list[PlannedItem] = []
    for start, chunk in _chunks(targets):
        items.extend(
            await asyncio.gather(
                *(_one(job, plan, start + i, t, seen, stats) for i, t in enumerate(chunk))
            )
        )
    return items


async def _one(
    job: BulkJob,
    plan: UpdateNumbers | ReleaseNumbers,
    index: int,
    target: Target,
    seen: _Seen,
    stats: Counter[str],
) -> PlannedItem:
    finished = seen.finished(index, target.sid)
    if finished is not None:
        return finished
    number = target.current
    if number is None:
        stats["fetches"] += 1
        try:
            number = await numbers_of(job.client, target.account_sid)(target.sid).fetch()
        except TwilioError as error:
            return PlannedItem(index, "fail", target.sid, note=str(error))
    return _decide(plan, index, number)


def _decide(
    plan: UpdateNumbers | ReleaseNumbers, index: int, number: IncomingPhoneNumber
) -> PlannedItem:
    if isinstance(plan, ReleaseNumbers):
        return PlannedItem(index, "release", number.sid, number.phone_number)
    changes = changes_needed(number, plan.settings_for(number.sid))
    if not changes:
        return PlannedItem(index, "none", number.sid, number.phone_number, note="already applied")
    return PlannedItem(index, "update", number.sid, number.phone_number, FrozenDict(changes))


def _chunks(targets: Sequence[Target]) -> Iterator[tuple[int, Sequence[Target]]]:
    for start in range(0, len(targets), CHUNK):
        yield start, targets[start : start + CHUNK]


async def _enumerate(numbers: AsyncIterator[T]) -> AsyncIterator[tuple[int, T]]:
    index = 0
    async for number in numbers:
        yield index, number
        index += 1
