"""The README's Terraform and Ansible sections work exactly as written: their example blocks, read from README.md,
run against a live vpcsim with only the URL changed to the test's server (``http://127.0.0.1:4566`` there).

Terraform: init (offline, from the provider mirror), apply, ``plan -detailed-exitcode`` with no changes, destroy to
an empty state. Ansible: the play runs twice, the second time with ``changed=0``. Neither may meet a call vpcsim does
not serve.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.iac.conftest import Live
from tests.iac.terraform import Terraform
from tests.iac.test_ansible import ansible_playbook, playbook
from tests.iac.themes import skip_without_terraform

README = Path(__file__).parents[2] / "README.md"
README_URL = "http://127.0.0.1:4566"
README_ACCOUNTS = ("111122223333", "444455556666")


def readme_block(section: str, language: str) -> str:
    """The first ``language`` code block of the README's ``## section``."""
    text = README.read_text()
    start = text.index(f"\n## {section}\n")
    end = text.find("\n## ", start + 1)
    found = re.search(rf"```{language}\n(.*?)```", text[start : end if end > 0 else None], re.S)
    assert found is not None, f"README.md has no {language} block under '## {section}'"
    return found.group(1)


def test_readme_blocks_name_the_default_server() -> None:
    for section, language in (("Terraform", "hcl"), ("Ansible", "yaml")):
        block = readme_block(section, language)
        assert README_URL in block and all(account in block for account in README_ACCOUNTS)


@skip_without_terraform()
def test_readme_terraform_configuration(live: Live, tmp_path: Path) -> None:
    config = tmp_path / "readme"
    config.mkdir()
    (config / "main.tf").write_text(readme_block("Terraform", "hcl").replace(README_URL, live.url))
    terraform = Terraform(config, tmp_path / "run", live.url, README_ACCOUNTS, with_providers=False)
    for command, expected in ((terraform.init, 0), (terraform.apply, 0), (terraform.plan, 0), (terraform.destroy, 0)):
        run = command()
        assert run.code == expected, f"terraform {run.args[0]} exited {run.code}:\n{run.tail(40)}"
    assert terraform.state_resources() == []
    assert live.gap_causes(set(README_ACCOUNTS), "Terraform") == []


@pytest.mark.skipif(ansible_playbook() is None, reason="ansible-playbook is not installed")
def test_readme_ansible_play(live: Live, tmp_path: Path) -> None:
    play = tmp_path / "network.yml"
    play.write_text(readme_block("Ansible", "yaml").replace(README_URL, live.url))
    first = playbook(play, tmp_path / "first", {})
    assert first.code == 0 and not first.failed(), first.failed() or first.stderr[-2000:]
    second = playbook(play, tmp_path / "second", {})
    assert second.code == 0 and second.stats.get("changed") == 0, second.changed() or second.stderr[-2000:]
    assert live.gap_causes(set(README_ACCOUNTS), "Ansible") == []
