"""The one large CLI test: a 100,000-number export stays within a fixed memory bound."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.cli_support import run_cli_measured
from twilio_async.testing import FakeTwilio

NUMBERS = 100_000
# Peak RSS allowed to the exporting process. A 1,000-number export peaks at about 47 MiB
# (the interpreter, aiohttp, click, a page of 1,000 records); holding 100,000 numbers as
# models would add about 180 MiB more (1.8 KB each, tracemalloc).
BOUND_MIB = 100


def test_a_100k_number_export_stays_within_a_fixed_memory_bound(
    twilio_fake: FakeTwilio, tmp_path: Path
) -> None:
    twilio_fake.seed_numbers(NUMBERS)
    out = tmp_path / "numbers.csv"
    result, peak_kib = run_cli_measured(
        "numbers", "export", "-o", str(out), fake=twilio_fake, report=tmp_path / "rss"
    )
    assert result.returncode == 0, result.stderr
    assert f"listing: {NUMBERS:,} numbers" in result.stderr
    with open(out, newline="", encoding="utf-8") as stream:
        sids = {row["sid"] for row in csv.DictReader(stream)}
    assert len(sids) == NUMBERS
    assert 0 < peak_kib < BOUND_MIB * 1024, f"peak RSS {peak_kib / 1024:.0f} MiB"
