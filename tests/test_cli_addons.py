"""addons list / install / uninstall / extensions, against a fake the test reads."""

from __future__ import annotations

from tests.cli_support import csv_rows, jsonl_rows, run_cli
from twilio_async.testing import FakeTwilio


def _installs(fake: FakeTwilio) -> list[dict[str, object]]:
    return fake.state.marketplace.installs_of(fake.account_sid)


def test_list_the_catalog_and_the_installs(twilio_fake: FakeTwilio) -> None:
    catalog = run_cli("addons", "list", "--format", "csv", fake=twilio_fake)
    assert catalog.returncode == 0, catalog.stderr
    names = [row["friendly_name"] for row in csv_rows(catalog.stdout)]
    assert "Nomorobo Spam Score" in names
    assert len(names) == len(twilio_fake.state.marketplace.available)

    sid = twilio_fake.install_add_on(configuration={"bad_words": True}, unique_name="words")
    installed = run_cli("addons", "list", "--installed", "--format", "jsonl", fake=twilio_fake)
    (record,) = jsonl_rows(installed.stdout)
    assert record["sid"] == sid
    assert record["unique_name"] == "words"
    assert record["configuration"] == {"bad_words": True}


def test_install_asks_for_the_terms_unless_accepted(twilio_fake: FakeTwilio) -> None:
    refused = run_cli("addons", "install", "Nomorobo Spam Score", fake=twilio_fake)
    assert refused.returncode == 2
    assert "accepts its terms of service" in refused.stderr
    assert twilio_fake.requests_to("POST") == []

    result = run_cli(
        "addons",
        "install",
        "nomorobo spam score",  # any case
        "--configuration",
        '{"threshold": 3}',
        "--unique-name",
        "spam",
        "--accept-terms",
        fake=twilio_fake,
    )
    assert result.returncode == 0, result.stderr
    (install,) = _installs(twilio_fake)
    assert install["unique_name"] == "spam"
    assert install["configuration"] == {"threshold": 3}
    assert f"installed Nomorobo Spam Score as {install['sid']} (spam)" in result.stdout


def test_a_configuration_twilio_refuses_prints_its_error(twilio_fake: FakeTwilio) -> None:
    result = run_cli(
        "addons",
        "install",
        "Nomorobo Spam Score",
        "--configuration",
        '{"threshold": "high"}',
        "--yes",
        fake=twilio_fake,
    )
    assert result.returncode == 1
    assert "Twilio error 20422: Configuration property 'threshold'" in result.stderr
    assert "https://www.twilio.com/docs/errors/20422" in result.stderr
    assert "Traceback" not in result.stderr
    assert _installs(twilio_fake) == []

    not_json = run_cli("addons", "install", "Nomorobo Spam Score", "--configuration", "{", "--yes")
    assert not_json.returncode == 2
    assert "not JSON" in not_json.stderr


def test_extensions_are_listed_and_switched_by_name(twilio_fake: FakeTwilio) -> None:
    sid = twilio_fake.install_add_on("Nomorobo Spam Score", unique_name="spam")
    listed = run_cli("addons", "extensions", "spam", "--format", "csv", fake=twilio_fake)
    rows = {row["unique_name"]: row for row in csv_rows(listed.stdout)}
    assert sorted(rows) == ["lookup-api", "voice-incoming"]
    assert {row["enabled"] for row in rows.values()} == {"false"}

    typo = run_cli("addons", "extensions", "spam", "--enable", "lookup-ap", fake=twilio_fake)
    assert typo.returncode == 2
    assert "no extension 'lookup-ap'" in typo.stderr
    assert twilio_fake.requests_to("POST") == []

    switched = run_cli(
        "addons", "extensions", sid, "--enable", "lookup-api", "--format", "jsonl", fake=twilio_fake
    )
    assert switched.returncode == 0, switched.stderr
    enabled = {r["unique_name"]: r["enabled"] for r in jsonl_rows(switched.stdout)}
    assert enabled == {"lookup-api": True, "voice-incoming": False}
    lookup = rows["lookup-api"]["sid"]
    assert twilio_fake.state.marketplace.installs[sid]["enabled"][lookup] is True


def test_uninstall_by_unique_name(twilio_fake: FakeTwilio) -> None:
    twilio_fake.install_add_on("Nomorobo Spam Score", unique_name="spam")
    kept = twilio_fake.install_add_on(unique_name="words")
    refused = run_cli("addons", "uninstall", "spam", fake=twilio_fake)
    assert refused.returncode == 2
    assert twilio_fake.requests_to("DELETE") == []
    result = run_cli("addons", "uninstall", "spam", "--yes", fake=twilio_fake)
    assert result.returncode == 0, result.stderr
    assert [i["sid"] for i in _installs(twilio_fake)] == [kept]
    unknown = run_cli("addons", "uninstall", "spam", "--yes", fake=twilio_fake)
    assert unknown.returncode == 2
    assert "no installed Add-on 'spam'; there are: 'words'" in unknown.stderr


def test_fake_has_installed_add_ons_to_try() -> None:
    result = run_cli("addons", "list", "--installed", "--fake", "--format", "jsonl")
    assert [r["unique_name"] for r in jsonl_rows(result.stdout)] == ["transcription", "spam-score"]
    enabled = run_cli("addons", "extensions", "spam-score", "--fake", "--format", "jsonl")
    assert {r["enabled"] for r in jsonl_rows(enabled.stdout)} == {True}
