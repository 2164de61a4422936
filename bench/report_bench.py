"""The estate report's benchmark (RESULTS.md section 4): ``vpcsim report`` on a generated estate of 1,000 VPCs.

    .venv/bin/python bench/report_bench.py [--vpcs 1000] [--seed 1] [--keep DIR]

The estate is bench/estate.py's (hub-and-spoke, seeded), built in process through the control plane into a state
file; then the CLI runs as a user runs it, in a child process, and is timed from outside: wall time
(``time.perf_counter`` around it) and CPU time of all its processes (``resource.getrusage(RUSAGE_CHILDREN)``
before and after: the workers are its children), with its peak resident memory. Runs: ``--json`` with one process,
``--json`` with the default (one per core), and ``--html`` with the default. Figures, not tests: nothing fails on one.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import estate

TARGET_S = 60.0  # a 1,000-VPC estate reports in under a minute on 2 cores


@dataclass
class Run:
    what: str
    wall_s: float
    cpu_s: float
    rss_mb: float
    output_mb: float


@dataclass
class Figures:
    vpcs: int
    seed: int
    build_s: float
    calls: int
    summary: dict[str, object]
    matrix_pairs: int
    runs: list[Run]
    loads: tuple[str, str]


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"


def build(path: Path, vpcs: int, seed: int) -> tuple[float, int]:
    from vpcsim.app import Options
    from vpcsim.app import build as build_app

    built = build_app(Options(state=path, seed=seed))
    made = estate.generate(estate.ControlCaller(built.control), vpcs, seed=seed, progress=print)
    built.store.close()
    return made.seconds, made.calls


def timed(what: str, state: Path, out: Path, *args: str, sized: Path | None = None) -> Run:
    command = [sys.executable, "-m", "vpcsim", "report", "--state", str(state), *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    with out.open("w") as sink:
        subprocess.run(command, stdout=sink, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    size = (sized or out).stat().st_size
    print(f"bench:   {what}: {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
    return Run(what, wall, cpu, after.ru_maxrss / 1024, size / 1e6)


def measure(vpcs: int = 1000, seed: int = 1, keep: Path | None = None) -> Figures:
    loads = [_load()]
    with tempfile.TemporaryDirectory(prefix="vpcsim-report-bench-") as tmp:
        where = keep or Path(tmp)
        state = where / "estate.db"
        print(f"bench: building a {vpcs}-VPC estate (seed {seed}) in {state}", flush=True)
        build_s, calls = build(state, vpcs, seed)
        runs = [
            timed("--json --jobs 1", state, where / "one.json", "--json", "--jobs", "1"),
            timed(f"--json (jobs {os.cpu_count()})", state, where / "all.json", "--json"),
            timed(
                f"--html (jobs {os.cpu_count()}; text to stdout)",
                state,
                where / "text.txt",
                "--html",
                str(where / "r.html"),
                sized=where / "r.html",
            ),
        ]
        doc = json.loads((where / "all.json").read_text())
    loads.append(_load())
    return Figures(vpcs, seed, build_s, calls, doc["summary"], doc["matrix"]["traced_pairs"], runs, (loads[0],
                   loads[1]))  # fmt: skip


def section(f: Figures) -> list[str]:
    s = f.summary
    rows = [f"| {r.what} | {r.wall_s:.1f} | {r.cpu_s:.1f} | {r.rss_mb:.0f} | {r.output_mb:.1f} |" for r in f.runs]
    return [
        "## 4. The estate report (`vpcsim report`)",
        "",
        f"Estate: bench/estate.py, {f.vpcs} VPCs, seed {f.seed} (hubs of 20 VPCs on a transit gateway, shared and "
        f"legacy VPCs, cross-Region peered pairs; built in process with {f.calls:,} API calls in {f.build_s:.0f} s). "
        f"The state holds {s['vpcs']:,} VPCs (the accounts' default VPCs included), {s['subnets']:,} subnets; "
        f"{s['compute_subnets']:,} hold compute. The report: {s['paths']:,} paths from {s['traces']:,} traces "
        f"({f.matrix_pairs:,} of them the matrix's pairs), {sum(s['recommendations'].values()):,} recommendations "  # type: ignore[attr-defined]
        f"saving ${s['savings_usd']:,.2f} a month.",
        "",
        "| run | wall s | CPU s (all processes) | peak RSS MB (largest process so far) | output MB |",
        "|---|---:|---:|---:|---:|",
        *rows,
        "",
        _verdict(f),
        "",
    ]


def _verdict(f: Figures) -> str:
    """The target, judged on wall time; under contention, the report's own CPU time (one process) says the rest."""
    best = min(r.wall_s for r in f.runs if r.what.startswith("--json"))
    single = next(r for r in f.runs if "--jobs 1" in r.what)
    if f.vpcs < 1000:
        return f"Target (1,000 VPCs in under {TARGET_S:.0f} s on 2 cores): not judged at {f.vpcs} VPCs."
    met = "met" if best <= TARGET_S else "not met in wall time"
    cpu = f"one process used {single.cpu_s:.1f} s of CPU" + (
        ", under the target: the wall time is this machine's contention" if best > TARGET_S >= single.cpu_s else ""
    )
    return (f"Target: 1,000 VPCs in under {TARGET_S:.0f} s on 2 cores: **{met}** ({best:.1f} s wall for the best "
            f"--json run; {cpu}). Load average (1, 5, 15 min) at start {f.loads[0]}, at end {f.loads[1]} on 2 cores "
            "shared with other work.")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vpcs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build and write the outputs here (kept)")
    args = parser.parse_args()
    print("\n".join(section(measure(args.vpcs, args.seed, args.keep))))


if __name__ == "__main__":
    main()
