"""One Terraform theme against vpcsim: apply, re-plan with no changes, destroy to nothing, and no call unserved.

``check_theme`` is the whole test of a configuration directory under ``tests/iac/terraform/``; each ``test_tf_*.py``
calls it for its theme (one file per theme, so ``pytest-xdist --dist loadfile`` spreads them over workers). It runs
as the test's two fresh accounts in eu-west-2 and us-east-1 (see ``terraform.py`` for the generated providers) and
collects every finding before judging once, so a run shows all of them:

1. ``terraform apply`` succeeds and creates something (the accounts' inventory grows);
2. every output named ``assert_*`` is true (a configuration's own claims, e.g. that an analysis found a path);
3. ``terraform plan -detailed-exitcode`` exits 0: vpcsim answered every refresh with what was applied;
4. ``terraform destroy`` succeeds, the state is empty and the accounts hold what they held before;
5. vpcsim answered no call with UnsupportedOperation, UnknownService or a 5xx (the recorder saw every call), and
   ``GET /_vpcsim/unsupported`` is empty.

``VPCSIM_IAC_ARTIFACTS=dir`` keeps every output (see conftest.py).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict
from pathlib import Path

import pytest

from tests.iac.conftest import Live, artifacts_dir, gap_lines
from tests.iac.findings import NOTHING_PENDING, Findings, Pending
from tests.iac.inventory import Inventory, take
from tests.iac.terraform import CONFIGS, PROVIDER_VERSION, REGIONS, Run, Terraform, find_mirror, terraform_binary


def skip_without_terraform() -> pytest.MarkDecorator:
    """The skip mark of every Terraform test: no terraform on PATH, or no provider mirror (the reason says which)."""
    reason = ""
    if terraform_binary() is None:
        reason = "terraform is not installed (not on PATH)"
    elif find_mirror() is None:
        reason = (
            f"no hashicorp/aws {PROVIDER_VERSION} in a Terraform filesystem mirror (looked for a registry.terraform.io"
            " folder up to 3 levels below /; set VPCSIM_TF_MIRROR to its parent)"
        )
    return pytest.mark.skipif(bool(reason), reason=reason)


def check_theme(
    theme: str, live: Live, accounts: tuple[str, str], tmp_path: Path, pending: Pending = NOTHING_PENDING
) -> None:
    terraform = Terraform(CONFIGS / theme, tmp_path, live.url, accounts)
    before = take(live.client, accounts, REGIONS)
    started = time.monotonic()
    found = Findings()
    try:
        init = terraform.init()
        assert init.code == 0, f"terraform init failed (offline, mirror {find_mirror()}):\n{init.tail()}"
        _apply_and_replan(terraform, live, accounts, before, found)
        _destroy(terraform, live, accounts, before, found)
        found.cause(*live.gap_causes(set(accounts), "Terraform"))
    finally:
        _keep(theme, terraform, live, accounts, time.monotonic() - started)
    found.judge(theme, pending)


def _apply_and_replan(
    terraform: Terraform, live: Live, accounts: tuple[str, str], before: Inventory, found: Findings
) -> None:
    apply = terraform.apply()
    if apply.code != 0:
        found.cause(*_errors("apply", apply))
        return
    if not take(live.client, accounts, REGIONS).minus(before):
        found.cause("terraform apply succeeded but the accounts hold nothing new")
    found.cause(*_false_assertions(terraform))
    plan = terraform.plan()
    if plan.code == 2:
        found.cause(f"terraform plan after apply shows changes (drift):\n{plan_diff(plan.output)}")
    elif plan.code != 0:
        found.cause(*_errors("plan", plan))


def _destroy(terraform: Terraform, live: Live, accounts: tuple[str, str], before: Inventory, found: Findings) -> None:
    destroy = terraform.destroy()
    if destroy.code != 0:
        found.cause(*_errors("destroy", destroy))
    left = terraform.state_resources()
    if left:
        found.consequence(f"state still holds after destroy: {left}")
    leftover = take(live.client, accounts, REGIONS).minus(before)
    if leftover:
        found.consequence(f"left behind after destroy: {_format(leftover)}")


def _false_assertions(terraform: Terraform) -> list[str]:
    shown = terraform.run("output", "-json")
    if shown.code != 0:
        return [f"terraform output failed:\n{shown.tail(10)}"]
    outputs = json.loads(shown.output or "{}")
    return [
        f"output {name} is {value['value']!r}, expected true"
        for name, value in sorted(outputs.items())
        if name.startswith("assert_") and value.get("value") is not True
    ]


def plan_diff(output: str, limit: int = 150) -> str:
    """The part of a plan that says what changed: refresh drift notes and the planned actions."""
    lines = output.splitlines()
    markers = ("Objects have changed outside of Terraform", "Terraform will perform the following actions")
    start = next((i for i, line in enumerate(lines) if any(m in line for m in markers)), 0)
    shown = lines[start : start + limit]
    more = len(lines) - start - limit
    return "\n".join(shown) + (f"\n... {more} more lines" if more > 0 else "")


# Errors that only say another error stopped the run, or that the harness interrupted it (reported on its own).
_ECHOES = ("Error: execution halted", "Error: execution canceled")


def _errors(command: str, run: Run, lines: int = 12) -> list[str]:
    """Each of Terraform's error blocks (from its ``Error:`` line, at most ``lines`` lines), as one cause each; the
    output's tail when it printed none (a crash, a timeout)."""
    blocks = re.split(r"^(?=Error: )", run.output, flags=re.M)[1:]
    shown = ["\n".join(block.strip().splitlines()[:lines]) for block in blocks]
    causes = [f"terraform {command} failed: {block}" for block in shown if not block.startswith(_ECHOES)]
    if run.timed_out or not causes:
        causes.append(f"terraform {command} exited {run.code}:\n{run.tail(40)}")
    return causes


def _format(leftover: dict[tuple[str, str, str], set[str]]) -> str:
    return "; ".join(f"{account}/{region} {kind}: {sorted(ids)}" for (account, region, kind), ids in leftover.items())


def _keep(theme: str, terraform: Terraform, live: Live, accounts: tuple[str, str], seconds: float) -> None:
    keep = artifacts_dir()
    if keep is None:
        return
    into = keep / "terraform" / theme
    terraform.save(into)
    calls = live.calls_of(set(accounts))
    (into / "calls.jsonl").write_text("".join(json.dumps(asdict(call)) + "\n" for call in calls))
    runs = [
        {"args": list(run.args), "code": run.code, "seconds": run.seconds, "timed_out": run.timed_out}
        for run in terraform.runs
    ]
    summary = {"theme": theme, "accounts": accounts, "seconds": round(seconds, 1), "runs": runs}
    (into / "summary.json").write_text(json.dumps({**summary, "gaps": gap_lines(calls)}, indent=2))
