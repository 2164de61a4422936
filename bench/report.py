"""Figures from timed calls, and the Markdown of bench/RESULTS.md."""

from __future__ import annotations

import math
import os
import platform
import statistics
from dataclasses import dataclass

from workload import Phase


@dataclass(frozen=True)
class Stats:
    calls: int
    rps: float  # calls per second of the client's timed calls
    p50: float  # ms
    p99: float  # ms
    errors: int
    answered: float | None  # mean records answered per describe

    @classmethod
    def of(cls, phase: Phase) -> Stats:
        lat = sorted(phase.latencies)
        total = sum(lat)
        answered = statistics.fmean(phase.answered) if phase.answered else None
        rps = len(lat) / total if total else 0.0
        return cls(len(lat), rps, pct(lat, 50), pct(lat, 99), phase.error_count, answered)


def pct(sorted_seconds: list[float], p: float) -> float:
    """Nearest-rank percentile, in ms."""
    if not sorted_seconds:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_seconds)))
    return sorted_seconds[rank - 1] * 1000


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next((ln.split(":", 1)[1].strip() for ln in info if ln.startswith("model name")), cpu)
    except OSError:
        pass
    return {
        "cores (nproc)": str(os.cpu_count()),
        "CPU": cpu,
        "Python": platform.python_version(),
        "OS": f"{platform.system()} {platform.release()}",
    }


def load() -> str:
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "?"


def fmt(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.{digits}f}"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}x" if b and a and not math.isnan(a) and not math.isnan(b) else "-"


def phase_table(name: str, results: dict[str, dict[str, Phase]]) -> list[str]:
    rows = [
        "| server | calls | req/s | p50 ms | p99 ms | errors | records answered (mean) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    stats = {server: Stats.of(phases[name]) for server, phases in results.items() if name in phases}
    for server, s in stats.items():
        rows.append(
            f"| {server} | {s.calls} | {fmt(s.rps, 0)} | {fmt(s.p50)} | {fmt(s.p99)} | {s.errors} | "
            f"{fmt(s.answered, 1)} |"
        )
    rows += ["", *comparison(stats)]
    return rows


def comparison(stats: dict[str, Stats]) -> list[str]:
    v, m, n = stats.get("vpcsim"), stats.get("moto"), stats.get("null")
    lines = []
    if v and m:
        faster = ratio(m.p50, v.p50)
        lines.append(f"vpcsim/moto: **{ratio(v.rps, m.rps)} the requests per second**, p50 {faster} lower.")
    if v and n:
        share_v = v.p50 - n.p50
        text = f"Server share at p50 (server minus null): vpcsim {fmt(share_v)} ms"
        if m:
            share_m = m.p50 - n.p50
            text += f", moto {fmt(share_m)} ms: moto's server time is {ratio(share_m, share_v)} vpcsim's"
        lines.append(text + f"; the client's own share (null) is {fmt(n.p50)} ms.")
    return [" ".join(lines)] if lines else []


def per_op_table(name: str, results: dict[str, dict[str, Phase]]) -> list[str]:
    servers = [s for s, phases in results.items() if name in phases]
    labels: list[str] = []
    for s in servers:
        labels += [label for label in results[s][name].by_op if label not in labels]
    rows = ["| operation | " + " | ".join(f"{s} p50 ms" for s in servers) + " |", "|---|" + "---:|" * len(servers)]
    for label in labels:
        cells = []
        for s in servers:
            lat = sorted(results[s][name].by_op.get(label, []))
            cells.append(fmt(pct(lat, 50)) if lat else "-")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return rows


def server_time_table(phases: dict[str, Phase]) -> list[str]:
    rows = ["| phase | operation | calls | server p50 ms | server p99 ms |", "|---|---|---:|---:|---:|"]
    for name, phase in phases.items():
        for action, times in sorted(phase.server_ms.items()):
            if action == "ModifyVpcAttribute":
                continue
            ordered = sorted(t / 1000 for t in times)
            rows.append(f"| {name} | {action} | {len(times)} | {fmt(pct(ordered, 50))} | {fmt(pct(ordered, 99))} |")
    return rows


def errors_list(results: dict[str, dict[str, Phase]]) -> list[str]:
    lines = []
    for server, phases in results.items():
        for name, phase in phases.items():
            for label, message in phase.errors.items():
                lines.append(f"- {server}, {name}, {label}: `{message}`")
    return lines
