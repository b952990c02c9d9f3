"""A fleet of worker processes sharing one RedisLimiter against the fake Twilio in a
process of its own: what the multi-process tests and ``bench/redis_limit.py`` run.

``python -m tests.redis_fleet --base-url URL --redis URL --sids FILE ...`` is one worker:
it prints its limiter's holder id as a JSON line, waits for a line on its standard input
(so that the whole fleet starts together), fetches ``--fetches`` numbers (all at once: the
limiter queues them), then prints its tally as a JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import signal
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class FakeProcess:
    """``python -m twilio_async.testing`` in its own process; :meth:`stop` returns what it
    saw (requests, answers by status, peak in flight)."""

    def __init__(self, proc: asyncio.subprocess.Process, url: str, env: dict[str, str]) -> None:
        self.proc = proc
        self.url = url
        self.account_sid = env["TWILIO_ACCOUNT_SID"]
        self.auth_token = env["TWILIO_AUTH_TOKEN"]

    @classmethod
    async def start(cls, *options: str) -> FakeProcess:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "twilio_async.testing", "--port", "0", "--stats", *options,
            cwd=ROOT, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert proc.stdout is not None
        env: dict[str, str] = {}
        url = ""
        while "TWILIO_AUTH_TOKEN" not in env or not url:
            line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
            if not line:
                raise RuntimeError("the fake did not start")
            if "listening on" in line:
                url = line.rsplit(" ", 1)[-1].strip()
            elif line.startswith("export "):
                name, _, value = line[len("export ") :].strip().partition("=")
                env[name] = value.strip("'")
        return cls(proc, url, env)

    async def stop(self) -> dict[str, Any]:
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        out, _ = await asyncio.wait_for(self.proc.communicate(), 60)
        lines = [line for line in out.decode().splitlines() if line.startswith("{")]
        stats: dict[str, Any] = json.loads(lines[-1])
        return stats


async def list_sids(fake: FakeProcess) -> list[str]:
    from twilio_async import Client

    async with Client(fake.account_sid, fake.auth_token, base_url=fake.url) as client:
        return [n.sid async for n in client.incoming_phone_numbers.stream()]


class Worker:
    """One worker process; :attr:`holder` is its limiter's id in Redis."""

    def __init__(self, proc: asyncio.subprocess.Process, holder: str) -> None:
        self.proc = proc
        self.holder = holder

    @classmethod
    async def start(
        cls, fake: FakeProcess, redis_url: str, sids_file: Path, *options: str
    ) -> Worker:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.redis_fleet", "--base-url", fake.url,
            "--account-sid", fake.account_sid, "--auth-token", fake.auth_token,
            "--redis", redis_url, "--sids", str(sids_file), *options,
            cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), 60)
        return cls(proc, json.loads(line)["holder"])

    def go(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"go\n")

    async def result(self) -> dict[str, Any]:
        """Its tally, once it has finished (within two minutes)."""
        out, _ = await asyncio.wait_for(self.proc.communicate(), 120)
        assert self.proc.returncode == 0
        tally: dict[str, Any] = json.loads(out.decode().splitlines()[-1])
        return tally


async def _work(args: argparse.Namespace, sids: list[str]) -> dict[str, Any]:
    from twilio_async import Client, TwilioError
    from twilio_async.limits import LocalLimiter
    from twilio_async.limits_redis import RedisLimiter

    limiter = RedisLimiter(
        args.redis, account_sid=args.account_sid, capacity=args.capacity, lease_ttl=args.lease_ttl
    )
    async with limiter:
        print(json.dumps({"holder": limiter.holder}), flush=True)
        # --local N (the bench's comparison): a LocalLimiter of N per process instead.
        used = limiter if args.local is None else LocalLimiter(args.local, adaptive=False)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        client = Client(args.account_sid, args.auth_token, base_url=args.base_url, limiter=used)
        async with client:
            errors: Counter[str] = Counter()

            async def fetch(index: int) -> None:
                try:
                    await client.incoming_phone_numbers(sids[index % len(sids)]).fetch()
                except TwilioError as exc:
                    errors[type(exc).__name__] += 1

            usage0, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
            await asyncio.gather(*(fetch(i) for i in range(args.fetches)))
            wall = time.perf_counter() - start
            usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime - usage0.ru_utime + usage.ru_stime - usage0.ru_stime
    return {"ok": args.fetches - sum(errors.values()), "errors": errors, "wall_s": wall,
            "cpu_s": cpu}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.redis_fleet")
    for name in ("--base-url", "--account-sid", "--auth-token", "--redis", "--sids"):
        parser.add_argument(name, required=True)
    parser.add_argument("--fetches", type=int, default=500)
    parser.add_argument("--capacity", type=int, default=20)
    parser.add_argument("--lease-ttl", type=float, default=10.0)
    parser.add_argument("--local", type=int, default=None)
    args = parser.parse_args()
    sids = json.loads(Path(args.sids).read_text())
    print(json.dumps(asyncio.run(_work(args, sids))), flush=True)


if __name__ == "__main__":
    main()
