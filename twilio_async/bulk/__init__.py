"""Bulk provisioning: buy, update and release many numbers, resumably, never twice.

::

    from twilio_async import Client
    from twilio_async.bulk import BulkJob, BuyNumbers

    async with Client() as client:
        plan = BuyNumbers(100, area_codes=["415", "628"], settings={"voice_url": "https://…"})
        summary = await BulkJob(client, plan, journal="buy.sqlite").run()
        print(summary)  # bought 100 of 100, 0 already done, 0 failed in 9.1s

**Plans** say what to do: :class:`BuyNumbers`, :class:`UpdateNumbers`,
:class:`ReleaseNumbers` (targets: SIDs, models, or a :class:`NumberFilter` over the
inventory). They are checked when built: bad input raises a
:class:`~twilio_async.errors.TwilioValidationError` before anything is sent.
**A job** (:class:`BulkJob`) runs one: :meth:`~BulkJob.run` returns a :class:`JobSummary`,
:meth:`~BulkJob.events` yields :class:`Event`\\ s with a :class:`Progress` snapshot,
:meth:`~BulkJob.dry_run` returns the :class:`DryRun` plan without changing anything.
:func:`read_journal` reads a journal's state without running anything.

What the job decides, and why nothing is done twice
====================================================

Every item ends a run **done**, **skipped** (nothing to do) or **failed** (with the
:class:`~twilio_async.errors.TwilioError`). The journal records each step *before* its
request leaves, marking the item **unsure** while a request that may change something is
unanswered, and records the answer *after*. What an answer means (:func:`.rules.classify`):

* 2xx: it happened.
* 429 (after the client's own retries: Twilio did not process it), or a connection that
  failed before anything was sent: it did not happen; the same request may go again (at
  most ``max_sends`` per item).
* 400 with code 21422 on a purchase: the number is not available.
* another 4xx: refused, nothing changed; the item fails with that error. 401 and 403 stop
  the job: every item not finished fails with that error, without a request.
* a 5xx, a timeout or a connection lost after sending, a 2xx body that cannot be read:
  **unknown**, it may have happened.

**Purchases.** A slot (one of the ``count`` numbers) is bound to one candidate number X at
a time, and gives X up only when X is certainly not its own:

1. After an unknown outcome the slot looks X up in the account's numbers
   (``incoming_phone_numbers.list(phone_number=X)``) before it sends anything else.
   X is there: the slot is done with it. X is not there: the purchase did not happen (or
   has not yet), so the slot buys X again, never another number: should the first
   purchase land after all, both purchases are of the same number, one of them fails with
   21422, and the slot owns exactly one number. (Buying another number could end with
   two.) The lookup itself fails (after the client's retries and ``lookup_attempts``
   tries): the slot fails with :class:`OutcomeUnknownError`, stays unsure and keeps X in
   the journal, and the next run looks X up before anything else; nothing else is bought
   for the slot meanwhile.
2. 21422 for an X never unsure: another customer bought it between search and purchase.
   The slot gives X up and takes another candidate (searching again when none is left).
3. 21422 for an X that was unsure: X is taken, maybe by our own earlier purchase (landing
   late, or read from a list that lagged behind). The slot waits until ``settle_time`` has
   passed since its last purchase of X and looks again: X is there, done; still not,
   another customer has it and the slot takes another number.
4. A process killed at any moment leaves its slots claimed with their unsure marks;
   whoever takes them over (the job run again, or another process on the journal) starts
   at 1 for each unsure one.

No path buys twice: a slot holds at most one number and sends purchases only for it; it
lets go of a number only after a 21422 that a lookup (settled, if the number was ever
unsure) shows is not ours; X and the unsure mark are in the journal before each purchase
leaves, so no crash loses them; and each number a search returns is a journal row of its
own, bound to at most one slot, so no two slots (or processes) buy the same number. A job
stops at exactly ``count`` numbers: each slot ends with one number or with a failure. What
remains is Twilio committing a purchase more than ``settle_time`` after its answer was lost
*and* after our lookups said otherwise, or a power loss taking the journal's last writes
(use ``durable=True`` against that).

**Updates** are idempotent. A number whose settings already match gets no request
(skipped as already applied); the job compares the settings of a model it was given, or of
a number it listed, and fetches a bare SID first. After an unknown outcome the number is
fetched and compared: applied, done; not, sent again.

**Releases.** A bare SID is fetched before it is deleted, which proves the number is on
the account; a model of the account's or a listed number proves it already. After that, a
404 (on the DELETE, or on a fetch after an unknown DELETE) can only mean the number is
released: the item ends skipped ("already released") or done. A bare SID whose first fetch
is a 404 fails: it is not a number of this account, or the job cannot tell it ever was.

The journal (:mod:`twilio_async.bulk.journal`) says what is durable against what, and how
several processes share one job.
"""

from __future__ import annotations

from .dryrun import DryRun, PlannedItem
from .engine import BulkJob
from .errors import JournalError, JournalMismatchError, NoMoreNumbersError, OutcomeUnknownError
from .plans import (
    AreaCodeOrder,
    BuyNumbers,
    Capability,
    NumberFilter,
    NumberType,
    Plan,
    ReleaseNumbers,
    Target,
    UpdateNumbers,
)
from .progress import (
    Event,
    EventKind,
    ItemResult,
    ItemState,
    JobStats,
    JobSummary,
    Progress,
)
from .snapshot import JournalSnapshot, read_journal

__all__ = [
    "AreaCodeOrder",
    "BulkJob",
    "BuyNumbers",
    "Capability",
    "DryRun",
    "Event",
    "EventKind",
    "ItemResult",
    "ItemState",
    "JobStats",
    "JobSummary",
    "JournalError",
    "JournalMismatchError",
    "JournalSnapshot",
    "NoMoreNumbersError",
    "NumberFilter",
    "NumberType",
    "OutcomeUnknownError",
    "Plan",
    "PlannedItem",
    "Progress",
    "ReleaseNumbers",
    "Target",
    "UpdateNumbers",
    "read_journal",
]
