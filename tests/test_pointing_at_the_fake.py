"""Pointing an unchanged app at the fake: ``TWILIO_BASE_URL``, the export block of
``python -m twilio_async.testing``, and the fake's credentials refused off loopback."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from twilio_async import Client, ConfigurationError
from twilio_async.hosts import FAKE_SECRET_PREFIX, Product
from twilio_async.testing import DEFAULT_AUTH_TOKEN, FakeTwilio

AC = "AC" + "1" * 32
SK = "SK" + "2" * 32
REAL_LOOKING_TOKEN = "3" * 32  # what a real auth token looks like: 32 hex digits
FAKE_TOKEN = DEFAULT_AUTH_TOKEN
WAIT = 60.0  # seconds any one step of a subprocess may take, at most


def origins(client: Client) -> set[str]:
    return {str(client.hosts.origin(product)) for product in Product}


# -- TWILIO_BASE_URL ------------------------------------------------------------------------


def test_twilio_base_url_sends_every_product_to_that_origin() -> None:
    client = Client(AC, REAL_LOOKING_TOKEN, environ={"TWILIO_BASE_URL": "http://127.0.0.1:9/"})
    assert origins(client) == {"http://127.0.0.1:9/"}


def test_an_explicit_base_url_wins_over_the_variable() -> None:
    environ = {"TWILIO_BASE_URL": "http://127.0.0.1:9"}
    client = Client(AC, REAL_LOOKING_TOKEN, base_url="http://proxy.example:8080", environ=environ)
    assert origins(client) == {"http://proxy.example:8080/"}


def test_a_per_product_base_url_wins_over_the_variable() -> None:
    environ = {"TWILIO_BASE_URL": "http://127.0.0.1:9"}
    client = Client(
        AC, REAL_LOOKING_TOKEN, marketplace_base_url="http://127.0.0.1:10", environ=environ
    )
    assert str(client.hosts.origin(Product.MARKETPLACE)) == "http://127.0.0.1:10/"
    assert str(client.hosts.origin(Product.API)) == "http://127.0.0.1:9/"
    assert str(client.hosts.origin(Product.PREVIEW)) == "http://127.0.0.1:9/"


def test_an_empty_variable_means_twilio() -> None:
    client = Client(AC, REAL_LOOKING_TOKEN, environ={"TWILIO_BASE_URL": ""})
    assert str(client.hosts.origin(Product.API)) == "https://api.twilio.com"


@pytest.mark.parametrize("value", ["127.0.0.1:8080", "ftp://127.0.0.1", "http://127.0.0.1/?x=1"])
def test_a_malformed_variable_is_named(value: str) -> None:
    with pytest.raises(ConfigurationError, match="TWILIO_BASE_URL") as caught:
        Client(AC, REAL_LOOKING_TOKEN, environ={"TWILIO_BASE_URL": value})
    assert caught.value.param == "TWILIO_BASE_URL"


# -- the fake's credentials stay on this machine ----------------------------------------------


async def test_every_secret_the_fake_issues_is_marked(fake: FakeTwilio) -> None:
    subaccount = fake.create_subaccount()
    _, api_secret = fake.create_api_key()
    secrets = [
        fake.auth_token,
        fake.state.accounts[subaccount].auth_token,
        api_secret,
    ]
    assert all(secret.startswith(FAKE_SECRET_PREFIX) for secret in secrets)
    assert len(set(secrets)) == 3


@pytest.mark.parametrize(
    "options",
    [
        {},  # Twilio's own hosts
        {"base_url": "https://api.twilio.com"},
        {"base_url": "http://10.0.0.5:8080"},
        {"base_url": "http://127.0.0.1:9", "preview_base_url": "https://preview.twilio.com"},
        {"region": "au1", "edge": "sydney"},
    ],
)
def test_the_fakes_credentials_are_refused_off_loopback(options: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError, match="fake Twilio") as caught:
        Client(AC, FAKE_TOKEN, environ={}, **options)
    assert caught.value.param == "base_url"
    assert FAKE_TOKEN not in str(caught.value)
    assert FAKE_TOKEN not in repr(caught.value)


def test_the_fakes_api_key_secret_is_refused_off_loopback() -> None:
    secret = FAKE_SECRET_PREFIX + "4" * 32
    with pytest.raises(ConfigurationError, match="fake Twilio") as caught:
        Client(AC, api_key=SK, api_secret=secret, environ={})
    assert secret not in str(caught.value)


def test_the_fakes_credentials_from_the_environment_are_refused_off_loopback() -> None:
    environ = {
        "TWILIO_ACCOUNT_SID": AC,
        "TWILIO_AUTH_TOKEN": FAKE_TOKEN,
        "TWILIO_BASE_URL": "https://api.twilio.com",
    }
    with pytest.raises(ConfigurationError, match="TWILIO_BASE_URL"):
        Client(environ=environ)


@pytest.mark.parametrize(
    "base_url",
    ["http://127.0.0.1:9", "http://127.0.0.2:9", "http://localhost:9", "http://[::1]:9"],
)
def test_the_fakes_credentials_go_to_loopback_hosts(base_url: str) -> None:
    client = Client(AC, FAKE_TOKEN, base_url=base_url, environ={})
    assert len(origins(client)) == 1


def test_other_credentials_go_anywhere() -> None:
    client = Client(AC, REAL_LOOKING_TOKEN, base_url="http://10.0.0.5:8080", environ={})
    assert origins(client) == {"http://10.0.0.5:8080/"}


# -- python -m twilio_async.testing: the export block --------------------------------------

APP = """
    import asyncio
    from twilio_async import Client

    async def main() -> None:
        client = Client()  # everything from the environment, as an unchanged app does
        print("client built", flush=True)
        async with client:
            bought = await client.incoming_phone_numbers.create(area_code="415")
            owned = await client.incoming_phone_numbers.list()
            print(bought.phone_number, [n.sid for n in owned] == [bought.sid])

    asyncio.run(main())
"""


def clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("TWILIO_")}


async def run(*command: str, env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *command,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), WAIT)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


class StandaloneFake:
    """``python -m twilio_async.testing --port 0 --stats`` in a subprocess."""

    def __init__(self, process: asyncio.subprocess.Process, block: str) -> None:
        self.process = process
        self.block = block

    async def stop(self) -> dict[str, Any]:
        """SIGTERM, then the JSON stats it prints on the way out."""
        self.process.terminate()
        out, _ = await asyncio.wait_for(self.process.communicate(), WAIT)
        stats: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
        return stats


@pytest.fixture
async def standalone() -> AsyncIterator[StandaloneFake]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "twilio_async.testing",
        "--port",
        "0",
        "--stats",
        env=clean_environment(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while sum(line.startswith("export ") for line in lines) < 3:
            line = (await asyncio.wait_for(process.stdout.readline(), WAIT)).decode()
            assert line, "the fake stopped before printing its export block"
            lines.append(line)
        yield StandaloneFake(process, "".join(lines))
    finally:
        if process.returncode is None:
            process.kill()
            await asyncio.wait_for(process.wait(), WAIT)


async def test_the_export_block_points_an_unchanged_app_at_the_fake(
    standalone: StandaloneFake, tmp_path: Path
) -> None:
    first, *_ = standalone.block.splitlines()
    # The first line ends with the URL (what scripts such as the benchmarks read).
    url = re.fullmatch(r"# Fake Twilio listening on (http://127\.0\.0\.1:\d+)", first)
    assert url is not None, first
    assert f"export TWILIO_BASE_URL={url.group(1)}\n" in standalone.block
    (tmp_path / "app.py").write_text(textwrap.dedent(APP))
    script = f'eval "$FAKE_BLOCK" && exec {sys.executable} app.py'
    env = {**clean_environment(), "FAKE_BLOCK": standalone.block}
    code, out, err = await run("bash", "-c", script, env=env, cwd=tmp_path)
    assert code == 0, err
    phone_number, only_that_one = out.splitlines()[-1].split()
    assert phone_number.startswith("+1415")
    assert only_that_one == "True"
    stats = await standalone.stop()
    assert stats["numbers_owned"] == 1
    assert stats["status_counts"] == {"200": 1, "201": 1}


@pytest.mark.parametrize(
    "override",
    ["export TWILIO_BASE_URL=https://api.twilio.com", "unset TWILIO_BASE_URL"],
)
async def test_the_same_credentials_off_loopback_are_refused_before_anything_is_sent(
    standalone: StandaloneFake, tmp_path: Path, override: str
) -> None:
    (tmp_path / "app.py").write_text(textwrap.dedent(APP))
    script = f'eval "$FAKE_BLOCK" && {override} && exec {sys.executable} app.py'
    env = {**clean_environment(), "FAKE_BLOCK": standalone.block}
    code, out, err = await run("bash", "-c", script, env=env, cwd=tmp_path)
    assert code != 0
    assert "client built" not in out  # Client() itself refused: no request could be made
    assert "ConfigurationError" in err
    assert "issued by the fake Twilio" in err
    assert FAKE_TOKEN not in err + out
    stats = await standalone.stop()
    assert stats["requests"] == 0


async def test_print_env_prints_the_block_without_serving(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "twilio_async.testing", "--print-env", "--port", "8123"]
    code, out, err = await run(*command, env=clean_environment(), cwd=tmp_path)
    assert code == 0, err
    assert out.splitlines() == [
        f"export TWILIO_ACCOUNT_SID={FakeTwilio().account_sid}",
        f"export TWILIO_AUTH_TOKEN={FAKE_TOKEN}",
        "export TWILIO_BASE_URL=http://127.0.0.1:8123",
    ]
