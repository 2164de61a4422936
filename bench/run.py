"""``make bench``: vpcsim's benchmarks, written with date, machine and command to bench/RESULTS.md.

    .venv/bin/python bench/run.py [--quick] [--profile] [--skip-moto] [--keep-previous LABEL] [--trace-only]

Parts (each a section of RESULTS.md, in this order):
1. The API (bench/workload.py): the same boto3 workload against vpcsim, moto's server (bench/.venv-moto, installed
   here with a pinned moto[server]) and a null server (bench/nullserver.py) that shows the client's own share; plus
   vpcsim's own logged time per request, its start-up time and its memory holding 10,000 resources
   (bench/footprint.py).
2. The trace engine (bench/trace_bench.py): a generated topology of 100, 1,000 and 5,000 VPCs built in process through
   the control plane; compile time, single-trace p50/p99 and the matrix of every subnet to S3, DynamoDB and SQS in its
   Region with verdict and cost. ``--trace-only`` runs this part alone and replaces only its section in RESULTS.md.
3. The profile (``--profile``, bench/hotspots.py): pyinstrument on vpcsim's server under the workload.
4. The estate report (bench/report_bench.py): ``vpcsim report`` on a generated 1,000-VPC estate (bench/estate.py),
   wall and CPU time. ``--report-only`` runs this part alone and replaces only its section in RESULTS.md.
5. Reading real flow logs (bench/flowlogs_bench.py): generated logs (bench/flowgen.py; gzipped text and Parquet,
   ``--flowlogs KIND:RECORDS[xCOPIES] ...``, default text:10000000 parquet:10000000) read by ``vpcsim flowlogs
   --state``: time, CPU time and peak memory. ``--flowlogs-only`` runs this part alone and replaces only its section
   in RESULTS.md.

``--keep-previous LABEL`` keeps the last run's section in RESULTS.md as the "before" of a fix named LABEL (only for
that: otherwise a run replaces the last one). Benchmarks are not tests: nothing here fails on a figure.
"""

from __future__ import annotations

import argparse
import datetime
import re
import shlex
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import boto3
import flowlogs_bench
import footprint
import hotspots
import report
import report_bench
import servers
import trace_bench
import workload
from workload import Phase, Runner, Sizes

RESULTS = servers.BENCH / "RESULTS.md"
RUN_START, RUN_END = "<!-- run:start -->", "<!-- run:end -->"
EARLIER = '## Earlier runs, kept as the "before" of a fix'

TARGETS = {
    "creates": 3.0,  # x moto's requests per second
    "describes_at_1000": 20.0,  # x moto's requests per second, filtered describes with 1,000 endpoints
    "server_ms_per_describe": 0.5,  # median
    "startup_s": 1.5,
    "rss_mb": 200.0,  # holding 10,000 resources
}


# -- part 1: the API ---------------------------------------------------------------------------------------------------
def run_api(sizes: Sizes, skip_moto: bool, logdir: Path) -> dict[str, dict[str, Phase]]:
    results: dict[str, dict[str, Phase]] = {}
    log = logdir / "vpcsim.log"
    with servers.vpcsim(log_path=log).start() as server:
        print(f"bench: vpcsim on {server.url}", flush=True)
        recorder = Runner(workload.client(server.url), log)
        results["vpcsim"] = _timed(recorder, sizes)
    with servers.null().start() as server:
        print(f"bench: null server on {server.url}", flush=True)
        # The null server answers, phase by phase, the bodies vpcsim answered: the client parses the same XML.
        results["null"] = _timed(Runner(workload.client(server.url), before_phase=_feed(server, recorder)), sizes)
    if not skip_moto:
        with servers.moto().start() as server:
            print(f"bench: moto on {server.url}", flush=True)
            results["moto"] = _timed(Runner(workload.client(server.url)), sizes)
    return {name: results[name] for name in ("vpcsim", "moto", "null") if name in results}


def _feed(server: servers.Process, recorder: Runner) -> Callable[[str], None]:
    servers.set_null_bodies(server, recorder.bodies.get("warm-up", {}))
    return lambda phase: servers.set_null_bodies(server, recorder.bodies.get(phase, {}))


def _timed(runner: Runner, sizes: Sizes) -> dict[str, Phase]:
    began = time.perf_counter()
    phases = runner.run(sizes)
    print(f"bench:   {sum(len(p.latencies) for p in phases.values())} calls in {time.perf_counter() - began:.1f}s")
    return phases


def api_section(results: dict[str, dict[str, Phase]], fp: footprint.Footprint, sizes: Sizes) -> list[str]:
    out = ["## 1. The API: vpcsim, moto and a null server", "", *_targets(results, fp), ""]
    out += ["### Phases (client-side latency: `time.perf_counter()` around each boto3 call)", ""]
    for name in results["vpcsim"]:
        out += [f"#### {name}: {_PHASE_TEXT.get(name.split('@')[0], '')}", "", *report.phase_table(name, results), ""]
        if name in ("create", "grow"):
            out += [*report.per_op_table(name, results), ""]
    out += ["### vpcsim's own time per request (its log lines, 0.1 ms resolution)", ""]
    out += [*report.server_time_table(results["vpcsim"]), ""]
    out += [*_footprint_text(fp), ""]
    errors = report.errors_list(results)
    out += ["### Errors", ""] + (errors or ["- none: every call answered without error."]) + [""]
    return out + NOTES


NOTES = [
    "### Notes and differences",
    "",
    "- Same calls, same client for all three servers: one boto3 client per server from one session, region "
    "us-east-1, retries off (`total_max_attempts=1`), keep-alive; before timing, 5 DescribeVpcs and a DryRun of each "
    "create (nothing changes) open the connection and build the client's per-operation models. req/s is calls "
    "divided by the sum of their latencies (untimed ModifyVpcAttribute calls excluded); p50/p99 are nearest-rank.",
    "- AWS's default quota is 20 gateway endpoints per Region, and vpcsim enforces it (`VpcEndpointLimitExceeded`). "
    "So VPCs 1-20 get an S3 gateway endpoint on their route table and every later VPC an S3 *interface* endpoint "
    "(second subnet, private DNS off): still 6 creates per VPC, 1,000 endpoints in one account and Region. moto "
    "does not enforce the quota but gets the identical calls. The SQS interface endpoints keep private DNS on, so "
    "each VPC gets `EnableDnsHostnames` first (ModifyVpcAttribute, not counted), on every server.",
    "- moto answered every call; its records per filtered describe match vpcsim's (2 each). Its unfiltered "
    "DescribeRouteTables answers one table more than vpcsim's in the same state (see the tables): moto's default "
    "VPC set-up differs; not investigated further.",
    "- The null server (bench/nullserver.py, asyncio, no framework) answers each phase with the very bodies vpcsim "
    "answered in it, so the client parses the same XML: null's latency is the client's own share plus loopback "
    "HTTP. Server share = server p50 minus null p50; it includes the server's HTTP stack (uvicorn, Starlette).",
    "- vpcsim's own time comes from its log lines (it runs without `--quiet` here, its log to a file), timed inside "
    "the request handler: parse, control plane, serialise; not the HTTP stack. So logging costs are in vpcsim's "
    "figures, which makes them conservative.",
    "- A filtered describe's 20x target in req/s is bounded by the client: with the client's own ~1.5-2 ms per call "
    "(null), 20x moto needs vpcsim's whole round trip at 1/20 of moto's. The server-share ratio beside it is the "
    "server-to-server comparison.",
    "- Noise: the 2 cores are shared (see the load average above); the servers run one after another, so a burst of "
    "other work can land on one server's phase only. Re-run before trusting a single odd figure.",
]


_PHASE_TEXT = {
    "create": "50 VPCs x (VPC, 2 subnets, route table, S3 endpoint, SQS interface endpoint): 300 timed creates",
    "describe-vpce": "DescribeVpcEndpoints filtered by vpc-id (2 endpoints each; the newest 50 VPCs, 4 times each)",
    "describe-rt": "DescribeRouteTables filtered by vpc-id (main and custom table; the newest 50 VPCs, 4 times each)",
    "describe-rt-all": "DescribeRouteTables, no filter (every table in the region)",
    "grow": "450 more VPCs built the same way (2,700 timed creates), to 1,000 endpoints",
}


def _targets(results: dict[str, dict[str, Phase]], fp: footprint.Footprint) -> list[str]:
    def rps(server: str, phase: str) -> float:
        phases = results.get(server, {})
        return report.Stats.of(phases[phase]).rps if phase in phases else float("nan")

    large = max((n for n in results["vpcsim"] if n.startswith("describe-vpce@")), key=lambda n: int(n.split("@")[1]))
    small = min((n for n in results["vpcsim"] if n.startswith("describe-vpce@")), key=lambda n: int(n.split("@")[1]))
    creates = rps("vpcsim", "create") / rps("moto", "create")
    describes = rps("vpcsim", large) / rps("moto", large)
    share = _server_share_ratio(results, large)
    server_ms = {n: _median(results["vpcsim"][n].server_ms.get("DescribeVpcEndpoints", [])) for n in (small, large)}
    rss_mb = fp.rss_kib / 1024
    shown = {k: "moto not run" if v != v else f"{v:.1f}x" for k, v in (("c", creates), ("d", describes))}
    rows = [
        ("creates, req/s vs moto", f">= {TARGETS['creates']:.0f}x", shown["c"], creates >= TARGETS["creates"]),
        (
            f"filtered describes ({large}), req/s vs moto",
            f">= {TARGETS['describes_at_1000']:.0f}x",
            f"{shown['d']} (server share: {share})",
            describes >= TARGETS["describes_at_1000"],
        ),
        (
            "server time per DescribeVpcEndpoints, median",
            f"<= {TARGETS['server_ms_per_describe']} ms",
            ", ".join(f"{v:.2f} ms ({n})" for n, v in server_ms.items()),
            max(server_ms.values()) <= TARGETS["server_ms_per_describe"],
        ),
        (
            "`vpcsim serve` answering after start, median of 5",
            f"<= {TARGETS['startup_s']} s",
            f"{fp.startup_median:.2f} s",
            fp.startup_median <= TARGETS["startup_s"],
        ),
        (
            f"resident memory holding {fp.total:,} resources",
            f"<= {TARGETS['rss_mb']:.0f} MB",
            f"{rss_mb:.0f} MB",
            rss_mb <= TARGETS["rss_mb"] and fp.total >= 10_000,
        ),
    ]
    out = ["### Targets", "", "| target | wanted | measured | met |", "|---|---|---|---|"]
    out += [f"| {what} | {want} | {got} | {'yes' if ok else '**no**'} |" for what, want, got, ok in rows]
    return out


def _server_share_ratio(results: dict[str, dict[str, Phase]], phase: str) -> str:
    if "moto" not in results or "null" not in results:
        return "-"
    v, m, n = (report.Stats.of(results[s][phase]).p50 for s in ("vpcsim", "moto", "null"))
    return f"moto {m - n:.2f} ms vs vpcsim {v - n:.2f} ms at p50, {report.ratio(m - n, v - n)}"


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2] if values else float("nan")


def _footprint_text(fp: footprint.Footprint) -> list[str]:
    counted = ", ".join(f"{key} {n:,}" for key, n in fp.resources.items())
    return [
        "### Start-up and memory (vpcsim only)",
        "",
        "- Start-up, spawn to first `GET /_vpcsim/health` answer: "
        + ", ".join(f"{t:.2f}" for t in fp.startups)
        + f" s (median {fp.startup_median:.2f} s).",
        f"- Memory: VmRSS {fp.rss_idle_kib / 1024:.0f} MB idle; {fp.rss_kib / 1024:.0f} MB (peak VmHWM "
        f"{fp.hwm_kib / 1024:.0f} MB) holding **{fp.total:,} resources** counted by describing them: {counted}.",
        f"- Filled by {fp.fill_calls:,} create calls from 4 client threads in {fp.fill_seconds:.1f} s "
        f"({fp.fill_calls / fp.fill_seconds:.0f} req/s), {fp.fill_errors} errors. One unit is a VPC (with its main "
        "route table, default security group and network ACL), 2 subnets, a route table, a security group and an SQS "
        "interface endpoint (with its network interface): 10 resources.",
    ]


# -- part 2: the trace engine -----------------------------------------------------------------------------------------
TRACE_TARGETS = {"p50_us": 200.0, "matrix_s": 10.0}  # at 1,000 VPCs
TRACE_SIZES, TRACE_SIZES_QUICK = (100, 1000, 5000), (100, 300)


def trace_engine_section(quick: bool = False, sizes: tuple[int, ...] | None = None) -> list[str]:
    """Run the trace engine's benchmark (bench/trace_bench.py) and answer its section's Markdown lines."""
    chosen = sizes or (TRACE_SIZES_QUICK if quick else TRACE_SIZES)
    figures = [trace_bench.measure(n, 3000 if not quick else 500) for n in chosen]
    return trace_bench.section(figures, TRACE_TARGETS)


# -- part 3: the profile -----------------------------------------------------------------------------------------------
def profile_section(profiles: list[hotspots.Profile] | None) -> list[str]:
    out = ["## 3. Profile of the hot paths (pyinstrument, server side)", ""]
    if profiles is None:
        return [*out, "Not profiled in this run (`make bench BENCH_ARGS=--profile` profiles).", ""]
    out += [
        "vpcsim's server (bench/profiled_serve.py: the app `vpcsim serve --ephemeral --quiet` builds) profiled phase "
        "by phase with pyinstrument (0.2 ms sampling); the HTML trees are in the run's temporary directory only.",
        "",
    ]
    notes = servers.BENCH / "profile-notes.md"
    if notes.exists():
        out += [line for line in notes.read_text().strip("\n").splitlines()] + [""]
    for p in profiles:
        out += [f"### {p.name} ({p.calls} calls)", "", "Functions by own time:", "", "```", p.flat, "```", ""]
        out += ["Call tree:", "", "```", p.tree, "```", ""]
    return out


# -- part 4: the estate report -----------------------------------------------------------------------------------------
def report_section(quick: bool = False) -> list[str]:
    return report_bench.section(report_bench.measure(100 if quick else 1000))


# -- part 5: reading real flow logs -----------------------------------------------------------------------------------
FLOWLOGS_RUNS, FLOWLOGS_RUNS_QUICK = ["text:10000000", "parquet:10000000"], ["text:1000000", "parquet:1000000"]


def flowlogs_section(runs: list[str], stamp: str) -> list[str]:
    """Generate (once, kept in bench/.flowlogs-data) and read flow logs; each run is ``KIND:RECORDS`` or
    ``KIND:RECORDSxCOPIES`` (that set delivered COPIES times, as hard links)."""
    figures = []
    data = flowlogs_bench.BENCH / ".flowlogs-data"
    for run in runs:
        kind, _, size = run.partition(":")
        count, _, times = size.partition("x")
        print(f"bench: flow logs, {run}", flush=True)
        figures.append(flowlogs_bench.measure(int(count), kind, data, copies=int(times or 1)))
    return flowlogs_bench.section(figures, stamp)


def write_section(number: int, lines: list[str]) -> None:
    """Replace section ``number`` of the current run in RESULTS.md (or add it before the run's end)."""
    body = "\n".join(re.sub(r"^(#+) ", r"#\1 ", ln) for ln in lines)
    old = RESULTS.read_text() if RESULTS.exists() else ""
    found = re.search(rf"^### {number}\. .*?(?=^### {number + 1}\. |^" + re.escape(RUN_END) + ")", old, re.M | re.S)
    if found:
        RESULTS.write_text(old[: found.start()] + body.rstrip("\n") + "\n\n" + old[found.end() :])
    elif RUN_END in old:
        RESULTS.write_text(old.replace(RUN_END, body.rstrip("\n") + "\n\n" + RUN_END, 1))
    else:
        write(lines, None)


# -- RESULTS.md --------------------------------------------------------------------------------------------------------
def header(command: str, started: str, loads: tuple[str, str], sizes: Sizes, seconds: float) -> list[str]:
    m = report.machine()
    return [
        f"# Run of {started}",
        "",
        f"- Command: `{command}` ({seconds:.0f} s)",
        "- Machine: " + "; ".join(f"{k} {v}" for k, v in m.items()),
        f"- boto3 {boto3.__version__}; moto[server] {servers.MOTO_VERSION} (its own venv); all servers on loopback, "
        "one at a time, each fresh; one client thread; region us-east-1; retries off.",
        f"- Load average (1, 5, 15 min) at start {loads[0]}, at end {loads[1]}. The machine's 2 cores are shared "
        "with other engineers' work: figures are noisy, compare ratios from the same run rather than absolute times.",
        f"- Sizes: {sizes.vpcs} + {sizes.grow_vpcs} VPCs, {sizes.describes} filtered describes and "
        f"{sizes.describe_all} unfiltered per phase.",
        "",
    ]


def write(run_lines: list[str], keep_previous: str | None) -> None:
    old = RESULTS.read_text() if RESULTS.exists() else ""
    earlier = old.split(EARLIER, 1)[1].strip("\n") if EARLIER in old else ""
    if keep_previous and RUN_START in old:
        previous = old.split(RUN_START, 1)[1].split(RUN_END, 1)[0].strip("\n")
        previous = re.sub(r"^(#+) ", r"#\1 ", previous, flags=re.M)  # one level down
        earlier = f"### Before: {keep_previous}\n\n{previous}\n\n{earlier}".strip("\n")
    intro = [
        "# vpcsim benchmarks",
        "",
        "Written by `make bench` (bench/run.py); see bench/run.py's docstring for what each part measures. "
        "Benchmarks, not tests: nothing fails on a figure.",
        "",
    ]
    text = "\n".join([*intro, RUN_START, *[re.sub(r"^(#+) ", r"#\1 ", ln) for ln in run_lines], RUN_END, ""])
    if earlier:
        text += f"\n{EARLIER}\n\n{earlier}\n"
    RESULTS.write_text(text)


def write_trace_section(
    lines: list[str],
    command: str,
    started: str,
    loads: tuple[str, str],
    number: int = 2,
    title: str = "The trace engine",
) -> None:
    """Replace section ``number`` of the current run in RESULTS.md (``--trace-only``, ``--report-only``), leaving the
    other sections as they are."""
    m = report.machine()
    stamp = [
        f"Run alone: `{command}` on {started}; machine: " + "; ".join(f"{k} {v}" for k, v in m.items())
        + f"; load average at start {loads[0]}, at end {loads[1]}.",
        "",
    ]  # fmt: skip
    body = "\n".join(re.sub(r"^(#+) ", r"#\1 ", ln) for ln in [lines[0], "", *stamp, *lines[2:]])
    old = RESULTS.read_text() if RESULTS.exists() else ""
    after = rf"^### [{number + 1}-9]\. "  # the next section present (the profile, part 3, is optional)
    heading = rf"^### {number}\. {re.escape(title)}.*?$"
    found = re.search(heading + r".*?(?=" + after + "|^" + re.escape(RUN_END) + ")", old, re.M | re.S)
    if found:
        RESULTS.write_text(old[: found.start()] + body.rstrip("\n") + "\n\n" + old[found.end() :])
    elif RUN_END in old:
        RESULTS.write_text(old.replace(RUN_END, body.rstrip("\n") + "\n\n" + RUN_END, 1))
    else:
        write(lines, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run, not figures)")
    parser.add_argument("--profile", action="store_true", help="also profile vpcsim with pyinstrument")
    parser.add_argument("--skip-moto", action="store_true")
    parser.add_argument("--keep-previous", metavar="LABEL", help="keep the last run as the 'before' of fix LABEL")
    parser.add_argument("--trace-only", action="store_true", help="only the trace engine (part 2)")
    parser.add_argument("--report-only", action="store_true", help="only the estate report (part 4)")
    parser.add_argument("--flowlogs-only", action="store_true", help="only reading flow logs (part 5)")
    parser.add_argument("--flowlogs", nargs="+", metavar="KIND:RECORDS[xCOPIES]", help="part 5's sets")
    args = parser.parse_args()
    flow_runs = args.flowlogs or (FLOWLOGS_RUNS_QUICK if args.quick else FLOWLOGS_RUNS)
    sizes = Sizes(vpcs=10, grow_vpcs=40, describes=40, describe_all=3) if args.quick else Sizes()
    command = "make bench" + (f" BENCH_ARGS='{shlex.join(sys.argv[1:])}'" if sys.argv[1:] else "")
    started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_start, began = report.load(), time.perf_counter()
    if args.report_only:
        lines = report_section(args.quick)
        write_trace_section(lines, command, started, (load_start, report.load()), 4, "The estate report")
        print(f"bench: wrote section 4 of {RESULTS} ({time.perf_counter() - began:.0f} s)")
        return
    if args.trace_only:
        lines = trace_engine_section(args.quick)
        write_trace_section(lines, command, started, (load_start, report.load()))
        print(f"bench: wrote section 2 of {RESULTS} ({time.perf_counter() - began:.0f} s)")
        return
    if args.flowlogs_only:
        m = "; ".join(f"{k} {v}" for k, v in report.machine().items())
        stamp = f"Run alone: `{command}` on {started}; machine: {m}; load average at start {load_start}"
        stamp += ", at end {end}."
        lines = flowlogs_section(flow_runs, stamp)
        write_section(5, [line.replace("{end}", report.load()) for line in lines])
        print(f"bench: wrote section 5 of {RESULTS} ({time.perf_counter() - began:.0f} s)")
        return
    with tempfile.TemporaryDirectory(prefix="vpcsim-bench-") as tmp:
        if not args.skip_moto:
            servers.ensure_moto()
        results = run_api(sizes, args.skip_moto, Path(tmp))
        print("bench: start-up and memory", flush=True)
        fp = footprint.measure(target=10_000 if not args.quick else 1_000)
        print("bench: the trace engine", flush=True)
        trace_lines = trace_engine_section(args.quick)
        flow_lines = flowlogs_section(flow_runs, "Part of the run above.")
        profiles = None
        if args.profile:
            print("bench: profiling", flush=True)
            profiles = hotspots.run(Path(tmp) / "profile", sizes, describes=1000 if not args.quick else 100)
        seconds = time.perf_counter() - began
        lines = header(command, started, (load_start, report.load()), sizes, seconds)
        print("bench: the estate report", flush=True)
        report_lines = report_section(args.quick)
        lines += api_section(results, fp, sizes) + trace_lines + profile_section(profiles) + report_lines + flow_lines
    write(lines, args.keep_previous)
    print(f"bench: wrote {RESULTS} ({seconds:.0f} s)")


if __name__ == "__main__":
    main()
