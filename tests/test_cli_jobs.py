"""buy, update and release as bulk jobs, run as subprocesses against a fake the test reads."""

from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path

from tests.cli_support import has_escapes, owned, run_cli, start_cli, wait_for
from twilio_async.testing import FakeTwilio, Fault

PURCHASES = "/IncomingPhoneNumbers.json"


def _journals(directory: Path) -> list[Path]:
    return sorted(directory.glob("twilio-async-*.journal"))


def test_buy_dry_run_sends_no_post(twilio_fake: FakeTwilio, tmp_path: Path) -> None:
    result = run_cli(
        "numbers",
        "buy",
        "4",
        "--area-code",
        "415",
        "--set",
        "voice_url=https://example.com/v",
        "--dry-run",
        fake=twilio_fake,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    planned = [line for line in result.stdout.splitlines() if line.startswith("buy ")]
    assert len(planned) == 4
    assert all("+1415" in line and "voice_url=https://example.com/v" in line for line in planned)
    assert "nothing was sent" in result.stderr
    assert twilio_fake.requests_to("POST") == []
    assert {r.method for r in twilio_fake.requests} == {"GET"}  # searches only
    assert owned(twilio_fake) == []
    assert _journals(tmp_path) == []  # a dry run leaves no journal


def test_buy_runs_a_job_with_a_journal_and_a_summary(
    twilio_fake: FakeTwilio, tmp_path: Path
) -> None:
    args = ("numbers", "buy", "6", "--area-code", "510", "--name-format", "kiosk {n}", "--yes")
    result = run_cli(*args, fake=twilio_fake, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "bought 6 of 6" in result.stdout
    numbers = owned(twilio_fake)
    assert sorted(n["friendly_name"] for n in numbers) == [f"kiosk {n}" for n in range(1, 7)]
    assert all(n["phone_number"].startswith("+1510") for n in numbers)
    (journal,) = _journals(tmp_path)
    assert journal.name.startswith("twilio-async-buy-")
    assert f"journal: {journal.name}" in result.stderr  # the default name is printed
    # Progress went to stderr, as plain lines: no escape sequences anywhere.
    assert "buying: 6/6" in result.stderr
    assert not has_escapes(result.stdout + result.stderr)

    # The same command again finds the journal: the job is done, nothing is bought.
    posts = len(twilio_fake.requests_to("POST"))
    again = run_cli(*args, fake=twilio_fake, cwd=tmp_path)
    assert again.returncode == 0
    assert "bought 6 of 6 (6 by an earlier run)" in again.stdout
    assert "nothing to do" in again.stderr
    assert len(twilio_fake.requests_to("POST")) == posts


def test_purchase_on_a_real_account_needs_yes(twilio_fake: FakeTwilio, tmp_path: Path) -> None:
    result = run_cli("numbers", "buy", "2", fake=twilio_fake, cwd=tmp_path)  # stdin: no tty
    assert result.returncode == 2
    assert "This buys 2 local numbers in US" in result.stderr
    assert "--yes" in result.stderr
    assert twilio_fake.requests_to("POST") == []
    released = run_cli("numbers", "release", "--all", fake=twilio_fake, cwd=tmp_path)
    assert released.returncode == 2
    assert "This releases every number" in released.stderr
    assert twilio_fake.requests_to("DELETE") == []


def test_items_that_fail_exit_1_and_the_summary_says_which(
    twilio_fake: FakeTwilio, tmp_path: Path
) -> None:
    # Area code 555 has no numbers in the fake's inventory.
    result = run_cli(
        "numbers", "buy", "3", "--area-code", "555", "--yes", fake=twilio_fake, cwd=tmp_path
    )
    assert result.returncode == 1
    assert "bought 0 of 3, 0 already done, 3 failed" in result.stdout
    failures = [line for line in result.stdout.splitlines() if line.startswith("failed ")]
    assert len(failures) == 3
    assert all("NoMoreNumbersError" in line for line in failures)
    assert "Traceback" not in result.stderr

    missing = "PN" + "0" * 32
    released = run_cli("numbers", "release", missing, "--yes", fake=twilio_fake, cwd=tmp_path)
    assert released.returncode == 1
    assert f"failed {missing}: Twilio error 20404" in released.stdout
    assert "https://www.twilio.com/docs/errors/20404" in released.stdout


def test_update_applied_twice_sends_no_post_the_second_time(
    twilio_fake: FakeTwilio, tmp_path: Path
) -> None:
    sids = twilio_fake.seed_numbers(5)
    other = twilio_fake.seed_numbers(2)
    sids_file = tmp_path / "sids.txt"
    sids_file.write_text("# the numbers to repoint\nsid\n" + "\n".join(sids[2:]) + "\n")
    args = (
        "numbers",
        "update",
        *sids[:2],
        "--sids-file",
        str(sids_file),
        "--set",
        "sms_url=https://example.com/sms",
        "--set",
        "voice_caller_id_lookup=true",
    )
    dry = run_cli(*args, "--dry-run", fake=twilio_fake, cwd=tmp_path)
    assert dry.returncode == 0
    assert dry.stdout.count("sms_url: (unset) -> https://example.com/sms") == 5
    assert twilio_fake.requests_to("POST") == []

    first = run_cli(*args, fake=twilio_fake, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "updated 5 of 5" in first.stdout
    assert twilio_fake.updates_per_sid() == dict.fromkeys(sids, 1)
    for sid in sids:
        assert twilio_fake.state.numbers[sid]["sms_url"] == "https://example.com/sms"
        assert twilio_fake.state.numbers[sid]["voice_caller_id_lookup"] is True
    assert not any(twilio_fake.state.numbers[sid]["sms_url"] for sid in other)

    # Again, with a new journal: every number is fetched, found applied, and skipped.
    again = run_cli(*args, "--journal", str(tmp_path / "new.journal"), fake=twilio_fake)
    assert again.returncode == 0
    assert "updated 0 of 5, 5 already done" in again.stdout
    assert twilio_fake.updates_per_sid() == dict.fromkeys(sids, 1)


def test_update_and_release_select_by_filter(twilio_fake: FakeTwilio, tmp_path: Path) -> None:
    shops = twilio_fake.seed_numbers(3, friendly_name="shop")
    kept = twilio_fake.seed_numbers(2, friendly_name="office")
    result = run_cli(
        "numbers",
        "update",
        "--friendly-name",
        "shop",
        "--set",
        "voice_method=GET",
        fake=twilio_fake,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(twilio_fake.updates_per_sid()) == sorted(shops)

    release = ("numbers", "release", "--friendly-name", "shop", "--yes")
    dry = run_cli(*release, "--dry-run", fake=twilio_fake, cwd=tmp_path)
    assert dry.stdout.count("release PN") == 3
    assert twilio_fake.requests_to("DELETE") == []
    released = run_cli(*release, fake=twilio_fake, cwd=tmp_path)
    assert released.returncode == 0, released.stderr
    assert "released 3 of 3" in released.stdout
    assert sorted(n["sid"] for n in owned(twilio_fake)) == sorted(kept)


BEFORE_STOP = 8  # purchases a stopped buy has made, at least
HELD = 3.0  # seconds the fake holds each purchase after those


def _buy_interrupted(
    fake: FakeTwilio, directory: Path, args: tuple[str, ...], how: signal.Signals
) -> tuple[int | None, str]:
    """Start the buy, stop it with ``how`` once BEFORE_STOP purchases went through (the
    fake holds the next ones, so the job is mid-way whatever the machine's speed), let what
    it sent land; its exit status and standard error."""
    fake.inject(Fault(latency=HELD, method="POST", path=PURCHASES, skip=BEFORE_STOP, times=None))
    child = start_cli(*args, fake=fake, cwd=directory)
    try:
        wait_for(
            lambda: len(fake.purchases_per_number()) >= BEFORE_STOP or child.poll() is not None
        )
        child.send_signal(how)
        _, stderr = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    wait_for(lambda: fake.in_flight == 0)  # the purchases held when it stopped land now
    fake.faults.clear()
    return child.returncode, stderr


def _assert_bought_exactly(fake: FakeTwilio, count: int) -> None:
    assert len(owned(fake)) == count
    sent = fake.purchases_per_number(handled_only=False)
    assert set(sent.values()) == {1}  # no number was even asked for twice
    assert Counter(fake.purchases_per_number().values()) == {1: count}


def test_a_buy_killed_mid_way_and_run_again_buys_exactly_the_count(
    twilio_fake: FakeTwilio, tmp_path: Path
) -> None:
    args = ("numbers", "buy", "30", "--concurrency", "4", "--yes")
    status, _ = _buy_interrupted(twilio_fake, tmp_path, args, signal.SIGKILL)
    assert status == -signal.SIGKILL
    # Those it had in flight (4 at most) went through after it died, unanswered.
    assert BEFORE_STOP <= len(owned(twilio_fake)) <= BEFORE_STOP + 4

    result = run_cli(*args, fake=twilio_fake, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "bought 30 of 30 (" in result.stdout  # some by the killed run
    _assert_bought_exactly(twilio_fake, 30)


def test_ctrl_c_stops_a_buy_that_the_same_command_resumes(
    twilio_fake: FakeTwilio, tmp_path: Path
) -> None:
    args = ("numbers", "buy", "30", "--concurrency", "4", "--yes")
    status, stderr = _buy_interrupted(twilio_fake, tmp_path, args, signal.SIGINT)
    assert status == 130
    (journal,) = _journals(tmp_path)
    assert f"stopped; run the same command again to carry on (journal: {journal.name})" in stderr
    assert "Traceback" not in stderr
    assert BEFORE_STOP <= len(owned(twilio_fake)) <= BEFORE_STOP + 4

    result = run_cli(*args, fake=twilio_fake, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    _assert_bought_exactly(twilio_fake, 30)
