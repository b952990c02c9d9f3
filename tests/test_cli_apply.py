"""numbers export and numbers apply: desired-settings files, plans, idempotent applies."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.cli_support import csv_rows, jsonl_rows, run_cli
from twilio_async.cli.settings import EXPORT_FIELDS
from twilio_async.testing import FakeTwilio


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_export_holds_every_number_with_its_settings(
    twilio_fake: FakeTwilio, tmp_path: Path, suffix: str
) -> None:
    sids = twilio_fake.seed_numbers(12, voice_url="https://example.com/v")
    out = tmp_path / f"settings.{suffix}"
    result = run_cli("numbers", "export", "-o", str(out), "--page-size", "5", fake=twilio_fake)
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    rows = csv_rows(text) if suffix == "csv" else jsonl_rows(text)
    assert sorted(row["sid"] for row in rows) == sorted(sids)
    assert all(tuple(row) == EXPORT_FIELDS for row in rows)
    assert {row["voice_url"] for row in rows} == {"https://example.com/v"}
    lookup = {row["voice_caller_id_lookup"] for row in rows}
    assert lookup == ({"false"} if suffix == "csv" else {False})


def _edit_csv(path: Path, edit: dict[str, dict[str, str]]) -> None:
    with open(path, newline="") as stream:
        rows = list(csv.DictReader(stream))
    for row in rows:
        row.update(edit.get(row["sid"], {}))
    with open(path, "w", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_apply_shows_the_plan_applies_with_yes_and_twice_sends_no_post(
    twilio_fake: FakeTwilio, tmp_path: Path
) -> None:
    sids = twilio_fake.seed_numbers(8, voice_url="https://example.com/old")
    path = tmp_path / "desired.csv"
    assert run_cli("numbers", "export", "-o", str(path), fake=twilio_fake).returncode == 0
    _edit_csv(
        path,
        {
            sids[0]: {"voice_url": "https://example.com/new", "voice_method": "GET"},
            sids[1]: {"voice_url": ""},  # cleared
            sids[2]: {"voice_method": ""},  # a method cannot be cleared: left alone
        },
    )

    plan = run_cli("numbers", "apply", str(path), fake=twilio_fake, cwd=tmp_path)
    assert plan.returncode == 0, plan.stderr
    lines = plan.stdout.splitlines()
    assert [line.split()[1] for line in lines if line.startswith("update")] == sids[:2]
    change = next(line for line in lines if sids[0] in line)
    assert "voice_url: https://example.com/old -> https://example.com/new" in change
    assert "voice_method: POST -> GET" in change
    cleared = next(line for line in lines if sids[1] in line)
    assert cleared.endswith("voice_url: https://example.com/old -> (unset)")
    assert "2 to change, 6 as in desired.csv already, 0 failed" in plan.stdout
    assert "add --yes" in plan.stderr
    assert twilio_fake.requests_to("POST") == []  # the plan only

    applied = run_cli("numbers", "apply", str(path), "--yes", fake=twilio_fake, cwd=tmp_path)
    assert applied.returncode == 0, applied.stderr
    assert "updated 2 of 2" in applied.stdout
    numbers = twilio_fake.state.numbers
    assert numbers[sids[0]]["voice_url"] == "https://example.com/new"
    assert numbers[sids[0]]["voice_method"] == "GET"
    assert not numbers[sids[1]]["voice_url"]
    assert numbers[sids[2]]["voice_method"] == "POST"
    # Only what changes is sent.
    (first,) = [r for r in twilio_fake.requests_to("POST") if sids[0] in r.path]
    assert dict(first.form) == {"VoiceUrl": "https://example.com/new", "VoiceMethod": "GET"}

    posts = len(twilio_fake.requests_to("POST"))
    again = run_cli("numbers", "apply", str(path), "--yes", fake=twilio_fake, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "0 to change, 8 as in desired.csv already" in again.stdout
    assert len(twilio_fake.requests_to("POST")) == posts


def test_apply_a_jsonl_file_with_some_columns(twilio_fake: FakeTwilio, tmp_path: Path) -> None:
    sids = twilio_fake.seed_numbers(3)
    path = tmp_path / "desired.jsonl"
    rows = [{"sid": sid, "sms_url": f"https://example.com/{n}"} for n, sid in enumerate(sids)]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    result = run_cli("numbers", "apply", str(path), "--yes", fake=twilio_fake, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for n, sid in enumerate(sids):
        assert twilio_fake.state.numbers[sid]["sms_url"] == f"https://example.com/{n}"


def test_apply_reports_a_number_that_is_not_on_the_account(
    twilio_fake: FakeTwilio, tmp_path: Path
) -> None:
    (sid,) = twilio_fake.seed_numbers(1)
    missing = "PN" + "f" * 32
    path = tmp_path / "desired.csv"
    path.write_text(f"sid,friendly_name\n{sid},front desk\n{missing},nobody\n")
    result = run_cli("numbers", "apply", str(path), "--yes", fake=twilio_fake, cwd=tmp_path)
    assert result.returncode == 1
    assert f"fail    {missing}" in result.stdout
    assert "1 to change, 0 as in desired.csv already, 1 failed" in result.stdout
    assert twilio_fake.state.numbers[sid]["friendly_name"] == "front desk"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("sid,voice_ur\nPN{0},x\n", "unknown columns ['voice_ur']"),
        ("sid,voice_method\nPN{0},PUT\n", "line 2: voice_method must be one of"),
        ("sid,voice_caller_id_lookup\nPN{0},maybe\n", "must be true or false"),
        ("sid,sms_url\nPN{0},https://e.com/a\nPN{0},https://e.com/b\n", "is on line 2 already"),
        ("sid,sms_url\nXX{0},https://e.com/a\n", "sid must be a SID"),
    ],
)
def test_a_bad_desired_settings_file_is_a_usage_error_naming_the_line(
    twilio_fake: FakeTwilio, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "desired.csv"
    path.write_text(content.format("a" * 32))
    result = run_cli("numbers", "apply", str(path), "--yes", fake=twilio_fake)
    assert result.returncode == 2
    assert message in result.stderr
    assert twilio_fake.requests == []
