"""Running the real ``twilio-async`` command in a subprocess, for the CLI's tests."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from twilio_async.testing import FakeTwilio

COMMAND = (sys.executable, "-m", "twilio_async.cli")
TIMEOUT = 120  # seconds any one run may take: bounds a broken test only
# What the environment must not decide for the child: credentials, colour, width.
_SCRUBBED = ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "COLUMNS", "LINES", "TERM")


def cli_env(fake: FakeTwilio | None = None, **extra: str) -> dict[str, str]:
    """The child's environment: ours without TWILIO_* and terminal settings, plus the
    fake's credentials and URL when ``fake`` is given."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("TWILIO_") and name not in _SCRUBBED
    }
    if fake is not None:
        env.update(
            TWILIO_ACCOUNT_SID=fake.account_sid,
            TWILIO_AUTH_TOKEN=fake.auth_token,
            TWILIO_BASE_URL=fake.url,
        )
    env.update(extra)
    return env


def run_cli(
    *args: str,
    fake: FakeTwilio | None = None,
    cwd: Path | None = None,
    stdin: str = "",
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``twilio-async ARGS`` to its end, standard output and error captured (pipes:
    neither is a terminal)."""
    return subprocess.run(
        [*COMMAND, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=dict(env) if env is not None else cli_env(fake),
        timeout=TIMEOUT,
        check=False,
    )


def start_cli(
    *args: str, fake: FakeTwilio | None = None, cwd: Path | None = None
) -> subprocess.Popen[str]:
    """Start ``twilio-async ARGS`` without waiting for it."""
    return subprocess.Popen(
        [*COMMAND, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=cli_env(fake),
    )


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Return once ``condition()`` holds; fail after ``timeout`` seconds (a broken test)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not reached within {timeout} s")
        time.sleep(0.01)


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def jsonl_rows(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def owned(fake: FakeTwilio) -> list[dict[str, Any]]:
    """The numbers the fake's main account owns now."""
    return list(fake.state.numbers_of(fake.account_sid))


def has_escapes(text: str) -> bool:
    """Whether ``text`` holds any terminal escape sequence (colour, cursor movement)."""
    return "\x1b" in text
