"""``python -m bench.instructions``: CPU instructions per record or request, by callgrind.

Timings on a shared two-core machine move by 10-30 % from run to run; instruction counts
do not. Each peer's child (the same ``bench.child`` the timed suite runs) does a scenario
twice under ``valgrind --tool=callgrind`` with a fixed ``PYTHONHASHSEED``, once small and
once large (stream 10k then 20k numbers; 1,000 then 2,000 fetches; 250 then 500 creates);
the difference divided by the difference in units is the steady-state cost of one record
or request, with start-up, imports and first-use costs cancelled out. Instructions are not
time (cache misses and branch mispredictions differ), so this complements the timed suite
rather than replacing it.

Needs valgrind (Debian: ``apt-get install valgrind``). A few minutes.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.peers import PEERS
from bench.run import REPO, BenchServer

RUN_TIMEOUT_S = 600
SMALL, LARGE = "i10k", "s20k"  # 10k and 20k records, page sizes 50 and 1000, no latency
FANOUT = 50


@dataclasses.dataclass(frozen=True)
class Scenario:
    """One figure: ``op`` run with ``small`` and ``large`` arguments on ``sites``."""

    id: str
    unit: str
    op: str
    small: dict[str, Any]
    large: dict[str, Any]
    units: int  # units in large minus units in small
    sites: tuple[str, str] = (LARGE, LARGE)


SCENARIOS = {
    s.id: s
    for s in (
        Scenario("stream-1000", "record", "stream", {"page_size": 1000}, {"page_size": 1000},
                 10_000, (SMALL, LARGE)),
        Scenario("stream-50", "record", "stream", {"page_size": 50}, {"page_size": 50},
                 10_000, (SMALL, LARGE)),
        Scenario("fetch", "request", "fetch",
                 {"inventory": 20_000, "count": 1000, "concurrency": FANOUT},
                 {"inventory": 20_000, "count": 2000, "concurrency": FANOUT}, 1000),
        Scenario("create", "request", "create", {"count": 250, "concurrency": FANOUT},
                 {"count": 500, "concurrency": FANOUT}, 250),
    )
}  # fmt: skip


def instructions(peer: str, op: str, base_url: str, args: dict[str, Any], out: Path) -> int:
    """Total instructions of one child running ``op`` with ``args``."""
    spec = {"peer": peer, "op": op, "base_url": base_url, "args": args}
    subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-m",
            "bench.child",
            json.dumps(spec),
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        check=True,
        capture_output=True,
        timeout=RUN_TIMEOUT_S,
    )
    match = re.search(r"^(?:totals|summary): (\d+)", out.read_text(), re.MULTILINE)
    if match is None:
        raise RuntimeError(f"no instruction total in {out}")
    return int(match.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__)
    parser.add_argument("--peers", default="C,Co,D,Dj", help="comma-separated (C always runs)")
    parser.add_argument(
        "--only", default=",".join(SCENARIOS), help=f"comma-separated, of {','.join(SCENARIOS)}"
    )
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not installed (Debian: apt-get install valgrind)")
    peers = ["C", *[p for p in args.peers.split(",") if p != "C"]]
    unknown = (set(peers) - set(PEERS)) | (set(args.only.split(",")) - set(SCENARIOS))
    if unknown:
        parser.error(f"unknown peer(s) or scenario(s) {sorted(unknown)}")
    scenarios = [SCENARIOS[name] for name in args.only.split(",")]
    jobs = [
        (scenario, peer, size)
        for scenario in scenarios
        for peer in peers
        for size in ("small", "large")
    ]
    with BenchServer([SMALL, LARGE]) as server, tempfile.TemporaryDirectory() as tmp:
        server.wait_ready()

        def run(job: tuple[Scenario, str, str]) -> int:
            scenario, peer, size = job
            site = scenario.sites[0 if size == "small" else 1]
            out = Path(tmp) / f"callgrind.{scenario.id}.{peer}.{size}"
            return instructions(peer, scenario.op, server.url(site), getattr(scenario, size), out)

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            counts = list(pool.map(run, jobs))
    totals = {(sc.id, peer, size): n for (sc, peer, size), n in zip(jobs, counts, strict=True)}
    print("| scenario | peer | instructions per unit | vs C |")
    print("|---|---|---:|---:|")
    for scenario in scenarios:
        per = {
            peer: (totals[(scenario.id, peer, "large")] - totals[(scenario.id, peer, "small")])
            / scenario.units
            for peer in peers
        }
        for peer in peers:
            print(
                f"| {scenario.id} (per {scenario.unit}) | {peer} | {per[peer]:,.0f} "
                f"| {per[peer] / per['C']:.2f}x |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
