"""``vpcsim flowlogs``'s benchmark (RESULTS.md section 4): generated flow logs read as a user would read them.

    .venv/bin/python bench/flowlogs_bench.py [--records 10000000 ...] [--kinds text parquet] [--data DIR]

bench/flowgen.py writes the logs (seedable, gzipped text in AWS's default and a v5 custom format, or Parquet) and the
state file of the estate they come from, into ``DIR/<kind>-<records>-seed<seed>/`` (default DIR:
``bench/.flowlogs-data``, kept between runs: generating is slower than reading). Each size and kind is then read by
``vpcsim flowlogs DIR --state state.db --json`` in a child process, timed with ``time.perf_counter()`` around it and
its peak resident memory taken from the kernel (``os.wait4``'s ``ru_maxrss``, the child alone). Target: 10^8 records
in under 5 minutes and under 2 GB on 2 cores. Benchmarks, not tests: nothing fails on a figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import flowgen

BENCH = Path(__file__).resolve().parent
VPCSIM = BENCH.parent / ".venv" / "bin" / "vpcsim"
TARGET_RECORDS, TARGET_S, TARGET_MB = 100_000_000, 300.0, 2048.0


@dataclass
class Figures:
    records: int
    kind: str
    files: int
    disk_mb: float
    generated_s: float | None  # None: the data was there from an earlier run
    read_s: float
    rss_mb: float
    exit_status: int
    answer: dict[str, object]

    @property
    def per_second(self) -> float:
        return self.records / self.read_s if self.read_s else 0.0


def prepare(data: Path, records: int, kind: str, seed: int) -> tuple[Path, float | None]:
    """The folder holding the logs and state for this size and kind, generating them unless already there."""
    folder = data / f"{kind}-{records}-seed{seed}"
    if (folder / "done").exists():
        return folder, None
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    began = time.perf_counter()
    instances = flowgen.estate(folder / "state.db", seed)
    flowgen.write(folder / "logs", instances, records, seed=seed, kind=kind)
    (folder / "done").write_text(f"{records} {kind} {seed}\n")
    return folder, time.perf_counter() - began


def read(folder: Path) -> tuple[float, float, int, dict[str, object]]:
    """(seconds, peak RSS in MB, exit status, the answer's summary) of one ``vpcsim flowlogs`` run."""
    command = [str(VPCSIM), "flowlogs", str(folder / "logs"), "--state", str(folder / "state.db"), "--json"]
    out = folder / "answer.json"
    with out.open("w") as sink:
        began = time.perf_counter()
        child = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - began
    child.returncode = os.waitstatus_to_exitcode(status)
    error = child.stderr.read().decode() if child.stderr else ""
    summary: dict[str, object] = {"error": error.strip()} if child.returncode else _summary(out)
    return seconds, usage.ru_maxrss / 1024, child.returncode, summary


def _summary(path: Path) -> dict[str, object]:
    answer = json.loads(path.read_text())
    return {
        "records": answer["records"]["total"],
        "accepted_gb": round(answer["totals"]["accepted_bytes"] / 1024**3, 1),
        "senders": len(answer["senders"]),
        "paths": len(answer["paths"]),
        "saved_usd": round(answer["saved_usd"] or 0.0, 2),
    }


def measure(records: int, kind: str, data: Path, seed: int = 1) -> Figures:
    folder, generated = prepare(data, records, kind, seed)
    files = [p for p in (folder / "logs").rglob("*") if p.is_file()]
    seconds, rss, status, answer = read(folder)
    disk = sum(p.stat().st_size for p in files) / 1024**2
    return Figures(records, kind, len(files), disk, generated, seconds, rss, status, answer)


def section(figures: list[Figures], stamp: str) -> list[str]:
    """Section 4's Markdown lines; ``stamp`` says when, how and on what it ran."""
    out = [
        "## 4. Reading real flow logs (`vpcsim flowlogs`)",
        "",
        stamp,
        "",
        "| records | format | files | on disk | generated in | read in | records/s | peak RSS | answer |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for f in figures:
        answer = ", ".join(f"{k} {v}" for k, v in f.answer.items())
        generated = "earlier run" if f.generated_s is None else f"{f.generated_s:,.0f} s"
        out.append(
            f"| {f.records:,} | {f.kind} | {f.files} | {f.disk_mb:,.0f} MB | {generated} | {f.read_s:,.1f} s | "
            f"{f.per_second:,.0f} | "
            f"{f.rss_mb:,.0f} MB | {answer} |"
        )
    return [*out, "", *_targets(figures), "", *NOTES, ""]


def _targets(figures: list[Figures]) -> list[str]:
    full = [f for f in figures if f.records >= TARGET_RECORDS and f.exit_status == 0]
    if full:
        lines = []
        for f in full:
            met = f.read_s <= TARGET_S and f.rss_mb <= TARGET_MB
            lines.append(
                f"- Target (10^8 records < {TARGET_S:.0f} s, < {TARGET_MB:.0f} MB) with {f.kind}: measured "
                f"{f.read_s:,.0f} s and {f.rss_mb:,.0f} MB at {f.records:,} records: {'met' if met else '**not met**'}."
            )
        return lines
    largest = max((f for f in figures if f.exit_status == 0), key=lambda f: f.records, default=None)
    if largest is None:
        return ["- Target: not measured (no run succeeded)."]
    scale = TARGET_RECORDS / largest.records
    return [
        f"- Target (10^8 records < {TARGET_S:.0f} s, < {TARGET_MB:.0f} MB): **not measured at 10^8**; extrapolated "
        f"linearly from {largest.records:,} {largest.kind} records: ~{largest.read_s * scale:,.0f} s. Memory does not "
        f"scale with the records (DuckDB's limit is 1 GB, it spills past it): {largest.rss_mb:,.0f} MB measured."
    ]


NOTES = [
    "- Data: bench/flowgen.py (its docstring): an estate of 4 VPCs, 480 instances, NAT gateways, S3 gateway and "
    "DynamoDB interface endpoints built into a state file through the control plane; one day of records, half the "
    "text files in AWS's default format, half in a v5 custom format with NAT gateway records (pkt-srcaddr/"
    "pkt-dstaddr); remote addresses anywhere in AWS's published us-east-1 prefixes. The time to generate is not "
    "part of the figures.",
    "- Read: `vpcsim flowlogs DIR --state state.db --json` in a child process: finding the files, DuckDB's scan and "
    "aggregation (memory limit 1 GB, 2 threads), labelling addresses with ip-ranges, tracing one flow per subnet and "
    "service on the state, pricing, and the JSON; peak RSS is the child's own (`os.wait4`).",
    "- Noise: the 2 cores are shared with other work (see the load average); compare within one run.",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10_000_000])
    parser.add_argument("--kinds", nargs="+", choices=("text", "parquet"), default=["text", "parquet"])
    parser.add_argument("--data", type=Path, default=BENCH / ".flowlogs-data")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for records in args.records:
        for kind in args.kinds:
            f = measure(records, kind, args.data, args.seed)
            print(f"{records:,} {kind}: read {f.read_s:.1f} s, {f.rss_mb:.0f} MB, {f.answer}", file=sys.stderr)


if __name__ == "__main__":
    main()
