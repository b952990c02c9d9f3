"""The journal: a job's plan and every item's state in one SQLite file (standard library).

**Durability.** The file is in WAL mode with ``synchronous=NORMAL`` by default: a commit
is in the WAL file (the operating system's page cache) when ``commit`` returns, so a
killed process (``kill -9``, a crash, Ctrl-C) loses nothing it committed. It is *not*
durable against the machine losing power or the kernel crashing: the last commits before
that may roll back (the file stays consistent). A rolled-back "about to buy X" record
could let a resumed job buy another number for that item, so on machines where that
matters, open the journal with ``synchronous="full"`` (an fsync per commit).

**Several processes.** Any number of processes on one machine may run the same job on one
journal (the file must be on a local file system: SQLite's WAL needs shared memory). Items
and candidate numbers are claimed in ``BEGIN IMMEDIATE`` transactions (SQLite's write lock
makes the select-then-update atomic; candidate numbers are a ``PRIMARY KEY``, so each is
recorded once however many searches return it). Each worker holds an exclusive ``flock``
on its own file in ``<journal>.workers/`` for as long as it runs: the kernel drops the
lock when the process dies, however it dies, so "is that worker alive" is asked of the
kernel, never guessed from a timeout. Claims of a dead worker go back to pending with
their ``unsure`` mark kept, so whoever takes them looks before sending anything. Every
write about a claimed item is conditional on still owning it.

Writes are synchronous calls on the event loop's thread: each is one short transaction
(about a hundred microseconds per purchase, see ``bench/README.md``), cheaper than a hop
to a thread. Checkpoints, which fsync, are the exception: a running job makes them in a
thread (:meth:`Journal.checkpoint`).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple

import attrs

from .errors import JournalError, JournalMismatchError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: see WorkerLock
    fcntl = None  # type: ignore[assignment]

__all__ = ["FORMAT", "ItemRow", "Journal", "LostClaimError", "WorkerLock"]

FORMAT = 1  # the journal's schema version
BACKSTOP_CHECKPOINT_PAGES = 20_000  # 20 MB of WAL: checkpoint() keeps it well below

_SCHEMA = """
CREATE TABLE IF NOT EXISTS job (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    format INTEGER NOT NULL,
    kind TEXT NOT NULL,
    account_sid TEXT NOT NULL,
    plan TEXT NOT NULL,
    created REAL NOT NULL,
    expanded INTEGER NOT NULL,      -- every item is in the items table
    expander TEXT                   -- the worker listing a NumberFilter's numbers now
);
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY,         -- a purchase: its slot, 0..count-1
    target TEXT UNIQUE,             -- an update or release: the number's SID
    account_sid TEXT,               -- ... and its account when not the job's
    state TEXT NOT NULL,            -- pending | active | done | skipped | failed
    owner TEXT,                     -- the worker holding it while active
    phone TEXT,                     -- the number (a purchase: the one bound to the slot)
    pool INTEGER,                   -- a purchase: the candidate pool phone came from
    sid TEXT,                       -- a purchase: the SID bought
    unsure INTEGER NOT NULL DEFAULT 0,   -- a request may have been processed, unanswered
    suspect INTEGER NOT NULL DEFAULT 0,  -- a purchase of phone had an unknown outcome
    known INTEGER NOT NULL DEFAULT 0,    -- seen on the account (and, for an update, unequal)
    sends INTEGER NOT NULL DEFAULT 0,    -- requests that change something, sent for phone
    sent_at REAL,                   -- when the last of them was sent
    note TEXT,
    error TEXT,                     -- a failure, as error_to_json wrote it
    updated REAL
);
CREATE INDEX IF NOT EXISTS items_claim ON items (state, unsure DESC, phone IS NULL, id);
CREATE TABLE IF NOT EXISTS candidates (
    phone TEXT PRIMARY KEY,
    pool INTEGER NOT NULL,
    state TEXT NOT NULL,            -- free | bound | bought | gone | rejected
    item INTEGER
);
CREATE INDEX IF NOT EXISTS candidates_free ON candidates (pool, state);
"""

_COLUMNS = (
    "id",
    "target",
    "account_sid",
    "state",
    "owner",
    "phone",
    "pool",
    "sid",
    "unsure",
    "suspect",
    "known",
    "sends",
    "sent_at",
    "note",
    "error",
)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM items"
_CLAIM = f"{_SELECT} WHERE state = 'pending' ORDER BY unsure DESC, phone IS NULL, id LIMIT 1"
_WRITABLE = frozenset(_COLUMNS) - {"id", "target", "account_sid"}

TERMINAL = ("done", "skipped", "failed")


class LostClaimError(Exception):
    """This worker no longer owns the item (its claim was recovered by another worker)."""


RELEASED: Mapping[str, Any] = {"phone": None, "pool": None, "suspect": 0, "unsure": 0, "sends": 0}
"""The changes that give up a purchase slot's number (with its candidate's new state)."""


class ItemRow(NamedTuple):
    """One item as the journal holds it. A NamedTuple: several are built per item and
    request, where a frozen attrs class (and ``attrs.evolve``) cost ten times as much."""

    id: int
    target: str | None
    account_sid: str | None
    state: str
    owner: str | None
    phone: str | None
    pool: int | None
    sid: str | None
    unsure: bool
    suspect: bool
    known: bool
    sends: int
    sent_at: float | None
    note: str | None
    error: str | None

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> ItemRow:
        flags = (bool(row[8]), bool(row[9]), bool(row[10]))  # unsure, suspect, known
        return cls._make((*row[:8], *flags, *row[11:]))


class Write(NamedTuple):
    """A write to a claimed item: ``changes`` to its row and, for a purchase slot,
    ``candidate``, the new state of its number's candidate row (``bought``, ``gone``,
    ``rejected``, ``free``; None leaves it)."""

    item: ItemRow
    changes: Mapping[str, Any]
    candidate: str | None = None


class Claim(NamedTuple):
    """What :meth:`Journal.claim` did: the ``finished`` item (its ``finishing`` write
    applied), the ``item`` claimed (None: nothing pending), and whether a candidate was
    ``bound`` to it with the about-to-buy marks."""

    finished: ItemRow | None
    item: ItemRow | None
    bound: bool = False


@attrs.frozen
class TargetRow:
    """An update or release item to insert: the number, and what is known of it."""

    sid: str
    account_sid: str | None = None
    phone: str | None = None
    known: bool = False
    state: str = "pending"
    note: str | None = None


@attrs.frozen
class Counts:
    """How many items are in each state; ``unsure``: pending items whose last request may
    have been processed (they are looked up when claimed)."""

    pending: int = 0
    active: int = 0
    done: int = 0
    skipped: int = 0
    failed: int = 0
    unsure: int = 0

    @property
    def total(self) -> int:
        return self.pending + self.active + self.done + self.skipped + self.failed

    @property
    def finished(self) -> int:
        return self.done + self.skipped + self.failed


class WorkerLock:
    """A worker's liveness, kept by the kernel: an exclusive ``flock`` on its own file.

    Without ``fcntl`` (Windows) there is no way to ask, and every other worker is taken
    for dead: run one process at a time per journal there.
    """

    def __init__(self, directory: Path, worker_id: str) -> None:
        self.path = directory / f"{worker_id}.lock"
        try:
            directory.mkdir(exist_ok=True)
            self._file = open(self.path, "a+b")  # noqa: SIM115 - held until release()
        except OSError as exc:
            raise JournalError(
                f"cannot create a worker's lock file in {directory}: {exc}"
            ) from None
        if fcntl is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def release(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self._file.close()
        with contextlib.suppress(OSError):  # the last worker out removes the directory
            self.path.parent.rmdir()

    @staticmethod
    def is_alive(directory: Path, worker_id: str) -> bool:
        """True while the worker's process holds its lock. A dead worker's file is removed."""
        if fcntl is None:  # pragma: no cover - not POSIX
            return False
        path = directory / f"{worker_id}.lock"
        try:
            probe = open(path, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            return False
        with probe:
            try:
                fcntl.flock(probe.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            with contextlib.suppress(FileNotFoundError):
                path.unlink()  # under its lock: its owner is gone for good
            return False


Synchronous = Literal["normal", "full"]


class _Transaction:
    """``with journal._write() as db:``: BEGIN IMMEDIATE, then COMMIT, or ROLLBACK on an
    exception. A class rather than a ``contextlib.contextmanager`` generator, and the
    UPDATE statements built once (``_UPDATES``): with one construction per row, these cut
    the journal's work per purchase from 349k to 313k instructions (callgrind,
    ``python -m bench.provisioning --instructions --only journal``)."""

    __slots__ = ("db",)

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


class Journal:
    """A job's durable state. ``Journal.open(path)``; ``path=None`` keeps it in memory."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None) -> None:
        self._db = connection
        self.path = path
        self.worker_id = uuid.uuid4().hex
        self._lock: WorkerLock | None = None
        self._joined = False

    # -- opening ------------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: str | os.PathLike[str] | None, *, synchronous: Synchronous = "normal"
    ) -> Journal:
        if synchronous not in ("normal", "full"):
            raise JournalError(f"synchronous must be 'normal' or 'full', got {synchronous!r}")
        where = None if path is None else Path(path)
        try:
            db = sqlite3.connect(
                ":memory:" if where is None else where, isolation_level=None, timeout=30.0
            )
            # Small pages: a transaction rewrites a few pages of two tables and their
            # indexes, and the WAL holds each page whole (4 KB pages: about 20 KB per
            # purchase, 1 KB: a third of the wall time per item, measured). Only a new
            # file takes it.
            db.execute("PRAGMA page_size=1024")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(f"PRAGMA synchronous={synchronous.upper()}")
            # Checkpoints (which fsync) run in a thread while a job runs (checkpoint());
            # this one, in a commit on the event loop's thread, is the backstop.
            db.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_CHECKPOINT_PAGES}")
            db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise JournalError(f"cannot use {where} as a journal: {exc}") from None
        return cls(db, where)

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> Journal:
        """Open an existing journal read-only (to inspect it, or for a dry run)."""
        where = Path(path)
        if not where.exists():
            raise JournalError(f"no journal at {where}")
        try:
            db = sqlite3.connect(
                f"{where.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None
            )
            db.execute("SELECT format FROM job").fetchone()
        except sqlite3.DatabaseError as exc:
            raise JournalError(f"cannot read {where} as a journal: {exc}") from None
        return cls(db, where)

    def checkpoint(self) -> None:
        """Copy the WAL into the database file, on a connection of its own: it can run in
        a thread (``asyncio.to_thread``), so its fsync never stalls the event loop. Passive:
        it never waits for, nor blocks, a writer."""
        if self.path is None:
            return
        db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
        try:
            db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            db.close()

    def close(self) -> None:
        self.leave()
        self._db.close()

    def _write(self) -> _Transaction:
        """One transaction holding SQLite's write lock from its first statement."""
        return _Transaction(self._db)

    # -- the job ------------------------------------------------------------------------

    def start(
        self,
        *,
        plan: dict[str, Any],
        account_sid: str,
        slots: int = 0,
        targets: Iterable[TargetRow] = (),
        expanded: bool = True,
    ) -> bool:
        """Record the job, or check that the journal holds this very job.

        Returns True when the journal was new. Raises :class:`JournalMismatchError` when it
        holds another plan or account, before anything is sent.
        """
        text = json.dumps(plan, sort_keys=True, separators=(",", ":"))
        with self._write() as db:
            if self._check(db, plan=plan, account_sid=account_sid):
                return False
            db.execute(
                "INSERT INTO job (id, format, kind, account_sid, plan, created, expanded)"
                " VALUES (1, ?, ?, ?, ?, ?, ?)",
                (FORMAT, plan["kind"], account_sid, text, time.time(), int(expanded)),
            )
            db.executemany(
                "INSERT INTO items (id, state) VALUES (?, 'pending')", ((i,) for i in range(slots))
            )
            self._insert_targets(db, targets)
        return True

    def check(self, *, plan: dict[str, Any], account_sid: str) -> None:
        """Raise :class:`JournalMismatchError` unless the journal holds this job (or none)."""
        self._check(self._db, plan=plan, account_sid=account_sid)

    def _check(self, db: sqlite3.Connection, *, plan: dict[str, Any], account_sid: str) -> bool:
        row = db.execute("SELECT format, account_sid, plan FROM job").fetchone()
        if row is not None:
            _check_same_job(row, plan=plan, account_sid=account_sid, where=self.path)
        return row is not None

    def job(self) -> tuple[str, str, dict[str, Any]]:
        """The job this journal holds: (kind, account SID, the plan's canonical form)."""
        row = self._db.execute("SELECT kind, account_sid, plan FROM job").fetchone()
        if row is None:
            raise JournalError(f"{self.path} holds no job yet")
        return row[0], row[1], dict(json.loads(row[2]))

    # -- workers --------------------------------------------------------------------------

    @property
    def _workers_dir(self) -> Path | None:
        return None if self.path is None else self.path.with_name(self.path.name + ".workers")

    def join(self) -> None:
        """Start working: take this worker's liveness lock (before any claim)."""
        directory = self._workers_dir
        if directory is not None and self._lock is None:
            self._lock = WorkerLock(directory, self.worker_id)
        self._joined = True

    def leave(self) -> None:
        """Stop working: claims still held go back to pending (``unsure`` kept), then the
        liveness lock is dropped. Synchronous, so a cancelled job still runs all of it."""
        if not self._joined:
            return
        self._joined = False
        self._release_claims_of(self.worker_id)
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def _release_claims_of(self, worker_id: str) -> int:
        with self._write() as db:
            moved = db.execute(
                "UPDATE items SET state = 'pending', owner = NULL"
                " WHERE state = 'active' AND owner = ?",
                (worker_id,),
            ).rowcount
            db.execute("UPDATE job SET expander = NULL WHERE expander = ?", (worker_id,))
        return int(moved)

    def recover(self) -> int:
        """Give the claims of dead workers back; returns how many items it recovered."""
        directory = self._workers_dir
        if directory is None:
            return 0
        owners = {
            owner
            for (owner,) in self._db.execute(
                "SELECT DISTINCT owner FROM items WHERE state = 'active' AND owner IS NOT NULL"
                " UNION SELECT expander FROM job WHERE expander IS NOT NULL"
            )
        }
        owners.discard(self.worker_id)
        dead = [owner for owner in owners if not WorkerLock.is_alive(directory, owner)]
        return sum(self._release_claims_of(owner) for owner in dead)

    # -- items ----------------------------------------------------------------------------

    def claim(
        self,
        *,
        finishing: Write | None = None,
        pools: Callable[[ItemRow], Sequence[int]] | None = None,
        on_bind: Mapping[str, Any] | None = None,
    ) -> Claim:
        """Take the next pending item, in one transaction with the worker's other writes.

        Order: unsure items first (they are looked up first), then those holding a number
        already (a number bound to a pending slot hides the ones searches would find next),
        then in order. ``finishing``: the last write of the item the worker held, applied
        first (it would otherwise be a commit of its own, moments before). ``pools``: for a
        purchase slot holding no number, the pools to bind a candidate from, in order;
        ``on_bind`` is written with the candidate (the about-to-buy marks).
        """
        with self._write() as db:
            finished = None if finishing is None else self._apply(db, finishing)
            row = db.execute(_CLAIM).fetchone()
            if row is None:
                return Claim(finished, None)
            item = ItemRow.from_row(row)
            changes: dict[str, Any] = {"state": "active", "owner": self.worker_id}
            bindable = pools is not None and item.phone is None and not item.unsure
            for pool in pools(item) if pools is not None and bindable else ():
                phone = self._take_candidate(db, item, pool)
                if phone is not None:
                    changes.update(on_bind or {}, phone=phone, pool=pool, suspect=0)
                    break
            self._update(db, item.id, changes, owner=None)
        return Claim(finished, item._replace(**changes), bound="phone" in changes)

    def apply(self, write: Write) -> ItemRow:
        """An item's write on its own (see :class:`Write`)."""
        with self._write() as db:
            return self._apply(db, write)

    def _apply(self, db: sqlite3.Connection, write: Write) -> ItemRow:
        if write.candidate is not None:
            db.execute(
                "UPDATE candidates SET state = ? WHERE phone = ?",
                (write.candidate, write.item.phone),
            )
        return self._save(db, write.item, dict(write.changes))

    def save(self, item: ItemRow, **changes: Any) -> ItemRow:
        """Write ``changes`` to a claimed item; a terminal state also ends the claim."""
        with self._write() as db:
            return self._save(db, item, changes)

    def _save(self, db: sqlite3.Connection, item: ItemRow, changes: dict[str, Any]) -> ItemRow:
        if changes.get("state") in TERMINAL or changes.get("state") == "pending":
            changes["owner"] = None
        if self._update(db, item.id, changes, owner=self.worker_id) != 1:
            raise LostClaimError(f"item {item.id} is no longer claimed by this worker")
        return item._replace(**changes)

    @staticmethod
    def _update(
        db: sqlite3.Connection, item_id: int, changes: dict[str, Any], *, owner: str | None
    ) -> int:
        """Write ``changes`` to an item: one held by ``owner``, or (None) a pending one."""
        names = tuple(changes)
        sql = _UPDATES.get((names, owner is None))
        if sql is None:
            sql = _UPDATES[names, owner is None] = _update_sql(names, held=owner is not None)
        values = (*changes.values(), time.time(), item_id)
        return int(db.execute(sql, values if owner is None else (*values, owner)).rowcount)

    def retry_failed(self) -> int:
        """Failed items back to pending (a new run tries them again); their ``unsure``
        marks stay, so one whose request may have happened is looked up first."""
        with self._write() as db:
            return int(
                db.execute(
                    "UPDATE items SET state = 'pending', error = NULL WHERE state = 'failed'"
                ).rowcount
            )

    def active_elsewhere(self) -> int:
        """Items other workers (processes) hold now."""
        (count,) = self._db.execute(
            "SELECT count(*) FROM items WHERE state = 'active' AND owner != ?", (self.worker_id,)
        ).fetchone()
        return int(count)

    def counts(self) -> Counts:
        found: dict[str, int] = {}
        unsure = 0
        for state, is_unsure, count in self._db.execute(
            "SELECT state, unsure, count(*) FROM items GROUP BY state, unsure"
        ):
            found[state] = found.get(state, 0) + count
            if is_unsure and state == "pending":
                unsure += count
        return Counts(
            **{s: found.get(s, 0) for s in ("pending", "active", *TERMINAL)}, unsure=unsure
        )

    def items(self, states: Sequence[str] | None = None) -> Iterator[ItemRow]:
        """Every item (or those in ``states``) in id order, read in batches."""
        query: str = _SELECT
        params: tuple[str, ...] = ()
        if states is not None:
            query += f" WHERE state IN ({', '.join('?' * len(states))})"
            params = tuple(states)
        for row in self._db.execute(query + " ORDER BY id", params):
            yield ItemRow.from_row(row)

    # -- targets streamed in from a NumberFilter ---------------------------------------

    @staticmethod
    def _insert_targets(db: sqlite3.Connection, targets: Iterable[TargetRow]) -> int:
        return int(
            db.executemany(
                "INSERT OR IGNORE INTO items (target, account_sid, phone, known, state, note)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                ((t.sid, t.account_sid, t.phone, int(t.known), t.state, t.note) for t in targets),
            ).rowcount
        )

    def add_targets(self, targets: Iterable[TargetRow]) -> int:
        """Insert items not in the journal yet; returns how many were new."""
        with self._write() as db:
            return self._insert_targets(db, targets)

    def expansion(self) -> tuple[bool, str | None]:
        """(every item inserted, the worker inserting them now)."""
        expanded, expander = self._db.execute("SELECT expanded, expander FROM job").fetchone()
        return bool(expanded), expander

    def claim_expansion(self) -> bool:
        with self._write() as db:
            return (
                db.execute(
                    "UPDATE job SET expander = ? WHERE expanded = 0 AND expander IS NULL",
                    (self.worker_id,),
                ).rowcount
                == 1
            )

    def release_expansion(self) -> None:
        """Listing failed: leave it to a later run (or another process)."""
        with self._write() as db:
            db.execute("UPDATE job SET expander = NULL WHERE expander = ?", (self.worker_id,))

    def finish_expansion(self) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE job SET expanded = 1, expander = NULL WHERE expander = ?", (self.worker_id,)
            )

    # -- candidate numbers of a purchase ---------------------------------------------------

    def add_candidates(self, pool: int, phones: Iterable[str]) -> int:
        """Record numbers a search returned; returns how many the job had not seen before."""
        with self._write() as db:
            return int(
                db.executemany(
                    "INSERT OR IGNORE INTO candidates (phone, pool, state) VALUES (?, ?, 'free')",
                    ((phone, pool) for phone in phones),
                ).rowcount
            )

    def bind(self, item: ItemRow, pool: int, **changes: Any) -> ItemRow | None:
        """Bind the oldest free candidate of ``pool`` to ``item`` and write ``changes``
        with it; None when there is none."""
        with self._write() as db:
            return self._bind(db, item, pool, changes)

    def _bind(
        self, db: sqlite3.Connection, item: ItemRow, pool: int, changes: dict[str, Any]
    ) -> ItemRow | None:
        phone = self._take_candidate(db, item, pool)
        if phone is None:
            return None
        changes.update(phone=phone, pool=pool, suspect=0)
        changes.setdefault("sends", 0)
        return self._save(db, item, changes)

    @staticmethod
    def _take_candidate(db: sqlite3.Connection, item: ItemRow, pool: int) -> str | None:
        """Mark the oldest free candidate of ``pool`` bound to ``item``; its number."""
        row = db.execute(
            "SELECT phone FROM candidates WHERE pool = ? AND state = 'free' ORDER BY rowid LIMIT 1",
            (pool,),
        ).fetchone()
        if row is None:
            return None
        db.execute(
            "UPDATE candidates SET state = 'bound', item = ? WHERE phone = ?", (item.id, row[0])
        )
        return str(row[0])

    def candidates(self) -> Iterator[str]:
        """Every number a search of this job returned."""
        for (phone,) in self._db.execute("SELECT phone FROM candidates"):
            yield phone

    def in_flight(self, pool: int, suffix: str | None) -> int:
        """Candidates of ``pool`` (ending in ``suffix``, e.g. ``"07$"``) bound to slots
        still at work (active, or pending after a worker stopped): they will be bought or
        given up, and until then searches keep answering them."""
        pattern = "%" if suffix is None else "%" + suffix.rstrip("$")
        (count,) = self._db.execute(
            "SELECT count(*) FROM candidates AS c JOIN items AS i ON i.id = c.item"
            " WHERE c.pool = ? AND c.state = 'bound' AND i.state IN ('active', 'pending')"
            " AND c.phone LIKE ?",
            (pool, pattern),
        ).fetchone()
        return int(count)

    def waiting_numbers(self) -> int:
        """Pending slots holding a number: a worker should take one of those up."""
        (count,) = self._db.execute(
            "SELECT count(*) FROM items WHERE state = 'pending' AND phone IS NOT NULL"
        ).fetchone()
        return int(count)


# The UPDATE statement for each set of columns written (a handful): built once, not per item.
_UPDATES: dict[tuple[tuple[str, ...], bool], str] = {}


def _update_sql(names: tuple[str, ...], *, held: bool) -> str:
    unknown = set(names) - _WRITABLE
    if unknown:
        raise ValueError(f"not item columns: {sorted(unknown)}")
    columns = "".join(f"{name} = ?, " for name in names)
    where = "owner = ?" if held else "state = 'pending'"
    return f"UPDATE items SET {columns}updated = ? WHERE id = ? AND {where}"


def _check_same_job(
    row: Sequence[Any], *, plan: dict[str, Any], account_sid: str, where: Path | None
) -> None:
    version, their_account, their_text = row
    if version != FORMAT:
        raise JournalError(
            f"{where} is a journal of format {version}; this library writes {FORMAT}"
        )
    theirs = json.loads(their_text)
    plan = json.loads(json.dumps(plan))  # the same types as read back (lists, not tuples)
    differences = tuple(
        sorted(k for k in theirs.keys() | plan.keys() if theirs.get(k) != plan.get(k))
    )
    if their_account != account_sid:
        differences = ("account_sid", *differences)
    if differences:
        raise JournalMismatchError(
            f"{where} holds another job ({theirs.get('kind')}); it differs in "
            f"{', '.join(differences)}: use a new journal file for a new plan",
            differences=differences,
        )
