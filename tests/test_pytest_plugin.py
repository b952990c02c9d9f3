"""The pytest plugin (``twilio_fake``, ``twilio_fake_session``), instant retries, and the
fake served from a thread.

The fixtures are used here directly (this suite runs under pytest-asyncio's auto mode),
and in sample projects run by pytest in a subprocess: with no import, under
pytest-asyncio's auto and strict modes and under anyio's plugin; mypy checks a sample
that misspells a parameter.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import re
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest

from twilio_async import BadRequestError, RateLimitError, RetryPolicy, ServerError
from twilio_async.testing import FakeState, FakeTwilio, Fault, InstantRetry
from twilio_async.testing.background import BackgroundLoop

WAIT = 300  # seconds one subprocess (pytest or mypy on a sample project) may take, at most


# -- InstantRetry: production's decisions, zero waits ------------------------------------


@pytest.mark.parametrize(
    "policy",
    [RetryPolicy(), RetryPolicy(max_retries=1, max_retry_after=2.0)],
)
def test_instant_retry_decides_as_the_policy_with_the_same_fields(policy: RetryPolicy) -> None:
    instant = InstantRetry(
        max_retries=policy.max_retries,
        backoff_base=policy.backoff_base,
        backoff_max=policy.backoff_max,
        max_retry_after=policy.max_retry_after,
    )
    methods = ("GET", "POST", "PUT", "DELETE")
    for method, status, retry_number, retry_after in itertools.product(
        methods, (400, 404, 429, 500, 503), range(5), (None, 0.0, 1.5, 5.0, 120.0)
    ):
        args = {
            "method": method,
            "status": status,
            "retry_number": retry_number,
            "retry_after": retry_after,
        }
        production = policy.delay_for_status(**args)  # type: ignore[arg-type]
        expected = None if production is None else 0.0
        assert instant.delay_for_status(**args) == expected, args  # type: ignore[arg-type]
    for method, sent, retry_number in itertools.product(methods, (True, False), range(5)):
        failure = {"method": method, "request_sent": sent, "retry_number": retry_number}
        production = policy.delay_for_failure(**failure)  # type: ignore[arg-type]
        expected = None if production is None else 0.0
        assert instant.delay_for_failure(**failure) == expected, failure  # type: ignore[arg-type]


def retry_waits(caplog: pytest.LogCaptureFixture) -> list[str]:
    return re.findall(r"retrying .* in (\S+)s after", caplog.text)


async def test_the_fixtures_client_retries_503s_without_waiting(
    twilio_fake: FakeTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    (sid,) = twilio_fake.seed_numbers(1)
    twilio_fake.inject(Fault(status=503, method="GET", times=3))
    with caplog.at_level(logging.INFO, logger="twilio_async"):
        async with twilio_fake.client() as client:
            number = await client.incoming_phone_numbers(sid).fetch()
    assert number.sid == sid
    assert len(twilio_fake.requests_to("GET")) == 4  # production's three retries
    assert retry_waits(caplog) == ["0.00"] * 3


async def test_the_fixtures_client_skips_a_retry_after_it_would_honour(
    twilio_fake: FakeTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    twilio_fake.inject(Fault(status=429, retry_after="5", method="POST", times=1))
    with caplog.at_level(logging.INFO, logger="twilio_async"):
        async with twilio_fake.client() as client:
            await client.incoming_phone_numbers.create(area_code="415")
    assert len(twilio_fake.requests_to("POST")) == 2
    assert retry_waits(caplog) == ["0.00"]


async def test_the_fixtures_client_gives_up_where_production_does(twilio_fake: FakeTwilio) -> None:
    twilio_fake.inject(
        Fault(status=429, retry_after="120", times=1),  # longer than max_retry_after
        Fault(status=503, method="POST", times=1),  # a purchase that may have been processed
    )
    async with twilio_fake.client() as client:
        with pytest.raises(RateLimitError):
            await client.incoming_phone_numbers.list()
        with pytest.raises(ServerError):
            await client.incoming_phone_numbers.create(area_code="415")
    assert len(twilio_fake.requests) == 2  # neither was retried


async def test_a_retry_policy_passed_to_client_wins(twilio_fake: FakeTwilio) -> None:
    twilio_fake.inject(Fault(status=503, method="GET", times=1))
    async with twilio_fake.client(retry=RetryPolicy(max_retries=0)) as client:
        assert client.retry == RetryPolicy(max_retries=0)
        with pytest.raises(ServerError):
            await client.incoming_phone_numbers.list()
    async with twilio_fake.client() as client:
        assert isinstance(client.retry, InstantRetry)


# -- seeding helpers -----------------------------------------------------------------------


async def test_install_and_assign_add_ons_in_state(twilio_fake: FakeTwilio) -> None:
    (number_sid,) = twilio_fake.seed_numbers(1)
    installed = twilio_fake.install_add_on(configuration={"bad_words": True}, enabled=True)
    twilio_fake.assign_add_on(number_sid, installed)
    nomorobo = twilio_fake.install_add_on("Nomorobo Spam Score", unique_name="spam")
    async with twilio_fake.client() as client:
        installs = await client.marketplace.installed_add_ons.list()
        assert [(i.sid, i.configuration) for i in installs] == [
            (installed, {"bad_words": True}),
            (nomorobo, {}),
        ]
        assert installs[1].unique_name == "spam"
        extensions = await client.marketplace.installed_add_ons(installed).extensions.list()
        assert extensions
        assert all(extension.enabled for extension in extensions)
        spam_extensions = await client.marketplace.installed_add_ons(nomorobo).extensions.list()
        assert not any(extension.enabled for extension in spam_extensions)
        number = client.incoming_phone_numbers(number_sid)
        assert [a.sid for a in await number.assigned_add_ons.list()] == [installed]


async def test_install_add_on_by_sid_for_a_subaccount(twilio_fake: FakeTwilio) -> None:
    subaccount = twilio_fake.create_subaccount()
    add_on = twilio_fake.state.marketplace.find_available("IBM Watson Message Sentiment")
    installed = twilio_fake.install_add_on(add_on["sid"], account_sid=subaccount)
    assert twilio_fake.state.marketplace.installs[installed]["account_sid"] == subaccount
    async with twilio_fake.client() as client:
        assert await client.marketplace.installed_add_ons.list() == []  # not the main account's


def test_installing_an_add_on_the_catalog_lacks_says_so() -> None:
    with FakeTwilio() as fake, pytest.raises(ValueError, match="'Nope' in the fake's catalog"):
        fake.install_add_on("Nope")


async def test_seeded_inventory_and_numbers_show_through_the_api(twilio_fake: FakeTwilio) -> None:
    twilio_fake.inventory.size = 5
    search = f"/2010-04-01/Accounts/{twilio_fake.account_sid}/AvailablePhoneNumbers/US/Local.json"
    async with twilio_fake.session() as http, http.get(search, params={"AreaCode": "415"}) as got:
        offered = [n["phone_number"] for n in (await got.json())["available_phone_numbers"]]
    assert len(offered) == 5
    twilio_fake.take_available(offered[:1])
    subaccount = twilio_fake.create_subaccount()
    twilio_fake.seed_numbers(2, account_sid=subaccount)
    async with twilio_fake.client() as client:
        assert await client.incoming_phone_numbers.list() == []
        assert len(await client.accounts(subaccount).incoming_phone_numbers.list()) == 2
        with pytest.raises(BadRequestError) as caught:
            await client.incoming_phone_numbers.create(phone_number=offered[0])
    assert caught.value.code == 21422


async def test_reset_between_tests_keeps_state_and_forgets_instructions(
    twilio_fake: FakeTwilio,
) -> None:
    sids = twilio_fake.seed_numbers(3)
    twilio_fake.inject(Fault(status=503, times=None))
    twilio_fake.latency = 0.5
    twilio_fake.set_latency(1.0, method="POST")
    twilio_fake.account_concurrency = 1
    async with twilio_fake.client(retry=RetryPolicy(max_retries=0)) as client:
        twilio_fake.latency = 0.0
        twilio_fake.latencies.clear()
        with pytest.raises(ServerError):
            await client.incoming_phone_numbers.list()
        twilio_fake.reset_between_tests()
        assert (twilio_fake.requests, twilio_fake.faults, twilio_fake.latencies) == ([], [], [])
        assert twilio_fake.status_counts == {}
        assert (twilio_fake.latency, twilio_fake.account_concurrency) == (0.0, None)
        listed = await client.incoming_phone_numbers.list()
    assert sorted(n.sid for n in listed) == sorted(sids)
    assert len(twilio_fake.requests) == 1


# -- served from a thread --------------------------------------------------------------------


def test_a_fake_served_from_a_thread_outlives_event_loops() -> None:
    async def buy(fake: FakeTwilio) -> str:
        async with fake.client() as client:
            return (await client.incoming_phone_numbers.create(area_code="212")).sid

    with FakeTwilio() as fake:
        first = asyncio.run(buy(fake))  # each asyncio.run() is a new loop, then closed
        second = asyncio.run(buy(fake))
        assert set(fake.state.numbers) == {first, second}
    with pytest.raises(RuntimeError, match="not started"):
        _ = fake.url


def test_changes_to_a_threaded_fake_run_in_its_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    original = FakeState.add_number

    def add_number(*args: Any, **kwargs: Any) -> dict[str, Any]:
        seen.append(threading.current_thread().name)
        return original(*args, **kwargs)

    monkeypatch.setattr(FakeState, "add_number", add_number)
    with FakeTwilio() as fake:
        fake.seed_numbers(2)
    assert seen == ["fake-twilio", "fake-twilio"]


def test_background_loop_runs_calls_in_its_thread_and_closes() -> None:
    background = BackgroundLoop("probe")
    try:
        assert background.call(lambda: threading.current_thread().name) == "probe"

        async def inside() -> str:
            return background.call(lambda: threading.current_thread().name)

        assert background.run(inside()) == "probe"  # already there: called at once
        with pytest.raises(ZeroDivisionError):
            background.call(lambda: 1 // 0)
    finally:
        background.close()
    assert background.loop.is_closed()
    background.close()  # twice is fine


def test_loading_the_plugin_leaves_the_fake_and_aiohttp_unloaded() -> None:
    """pytest loads the plugin in every project that has twilio_async installed."""
    script = (
        "import sys, twilio_async.testing.pytest_plugin\n"
        "print(sorted(m for m in ('aiohttp', 'twilio_async.testing.server') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=WAIT, check=True
    )
    assert result.stdout.strip() == "[]"


# -- sample projects: the fixtures with no import ------------------------------------------

SAMPLE_TESTS = """
import pytest

{marker}
async def test_buys_with_retries_and_no_waiting(twilio_fake, caplog{backend}):
    twilio_fake.inject(
        Fault(status=503, method="GET", times=3),
        Fault(status=429, retry_after="5", method="POST", times=1),
    )
    with caplog.at_level("INFO", logger="twilio_async"):
        async with twilio_fake.client() as client:
            number = await client.incoming_phone_numbers.create(area_code="415")
            listed = await client.incoming_phone_numbers.list()
    assert [n.sid for n in listed] == [number.sid]
    assert twilio_fake.state.numbers[number.sid]["phone_number"] == number.phone_number
    assert len(twilio_fake.requests_to("POST")) == 2 and len(twilio_fake.requests_to("GET")) == 4
    assert caplog.text.count(" in 0.00s after ") == 4


{marker}
async def test_each_test_has_a_fresh_fake(twilio_fake{backend}):
    async with twilio_fake.client() as client:
        assert await client.incoming_phone_numbers.list() == []


{marker}
async def test_session_fake_seeded(twilio_fake_session{backend}):
    twilio_fake_session.seed_numbers(3)
    twilio_fake_session.inject(Fault(status=500, times=None))  # left behind on purpose
    twilio_fake_session.latency = 30.0


{marker}
async def test_session_fake_keeps_state_and_resets_the_rest(twilio_fake_session{backend}):
    assert twilio_fake_session.faults == [] and twilio_fake_session.latency == 0.0
    assert twilio_fake_session.requests == []
    async with twilio_fake_session.client() as client:
        assert len(await client.incoming_phone_numbers.list()) == 3
    assert len(twilio_fake_session.requests) == 1


def test_a_sync_test_can_use_it_too(twilio_fake):
    assert twilio_fake.url.startswith("http://127.0.0.1:")
"""

FAULT_IMPORT = "from twilio_async.testing import Fault\n"

STRICT = "asyncio_mode = strict\nasyncio_default_fixture_loop_scope = function\n"
AUTO = "asyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
MODES = {
    "asyncio-auto": {"ini": AUTO, "marker": "", "backend": "", "args": []},
    "asyncio-strict": {"ini": STRICT, "marker": "@pytest.mark.asyncio", "backend": "", "args": []},
    "anyio": {
        "ini": "",
        "marker": "@pytest.mark.anyio",
        "backend": ", anyio_backend",
        "args": ["-p", "no:asyncio"],  # anyio's plugin alone, as in a project without it
    },
    "anyio-beside-asyncio-strict": {
        "ini": STRICT,
        "marker": "@pytest.mark.anyio",
        "backend": ", anyio_backend",
        "args": [],
    },
}

ANYIO_CONFTEST = """
import pytest

@pytest.fixture
def anyio_backend():
    return "asyncio"  # twilio_async runs on asyncio (aiohttp)
"""


def sample_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "PYTEST_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_in(directory: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=directory,
        env=sample_environment(),
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=False,
    )


@pytest.mark.parametrize("mode", sorted(MODES))
def test_a_sample_project_uses_the_fixtures_with_no_import(mode: str, tmp_path: Path) -> None:
    settings = MODES[mode]
    ini = f"[pytest]\n{settings['ini']}filterwarnings = error\n"
    (tmp_path / "pytest.ini").write_text(ini)
    if mode.startswith("anyio"):
        (tmp_path / "conftest.py").write_text(ANYIO_CONFTEST)
    tests = SAMPLE_TESTS.format(marker=settings["marker"], backend=settings["backend"])
    # The only import is Fault, a value the tests inject; the fixtures come unimported.
    (tmp_path / "test_app.py").write_text(FAULT_IMPORT + textwrap.dedent(tests))
    result = run_in(
        tmp_path, sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *settings["args"]
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b5 passed\b", result.stdout), result.stdout


def test_the_plugin_is_registered_through_its_entry_point(tmp_path: Path) -> None:
    (tmp_path / "test_nothing.py").write_text("def test_nothing():\n    pass\n")
    fixtures = run_in(tmp_path, sys.executable, "-m", "pytest", "--fixtures")
    assert "twilio_fake -- " in fixtures.stdout
    assert "twilio_fake_session [session scope]" in fixtures.stdout
    disabled = run_in(
        tmp_path, sys.executable, "-m", "pytest", "--fixtures", "-p", "no:twilio_async"
    )
    assert "twilio_fake" not in disabled.stdout


TYPED_SAMPLE = """
from twilio_async.testing import FakeTwilio


async def test_typo(twilio_fake: FakeTwilio) -> None:
    async with twilio_fake.client() as client:
        await client.incoming_phone_numbers.create(area_code="415")
        await client.incoming_phone_numbers.create(area_codee="415")
"""


def test_mypy_catches_a_misspelt_parameter_on_the_fixtures_client(tmp_path: Path) -> None:
    (tmp_path / "test_typed.py").write_text(textwrap.dedent(TYPED_SAMPLE))
    cache = tmp_path / ".mypy_cache"
    result = run_in(
        tmp_path, sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), "."
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1, result.stdout + result.stderr
    assert 'test_typed.py:8: error: Unexpected keyword argument "area_codee"' in errors[0]


def readme_example() -> str:
    """The first Python example of the README's section on testing with the fake."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Testing your code with the fake Twilio") :]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None
    return match.group(1)


def test_the_readme_example_passes_pytest_and_mypy(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text(f"[pytest]\n{AUTO}filterwarnings = error\n")
    (tmp_path / "test_provisioning.py").write_text(readme_example())
    tests = run_in(tmp_path, sys.executable, "-m", "pytest", "-p", "no:cacheprovider")
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert re.search(r"\b2 passed\b", tests.stdout), tests.stdout
    cache = str(tmp_path / ".mypy_cache")
    types = run_in(tmp_path, sys.executable, "-m", "mypy", "--strict", "--cache-dir", cache, ".")
    assert types.returncode == 0, types.stdout + types.stderr
