"""The twilio-async command, run as a subprocess: listings, formats, errors, exit codes."""

from __future__ import annotations

from pathlib import Path

from tests.cli_support import (
    cli_env,
    csv_rows,
    has_escapes,
    has_styles,
    jsonl_rows,
    owned,
    run_cli,
    run_cli_on_terminal,
)
from twilio_async.cli.demo import PLAIN, STORE_VOICE_URL, STORES, SUPPORT
from twilio_async.testing import FakeTwilio, Fault

SEEDED = STORES + SUPPORT + PLAIN


def test_help_lists_every_command() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    assert "numbers" in result.stdout
    assert "addons" in result.stdout
    numbers = run_cli("numbers", "--help").stdout
    for command in ("list", "search", "buy", "update", "release", "export", "apply"):
        assert f"  {command} " in numbers
    addons = run_cli("addons", "--help").stdout
    for command in ("list", "install", "uninstall", "extensions"):
        assert f"  {command} " in addons


def test_list_with_fake_in_every_format_holds_every_seeded_number() -> None:
    as_csv = run_cli("numbers", "list", "--fake", "--format", "csv", "--page-size", "7")
    as_jsonl = run_cli("numbers", "list", "--fake", "--format", "jsonl")
    table = run_cli("numbers", "list", "--fake")
    assert as_csv.returncode == as_jsonl.returncode == table.returncode == 0

    rows = csv_rows(as_csv.stdout)
    records = jsonl_rows(as_jsonl.stdout)
    assert len(rows) == len(records) == SEEDED
    assert len({row["sid"] for row in rows}) == SEEDED
    store = next(row for row in rows if row["friendly_name"] == "store 007")
    assert store["voice_url"] == STORE_VOICE_URL
    assert store["capabilities.voice"] == "true"  # nested models spread over columns
    assert store["sms_url"] == ""  # absent: an empty cell
    record = next(r for r in records if r["friendly_name"] == "store 007")
    assert record["capabilities"]["voice"] is True
    assert record["sms_url"] is None
    assert record["date_created"].endswith("Z")  # ISO 8601, as the library writes dates
    # The table: a header, then one line per number.
    lines = table.stdout.splitlines()
    assert lines[0].split()[:2] == ["SID", "NUMBER"]
    assert len(lines) == SEEDED + 1
    assert any("store 007" in line and STORE_VOICE_URL in line for line in lines)


def test_filters_and_limit_reach_the_list() -> None:
    result = run_cli(
        "numbers", "list", "--fake", "--format", "jsonl", "--friendly-name", "support 03"
    )
    assert [r["friendly_name"] for r in jsonl_rows(result.stdout)] == ["support 03"]
    limited = run_cli("numbers", "list", "--fake", "--format", "jsonl", "--limit", "5")
    assert len(jsonl_rows(limited.stdout)) == 5


def test_output_file_gets_the_records_and_stderr_the_progress(tmp_path: Path) -> None:
    out = tmp_path / "numbers.csv"
    result = run_cli("numbers", "list", "--fake", "--output", str(out))  # format from suffix
    assert result.returncode == 0
    assert result.stdout == ""
    assert len(csv_rows(out.read_text())) == SEEDED
    # Progress (stderr is a pipe here: plain lines) says how many were listed.
    assert f"listing: {SEEDED} numbers" in result.stderr


def test_progress_goes_to_stderr_only_and_pipes_get_plain_text() -> None:
    piped = run_cli("numbers", "list", "--fake", "--format", "jsonl")
    assert f"listing: {SEEDED} numbers" in piped.stderr
    assert len(jsonl_rows(piped.stdout)) == SEEDED  # every stdout line is a record
    assert not has_escapes(piped.stdout)
    assert not has_escapes(piped.stderr)
    table = run_cli("numbers", "list", "--fake")
    assert not has_escapes(table.stdout)


def test_search_with_criteria_and_several_area_codes() -> None:
    result = run_cli(
        "numbers",
        "search",
        "--fake",
        "--area-code",
        "415",
        "--area-code",
        "510",
        "--capability",
        "sms",
        "--in-region",
        "CA",
        "--limit",
        "4",
        "--format",
        "csv",
    )
    assert result.returncode == 0, result.stderr
    rows = csv_rows(result.stdout)
    assert [row["phone_number"][:5] for row in rows] == ["+1415"] * 4 + ["+1510"] * 4
    assert {row["capabilities.sms"] for row in rows} == {"true"}
    assert {row["region"] for row in rows} == {"CA"}


def test_usage_errors_exit_2_before_anything_is_sent(twilio_fake: FakeTwilio) -> None:
    cases = [
        ("numbers", "list", "--format", "xml"),  # click's own
        ("numbers", "buy", "0"),
        ("numbers", "update", "--set", "voice_url=https://e.com/v"),  # which numbers?
        ("numbers", "update", "--all", "--set", "voice_method=PUT"),  # the library's check
        ("numbers", "update", "--all", "--set", "no_such_setting=1"),
        ("numbers", "search", "--contains", "5"),  # too short a pattern
        ("numbers", "list", "--resume", "not a cursor"),
        ("numbers", "release", "PN123", "--yes"),  # not a SID
    ]
    for args in cases:
        result = run_cli(*args, fake=twilio_fake)
        assert result.returncode == 2, (args, result.stderr)
        assert "Error:" in result.stderr
        assert "Traceback" not in result.stderr
    assert twilio_fake.requests == []


def test_missing_credentials_are_a_usage_error_naming_fake() -> None:
    result = run_cli("numbers", "list")
    assert result.returncode == 2
    assert "TWILIO_ACCOUNT_SID" in result.stderr
    assert "--fake" in result.stderr


def test_api_error_prints_code_message_and_link_without_traceback(
    twilio_fake: FakeTwilio,
) -> None:
    env = cli_env(twilio_fake, TWILIO_AUTH_TOKEN="0" * 32)  # not the fake's token
    result = run_cli("numbers", "list", env=env)
    assert result.returncode == 1
    assert "Twilio error 20003: Authenticate" in result.stderr
    assert "https://www.twilio.com/docs/errors/20003" in result.stderr
    assert "Traceback" not in result.stderr
    assert "0" * 32 not in result.stderr  # the secret is never shown

    debug = run_cli("numbers", "list", "--debug", env=env)
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr
    assert "AuthenticationError" in debug.stderr


def test_a_failed_listing_prints_its_cursor_and_resume_goes_on(
    twilio_fake: FakeTwilio, tmp_path: Path
) -> None:
    twilio_fake.seed_numbers(30)
    # The second page is refused (400 is not retried): the first ten are written.
    twilio_fake.inject(Fault(status=400, method="GET", path="/IncomingPhoneNumbers.json", skip=1))
    out = tmp_path / "all.jsonl"
    first = run_cli("numbers", "list", "--page-size", "10", "-o", str(out), fake=twilio_fake)
    assert first.returncode == 1
    assert "Twilio error 20400" in first.stderr
    assert len(jsonl_rows(out.read_text())) == 10
    hint = next(line for line in first.stderr.splitlines() if "--resume" in line)
    cursor = hint.split("--resume ", 1)[1].strip().strip("'")

    second = run_cli("numbers", "list", "-o", str(out), "--resume", cursor, fake=twilio_fake)
    assert second.returncode == 0, second.stderr
    sids = [row["sid"] for row in jsonl_rows(out.read_text())]
    assert sorted(sids) == sorted(n["sid"] for n in owned(twilio_fake))  # each exactly once


def test_completion_script_and_completions() -> None:
    script = run_cli("completion", "bash")
    assert script.returncode == 0
    assert "_TWILIO_ASYNC_COMPLETE" in script.stdout
    assert "complete " in script.stdout
    # What the script asks for on Tab after "twilio-async numbers b".
    env = cli_env(
        _TWILIO_ASYNC_COMPLETE="bash_complete", COMP_WORDS="twilio-async numbers b", COMP_CWORD="2"
    )
    completed = run_cli(env=env)
    assert completed.returncode == 0
    assert "plain,buy" in completed.stdout.splitlines()


def test_on_a_terminal_no_color_turns_every_colour_and_style_off(tmp_path: Path) -> None:
    terminal = cli_env(TERM="xterm-256color")
    no_color = cli_env(TERM="xterm-256color", NO_COLOR="1")
    table = ("numbers", "list", "--fake", "--limit", "3")
    export = ("numbers", "export", "--fake", "-o", str(tmp_path / "numbers.csv"))

    status, out, _ = run_cli_on_terminal(*table, env=terminal)
    assert status == 0
    assert has_styles(out)  # a bold header on a terminal
    status, _, err = run_cli_on_terminal(*export, env=terminal)
    assert status == 0
    assert has_styles(err)  # a coloured bar, redrawn in place
    assert "\r" in err

    status, out, _ = run_cli_on_terminal(*table, env=no_color)
    assert status == 0
    assert out.splitlines()[0].split()[:2] == ["SID", "NUMBER"]
    assert sum(line.startswith("PN") for line in out.splitlines()) == 3
    assert not has_styles(out)
    status, _, err = run_cli_on_terminal(*export, env=no_color)
    assert status == 0
    assert f"{SEEDED} numbers" in err
    assert not has_styles(err)
