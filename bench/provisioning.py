"""Provisioning at scale: buy N numbers under an account's concurrency limit.

    python -m bench.provisioning                    # every scenario once: a few minutes
    python -m bench.provisioning --repeats 3 --only engine,engine-lossy
    python -m bench.provisioning --client-option adaptive_concurrency=true   # any Client option

Each run starts the fake Twilio in its own process (``python -m twilio_async.testing``:
``--account-concurrency`` requests in flight per account, beyond it 429 with code 20429;
``--latency`` per request; ``--lose-purchases``: that share of purchases is committed and
its connection dropped, unanswered) and the client in another, pinned to separate cores
when there are two. Only the client's work is measured (wall clock, CPU); the fake reports
what it saw when it stops (requests, answers by status, peak in flight, numbers owned,
purchases per number). The floor is the limit itself: ``count x latency / limit``.

Scenarios: ``engine`` (a :class:`~twilio_async.bulk.BulkJob` buying ``count`` numbers of
one area code, searching as it goes, with a journal file; the client's ``max_concurrency``
is the account's limit), ``engine-lossy`` (the same with 1% of purchases lost after
commit), ``engine-c100`` (informative: ``max_concurrency=100``, above the limit, so the
transport's 429 handling does the limiting), ``engine-default`` (the client created with
no options: ``max_concurrency`` 50, the adaptive limit finds the account's),
``engine-nofile`` (informative: the journal in memory, no file: what the file's writes
cost), ``gather-16/32/100`` (a plain ``asyncio.gather`` over ``create(area_code=...)``
with that ``max_concurrency``), ``bare-32`` (a bare aiohttp loop, 32 purchases at a time:
what the fake and the wire cost any client, the best that can be done here),
``twilio-16/32/100`` (the official ``twilio`` package's ``create_async`` gathered the same
way under a semaphore; it does not retry 429, so its failures are counted) and
``journal`` (the journal's writes for one purchase, alone: claim, bind with the
about-to-buy marks, done; CPU per item).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
AREA_CODE = "415"
RUN_TIMEOUT_S = 300  # a run taking longer is stopped and reported as such
INSTRUCTIONS_SMALL, INSTRUCTIONS_LARGE = 400, 800  # items per run under callgrind

SCENARIOS: dict[str, dict[str, Any]] = {
    "engine": {"peer": "engine"},
    "engine-lossy": {"peer": "engine", "lose": 0.01},
    "engine-c100": {"peer": "engine", "concurrency": 100},
    "engine-default": {"peer": "engine", "concurrency": None},
    "engine-nofile": {"peer": "engine", "journal": "memory"},
    "bare-32": {"peer": "bare", "concurrency": 32},
    "gather-16": {"peer": "gather", "concurrency": 16},
    "gather-32": {"peer": "gather", "concurrency": 32},
    "gather-100": {"peer": "gather", "concurrency": 100},
    "twilio-16": {"peer": "twilio", "concurrency": 16},
    "twilio-32": {"peer": "twilio", "concurrency": 32},
    "twilio-100": {"peer": "twilio", "concurrency": 100},
    "journal": {"peer": "journal"},
}


# --- the client side: one measured run in a child process ------------------------------


async def _engine(spec: dict[str, Any], base_url: str) -> dict[str, Any]:
    import attrs

    from twilio_async import Client
    from twilio_async.bulk import BulkJob, BuyNumbers
    from twilio_async.testing.server import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN

    options = {"max_concurrency": spec["concurrency"], **spec["client_options"]}
    if options["max_concurrency"] is None:  # the client's default: the limit is found
        del options["max_concurrency"]
    plan = BuyNumbers(spec["count"], area_codes=[AREA_CODE])
    with tempfile.TemporaryDirectory() as directory:
        async with Client(
            DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, base_url=base_url, **options
        ) as c:
            summary = await BulkJob(c, plan, journal=Path(directory) / "job.sqlite").run()
    errors = Counter(type(item.error).__name__ for item in summary.failed)
    return {
        "done": len(summary.done),
        "failed": len(summary.failed),
        "unresolved": len(summary.unresolved),
        "errors": dict(errors),
        "job": attrs.asdict(summary.stats),
    }


async def _gather(spec: dict[str, Any], base_url: str) -> dict[str, Any]:
    from twilio_async import Client
    from twilio_async.testing.server import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN

    options = {"max_concurrency": spec["concurrency"], **spec["client_options"]}
    async with Client(DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, base_url=base_url, **options) as c:
        numbers = c.incoming_phone_numbers
        results = await asyncio.gather(
            *(numbers.create(area_code=AREA_CODE) for _ in range(spec["count"])),
            return_exceptions=True,
        )
    errors = Counter(type(r).__name__ for r in results if isinstance(r, BaseException))
    return {
        "done": len(results) - sum(errors.values()),
        "failed": sum(errors.values()),
        "errors": dict(errors),
    }


async def _bare(spec: dict[str, Any], base_url: str) -> dict[str, Any]:
    """What the fake and the wire cost any client: a bare aiohttp loop, ``concurrency``
    purchases at a time (the account's limit, so no 429), one ``json.loads`` per answer."""
    import base64

    import aiohttp

    from twilio_async.testing.server import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN

    credentials = f"{DEFAULT_ACCOUNT_SID}:{DEFAULT_AUTH_TOKEN}".encode()
    headers = {"Authorization": "Basic " + base64.b64encode(credentials).decode()}
    url = f"{base_url}/2010-04-01/Accounts/{DEFAULT_ACCOUNT_SID}/IncomingPhoneNumbers.json"
    gate = asyncio.Semaphore(spec["concurrency"])
    connector = aiohttp.TCPConnector(limit=spec["concurrency"])
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:

        async def one() -> int:
            async with gate, session.post(url, data={"AreaCode": AREA_CODE}) as response:
                json.loads(await response.read())
                return response.status

        statuses = await asyncio.gather(*(one() for _ in range(spec["count"])))
    errors = Counter(f"HTTP {status}" for status in statuses if status != 201)
    return {"done": statuses.count(201), "failed": sum(errors.values()), "errors": dict(errors)}


async def _twilio(spec: dict[str, Any], base_url: str) -> dict[str, Any]:
    from twilio.http.async_http_client import AsyncTwilioHttpClient
    from twilio.rest import Client

    from twilio_async.testing.server import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN

    client = Client(DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, http_client=AsyncTwilioHttpClient())
    client.api.base_url = base_url
    gate = asyncio.Semaphore(spec["concurrency"])
    numbers = client.incoming_phone_numbers

    async def one() -> object:
        async with gate:
            return await numbers.create_async(area_code=AREA_CODE)

    try:
        results = await asyncio.gather(
            *(one() for _ in range(spec["count"])), return_exceptions=True
        )
    finally:
        http = client.http_client
        assert isinstance(http, AsyncTwilioHttpClient)
        await http.close()
    errors = Counter(
        f"{type(r).__name__} {getattr(r, 'status', '')}".strip()
        for r in results
        if isinstance(r, BaseException)
    )
    return {
        "done": len(results) - sum(errors.values()),
        "failed": sum(errors.values()),
        "errors": dict(errors),
    }


async def _journal(spec: dict[str, Any], base_url: str) -> dict[str, Any]:
    """The journal's writes for one purchase, repeated as the engine makes them: one
    transaction per item (the last item's end, the claim, the candidate's binding)."""
    from twilio_async.bulk.journal import Journal, Write

    count = spec["count"]
    with tempfile.TemporaryDirectory() as directory:
        journal = Journal.open(Path(directory) / "job.sqlite")
        journal.start(plan={"kind": "buy"}, account_sid="AC", slots=count)
        journal.join()
        journal.add_candidates(0, [f"+1{AREA_CODE}{n:07d}" for n in range(count)])
        usage0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        ending = None
        for _ in range(count + 1):  # as a worker does: the last write rides on the next claim
            claim = journal.claim(
                finishing=ending,
                pools=lambda item: [0],
                on_bind={"unsure": 1, "sends": 1, "sent_at": time.time()},
            )
            if claim.item is None:
                break
            assert claim.bound
            ending = Write(claim.item, {"state": "done", "unsure": 0, "sid": "PN"}, "bought")
        usage1, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - t0
        journal.close()
    cpu = usage1.ru_utime - usage0.ru_utime + usage1.ru_stime - usage0.ru_stime
    return {
        "done": count,
        "failed": 0,
        "per_item_cpu_us": cpu / count * 1e6,
        "per_item_wall_us": wall / count * 1e6,
    }


PEERS: dict[str, Callable[[dict[str, Any], str], Coroutine[Any, Any, dict[str, Any]]]] = {
    "engine": _engine,
    "gather": _gather,
    "twilio": _twilio,
    "bare": _bare,
    "journal": _journal,
}


def _preload(peer: str) -> None:
    """Load what the libraries load on first use, so the measured window holds the work."""
    import twilio_async.testing.server  # the fake's credentials (and aiohttp.web with them)

    if peer == "twilio":
        import twilio.rest.api.v2010.account  # noqa: F401
    else:
        import aiohttp  # noqa: F401

        import twilio_async.bulk
        import twilio_async.resources  # noqa: F401


def _schedstat_s(pid: int | str, field: int) -> float:
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[field]) / 1e9
    except (OSError, IndexError, ValueError):
        return float("nan")


def waited_for_cpu_s(pid: int | str = "self") -> float:
    """Seconds a process has spent runnable but waiting for a CPU (the kernel's schedstat):
    how much other processes on its core held it back."""
    return _schedstat_s(pid, 1)


def ran_on_cpu_s(pid: int | str = "self") -> float:
    """Seconds a process has run on a CPU (the kernel's schedstat)."""
    return _schedstat_s(pid, 0)


def child(spec: dict[str, Any]) -> dict[str, Any]:
    if spec.get("cpu") is not None:
        os.sched_setaffinity(0, {spec["cpu"]})
    _preload(spec["peer"])
    loop = asyncio.new_event_loop()
    waited0 = waited_for_cpu_s()
    usage0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    outcome = loop.run_until_complete(PEERS[spec["peer"]](spec, spec.get("base_url", "")))
    wall = time.perf_counter() - t0
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    waited = waited_for_cpu_s() - waited0
    loop.close()
    cpu = usage1.ru_utime - usage0.ru_utime + usage1.ru_stime - usage0.ru_stime
    return {"wall_s": wall, "cpu_s": cpu, "waited_s": waited, **outcome}


# --- the harness --------------------------------------------------------------------------


class Fake:
    """The fake Twilio in its own process; its statistics are read when it stops."""

    def __init__(self, args: argparse.Namespace, lose: float, cpu: int | None) -> None:
        command = [
            sys.executable, "-m", "twilio_async.testing", "--port", "0", "--stats",
            "--latency", str(args.latency), "--account-concurrency", str(args.limit),
            "--inventory-size", str(max(10_000, 2 * args.count)),
        ]  # fmt: skip
        if lose:
            command += ["--lose-purchases", str(lose), "--fault-seed", "1"]
        preexec = None if cpu is None else (lambda: os.sched_setaffinity(0, {cpu}))
        self.proc = subprocess.Popen(
            command, cwd=REPO, stdout=subprocess.PIPE, text=True, preexec_fn=preexec
        )
        assert self.proc.stdout is not None
        first = self.proc.stdout.readline()
        if "listening on" not in first:
            self.stop()
            raise RuntimeError(f"the fake did not start: {first!r}")
        self.url = first.rsplit(" ", 1)[-1].strip()
        self._warm_up()
        self.waited0 = waited_for_cpu_s(self.proc.pid)
        self.ran0 = ran_on_cpu_s(self.proc.pid)

    def _warm_up(self) -> None:
        """One search of the area code before the measured run: the fake draws its numbers
        on first use (about 0.1 s for 10,000), which is the fake's cost, not a client's.
        It shows as one more 200 in the fake's counts."""
        from twilio_async.testing.server import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN

        url = (
            f"{self.url}/2010-04-01/Accounts/{DEFAULT_ACCOUNT_SID}/AvailablePhoneNumbers/US/"
            f"Local.json?AreaCode={AREA_CODE}&PageSize=1"
        )
        credentials = f"{DEFAULT_ACCOUNT_SID}:{DEFAULT_AUTH_TOKEN}".encode()
        request = urllib.request.Request(
            url, headers={"Authorization": "Basic " + base64.b64encode(credentials).decode()}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    def stop(self) -> dict[str, Any]:
        proc = self.proc
        waited = waited_for_cpu_s(proc.pid) - self.waited0
        ran = ran_on_cpu_s(proc.pid) - self.ran0
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
        lines = [line for line in out.splitlines() if line.startswith("{")]
        return {**(json.loads(lines[-1]) if lines else {}), "waited_s": waited, "cpu_s": ran}


def run_once(
    name: str, args: argparse.Namespace, cores: tuple[int | None, int | None]
) -> dict[str, Any]:
    scenario = SCENARIOS[name]
    client_cpu, fake_cpu = cores
    spec = {
        "peer": scenario["peer"],
        "journal": scenario.get("journal"),
        "count": args.count,
        "concurrency": scenario.get("concurrency", args.limit),
        "client_options": args.client_options,
        "cpu": client_cpu,
    }
    fake = (
        None if scenario["peer"] == "journal" else Fake(args, scenario.get("lose", 0.0), fake_cpu)
    )
    try:
        if fake is not None:
            spec["base_url"] = fake.url
        done = subprocess.run(
            [sys.executable, "-m", "bench.provisioning", "--child", json.dumps(spec)],
            cwd=REPO, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False,
        )  # fmt: skip
    finally:
        seen = {} if fake is None else fake.stop()
    if done.returncode != 0:
        return {"status": "error", "stderr": done.stderr[-2000:], "fake": seen}
    return {"status": "ok", **json.loads(done.stdout.splitlines()[-1]), "fake": seen}


def _floor(args: argparse.Namespace) -> float:
    return args.count * args.latency / args.limit


def _row(
    name: str, runs: list[dict[str, Any]], args: argparse.Namespace, bare: float | None
) -> str:
    ok = [r for r in runs if r["status"] == "ok"]
    if not ok:
        return f"| {name} | error: {runs[0].get('stderr', '')[-200:]!r} |||||||||"
    walls = [r["wall_s"] for r in ok]
    wall = statistics.median(walls)
    spread = f" ({min(walls):.2f}-{max(walls):.2f})" if len(walls) > 1 else ""
    last = ok[-1]
    if name == "journal":
        return (
            f"| journal | {last['per_item_cpu_us']:.0f} us CPU per item "
            f"({last['per_item_wall_us']:.0f} us wall) |||||||||"
        )
    # The 429 share and the correctness columns give the worst run: it is the one that counts.
    fakes = [r.get("fake", {}) for r in ok]
    shares = [
        (f.get("status_counts", {}).get("429", 0) / f["requests"], f["status_counts"].get("429", 0))
        for f in fakes
        if f.get("requests")
    ]
    share, rejected = max(shares) if shares else (0.0, 0)
    owned = min(f.get("numbers_owned", 0) for f in fakes)
    twice = max(len(f.get("purchases_per_number_over_1", {})) for f in fakes)
    unknown = max(r.get("unresolved", 0) for r in ok) if "unresolved" in last else "-"
    failed = max(r["failed"] for r in ok)
    waited = f"{statistics.median(r['waited_s'] for r in ok):.1f}"
    fake_waited = statistics.median(f.get("waited_s", float("nan")) for f in fakes)
    fake_cpu = statistics.median(f.get("cpu_s", float("nan")) for f in fakes)
    return (
        f"| {name} | {wall:.2f}{spread} | {wall / _floor(args):.2f}x "
        f"| {'-' if bare is None else f'{wall / bare:.2f}x'} | {share:.1%} ({rejected}) "
        f"| {owned} | {twice} | {unknown} | {failed} "
        f"| {statistics.median(r['cpu_s'] for r in ok):.2f} | {fake_cpu:.2f} "
        f"| {max(f.get('peak_in_flight', 0) for f in fakes)} "
        f"| {waited} / {fake_waited:.1f} |"
    )


def report(results: dict[str, list[dict[str, Any]]], args: argparse.Namespace) -> str:
    lines = [
        f"Buy {args.count} numbers; account limit {args.limit} in flight; latency "
        f"{args.latency * 1000:.0f} ms; floor {_floor(args):.2f} s; client options "
        f"{args.client_options or 'none'}; load average {os.getloadavg()[0]:.1f}",
        "",
        "| scenario | wall s | x floor | x bare | 429s, worst (count) | owned, worst "
        "| bought twice | unknown | failed | client CPU s | fake CPU s | peak in flight "
        "| waited for a CPU s (client / fake) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    # "x bare": to the bare aiohttp loop of the same run, the best a client can do here.
    bare_runs = [r["wall_s"] for r in results.get("bare-32", []) if r["status"] == "ok"]
    bare = statistics.median(bare_runs) if bare_runs else None
    lines += [_row(name, runs, args, bare) for name, runs in results.items()]
    details = {
        name: [r.get("job") or r.get("errors") for r in runs] for name, runs in results.items()
    }
    lines += ["", "Details (engine: the job's own counts; others: errors by type):", ""]
    lines += [f"- {name}: {json.dumps(detail)}" for name, detail in details.items() if any(detail)]
    return "\n".join(lines)


def instructions_per_item(name: str, args: argparse.Namespace, small: int, large: int) -> float:
    """Client instructions per item of a scenario, by callgrind: the child run with
    ``small`` then ``large`` items, the difference divided by ``large - small`` (start-up,
    imports and first-use costs cancel out; deterministic, unlike times on a busy machine)."""
    totals = []
    for count in (small, large):
        scenario = SCENARIOS[name]
        fake = (
            None if scenario["peer"] == "journal" else Fake(args, scenario.get("lose", 0.0), None)
        )
        spec = {
            "peer": scenario["peer"],
            "journal": scenario.get("journal"),
            "count": count,
            "concurrency": scenario.get("concurrency", args.limit),
            "client_options": args.client_options,
            "base_url": "" if fake is None else fake.url,
        }
        with tempfile.TemporaryDirectory() as directory:
            out = Path(directory) / "callgrind.out"
            try:
                subprocess.run(
                    ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                     sys.executable, "-m", "bench.provisioning", "--child", json.dumps(spec)],
                    cwd=REPO, env={**os.environ, "PYTHONHASHSEED": "0"}, check=True,
                    capture_output=True, timeout=RUN_TIMEOUT_S * 4,
                )  # fmt: skip
            finally:
                if fake is not None:
                    fake.stop()
            match = re.search(r"^(?:totals|summary): (\d+)", out.read_text(), re.MULTILINE)
            if match is None:
                raise RuntimeError(f"no instruction total in {out}")
            totals.append(int(match.group(1)))
    return (totals[1] - totals[0]) / (large - small)


def _option(text: str) -> tuple[str, Any]:
    key, _, raw = text.partition("=")
    try:
        return key, json.loads(raw)
    except ValueError:
        return key, raw


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.provisioning", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--limit", type=int, default=32, help="the account's concurrency limit")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--only", default=",".join(SCENARIOS), help="scenarios, comma-separated")
    parser.add_argument(
        "--client-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a twilio_async Client option for every twilio_async run (JSON value)",
    )
    parser.add_argument("--no-pin", action="store_true", help="do not pin client and fake to cores")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="instead of timing: client instructions per item by callgrind (needs valgrind)",
    )
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(json.loads(args.child))), flush=True)
        return 0
    args.client_options = dict(_option(o) for o in args.client_option)
    names = [n for n in args.only.split(",") if n]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(unknown)} (known: {', '.join(SCENARIOS)})")
    if args.instructions:
        print("| scenario | client instructions per item |")
        print("|---|---:|")
        for name in names:
            per = instructions_per_item(name, args, INSTRUCTIONS_SMALL, INSTRUCTIONS_LARGE)
            print(f"| {name} | {per:,.0f} |", flush=True)
        return 0
    cores: tuple[int | None, int | None] = (None, None)
    available = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if not args.no_pin and len(available) >= 2:
        cores = (available[0], available[-1])
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    with contextlib.suppress(KeyboardInterrupt):
        for repeat in range(args.repeats):
            for name in names[repeat % len(names) :] + names[: repeat % len(names)]:
                print(f"[{repeat + 1}/{args.repeats}] {name} ...", file=sys.stderr, flush=True)
                results[name].append(run_once(name, args, cores))
    text = report({k: v for k, v in results.items() if v}, args)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "provisioning.md").write_text(text + "\n")
    (RESULTS / "provisioning.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
