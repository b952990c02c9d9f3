"""``python -m twilio_async.testing``: run the fake Twilio until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .server import FakeTwilio


async def _serve(port: int, seed: int, latency: float) -> None:
    async with FakeTwilio(port=port, latency=latency) as fake:
        if seed:
            fake.seed_numbers(seed)
        print(f"Fake Twilio listening on {fake.url}", flush=True)
        print(f"  TWILIO_ACCOUNT_SID={fake.account_sid}", flush=True)
        print(f"  TWILIO_AUTH_TOKEN={fake.auth_token}", flush=True)
        print(f"  base_url={fake.url}  (Client(..., base_url=...))", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m twilio_async.testing", description="Run the fake Twilio on 127.0.0.1."
    )
    parser.add_argument("--port", type=int, default=8080, help="port (0 picks a free one)")
    parser.add_argument("--seed", type=int, default=0, help="provision this many numbers first")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to each answer")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.port, args.seed, args.latency))


if __name__ == "__main__":
    main()
