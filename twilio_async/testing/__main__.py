"""``python -m twilio_async.testing``: run the fake Twilio until interrupted (Ctrl-C or
SIGTERM); with ``--stats``, print what it saw as one JSON line when it stops.

Its standard output is shell: first an ``export`` block (``TWILIO_ACCOUNT_SID``,
``TWILIO_AUTH_TOKEN``, ``TWILIO_BASE_URL``) that points an unchanged app, one that builds
``Client()`` from the environment, at the fake; everything else is a ``#`` comment.
``--print-env`` prints the block for ``--port`` and exits, for ``eval`` in another shell.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shlex
import signal
from typing import Any

from ..hosts import BASE_URL_VARIABLE
from .faults import Fault
from .server import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, FakeTwilio


def export_block(account_sid: str, auth_token: str, url: str) -> str:
    """Shell ``export`` lines that point a ``Client()`` built from the environment at
    the fake (values quoted for the shell)."""
    variables = {
        "TWILIO_ACCOUNT_SID": account_sid,
        "TWILIO_AUTH_TOKEN": auth_token,
        BASE_URL_VARIABLE: url,
    }
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in variables.items())


def stats(fake: FakeTwilio) -> dict[str, Any]:
    """What a benchmark run needs to know from the fake, JSON-able."""
    twice = {n: c for n, c in fake.purchases_per_number().items() if c > 1}
    return {
        "requests": len(fake.requests),
        "status_counts": {str(k): v for k, v in sorted(fake.status_counts.items())},
        "peak_in_flight": fake.peak_in_flight,
        "numbers_owned": len(fake.state.numbers),
        "purchases_per_number_over_1": twice,
        "updates_per_sid_over_1": {s: c for s, c in fake.updates_per_sid().items() if c > 1},
    }


async def _serve(args: argparse.Namespace) -> None:
    fake = FakeTwilio(
        port=args.port,
        latency=args.latency,
        account_concurrency=args.account_concurrency,
        inventory_size=args.inventory_size,
    )
    if args.lose_purchases:
        purchases = "/IncomingPhoneNumbers.json"
        fake.inject(
            Fault(
                drop_after_commit=True,
                method="POST",
                path=purchases,
                times=None,
                fraction=args.lose_purchases,
                seed=args.fault_seed,
            )
        )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with fake:
        if args.seed:
            fake.seed_numbers(args.seed)
        # The first line ends with the URL: scripts (the benchmarks) read it from there.
        print(f"# Fake Twilio listening on {fake.url}")
        print(export_block(fake.account_sid, fake.auth_token, fake.url), end="")
        print("# Ctrl-C stops it.", flush=True)
        await stop.wait()
    if args.stats:
        print(json.dumps(stats(fake)), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m twilio_async.testing", description="Run the fake Twilio on 127.0.0.1."
    )
    parser.add_argument("--port", type=int, default=8080, help="port (0 picks a free one)")
    parser.add_argument("--seed", type=int, default=0, help="provision this many numbers first")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to each answer")
    parser.add_argument(
        "--account-concurrency", type=int, default=None, help="requests in flight per account"
    )
    parser.add_argument(
        "--inventory-size", type=int, default=1000, help="available numbers per area code"
    )
    parser.add_argument(
        "--lose-purchases",
        type=float,
        default=0.0,
        help="fraction of purchases (POST …/IncomingPhoneNumbers.json) committed, then dropped",
    )
    parser.add_argument("--fault-seed", type=int, default=0, help="seed of --lose-purchases")
    parser.add_argument("--stats", action="store_true", help="print JSON stats when stopped")
    parser.add_argument(
        "--print-env",
        action="store_true",
        help="print the export block for --port and exit, without serving",
    )
    args = parser.parse_args(argv)
    if args.print_env:
        if args.port == 0:
            parser.error("--print-env needs the --port the fake runs on")
        url = f"http://127.0.0.1:{args.port}"
        print(export_block(DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, url), end="")
        return
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
