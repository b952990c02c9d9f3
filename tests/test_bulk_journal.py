"""The journal on its own: SQLite in WAL mode, atomic claims, dead workers' claims recovered."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from twilio_async.bulk import JournalError, JournalMismatchError, read_journal
from twilio_async.bulk.journal import RELEASED, Journal, LostClaimError, TargetRow, Write
from twilio_async.bulk.progress import ItemState

AC = "AC" + "1" * 32
PLAN = {"kind": "buy", "count": 3}


def buy_journal(path: Path | None, slots: int = 3) -> Journal:
    journal = Journal.open(path)
    journal.start(plan={**PLAN, "count": slots}, account_sid=AC, slots=slots)
    journal.join()
    return journal


def test_a_new_journal_is_a_wal_file_holding_the_plan(tmp_path: Path) -> None:
    path = tmp_path / "job.sqlite"
    journal = Journal.open(path)
    assert journal.start(plan=PLAN, account_sid=AC, slots=3) is True
    assert journal._db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert journal._db.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
    assert journal.job() == ("buy", AC, PLAN)
    journal.close()
    durable = Journal.open(path, synchronous="full")
    assert durable._db.execute("PRAGMA synchronous").fetchone() == (2,)
    assert durable.start(plan=PLAN, account_sid=AC, slots=3) is False  # the same job: resumed
    assert durable.counts().pending == 3
    durable.close()


def test_a_checkpoint_moves_committed_writes_into_the_database_file(tmp_path: Path) -> None:
    path = tmp_path / "job.sqlite"
    journal = buy_journal(path, slots=3)
    assert journal._db.execute("PRAGMA page_size").fetchone() == (1024,)
    journal.checkpoint()  # the tables and items, in the file
    item = journal.claim().item
    assert item is not None
    journal.save(item, state="done", sid="PN" + "1" * 32)
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(path.read_bytes())  # the database file alone, without its WAL
    assert read_journal(copy).progress.done == 0  # the commit is in the WAL only
    journal.checkpoint()
    copy.write_bytes(path.read_bytes())
    assert read_journal(copy).progress.done == 1
    journal.close()
    Journal.open(None).checkpoint()  # a journal in memory has nothing to checkpoint


def test_another_plan_or_account_is_refused_before_anything_changes(tmp_path: Path) -> None:
    path = tmp_path / "job.sqlite"
    first = Journal.open(path)
    first.start(plan=PLAN, account_sid=AC, slots=3)
    first.close()
    journal = Journal.open(path)
    with pytest.raises(JournalMismatchError) as caught:
        journal.start(plan={**PLAN, "count": 4, "country": "GB"}, account_sid=AC, slots=4)
    assert caught.value.differences == ("count", "country")
    assert caught.value.param == "journal"
    assert "count, country" in str(caught.value)
    with pytest.raises(JournalMismatchError) as caught:
        journal.start(plan=PLAN, account_sid="AC" + "2" * 32, slots=3)
    assert caught.value.differences == ("account_sid",)
    assert journal.counts().total == 3
    journal.close()


def test_unusable_files_are_a_journal_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(JournalError, match="cannot use"):
        Journal.open(junk)
    with pytest.raises(JournalError, match="no journal"):
        read_journal(tmp_path / "missing.sqlite")
    path = tmp_path / "old.sqlite"
    journal = Journal.open(path)
    journal.start(plan=PLAN, account_sid=AC, slots=1)
    journal._db.execute("UPDATE job SET format = 99")
    with pytest.raises(JournalError, match="format 99"):
        journal.start(plan=PLAN, account_sid=AC, slots=1)
    journal.close()


def test_claims_take_unsure_items_first_then_items_holding_a_number() -> None:
    journal = buy_journal(None, slots=4)
    items = [journal.claim().item for _ in range(4)]
    assert [i.id for i in items if i is not None] == [0, 1, 2, 3]
    assert journal.claim().item is None
    journal.add_candidates(0, ["+14155550101", "+14155550102"])
    first, second, third, fourth = (i for i in items if i is not None)
    journal.save(first, state="pending")
    bound = journal.bind(second, 0)
    assert bound is not None
    journal.save(bound, state="pending")
    unsure = journal.bind(fourth, 0)
    assert unsure is not None
    journal.save(unsure, unsure=1, state="pending")
    journal.save(third, state="pending")
    order = [journal.claim().item for _ in range(4)]
    assert [(i.id, i.phone, i.unsure) for i in order if i is not None] == [
        (3, "+14155550102", True),
        (1, "+14155550101", False),
        (0, None, False),
        (2, None, False),
    ]


def test_writes_need_the_claim(tmp_path: Path) -> None:
    path = tmp_path / "job.sqlite"
    mine, theirs = buy_journal(path, slots=2), Journal.open(path)
    theirs.join()
    item = mine.claim().item
    assert item is not None
    other = theirs.claim().item
    assert other is not None
    assert other.id != item.id
    with pytest.raises(LostClaimError):
        theirs.save(item, state="done")
    done = mine.save(item, state="done", sid="PN" + "0" * 32)
    assert (done.state, done.owner) == ("done", None)
    with pytest.raises(LostClaimError):
        mine.save(done, note="too late: not claimed any more")
    with pytest.raises(ValueError, match="not item columns"):
        theirs.save(other, target="PN")
    mine.close()
    theirs.close()


def test_candidates_are_recorded_once_and_bound_to_one_slot(tmp_path: Path) -> None:
    path = tmp_path / "job.sqlite"
    journal, second = buy_journal(path, slots=3), Journal.open(path)
    second.join()
    assert journal.add_candidates(0, ["+14155550101", "+14155550102"]) == 2
    assert second.add_candidates(0, ["+14155550102", "+14155550103"]) == 1  # one new
    assert sorted(journal.candidates()) == ["+14155550101", "+14155550102", "+14155550103"]
    a, b, c = journal.claim().item, second.claim().item, journal.claim().item
    assert a is not None
    assert b is not None
    assert c is not None
    a, b = journal.bind(a, 0), second.bind(b, 0)
    assert a is not None
    assert b is not None
    assert (a.phone, b.phone) == ("+14155550101", "+14155550102")
    assert journal.in_flight(0, None) == 2
    assert journal.in_flight(0, "02$") == 1
    assert journal.in_flight(1, None) == 0
    journal.apply(Write(a, {"state": "done", "sid": "PN" + "1" * 32}, "bought"))
    gone = second.apply(Write(b, {**RELEASED, "state": "active"}, "gone"))
    assert (gone.phone, gone.unsure, gone.sends) == (None, False, 0)
    assert journal.in_flight(0, None) == 0
    c = journal.bind(c, 0)
    assert c is not None
    assert c.phone == "+14155550103"
    assert journal.bind(c, 0) is None  # none free
    journal.close()
    second.close()


def test_leaving_gives_claims_back_and_keeps_unsure_marks(tmp_path: Path) -> None:
    journal = buy_journal(tmp_path / "job.sqlite", slots=2)
    item = journal.claim().item
    assert item is not None
    journal.add_candidates(0, ["+14155550101"])
    bound = journal.bind(item, 0)
    assert bound is not None
    journal.save(bound, unsure=1, sends=1)
    journal.leave()
    (row,) = [r for r in journal.items() if r.id == item.id]
    assert (row.state, row.owner, row.unsure, row.phone) == ("pending", None, True, "+14155550101")
    assert journal.counts().unsure == 1
    journal.close()


def test_failed_items_are_tried_again_by_a_new_run() -> None:
    journal = buy_journal(None, slots=2)
    item = journal.claim().item
    assert item is not None
    journal.save(item, state="failed", error='{"type":"TwilioError","message":"x"}')
    assert journal.counts().failed == 1
    assert journal.retry_failed() == 1
    assert journal.counts().pending == 2


def test_lock_files_live_beside_the_journal_while_workers_run(tmp_path: Path) -> None:
    path = tmp_path / "job.sqlite"
    first, second = buy_journal(path), Journal.open(path)
    second.join()
    workers = tmp_path / "job.sqlite.workers"
    assert sorted(p.name for p in workers.iterdir()) == sorted(
        f"{j.worker_id}.lock" for j in (first, second)
    )
    first.close()
    assert workers.exists()  # the other worker's file is still there
    second.close()
    assert not workers.exists()
    (tmp_path / "blocked").write_text("a file where the lock directory would go")
    stuck = Journal.open(tmp_path / "x.sqlite")
    stuck.path = tmp_path / "blocked" / "x.sqlite"  # its lock directory cannot be made
    with pytest.raises(JournalError, match="cannot create a worker's lock file"):
        stuck.join()
    stuck._db.close()


def test_claims_of_a_dead_worker_are_recovered_and_a_live_ones_are_not(tmp_path: Path) -> None:
    path = tmp_path / "job.sqlite"
    survivor = buy_journal(path, slots=3)
    victim = Journal.open(path)
    victim.join()
    item = victim.claim().item
    assert item is not None
    victim.save(item, unsure=1)
    assert survivor.recover() == 0  # alive: its lock is held
    assert survivor.active_elsewhere() == 1
    assert victim._lock is not None
    victim._lock._file.close()  # the process "dies": the kernel drops its lock
    assert survivor.recover() == 1
    (row,) = [r for r in survivor.items() if r.id == item.id]
    assert (row.state, row.owner, row.unsure) == ("pending", None, True)
    assert not (path.parent / f"{path.name}.workers" / f"{victim.worker_id}.lock").exists()
    survivor.close()


def test_a_killed_process_claims_are_recovered(tmp_path: Path) -> None:
    path = tmp_path / "job.sqlite"
    survivor = buy_journal(path, slots=3)
    script = textwrap.dedent(
        f"""
        import os, sys
        from twilio_async.bulk.journal import Journal
        journal = Journal.open({str(path)!r})
        journal.join()
        item = journal.claim().item
        journal.save(item, unsure=1, sends=1)
        print(item.id, flush=True)
        sys.stdin.readline()  # wait to be killed
        """
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as child:
        try:
            assert child.stdout is not None
            claimed = int(child.stdout.readline())
            assert survivor.recover() == 0
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=30)
    assert survivor.recover() == 1
    again = survivor.claim().item
    assert again is not None
    assert (again.id, again.unsure) == (claimed, True)
    survivor.close()


def test_targets_and_listing(tmp_path: Path) -> None:
    path = tmp_path / "job.sqlite"
    journal = Journal.open(path)
    rows = [TargetRow("PN" + "a" * 32, phone="+14155550101"), TargetRow("PN" + "b" * 32)]
    journal.start(plan={"kind": "release"}, account_sid=AC, targets=rows, expanded=False)
    journal.join()
    assert journal.expansion() == (False, None)
    assert journal.claim_expansion() is True
    other = Journal.open(path)
    assert other.claim_expansion() is False  # one lister at a time
    more = [TargetRow("PN" + "b" * 32), TargetRow("PN" + "c" * 32, state="skipped", note="x")]
    assert journal.add_targets(more) == 1
    journal.release_expansion()
    assert other.claim_expansion() is True
    other.finish_expansion()
    assert journal.expansion() == (True, None)
    snapshot = read_journal(path)
    assert snapshot.kind == "release"
    assert snapshot.account_sid == AC
    assert [(i.sid, i.state) for i in snapshot.items] == [
        ("PN" + "a" * 32, ItemState.PENDING),
        ("PN" + "b" * 32, ItemState.PENDING),
        ("PN" + "c" * 32, ItemState.SKIPPED),
    ]
    assert snapshot.progress.total == 3
    assert snapshot.progress.skipped == 1
    reader = Journal.read(path)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader.add_targets([TargetRow("PN" + "d" * 32)])
    reader.close()
    journal.close()
    other.close()


def test_a_claim_ends_the_last_item_and_binds_a_number_in_one_transaction() -> None:
    journal = buy_journal(None, slots=3)
    journal.add_candidates(0, ["+14155550101"])
    journal.add_candidates(1, ["+15105550101"])
    marks = {"unsure": 1, "sends": 1, "sent_at": 1.0}
    first = journal.claim(pools=lambda item: [1, 0], on_bind=marks)
    assert first.bound
    assert first.item is not None
    assert (first.item.phone, first.item.pool, first.item.unsure) == ("+15105550101", 1, True)
    done = Write(first.item, {"state": "done", "unsure": 0, "sid": "PN" + "1" * 32}, "bought")
    second = journal.claim(finishing=done, pools=lambda item: [1, 0], on_bind=marks)
    assert second.finished is not None
    assert (second.finished.state, second.finished.owner) == ("done", None)
    assert second.item is not None
    assert second.item.phone == "+14155550101"  # pool 1 had none left
    third = journal.claim(pools=lambda item: [1, 0], on_bind=marks)
    assert third.item is not None
    assert not third.bound  # no candidate anywhere: claimed without a number
    assert third.item.phone is None
    assert journal.claim().item is None
    assert journal.counts().done == 1
