"""Run the benchmark suite and print a Markdown table.

    python -m bench            # full suite (9 interleaved repeats)
    python -m bench --quick    # 3 repeats, no informative cases, under 2 minutes
    python -m bench --only stream-1000,fetch-0ms --peers C,D
    python -m bench --profile D:stream-1000      # cProfile one D child, print top functions

The server runs in its own process; every measured run is a fresh client process
(``bench.child``). Peers run in rotated order on every repeat. Figures are medians; ratios
are to the floor C of the same run. The table also goes to ``bench/results/latest.md``
(raw runs in ``latest.json``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import importlib.metadata
import json
import os
import platform
import resource
import selectors
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from bench import fixtures
from bench.child import machine_busy_s
from bench.peers import PEERS

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
T = TypeVar("T")
CHILD_TIMEOUT_S = 180
SERVER_START_TIMEOUT_S = 120

LATENCY_MS = 20
PAGE_WORK_S = 0.020
FANOUT = 50
# A run is redone (at most ATTEMPTS times in all) when processes other than the client and
# the server used more than FOREIGN_SHARE of a core (and FOREIGN_MIN_S) while it worked.
ATTEMPTS = 4
FOREIGN_SHARE = 0.15
FOREIGN_MIN_S = 0.03
RETRY_PAUSE_S = 1.0
RETRY_BUDGET_SHARE = 20  # at most this many redos per 100 planned runs (and at least 10)
QUICK_PEERS = ["C", "A", "D", "Dj"]  # quick mode leaves out the informative Co
QUICK_SKIP = {("memory-10k", "A"), ("memory-100k", "A")}  # slow, and not a target


@dataclass(frozen=True)
class Target:
    metric: str  # "cpu_s" or "wall_s"; memory has its own rule
    max_ratio: float
    text: str


@dataclass(frozen=True)
class Case:
    id: str
    scenario: int
    title: str
    op: str
    site: str
    args: dict[str, Any]
    expect_count: int
    expect_last: str | None = None
    peers: tuple[str, ...] = tuple(PEERS)
    target: Target | None = None
    primary: str = "cpu_s"  # the figure whose spread is shown
    in_quick: bool = True  # informative cases are left out of --quick


SITES: dict[str, dict[str, Any]] = {
    "s20k": {"records": 20_000, "latency_ms": 0, "page_sizes": [50, 1000]},
    "s20k_lat": {"records": 20_000, "latency_ms": LATENCY_MS, "page_sizes": [1000]},
    "s10k": {"records": 10_000, "latency_ms": 0, "page_sizes": [1000], "fetch": False},
    # for bench.instructions: 10k beside s20k at both page sizes
    "i10k": {"records": 10_000, "latency_ms": 0, "page_sizes": [50, 1000], "fetch": False},
    "s100k": {"records": 100_000, "latency_ms": 0, "page_sizes": [1000], "fetch": False},
    "legacy": {
        "records": 2_000,
        "latency_ms": LATENCY_MS,
        "page_sizes": [],
        "fetch": False,
        "legacy_page_sizes": [50],
    },
}


def all_cases() -> list[Case]:
    last = fixtures.sid
    sleep_work = {"kind": "sleep", "seconds": PAGE_WORK_S, "every": 1000}
    busy_work = {"kind": "busy", "seconds": PAGE_WORK_S, "every": 1000}
    work_ms = round(PAGE_WORK_S * 1000)
    return [
        Case(
            id="stream-1000",
            scenario=1,
            title="Stream 20k, page 1000, 0 ms",
            op="stream",
            site="s20k",
            args={"page_size": 1000},
            expect_count=20_000,
            expect_last=last(19_999),
            target=Target("cpu_s", 1.0, "CPU D <= 1.0x C"),
        ),
        Case(
            id="stream-50",
            scenario=1,
            title="Stream 20k, page 50, 0 ms",
            op="stream",
            site="s20k",
            args={"page_size": 50},
            expect_count=20_000,
            expect_last=last(19_999),
            target=Target("cpu_s", 1.0, "CPU D <= 1.0x C"),
        ),
        Case(
            id="fetch-0ms",
            scenario=2,
            title=f"Fetch 2000 by SID, {FANOUT} in flight, 0 ms",
            op="fetch",
            site="s20k",
            args={"inventory": 20_000, "count": 2000, "concurrency": FANOUT},
            expect_count=2000,
            target=Target("cpu_s", 1.1, "CPU D <= 1.1x C"),
        ),
        Case(
            id="fetch-20ms",
            scenario=2,
            title=f"Fetch 2000 by SID, {FANOUT} in flight, {LATENCY_MS} ms",
            op="fetch",
            site="s20k_lat",
            args={"inventory": 20_000, "count": 2000, "concurrency": FANOUT},
            expect_count=2000,
            target=Target("cpu_s", 1.1, "CPU D <= 1.1x C"),
        ),
        Case(
            id="create",
            scenario=3,
            title=f"Create 500, {FANOUT} in flight, 0 ms",
            op="create",
            site="s20k",
            args={"count": 500, "concurrency": FANOUT},
            expect_count=500,
            target=Target("cpu_s", 1.15, "CPU D <= 1.15x C"),
        ),
        Case(
            id="overlap-sleep",
            scenario=4,
            title=f"Stream 20k at {LATENCY_MS} ms, consumer awaits {work_ms} ms per 1000",
            op="stream",
            site="s20k_lat",
            args={"page_size": 1000, "work": sleep_work},
            expect_count=20_000,
            expect_last=last(19_999),
            target=Target("wall_s", 0.6, "wall D <= 0.6x C (sequential)"),
            primary="wall_s",
        ),
        Case(
            id="overlap-busy",
            scenario=4,
            title=f"Stream 20k at {LATENCY_MS} ms, consumer spins {work_ms} ms CPU per 1000",
            op="stream",
            site="s20k_lat",
            args={"page_size": 1000, "work": busy_work},
            expect_count=20_000,
            expect_last=last(19_999),
            primary="wall_s",
            in_quick=False,
        ),
        Case(
            id="memory-10k",
            scenario=5,
            title="Stream 10k, page 1000 (memory)",
            op="stream",
            site="s10k",
            args={"page_size": 1000},
            expect_count=10_000,
            expect_last=last(9_999),
            primary="growth_kb",
        ),
        Case(
            id="memory-100k",
            scenario=5,
            title="Stream 100k, page 1000 (memory)",
            op="stream",
            site="s100k",
            args={"page_size": 1000},
            expect_count=100_000,
            expect_last=last(99_999),
            primary="growth_kb",
        ),
        Case(
            id="legacy",
            scenario=6,
            title=f"Legacy XML: 40 pages of 50 at {LATENCY_MS} ms",
            op="stream_legacy",
            site="legacy",
            args={"page_size": 50},
            expect_count=2000,
            expect_last=last(1999),
            peers=("C", "D"),  # XML: the JSON decoder plays no part
            target=Target("wall_s", 0.25, "wall D <= 0.25x C (sequential)"),
            primary="wall_s",
        ),
    ]


IMPORTS = [
    ("interpreter only", "pass"),
    ("C: import aiohttp", "import aiohttp"),
    ("A: from twilio.rest import Client", "from twilio.rest import Client"),
    (
        "A: ... + AsyncTwilioHttpClient",
        "from twilio.rest import Client; "
        "from twilio.http.async_http_client import AsyncTwilioHttpClient",
    ),
    ("D: import twilio_async", "import twilio_async"),
    # What D's first request adds (the resource tree, models, converter and aiohttp load
    # on first use), to compare with A's async stack above.
    ("D: ... + what a first request loads", "import twilio_async.resources, aiohttp"),
]


# --- server -------------------------------------------------------------------------------


def core_plan(pin: bool) -> tuple[int | None, int | None]:
    """(client core, server core): separate cores when there are two or more."""
    if not pin or not hasattr(os, "sched_getaffinity"):
        return None, None
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return None, None
    return cores[0], cores[-1]


class BenchServer:
    """The Twilio-shaped server in its own process; stopped on exit, errors and Ctrl-C."""

    def __init__(self, sites: list[str], cpu: int | None = None, client_cpu: int | None = None):
        self.sites = sites
        self.cpu = cpu
        self.client_cpu = client_cpu
        self.proc: subprocess.Popen[bytes] | None = None
        self.ports: dict[str, int] = {}

    def __enter__(self) -> BenchServer:
        """Start the server; :meth:`wait_ready` waits until it listens (rendering takes a
        few seconds, which other work such as the import timings can overlap)."""
        config = {
            "cpu": self.cpu,
            "sites": [{"name": name, **SITES[name]} for name in self.sites],
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.server", "--config", json.dumps(config)],
            cwd=REPO,
            stdin=subprocess.PIPE,  # closing it (our exit) stops the server too
            stdout=subprocess.PIPE,
        )
        return self

    def wait_ready(self) -> None:
        assert self.proc is not None
        assert self.proc.stdout is not None
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            if not sel.select(SERVER_START_TIMEOUT_S):
                self.__exit__()
                raise RuntimeError("bench server did not start in time")
        line = self.proc.stdout.readline()
        if not line:
            self.__exit__()
            raise RuntimeError("bench server exited during startup")
        self.ports = json.loads(line)["ports"]

    def __exit__(self, *exc: object) -> None:
        proc = self.proc
        if proc is None:
            return
        self.proc = None
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                pipe.close()

    def process_cpu_s(self) -> float:
        """The server's CPU seconds so far, from /proc (works before it listens)."""
        if self.proc is None:
            return 0.0
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def url(self, site: str) -> str:
        return f"http://127.0.0.1:{self.ports[site]}"

    def stats(self) -> dict[str, Any]:
        conn = http.client.HTTPConnection("127.0.0.1", next(iter(self.ports.values())), timeout=10)
        try:
            conn.request("GET", "/__bench__/stats")
            stats: dict[str, Any] = json.loads(conn.getresponse().read())
            return stats
        finally:
            conn.close()

    def body_size(self, site: str, target: str) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", self.ports[site], timeout=10)
        try:
            conn.request("GET", target, headers={"Authorization": "Basic YTpi"})
            return len(conn.getresponse().read())
        finally:
            conn.close()


# --- runs ---------------------------------------------------------------------------------


def run_child_once(
    server: BenchServer, case: Case, peer: str, profile: str | None = None
) -> dict[str, Any]:
    spec = {
        "peer": peer,
        "op": case.op,
        "base_url": server.url(case.site),
        "args": case.args,
        "profile": profile,
        "cpu": server.client_cpu,
    }
    before = server.stats()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "bench.child", json.dumps(spec)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"status": "error", "reason": f"timed out after {CHILD_TIMEOUT_S} s"}
    after = server.stats()
    if proc.returncode != 0 or not proc.stdout.strip():
        tail = (proc.stderr or "").strip().splitlines()[-3:]
        return {"status": "error", "reason": " | ".join(tail) or f"exit {proc.returncode}"}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["server_cpu_s"] = after["cpu_s"] - before["cpu_s"]
    result["server_requests"] = after["requests"][case.site] - before["requests"][case.site]
    if "machine_busy_s" in result:
        # CPU that neither the client nor the server used while the work ran: other processes
        result["foreign_cpu_s"] = max(
            0.0, result["machine_busy_s"] - result["cpu_s"] - result["server_cpu_s"]
        )
    if result["status"] == "ok":
        problems = []
        if result["count"] != case.expect_count:
            problems.append(f"count {result['count']} != {case.expect_count}")
        if case.expect_last is not None and result["last_sid"] != case.expect_last:
            problems.append(f"last SID {result['last_sid']} != {case.expect_last}")
        if problems:
            result["status"] = "error"
            result["reason"] = "; ".join(problems)
    return result


def disturbed(result: dict[str, Any]) -> bool:
    """Did other processes use a noticeable share of the machine during the work?"""
    foreign = float(result.get("foreign_cpu_s", 0.0))
    return foreign > max(FOREIGN_MIN_S, FOREIGN_SHARE * float(result.get("wall_s", 0.0)))


@dataclass
class RetryBudget:
    """Redoing disturbed runs is bounded: under sustained load, retrying does not help and
    would only make the suite slow, so once the budget is spent runs are kept as they are
    (and counted as disturbed in the report)."""

    left: int

    def take(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        return True


def run_child(
    server: BenchServer,
    case: Case,
    peer: str,
    profile: str | None = None,
    budget: RetryBudget | None = None,
) -> dict[str, Any]:
    """One measured run; redone while another process on the machine was busy during it,
    at most ATTEMPTS times and within ``budget``. The result records the attempts."""
    attempt = 1
    while True:
        result = run_child_once(server, case, peer, profile)
        result["attempts"] = attempt
        noisy = result.get("status") == "ok" and disturbed(result)
        if not noisy or attempt == ATTEMPTS or (budget is not None and not budget.take()):
            result["disturbed"] = noisy
            return result
        attempt += 1
        time.sleep(RETRY_PAUSE_S)


def rotated(items: Sequence[T], k: int) -> list[T]:
    """``items`` starting at position ``k`` (mod len): the run order of repeat ``k``."""
    k %= len(items)
    return [*items[k:], *items[:k]]


def _pinned(cpu: int | None) -> Any:
    """A ``preexec_fn`` pinning a child process to ``cpu`` (None: no pinning)."""
    if cpu is None:
        return None
    return lambda: os.sched_setaffinity(0, {cpu})


def measure_imports(
    repeats: int, log: Any, cpu: int | None, server: BenchServer | None
) -> list[dict[str, Any]]:
    """Wall time of fresh interpreters importing each client; samples taken while another
    process was busy are redone (bounded, as for the measured runs)."""
    pin = _pinned(cpu)
    env_ok: dict[str, bool] = {}
    samples: dict[str, list[float]] = {label: [] for label, _ in IMPORTS}
    redone = 0
    budget = RetryBudget(10)

    def once(stmt: str) -> tuple[float, float]:
        children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        busy0, server0 = machine_busy_s(), server.process_cpu_s() if server else 0.0
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", stmt], cwd=REPO, capture_output=True, check=True, preexec_fn=pin
        )
        wall = time.perf_counter() - t0
        children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        child_cpu = (
            children1.ru_utime + children1.ru_stime - children0.ru_utime - children0.ru_stime
        )
        server_cpu = (server.process_cpu_s() if server else 0.0) - server0
        return wall, machine_busy_s() - busy0 - child_cpu - server_cpu

    # pip writes bytecode for every package it installs; this checkout's sources would
    # otherwise be compiled in every timed import when PYTHONDONTWRITEBYTECODE is set.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "twilio_async")],
        check=True,
        capture_output=True,
    )
    for label, stmt in IMPORTS:  # one untimed run each: warms the page cache, checks it works
        env_ok[label] = (
            subprocess.run(
                [sys.executable, "-c", stmt], cwd=REPO, capture_output=True, preexec_fn=pin
            ).returncode
            == 0
        )
    for r in range(repeats):
        for label, stmt in rotated(IMPORTS, r):
            if not env_ok[label]:
                continue
            for attempt in range(1, ATTEMPTS + 1):
                wall, foreign = once(stmt)
                calm = foreign <= max(FOREIGN_MIN_S, FOREIGN_SHARE * wall)
                if calm or attempt == ATTEMPTS or not budget.take():
                    break
                redone += 1
                time.sleep(RETRY_PAUSE_S)
            samples[label].append(wall)
    log(f"  imports measured ({repeats} repeats, {redone} samples redone)")
    return [
        {"label": label, "stmt": stmt, "ok": env_ok[label], "samples_s": samples[label]}
        for label, stmt in IMPORTS
    ]


# --- report -------------------------------------------------------------------------------


@dataclass
class Summary:
    case: Case
    peer: str
    runs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok_runs(self) -> list[dict[str, Any]]:
        return [r for r in self.runs if r.get("status") == "ok"]

    @property
    def state(self) -> str:
        if any(r.get("status") == "error" for r in self.runs):
            return "error"
        if not self.ok_runs:
            return "n/a"
        return "ok"

    @property
    def reason(self) -> str:
        for r in self.runs:
            if r.get("status") != "ok":
                return str(r.get("reason", ""))
        return ""

    def median(self, key: str) -> float:
        return statistics.median(float(r[key]) for r in self.ok_runs)

    def spread(self, key: str) -> float:
        values = [float(r[key]) for r in self.ok_runs]
        mid = statistics.median(values)
        return (max(values) - min(values)) / mid if mid else 0.0

    @property
    def redo_note(self) -> str:
        redone = sum(int(r.get("attempts", 1)) - 1 for r in self.runs)
        kept = sum(1 for r in self.runs if r.get("disturbed"))
        parts = [f"{redone} redone"] if redone else []
        if kept:
            parts.append(f"{kept} disturbed")
        return f" ({', '.join(parts)})" if parts else ""

    @property
    def notes(self) -> list[str]:
        seen: list[str] = []
        for r in self.ok_runs:
            for note in r.get("notes", []):
                if note not in seen:
                    seen.append(note)
        return seen


def _ratio(value: float, base: float | None) -> str:
    return f"{value / base:.2f}x" if base else "-"


def results_table(summaries: dict[tuple[str, str], Summary], cases: list[Case]) -> list[str]:
    lines = [
        "| # | Case | Peer | CPU s | µs/rec | Wall s | RSS growth MB | CPU vs C | Wall vs C "
        "| RSS vs C | Server CPU s (busy) | Reqs | Spread |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case in cases:
        base = summaries.get((case.id, "C"))
        base_ok = base is not None and base.state == "ok"
        for peer in PEERS:
            s = summaries.get((case.id, peer))
            head = f"| {case.scenario} | {case.title} | {peer} "
            if s is None or peer not in case.peers:
                if peer == "A" and case.op == "stream_legacy":
                    lines.append(head + "| n/a (no 2008 API in twilio) |" + " |" * 9)
                continue
            if s.state != "ok":
                label = "ERROR" if s.state == "error" else "n/a"
                lines.append(head + f"| {label}: {s.reason[:120]} |" + " |" * 9)
                continue
            cpu, wall, growth = s.median("cpu_s"), s.median("wall_s"), s.median("growth_kb")
            per_rec = cpu / case.expect_count * 1e6
            server_cpu = s.median("server_cpu_s")
            busy = server_cpu / wall if wall else 0.0
            primary = case.target.metric if case.target else case.primary
            c_cpu = base.median("cpu_s") if base_ok and base else None
            c_wall = base.median("wall_s") if base_ok and base else None
            c_growth = base.median("growth_kb") if base_ok and base else None
            lines.append(
                head + f"| {cpu:.3f} | {per_rec:.1f} | {wall:.3f} | {growth / 1024:.1f} "
                f"| {_ratio(cpu, c_cpu)} | {_ratio(wall, c_wall)} | {_ratio(growth, c_growth)} "
                f"| {server_cpu:.3f} ({busy:.0%}) | {s.median('server_requests'):.0f} "
                f"| ±{s.spread(primary) / 2:.0%}{s.redo_note} |"
            )
    return lines


TARGET_PEERS = ("D", "Dj")  # the library, with and without orjson


def _verdict(ratio: float, limit: float) -> str:
    return (
        f"{ratio:.2f}x met" if ratio <= limit else f"{ratio:.2f}x MISSED by {ratio / limit - 1:.0%}"
    )


def _cell(summary: Summary | None) -> str | None:
    """The cell for a peer that did not produce figures, or None if it did."""
    if summary is None:
        return "not run"
    if summary.state != "ok":
        label = "ERROR" if summary.state == "error" else "n/a"
        return f"{label}: {summary.reason[:90]}"
    return None


def target_rows(
    summaries: dict[tuple[str, str], Summary], cases: list[Case], raw_page_kb: float | None
) -> list[str]:
    heads = " | ".join(f"{p} / C" for p in TARGET_PEERS)
    lines = [f"| # | Target | {heads} |", "|---|---|" + "---|" * len(TARGET_PEERS)]
    for case in cases:
        if case.target is None:
            continue
        c = summaries.get((case.id, "C"))
        if c is None:
            continue
        cells = []
        for peer in TARGET_PEERS:
            d = summaries.get((case.id, peer))
            problem = (_cell(c) or _cell(d)) if peer in case.peers else "-"
            if problem is not None or d is None:
                cells.append(problem or "-")
                continue
            ratio = d.median(case.target.metric) / c.median(case.target.metric)
            cells.append(_verdict(ratio, case.target.max_ratio))
        lines.append(
            f"| {case.scenario} | {case.title}: {case.target.text} | " + " | ".join(cells) + " |"
        )
    lines.extend(memory_rows(summaries, raw_page_kb))
    return lines


MEMORY_VS_FLOOR = 1.5


def _floor_delta(summaries: dict[tuple[str, str], Summary], peer: str) -> str:
    """', Co +x.y' when that floor variant ran both memory cases: context for the reader."""
    small, large = summaries.get(("memory-10k", peer)), summaries.get(("memory-100k", peer))
    if small is None or large is None or small.state != "ok" or large.state != "ok":
        return ""
    return f", {peer} {(large.median('growth_kb') - small.median('growth_kb')) / 1024:+.1f}"


def memory_rows(summaries: dict[tuple[str, str], Summary], raw_page_kb: float | None) -> list[str]:
    """Scenario 5. "About one page": growth at 100k <= MEMORY_VS_FLOOR x the floor's (the
    floor holds one page at a time). "Flat in N": growth from 10k to 100k exceeds the
    floor's (allocator noise: the floor cannot depend on N) by at most one raw page."""
    c10, c100 = summaries.get(("memory-10k", "C")), summaries.get(("memory-100k", "C"))
    if c10 is None or c100 is None:
        return []
    page_mb = (raw_page_kb or 0.0) / 1024
    near_cells, flat_cells = [], []
    for peer in TARGET_PEERS:
        d10, d100 = summaries.get(("memory-10k", peer)), summaries.get(("memory-100k", peer))
        problem = next((p for p in map(_cell, (c10, c100, d10, d100)) if p), None)
        if problem is not None or d10 is None or d100 is None:
            near_cells.append(problem or "-")
            flat_cells.append(problem or "-")
            continue
        ratio = d100.median("growth_kb") / c100.median("growth_kb")
        d_delta = (d100.median("growth_kb") - d10.median("growth_kb")) / 1024
        c_delta = (c100.median("growth_kb") - c10.median("growth_kb")) / 1024
        near_cells.append(
            f"{d100.median('growth_kb') / 1024:.1f} MB = " + _verdict(ratio, MEMORY_VS_FLOOR)
        )
        excess = d_delta - c_delta
        flat_cells.append(
            f"{d_delta:+.1f} MB (C {c_delta:+.1f}{_floor_delta(summaries, 'Co')}): "
            + ("met" if excess <= page_mb else f"MISSED, {excess:.1f} MB over C")
        )
    return [
        "| 5 | Stream 100k: peak RSS growth about one page "
        f"(<= {MEMORY_VS_FLOOR}x the floor C's {c100.median('growth_kb') / 1024:.1f} MB; "
        "C holds one page at a time) | " + " | ".join(near_cells) + " |",
        "| 5 | Peak RSS growth flat in N: growth(100k) - growth(10k) <= C's difference "
        f"+ one raw page ({page_mb:.2f} MB) | " + " | ".join(flat_cells) + " |",
    ]


def import_rows(imports: list[dict[str, Any]]) -> list[str]:
    """Import medians, net of the bare interpreter, against C and against A's sync Client
    (scenario 7's target: ``import twilio_async`` <= ``from twilio.rest import Client``)."""
    lines = [
        "| Import (fresh `python -c`) | Median ms | Net of interpreter ms | vs C | vs A Client |",
        "|---|---:|---:|---:|---:|",
    ]
    medians = {
        i["label"]: statistics.median(i["samples_s"]) * 1000 for i in imports if i["samples_s"]
    }
    interp = medians.get("interpreter only", 0.0)
    bases = [
        medians.get(label, 0.0) - interp
        for label in ("C: import aiohttp", "A: from twilio.rest import Client")
    ]
    for item in imports:
        label = item["label"]
        if label not in medians:
            lines.append(f"| `{item['stmt']}` | n/a (fails to import) | | | |")
            continue
        net = medians[label] - interp
        ratios = [
            f"{net / base:.2f}x" if base > 0 and label != "interpreter only" else "-"
            for base in bases
        ]
        lines.append(f"| {label} | {medians[label]:.0f} | {net:.0f} | {' | '.join(ratios)} |")
    return lines


def _checkout_version(dist: str) -> str:
    """The version of a package importable from the repository root but not installed."""
    module = dist.replace("-", "_")
    found = subprocess.run(
        [sys.executable, "-c", f"import {module}; print({module}.__version__)"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    return f"{found.stdout.strip()} (from the checkout)" if found.returncode == 0 else "(missing)"


def machine_info() -> list[str]:
    model = "unknown"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    versions = []
    for dist in ("aiohttp", "yarl", "attrs", "cattrs", "twilio", "twilio-async"):
        try:
            versions.append(f"{dist} {importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{dist} {_checkout_version(dist)}")
    commit = subprocess.run(
        ["git", "log", "-1", "--format=%h %cs"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return [
        f"- Machine: `nproc` = {os.cpu_count()}, CPU: {model}, "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()} ({platform.python_implementation()}); "
        + ", ".join(versions),
        f"- Worktree commit: {commit or 'unknown'}; run at {dt.datetime.now():%Y-%m-%d %H:%M}",
    ]


def server_headroom(summaries: dict[tuple[str, str], Summary]) -> str:
    busiest: tuple[float, str] | None = None
    for (case_id, peer), s in summaries.items():
        if s.state == "ok" and s.median("wall_s") > 0:
            busy = s.median("server_cpu_s") / s.median("wall_s")
            if busiest is None or busy > busiest[0]:
                busiest = (busy, f"{case_id} / {peer}")
    if busiest is None:
        return "- Server check: no runs"
    verdict = "not the bottleneck" if busiest[0] < 0.5 else "CHECK: the server may be limiting"
    return (
        f"- Server check: busiest case {busiest[1]} kept the server {busiest[0]:.0%} busy "
        f"(server CPU / client wall) while the client used its own core: {verdict}"
    )


def other_load(summaries: dict[tuple[str, str], Summary]) -> str:
    runs = [r for s in summaries.values() for r in s.runs if r.get("status") == "ok"]
    redone = sum(int(r.get("attempts", 1)) - 1 for r in runs)
    kept = sum(1 for r in runs if r.get("disturbed"))
    return (
        f"- Other load: {redone} of {len(runs)} runs were redone because another process used "
        f"more than {FOREIGN_SHARE:.0%} of a core meanwhile; {kept} stayed disturbed (after "
        f"{ATTEMPTS} attempts, or once the redo budget was spent: {RETRY_BUDGET_SHARE}% of "
        "the runs, 5% in quick mode)"
    )


def render(
    summaries: dict[tuple[str, str], Summary],
    cases: list[Case],
    imports: list[dict[str, Any]],
    repeats: int,
    raw_page_kb: float | None,
    quick: bool,
    cores: tuple[int | None, int | None],
) -> str:
    notes = sorted({n for s in summaries.values() for n in s.notes})
    mode = "quick" if quick else "full"
    out = [
        f"## Results ({mode} mode, median of {repeats} interleaved repeats)",
        "",
        *machine_info(),
        (
            f"- Client pinned to core {cores[0]}, server to core {cores[1]}"
            if cores[0] is not None
            else "- Client and server not pinned"
        ),
        server_headroom(summaries),
        other_load(summaries),
        "- Peers: " + "; ".join(f"**{k}** = {v.title}" for k, v in PEERS.items()),
        "",
        "### Targets (D relative to the floor C)",
        "",
        *target_rows(summaries, cases, raw_page_kb),
        "",
        "### All figures",
        "",
        "CPU = client user+sys seconds for the work only; µs/rec = CPU / records (or requests); "
        "RSS growth = peak RSS minus RSS after imports; Server busy = server CPU / client wall; "
        "Reqs = requests the server saw; Spread = half the min-max range of the case's primary "
        "figure, relative to the median (with runs redone because of other load).",
        "",
        *results_table(summaries, cases),
    ]
    if imports:
        out += ["", f"### Import cost (median of {len(imports[0]['samples_s'])})", ""]
        out += import_rows(imports)
    if notes:
        out += ["", "Notes from the peers:", *(f"- {n}" for n in notes)]
    return "\n".join(out) + "\n"


# --- main ---------------------------------------------------------------------------------


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def profile_one(spec: str, cases: list[Case], pin: bool) -> None:
    import pstats

    peer, _, case_id = spec.partition(":")
    case = next((c for c in cases if c.id == case_id), None)
    if case is None:
        raise SystemExit(f"unknown case {case_id!r}; one of: {', '.join(c.id for c in cases)}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"profile-{peer}-{case_id}.prof"
    client_cpu, server_cpu = core_plan(pin)
    with BenchServer([case.site], cpu=server_cpu, client_cpu=client_cpu) as server:
        server.wait_ready()
        result = run_child(server, case, peer, profile=str(out))
    print(json.dumps({k: v for k, v in result.items() if k != "notes"}, indent=1))
    if result.get("status") != "ok":
        return
    for order in ("cumulative", "tottime"):
        print(f"\n=== top 30 by {order} ({out}) ===")
        pstats.Stats(str(out)).sort_stats(order).print_stats(30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 repeats, under 2 minutes")
    parser.add_argument("--repeats", type=int, help="interleaved repeats (default 9, quick 3)")
    parser.add_argument("--only", help="comma-separated case ids (or 'import')")
    parser.add_argument(
        "--peers",
        help=f"comma-separated, of {','.join(PEERS)} (default all; quick: {','.join(QUICK_PEERS)})",
    )
    parser.add_argument("--profile", metavar="PEER:CASE", help="cProfile one child and print")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.md")
    parser.add_argument(
        "--no-pin", action="store_true", help="do not pin client and server to separate cores"
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGINT, _raise_interrupt)  # also when started with SIGINT ignored

    cases = all_cases()
    if args.profile:
        profile_one(args.profile, cases, not args.no_pin)
        return 0
    repeats = args.repeats or (3 if args.quick else 9)
    if repeats < 3:
        parser.error("at least 3 repeats")
    wanted = set(args.only.split(",")) if args.only else None
    if wanted:
        unknown = wanted - {c.id for c in cases} - {"import"}
        if unknown:
            parser.error(f"unknown case(s) {sorted(unknown)}")
        cases = [c for c in cases if c.id in wanted]
    elif args.quick:
        cases = [c for c in cases if c.in_quick]
    chosen = args.peers.split(",") if args.peers else QUICK_PEERS if args.quick else list(PEERS)
    unknown_peers = set(chosen) - set(PEERS)
    if unknown_peers:
        parser.error(f"unknown peer(s) {sorted(unknown_peers)}")
    peers = {"C", *chosen}
    started = time.perf_counter()

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {msg}", file=sys.stderr, flush=True)

    summaries: dict[tuple[str, str], Summary] = {}
    imports: list[dict[str, Any]] = []
    raw_page_kb: float | None = None
    cores = core_plan(not args.no_pin)
    interrupted = False
    try:
        sites = sorted({c.site for c in cases})
        with contextlib.ExitStack() as stack:
            server = None
            if sites:
                log(f"starting server for {', '.join(sites)}")
                server = stack.enter_context(BenchServer(sites, cpu=cores[1], client_cpu=cores[0]))
            if wanted is None or "import" in wanted:  # on the client core, while it renders
                imports = measure_imports(3 if args.quick else 9, log, cores[0], server)
            if server is not None:
                server.wait_ready()
                log("server ready")
                if "s100k" in sites:
                    raw_page_kb = (
                        server.body_size("s100k", f"{fixtures.LIST_PATH}?PageSize=1000") / 1024
                    )
                planned = sum(len([p for p in c.peers if p in peers]) * repeats for c in cases)
                # quick mode keeps its time limit on a loaded machine: few redos
                budget = RetryBudget(
                    planned // 20 if args.quick else max(10, planned * RETRY_BUDGET_SHARE // 100)
                )
                for case in cases:
                    case_peers = tuple(
                        p
                        for p in case.peers
                        if p in peers and not (args.quick and (case.id, p) in QUICK_SKIP)
                    )
                    for peer in case_peers:
                        summaries[(case.id, peer)] = Summary(case, peer)
                    for r in range(repeats):
                        for peer in rotated(case_peers, r):
                            result = run_child(server, case, peer, budget=budget)
                            summaries[(case.id, peer)].runs.append(result)
                            if result["status"] != "ok":
                                log(
                                    f"  {case.id} {peer}: {result['status']} {result.get('reason')}"
                                )
                    log(f"{case.id} done")
    except KeyboardInterrupt:
        interrupted = True
        log("interrupted: server stopped; partial results below")

    report = render(summaries, cases, imports, repeats, raw_page_kb, args.quick, cores)
    if interrupted:
        report = "**Interrupted: partial results.**\n\n" + report
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    raw = {
        "repeats": repeats,
        "cases": {f"{cid}/{peer}": s.runs for (cid, peer), s in summaries.items()},
        "imports": imports,
    }
    args.out.with_suffix(".json").write_text(json.dumps(raw, indent=1))
    log(f"wrote {args.out} and {args.out.with_suffix('.json')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
