"""The command run in this process with click's CliRunner (its output is not a terminal),
against the bundled fake (``--fake``): journals, counts in messages, piped tables."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from twilio_async.cli.app import cli

# Credentials for a command that stops before sending anything (a confirmation refused).
ACCOUNT = {"TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "0" * 32}


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run ``twilio-async ARGS``; standard output and error apart (click 8.1 mixes them
    unless asked not to, 8.2 keeps them apart and has no ``mix_stderr``)."""
    if "mix_stderr" in inspect.signature(CliRunner).parameters:
        runner = CliRunner(mix_stderr=False)
    else:
        runner = CliRunner()
    return runner.invoke(cli, list(args), env=env, catch_exceptions=False)


# -- journals under --fake ---------------------------------------------------------------

FAKE_JOBS = [
    (("numbers", "buy", "2", "--area-code", "415", "--yes"), "bought 2 of 2"),
    (
        ("numbers", "update", "--friendly-name", "store 001", "--set", "sms_method=GET"),
        "updated 1 of 1",
    ),
    (("numbers", "release", "--friendly-name", "support 01"), "released 1 of 1"),
]


@pytest.mark.parametrize(("args", "summary"), FAKE_JOBS, ids=["buy", "update", "release"])
def test_a_job_on_the_fake_keeps_its_journal_in_memory(
    args: tuple[str, ...], summary: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(*args, "--fake")
    assert result.exit_code == 0, result.output
    assert summary in result.stdout  # the job ran
    assert "journal: in memory (--fake)" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no journal named after the job, nothing else

    planned = invoke(*args, "--fake", "--dry-run")
    assert planned.exit_code == 0, planned.output
    assert "nothing was sent" in planned.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ("numbers", "buy", "2", "--fake", "--journal", "mine.journal"),
        ("numbers", "buy", "2", "--journal", "mine.journal", "--fake", "--dry-run"),
        ("numbers", "update", "--all", "--set", "sms_method=GET", "--journal", "mine.journal"),
        ("numbers", "release", "--all", "--yes", "--journal", "mine.journal"),
        ("numbers", "apply", "desired.csv", "--yes", "--journal", "mine.journal"),
    ],
    ids=lambda args: "-".join(args[1:3]),
)
def test_an_explicit_journal_with_fake_is_a_usage_error_before_anything_runs(
    args: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "desired.csv").write_text("sid,voice_url\nPN" + "0" * 32 + ",https://e.com\n")
    result = invoke(*args) if "--fake" in args else invoke(*args, "--fake")
    assert result.exit_code == 2
    assert result.stdout == ""
    error = result.stderr.splitlines()[-1]
    assert error.startswith("Error: --journal and --fake do not go together")
    assert "could never be resumed" in error
    assert "kept in memory" in error
    assert "journal:" not in result.stderr  # no job started
    assert sorted(p.name for p in tmp_path.iterdir()) == ["desired.csv"]


# -- counts in messages ------------------------------------------------------------------


def test_a_count_of_one_reads_in_the_singular() -> None:
    listed = invoke("numbers", "list", "--fake", "--friendly-name", "store 002")
    assert listed.exit_code == 0, listed.output
    assert len(listed.stdout.splitlines()) == 2  # the header and the number
    assert listed.stderr.startswith("listing: 1 number  ")  # then its rate

    bought = invoke("numbers", "buy", "1", env=ACCOUNT)  # no terminal to ask: refused
    assert bought.exit_code == 2
    assert f"This buys 1 local number in US on account {ACCOUNT['TWILIO_ACCOUNT_SID']}" in (
        bought.stderr
    )
    released = invoke("numbers", "release", "PN" + "0" * 32, env=ACCOUNT)
    assert released.exit_code == 2
    assert "This releases 1 number, for good" in released.stderr


# -- tables on a pipe ----------------------------------------------------------------------


def test_a_piped_table_has_no_trailing_spaces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Numbers whose last column is empty (no SMS URL) or full, in several chunks of rows.
    monkeypatch.setattr("twilio_async.cli.output.TABLE_CHUNK", 30)
    result = invoke("numbers", "list", "--fake")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + 100  # the header and every number of the fake
    assert lines[0].split() == ["SID", "NUMBER", "FRIENDLY", "NAME", "VOICE", "URL", "SMS", "URL"]
    assert [line for line in lines if line != line.rstrip()] == []
    # The columns still line up: each number starts where the header's NUMBER does.
    at = lines[0].index("NUMBER")
    assert all(line[at] == "+" for line in lines[1:])
    assert any(line.endswith("https://example.com/support/sms") for line in lines)

    out = tmp_path / "numbers.txt"
    written = invoke("numbers", "search", "--fake", "--area-code", "415", "-o", str(out))
    assert written.exit_code == 0, written.output
    rows = out.read_text().splitlines()
    assert len(rows) > 1
    assert [row for row in rows if row != row.rstrip()] == []


# -- dry runs ------------------------------------------------------------------------------


def _sid_and_number(line: str) -> tuple[str, str]:
    """A planned line's SID and phone number (the fake's SIDs differ from run to run)."""
    _, sid, phone, *_ = line.split()
    return sid, phone


def test_a_dry_run_prints_the_plan_for_people() -> None:
    update = invoke(
        *("numbers", "update", "--fake", "--friendly-name", "store 001", "--dry-run"),
        *(
            "--set",
            "friendly_name=",
            "--set",
            "voice_method=GET",
            "--set",
            "sms_url=https://e.com/s",
        ),
    )
    assert update.exit_code == 0, update.output
    head, line = update.stdout.splitlines()
    assert head == "dry run of the update job: update 1"
    sid, phone = _sid_and_number(line)
    assert sid.startswith("PN")
    assert line == (
        f"update  {sid} {phone}  friendly_name: store 001 -> (unset), "
        "voice_method: POST -> GET, sms_url: (unset) -> https://e.com/s"
    )
    assert update.stderr == "dry run: nothing was sent but searches and lookups\n"

    buy = invoke(
        *("numbers", "buy", "2", "--fake", "--area-code", "510", "--dry-run"),
        *("--set", "voice_url=https://e.com/v", "--set", "voice_method=GET"),
    )
    assert buy.exit_code == 0, buy.output
    head, *lines = buy.stdout.splitlines()
    assert head == "dry run of the buy job: buy 2"
    assert len(lines) == 2
    for line in lines:
        phone = line.split()[1]
        assert line == f"buy     {phone}  voice_url=https://e.com/v, voice_method=GET"
        assert phone.startswith("+1510")

    release = invoke("numbers", "release", "--fake", "--friendly-name", "support 01", "--dry-run")
    assert release.exit_code == 0, release.output
    head, line = release.stdout.splitlines()
    assert head == "dry run of the release job: release 1"
    sid, phone = _sid_and_number(line)
    assert line == f"release {sid} {phone}"

    missing = "PN" + "0" * 32
    failed = invoke("numbers", "update", "--fake", missing, "--set", "sms_method=GET", "--dry-run")
    assert failed.exit_code == 1  # as the run would: an item would fail
    head, line = failed.stdout.splitlines()
    assert head == "dry run of the update job: fail 1"
    assert line.startswith(f"fail    {missing}  HTTP 404 GET http://127.0.0.1:")
    assert "(Twilio code 20404; more info: https://www.twilio.com/docs/errors/20404;" in line
