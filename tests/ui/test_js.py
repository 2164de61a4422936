"""The UI's JavaScript unit tests (tests/ui/js/*.test.mjs), run with Node.js's own test runner (``node --test``):
layout, drawing, the kinds table, pan/zoom arithmetic, the trace path, the cost chart and the picker, on the demo
world's real topology, traces and what-if answers, which this module fetches from a live server and hands to node
in a folder named by ``VPCSIM_UI_FIXTURES``. Skipped, with the reason, where node (18 or newer) is missing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vpcsim.testing import Server, free_port

NODE = shutil.which("node")
_TRACE_FIELDS = ("source", "destination", "port", "action", "resource")  # of a demo scenario, as the UI sends them
_WHAT_IF = "/_vpcsim/api/what-if?region=eu-west-2&service=s3&azs=2"
JS_TESTS = sorted((Path(__file__).parent / "js").glob("*.test.mjs"))


def _node_major() -> int:
    if NODE is None:
        return 0
    done = subprocess.run([NODE, "--version"], capture_output=True, text=True, timeout=30)
    return int(done.stdout.strip().lstrip("v").split(".")[0]) if done.returncode == 0 else 0


pytestmark = pytest.mark.skipif(
    _node_major() < 18, reason="the UI's JavaScript unit tests need Node.js 18 or newer (node on PATH); none here"
)


def _get(server: Server, path: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.url + path, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("ui-fixtures")
    server = Server(free_port(), ["--ephemeral", "--demo"]).start()
    try:
        topology = _get(server, "/_vpcsim/api/topology")
        traces = []
        for example in topology["examples"]:
            request = {"protocol": "tcp", **{k: example[k] for k in _TRACE_FIELDS if example.get(k)}}
            answer = _get(server, "/_vpcsim/api/trace", request)
            traces.append({"title": example["title"], "request": request, "answer": answer})
        volumes = [200 * i for i in range(11)]
        what_if = [_get(server, f"{_WHAT_IF}&volume_gb={v}") for v in volumes]
    finally:
        server.stop()
    (folder / "topology.json").write_text(json.dumps(topology))
    (folder / "traces.json").write_text(json.dumps(traces))
    (folder / "what-if.json").write_text(json.dumps({"volumes": volumes, "answers": what_if}))
    yield folder


@pytest.mark.parametrize("test_file", JS_TESTS, ids=lambda p: p.name)
def test_javascript(test_file: Path, fixtures: Path) -> None:
    env = {**os.environ, "VPCSIM_UI_FIXTURES": str(fixtures)}
    done = subprocess.run([str(NODE), "--test", str(test_file)], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
