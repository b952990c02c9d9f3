"""Shared fixtures and helpers: a fresh fake Twilio per test, a client pointed at it, and a
bounded wait for conditions (tests never sleep and hope)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from tests.redis_support import RedisServer
from twilio_async import Client, RetryPolicy
from twilio_async.testing import FakeTwilio

# Modules whose outcome the JSON implementation cannot change: they run mypy, Prism, worker
# processes or the console script in subprocesses, and are most of the suite's time. CI runs
# them once; its second, pure-JSON pass leaves them out (`-m "not json_independent"`).
_JSON_INDEPENDENT = frozenset(
    {
        "test_available_phone_numbers_spec",
        "test_bulk_kill",
        "test_bulk_processes",
        "test_cli",
        "test_cli_addons",
        "test_cli_apply",
        "test_cli_jobs",
        "test_cli_memory",
        "test_compat_aliases",
        "test_pytest_plugin",
        "test_redis_processes",
        "test_types_module",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.stem in _JSON_INDEPENDENT:
            item.add_marker(pytest.mark.json_independent)


# Fast retries so fault-injection tests do not sleep for real backoff times.
FAST_RETRY = RetryPolicy(max_retries=3, backoff_base=0.001, backoff_max=0.01)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTwilio]:
    async with FakeTwilio() as server:
        yield server


@pytest.fixture
async def client(fake: FakeTwilio) -> AsyncIterator[Client]:
    async with fake.client(retry=FAST_RETRY) as c:
        yield c


async def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Return once ``condition()`` holds; fail if it does not within ``timeout`` seconds.

    The timeout only bounds a broken test: a passing one returns as soon as the condition
    holds, however loaded the machine is.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition not reached within {timeout} s")
        await asyncio.sleep(0.005)


def client_tasks() -> list[asyncio.Task[Any]]:
    """Tasks of the code under test: every task but the current one and the fake server's
    own (aiohttp.web's connection and request handlers)."""
    current = asyncio.current_task()
    return [
        task
        for task in asyncio.all_tasks()
        if task is not current and "aiohttp/web_" not in _code_file(task)
    ]


def _code_file(task: asyncio.Task[Any]) -> str:
    code = getattr(task.get_coro(), "cr_code", None)
    return "" if code is None else code.co_filename.replace("\\", "/")


@pytest.fixture
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A real redis-server of this test's own (tests/redis_support.py)."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()
