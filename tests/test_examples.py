"""The examples run as users run them: as scripts, against the bundled fake."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .rawserver import RawServer, Received, Reply, json_body

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CREDENTIALS = {"TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "not-used"}


def run(
    name: str, environ: dict[str, str] | None = None, *args: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWILIO_")}
    env.update(environ or {})
    env["PYTHONPATH"] = os.pathsep.join(
        [str(EXAMPLES.parent), *filter(None, [env.get("PYTHONPATH")])]
    )
    env["PYTHONWARNINGS"] = "error"  # an unclosed session would fail the run
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_example(name: str, environ: dict[str, str] | None = None, *args: str) -> str:
    done = run(name, environ, *args)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def test_quickstart() -> None:
    out = run_example("quickstart.py")
    assert "using the fake Twilio" in out
    assert "bought +15005550006" in out
    assert "voice_url is now https://example.com/voice-v2 (GET)" in out
    assert "released: fetching it again gives HTTP 404 (code 20404)" in out


def test_batch_provisioning() -> None:
    out = run_example("batch_provisioning.py")
    assert "bought 150 numbers, 50 failed" in out
    assert "Twilio error 21452: 50 requests" in out
    # max_concurrency=20 bounds the peak; the adaptive limit backs off on the injected 429s.
    peak = re.search(r"at most (\d+) at once", out)
    assert peak is not None
    assert 1 < int(peak.group(1)) <= 20
    assert "updated and released 150 numbers" in out


def test_inventory() -> None:
    out = run_example("inventory.py")
    assert "20500 numbers in" in out
    assert "500 numbers have no voice webhook" in out


def test_addons() -> None:
    out = run_example("addons.py")
    assert "using the fake Twilio" in out
    assert "chose VoiceBase High Accuracy Transcription (XB" in out
    assert "with configuration {'bad_words': True}" in out
    assert "enabled extension voice-incoming (Programmable Voice)" in out
    assert "  voice-incoming: on\n  recording-verb: off\n  recording-dial: off\n" in out
    assert "uninstall refused while assigned: HTTP 400" in out
    assert ": 0 Add-ons left on the number" in out
    lines = out.splitlines()
    cleanup = [line.split()[0] for line in lines[-3:]]
    assert cleanup == ["unassigned", "uninstalled", "released"]  # last step undone first


def test_addons_with_real_credentials_asks_before_accepting_terms() -> None:
    with RawServer(refuse_credentials).in_thread() as server:
        environ = {**CREDENTIALS, "TWILIO_BASE_URL": server.url}
        out = run_example("addons.py", environ, "--yes-real-twilio")
    assert out == (
        "Installing an Add-on accepts its Terms of Service: rerun with --accept-terms.\n"
    )
    assert server.connections == 0


# -- nothing bought, installed or released on a real account without --yes-real-twilio --------

CHANGES_A_REAL_ACCOUNT = {
    "quickstart.py": "buys +15005550006",
    "batch_provisioning.py": "buys up to 200 phone numbers (50 in each of area codes 415",
    "addons.py": "installs a Marketplace Add-on",
    "provisioning_job.py": "buys 40 phone numbers in area codes 415 and 510",
}


async def refuse_credentials(request: Received, reply: Reply) -> None:
    body = json_body({"code": 20003, "message": "Authenticate", "status": 401})
    await reply.send(401, body)


@pytest.mark.parametrize("name", sorted(CHANGES_A_REAL_ACCOUNT))
def test_an_example_that_changes_a_real_account_refuses_without_the_flag(name: str) -> None:
    # The base URL is a local server that would answer 401: nothing may reach it at all.
    with RawServer(refuse_credentials).in_thread() as server:
        done = run(name, {**CREDENTIALS, "TWILIO_BASE_URL": server.url})
    assert done.returncode == 1
    assert done.stdout == ""
    assert CHANGES_A_REAL_ACCOUNT[name] in done.stderr
    assert "Nothing was sent. Rerun with --yes-real-twilio" in done.stderr
    assert server.connections == 0


def test_with_the_flag_an_example_does_use_the_account() -> None:
    with RawServer(refuse_credentials).in_thread() as server:
        environ = {**CREDENTIALS, "TWILIO_BASE_URL": server.url}
        out = run_example("batch_provisioning.py", environ, "--yes-real-twilio")
    assert "bought 0 numbers, 200 failed" in out
    assert "Twilio error 20003: 200 requests" in out
    assert server.count("POST", "/IncomingPhoneNumbers.json") == len(server.requests) == 200
    pair = f"{CREDENTIALS['TWILIO_ACCOUNT_SID']}:{CREDENTIALS['TWILIO_AUTH_TOKEN']}"
    expected = "Basic " + base64.b64encode(pair.encode()).decode()
    assert {r.headers["authorization"] for r in server.requests} == {expected}


def test_legacy_xml() -> None:
    out = run_example("legacy_xml.py")
    assert "as 'My Company Line'" in out
    assert "voice: GET https://example.com/voice; caller ID lookup: True" in out
    assert "no toll-free number in 555: HTTP 400, Twilio error 21452" in out
    assert "2000 numbers on 40 pages of 50" in out
    assert "streamed 2000 numbers in" in out
    assert "voice is now POST https://example.com/voice-v2; sms_url is None" in out
    assert "released: fetching it again gives HTTP 404 (code 20404)" in out


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("[!_]*.py")))
def test_every_example_is_covered(name: str) -> None:
    covered = {"quickstart.py", "batch_provisioning.py", "inventory.py"}
    extra = {n for n in globals() if n.startswith("test_")}
    assert name in covered or any(name.removesuffix(".py") in t for t in extra), (
        f"examples/{name} has no test in tests/test_examples.py"
    )


def test_provisioning_job() -> None:
    out = run_example("provisioning_job.py")
    assert "dry run of a buy job (buy: 40)" in out
    assert "friendly_name='store 000'" in out
    assert "stopped after 10 numbers; running the same job again with its journal" in out
    assert "progress: 40/40 done, 0 failed" in out
    assert re.search(r"bought 40 of 40 \(\d+ by an earlier run\), 0 already done, 0 failed", out)
    assert "run again: 40 already applied, 0 sent" in out
    assert "release: released 40 of 40, 0 already done, 0 failed" in out
    assert "the fake saw 40 purchases of 40 numbers; 3 answers were lost" in out
