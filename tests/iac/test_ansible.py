"""Ansible's amazon.aws and community.aws collections build a network on vpcsim, and a second run changes nothing.

The play (``ansible/network.yml``) runs twice as the same two fresh accounts against the live server: the first run
must finish with no failed task, the second must report ``changed=0`` (every module found what the first built,
with the shapes it compares). ansible-playbook runs with everything it writes (home, temp dirs, config, retry
files) in the test's temporary directory and the ``ansible.posix.json`` callback, so results are read as data.

Findings are judged as findings.py says (an xfail only while the one declared pending gap is all that fails);
``VPCSIM_IAC_ARTIFACTS=dir`` keeps both runs' output.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.iac.conftest import Live, artifacts_dir
from tests.iac.findings import Findings

PLAY = Path(__file__).with_name("ansible") / "network.yml"
REGION, PEER_REGION = "eu-west-2", "us-east-1"


def ansible_playbook() -> str | None:
    beside = Path(sys.executable).with_name("ansible-playbook")
    return str(beside) if beside.exists() else shutil.which("ansible-playbook")


pytestmark = pytest.mark.skipif(
    ansible_playbook() is None,
    reason="ansible-playbook is not installed (`make test` installs ansible, pinned in constraints.txt)",
)


@dataclass
class PlayRun:
    """One ansible-playbook run: exit code, the json callback's document, stderr."""

    code: int
    result: dict[str, Any]
    stderr: str

    @property
    def stats(self) -> dict[str, int]:
        return dict(self.result.get("stats", {}).get("localhost", {}))

    def tasks(self) -> list[tuple[str, dict[str, Any]]]:
        return [
            (task["task"]["name"], task["hosts"].get("localhost", {}))
            for play in self.result.get("plays", [])
            for task in play.get("tasks", [])
        ]

    def failed(self) -> list[str]:
        return [f"{name}: {_message(outcome)}" for name, outcome in self.tasks() if outcome.get("failed")]

    def changed(self) -> list[str]:
        return [name for name, outcome in self.tasks() if outcome.get("changed")]


def _message(outcome: dict[str, Any]) -> str:
    if "results" in outcome:
        return "; ".join(_message(item) for item in outcome["results"] if item.get("failed"))
    return str(outcome.get("msg") or outcome.get("exception") or outcome)[:600]


def playbook(play: Path, home: Path, extra: dict[str, object]) -> PlayRun:
    """``ansible-playbook`` on ``play`` with ``extra`` vars, everything it writes kept under ``home``."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / "ansible.cfg"
    config.write_text("[defaults]\nretry_files_enabled = False\nlocalhost_warning = False\n")
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_"))}
    env = {
        **keep,
        "ANSIBLE_CONFIG": str(config),
        "ANSIBLE_HOME": str(home / "home"),
        "ANSIBLE_LOCAL_TEMP": str(home / "tmp"),
        "ANSIBLE_REMOTE_TEMP": str(home / "tmp"),
        "ANSIBLE_COLLECTIONS_PATH": str(home / "collections"),  # the pip package's collections are found on sys.path
        "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_NOCOLOR": "1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    done = subprocess.run(
        [str(ansible_playbook()), "-i", "localhost,", str(play), "-e", json.dumps(extra)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    try:
        result = json.loads(done.stdout)
    except ValueError:
        result = {"unparsed": done.stdout[-4000:]}
    return PlayRun(done.returncode, result, done.stderr)


def run_play(live: Live, accounts: tuple[str, str], home: Path) -> PlayRun:
    extra = {
        "aws_endpoint": live.url,
        "account": accounts[0],
        "peer_account": accounts[1],
        "region": REGION,
        "peer_region": PEER_REGION,
    }
    return playbook(PLAY, home, extra)


def test_play_builds_the_network_and_a_second_run_changes_nothing(
    live: Live, accounts: tuple[str, str], tmp_path: Path
) -> None:
    found = Findings()
    first = run_play(live, accounts, tmp_path / "first")
    second = None
    if first.code != 0 or first.failed():
        found.cause(*[f"first run failed: {f}" for f in first.failed() or [first.stderr[-2000:]]])
    else:
        second = run_play(live, accounts, tmp_path / "second")
        if second.code != 0 or second.failed():
            found.cause(*[f"second run failed: {f}" for f in second.failed() or [second.stderr[-2000:]]])
        elif second.stats.get("changed") != 0:
            found.cause(f"second run changed {second.stats.get('changed')} tasks: {second.changed()}")
    found.cause(*live.gap_causes(set(accounts), "Ansible"))
    _keep(live, accounts, first, second)
    found.judge("ansible")


def _keep(live: Live, accounts: tuple[str, str], *runs: PlayRun | None) -> None:
    keep = artifacts_dir()
    if keep is None:
        return
    into = keep / "ansible"
    into.mkdir(parents=True, exist_ok=True)
    for number, run in enumerate(runs, 1):
        if run is not None:
            (into / f"run{number}.json").write_text(json.dumps(run.result, indent=1))
            (into / f"run{number}.stderr").write_text(run.stderr)
    calls = live.calls_of(set(accounts))
    (into / "calls.jsonl").write_text("".join(json.dumps(asdict(call)) + "\n" for call in calls))
