"""Profile vpcsim's server under the API workload with pyinstrument (``bench/run.py --profile``).

pyinstrument is installed into the project's venv only when profiling is asked for; it is not a dependency. The
server is ``bench/profiled_serve.py`` (vpcsim as ``serve --ephemeral --quiet`` builds it), profiled phase by phase:
the 300 creates, then (unprofiled growth to 1,000 endpoints) the filtered describes.
"""

from __future__ import annotations

import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import servers
import workload

PYINSTRUMENT = "pyinstrument==5.1.3"


@dataclass
class Profile:
    name: str
    calls: int
    tree: str  # pyinstrument's text tree (trimmed)
    flat: str  # functions by self time (trimmed)
    html: Path


def ensure_pyinstrument() -> None:
    python = str(servers.PROJECT_BIN / "python")
    if subprocess.run([python, "-c", "import pyinstrument"], capture_output=True).returncode != 0:
        print(f"bench: installing {PYINSTRUMENT} into .venv (only for --profile)", flush=True)
        pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", PYINSTRUMENT]
        subprocess.run(pip, check=True)


def _post(server: servers.Process, path: str) -> None:
    request = urllib.request.Request(server.url + path, data=b"", method="POST", headers={"X-Vpcsim-Request": "1"})
    urllib.request.urlopen(request, timeout=120).close()


def run(outdir: Path, sizes: workload.Sizes, describes: int) -> list[Profile]:
    ensure_pyinstrument()
    port = servers.free_port()
    command = [str(servers.PROJECT_BIN / "python"), str(servers.BENCH / "profiled_serve.py"), str(port), str(outdir)]
    server = servers.Process("vpcsim (profiled)", command, port, "/_vpcsim/health")
    profiled: dict[str, int] = {}
    with server.start():
        runner = workload.Runner(workload.client(server.url))
        runner.warm_up()
        vpcs: list[str] = []

        def phase(name: str, body: object, profile: bool = True) -> None:
            if profile:
                _post(server, "/_bench/profile/start")
            done = runner.run_phase(name, body)  # type: ignore[arg-type]
            if profile:
                _post(server, f"/_bench/profile/stop?name={name}")
                profiled[name] = len(done.latencies)

        phase("create", lambda: vpcs.extend(runner.build(0, sizes.vpcs)))
        phase("grow", lambda: vpcs.extend(runner.build(sizes.vpcs, sizes.grow_vpcs)), profile=False)
        many = workload.Sizes(vpcs=len(vpcs), describes=describes)  # every VPC, each described describes/len times
        phase(f"describe-vpce@{len(vpcs) * 2}", lambda: runner.filtered("describe_vpc_endpoints", vpcs, many))
        phase(f"describe-rt@{len(vpcs)}", lambda: runner.filtered("describe_route_tables", vpcs, many))
    return [_read(outdir, name, calls) for name, calls in profiled.items()]


def _read(outdir: Path, name: str, calls: int) -> Profile:
    tree = (outdir / f"{name}.txt").read_text()
    flat_path = outdir / f"{name}.flat.txt"
    flat = flat_path.read_text() if flat_path.exists() else ""
    return Profile(name, calls, _trim(tree, 60), _trim(flat, 25), outdir / f"{name}.html")


def _trim(text: str, lines: int) -> str:
    kept = text.strip("\n").splitlines()
    return "\n".join(kept[:lines] + (["..."] if len(kept) > lines else []))
