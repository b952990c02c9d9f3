"""Running the real ``twilio-async`` command in a subprocess, for the CLI's tests."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import select
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
    """The child's environment: ours without Twilio's settings (credentials, URL, region)
    and terminal settings, plus the fake's credentials and URL when ``fake`` is given. The
    library's own switches (``TWILIO_ASYNC_*``: CI's pure-JSON run) reach the child."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name.startswith("TWILIO_ASYNC_") or not (name.startswith("TWILIO_") or name in _SCRUBBED)
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


_SGR = re.compile(r"\x1b\[[0-9;]*m")


def has_styles(text: str) -> bool:
    """Whether ``text`` sets any colour or style (an SGR escape sequence)."""
    return _SGR.search(text) is not None


def run_cli_on_terminal(*args: str, env: Mapping[str, str]) -> tuple[int, str, str]:
    """Run ``twilio-async ARGS`` with standard output and error on terminals of their own
    (pseudo-terminals); its exit status, and what each terminal showed."""
    terminals = [pty.openpty() for _ in range(2)]
    child = subprocess.Popen(
        [*COMMAND, *args],
        stdin=subprocess.DEVNULL,
        stdout=terminals[0][1],
        stderr=terminals[1][1],
        env=dict(env),
    )
    shown: dict[int, list[bytes]] = {ours: [] for ours, _ in terminals}
    try:
        for _, child_end in terminals:
            os.close(child_end)
        reading = set(shown)
        deadline = time.monotonic() + TIMEOUT
        while reading:
            if time.monotonic() > deadline:
                raise AssertionError(f"twilio-async {' '.join(args)} ran over {TIMEOUT} s")
            ready, _, _ = select.select(list(reading), [], [], 1.0)
            for fd in ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:  # EIO: the child closed its end of the terminal
                    data = b""
                if data:
                    shown[fd].append(data)
                else:
                    reading.discard(fd)
        status = child.wait(timeout=TIMEOUT)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for ours, _ in terminals:
            os.close(ours)
    out, err = (b"".join(shown[ours]).decode() for ours, _ in terminals)
    return status, out, err


def has_escapes(text: str) -> bool:
    """Whether ``text`` holds any terminal escape sequence (colour, cursor movement)."""
    return "\x1b" in text


# Runs the command given as its arguments and writes that child's peak RSS (KiB) to the
# file named first. A small middle process, so the figure is the command's own: a child
# forked straight from the test inherits the test's high-water mark (Linux keeps it
# across exec), which holds the fake and its whole inventory.
_MEASURED = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[2:], check=False).returncode
with open(sys.argv[1], "w") as out:
    out.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""


def run_cli_measured(
    *args: str, fake: FakeTwilio, report: Path
) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run ``twilio-async ARGS`` like :func:`run_cli`; also its peak RSS in KiB."""
    result = subprocess.run(
        [sys.executable, "-c", _MEASURED, str(report), *COMMAND, *args],
        capture_output=True,
        text=True,
        env=cli_env(fake),
        timeout=TIMEOUT * 3,
        check=False,
    )
    return result, int(report.read_text() or 0)
