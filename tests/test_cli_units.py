"""The CLI's pure pieces, without a process: table widths, progress text, error text,
SID files, --set values, output formats."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from twilio_async.bulk import Progress
from twilio_async.cli.output import Column, fitted_widths, plural, resolve_format
from twilio_async.cli.progress import job_text, stream_text
from twilio_async.cli.runtime import describe_error
from twilio_async.cli.settings import parse_assignments
from twilio_async.errors import NotFoundError, TwilioValidationError

COLUMNS = (
    Column.of("SID", "sid", 34, flexible=False),
    Column.of("NAME", "friendly_name", 20),
    Column.of("URL", "voice_url", 40),
)


def test_table_widths_fit_the_terminal_by_shrinking_flexible_columns_in_proportion() -> None:
    assert fitted_widths(COLUMNS, None) == [34, 20, 40]  # a file: as declared
    assert fitted_widths(COLUMNS, 200) == [34, 20, 40]
    narrow = fitted_widths(COLUMNS, 80)
    assert narrow[0] == 34  # a SID is never cut
    assert sum(narrow) + 2 * 2 <= 80
    assert narrow[2] > narrow[1] >= 8  # the wider column gives up more, none below 8
    assert fitted_widths(COLUMNS, 10) == [34, 8, 8]  # as narrow as they go


def test_job_progress_text_has_counts_rate_and_time_left() -> None:
    start = Progress(total=5000)
    assert job_text(start) == "0/5,000  done 0  failed 0  -/s  eta -"
    later = Progress(
        total=5000, done=3000, skipped=200, failed=3, reconciling=2, rate=412.34, eta=3725.0
    )
    assert job_text(later) == (
        "3,203/5,000  done 3,000  already 200  failed 3  checking 2  412.3/s  eta 1:02:05"
    )
    assert stream_text(1500, 2.0, "number") == "1,500 numbers  750/s"
    assert stream_text(1, 0.5, "number") == "1 number  2/s"
    assert stream_text(0, 0.0, "number") == "0 numbers  -/s"


def test_a_count_reads_in_the_singular_for_one_only() -> None:
    assert plural(1, "number") == "1 number"
    assert plural(0, "number") == "0 numbers"
    assert plural(2, "number") == "2 numbers"
    assert plural(1500, "Add-on") == "1,500 Add-ons"
    assert plural(1, "search", "searches") == "1 search"
    assert plural(3, "search", "searches") == "3 searches"
    assert plural(-1, "item") == "-1 items"


def test_an_api_error_reads_as_code_message_and_link_with_controls_escaped() -> None:
    error = NotFoundError(
        status=404,
        code=20404,
        message="The requested resource\x1b[2J was not found",
        more_info="https://www.twilio.com/docs/errors/20404",
        method="GET",
        url="https://api.twilio.com/2010-04-01/Accounts/AC1/IncomingPhoneNumbers/PN1.json",
        request_id="RQ1",
    )
    full = describe_error(error)
    assert full.splitlines()[0].startswith("Twilio error 20404: The requested resource")
    assert "  more info: https://www.twilio.com/docs/errors/20404" in full
    assert "(HTTP 404 GET https://api.twilio.com/" in full
    assert "request id: RQ1" in full
    assert "\x1b" not in full  # a server's text cannot drive the terminal
    brief = describe_error(error, brief=True)
    assert "\n" not in brief
    assert brief.endswith("(https://www.twilio.com/docs/errors/20404)")
    assert describe_error(ValueError("boom")) == "ValueError: boom"


def test_set_values_are_checked_and_flags_parsed() -> None:
    assert parse_assignments(["voice-url=https://e.com/v", "voice_caller_id_lookup=yes"]) == {
        "voice_url": "https://e.com/v",
        "voice_caller_id_lookup": True,
    }
    assert parse_assignments(["friendly_name=a=b"]) == {"friendly_name": "a=b"}
    with pytest.raises(click.BadParameter, match="unknown setting 'voice_ur'"):
        parse_assignments(["voice_ur=x"])
    with pytest.raises(click.BadParameter, match="expected KEY=VALUE"):
        parse_assignments(["voice_url"])
    with pytest.raises(TwilioValidationError, match="must be true or false"):
        parse_assignments(["voice_caller_id_lookup=maybe"])


def test_the_format_comes_from_the_option_then_the_file_suffix() -> None:
    assert resolve_format("jsonl", Path("out.csv"), "table") == "jsonl"
    assert resolve_format(None, Path("out.CSV"), "table") == "csv"
    assert resolve_format(None, Path("out.ndjson"), "table") == "jsonl"
    assert resolve_format(None, Path("out.txt"), "table") == "table"
    assert resolve_format(None, None, "csv") == "csv"
