"""Run Terraform's AWS provider against vpcsim, offline, as a user of two accounts in two Regions would.

A configuration directory under ``tests/iac/terraform/`` holds only what a user writes for their network: resources,
data sources, ``required_providers``. :class:`Terraform` copies it into a temporary directory and adds two files
there:

- ``providers.tf.json``: the ``aws`` provider four times, every service endpoint pointed at vpcsim, the access key a
  12-digit account id (an access key that is 12 digits IS that account in vpcsim). Aliases: the default provider is
  the application account in eu-west-2; ``aws.east`` the same account in us-east-1; ``aws.shared`` a second account
  in eu-west-2 and ``aws.shared_east`` that account in us-east-1.
- a CLI configuration installing providers from the local filesystem mirror only, so ``terraform init`` needs no
  network. The mirror is ``$VPCSIM_TF_MIRROR`` or the parent of the first ``registry.terraform.io`` folder found up
  to three levels below ``/`` that holds hashicorp/aws at the pinned version; Terraform links the provider from the
  mirror's unpacked layout into each working directory, so every test shares the one plugin binary.

Terraform's data directory, home and plugin cache stay in the temporary directory too.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

CONFIGS = Path(__file__).with_name("terraform")
PROVIDER_VERSION = "5.100.0"
REGIONS = ("eu-west-2", "us-east-1")
# alias -> (index into the accounts, index into REGIONS); None is the default provider.
ALIASES: dict[str | None, tuple[int, int]] = {None: (0, 0), "east": (0, 1), "shared": (1, 0), "shared_east": (1, 1)}
# Every service a configuration in this suite may call. Endpoint keys as the provider spells them.
SERVICES = (
    "ec2",
    "sts",
    "elbv2",
    "elb",
    "s3",
    "dynamodb",
    "route53",
    "route53resolver",
    "servicequotas",
    "logs",
    "firehose",
    "iam",
    "kms",
)
COMMAND_TIMEOUT = float(os.environ.get("VPCSIM_IAC_TF_TIMEOUT", "300"))


def terraform_binary() -> str | None:
    return shutil.which("terraform")


def _holds_provider(mirror: Path) -> bool:
    return (mirror / "registry.terraform.io" / "hashicorp" / "aws" / PROVIDER_VERSION).is_dir()


@cache
def find_mirror() -> Path | None:
    """The filesystem mirror holding hashicorp/aws at the pinned version (``find / -maxdepth 3 -type d -name
    registry.terraform.io``, without /proc, /sys and /dev), or None."""
    given = os.environ.get("VPCSIM_TF_MIRROR")
    if given:
        return Path(given) if _holds_provider(Path(given)) else None
    level = [Path("/")]
    for _ in range(3):
        for folder in level:
            if folder.name != "registry.terraform.io" and _holds_provider(folder):
                return folder
        level = [child for folder in level for child in _subfolders(folder)]
    return None


def _subfolders(folder: Path) -> list[Path]:
    if str(folder) in ("/proc", "/sys", "/dev"):
        return []
    try:
        return sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())
    except OSError:
        return []


def provider_blocks(endpoint: str, accounts: tuple[str, str]) -> list[dict[str, object]]:
    blocks = []
    for alias, (account, region) in ALIASES.items():
        block: dict[str, object] = {
            "region": REGIONS[region],
            "access_key": accounts[account],
            "secret_key": "vpcsim",
            # Validate the key against vpcsim's sts:GetCallerIdentity, which also gives the account id. With true the
            # provider asks iam:GetUser first (vpcsim does not serve IAM) and falls back to STS.
            "skip_credentials_validation": False,
            "skip_metadata_api_check": True,
            "skip_region_validation": True,
            "skip_requesting_account_id": False,  # vpcsim answers sts:GetCallerIdentity
            "s3_use_path_style": True,
            "max_retries": 2,  # a 5xx from vpcsim is a bug to see at once, not to retry for minutes
            "endpoints": [dict.fromkeys(SERVICES, endpoint)],
            "default_tags": [{"tags": {"Project": "vpcsim-iac"}}],
        }
        if alias is not None:
            block["alias"] = alias
        blocks.append(block)
    return blocks


CLI_CONFIG = """provider_installation {
  filesystem_mirror {
    path    = "%s"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
"""


@dataclass
class Run:
    """One Terraform command: its arguments, exit code and combined output."""

    args: tuple[str, ...]
    code: int
    output: str
    timed_out: bool = False
    seconds: float = 0.0

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


@dataclass
class Terraform:
    """A configuration copied into ``root`` with generated providers, ready to init/apply/plan/destroy."""

    config: Path
    root: Path
    endpoint: str
    accounts: tuple[str, str]
    parallelism: int = 10  # Terraform's default: most of a run is the provider waiting, not vpcsim working
    runs: list[Run] = field(default_factory=list)
    with_providers: bool = True  # False: the configuration brings its own provider blocks (the README's)

    def __post_init__(self) -> None:
        self.workdir = self.root / self.config.name
        shutil.copytree(self.config, self.workdir)
        if self.with_providers:
            providers = {"provider": {"aws": provider_blocks(self.endpoint, self.accounts)}}
            (self.workdir / "providers.tf.json").write_text(json.dumps(providers, indent=2))
        (self.root / "cli.tfrc").write_text(CLI_CONFIG % find_mirror())
        (self.root / "home").mkdir(exist_ok=True)

    @property
    def env(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))}
        return {
            **keep,
            "HOME": str(self.root / "home"),
            "TF_CLI_CONFIG_FILE": str(self.root / "cli.tfrc"),
            "TF_DATA_DIR": str(self.root / "tfdata"),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def _log_env(self, command: str) -> dict[str, str]:
        """``VPCSIM_IAC_TF_LOG=DEBUG`` logs the provider (each AWS request with its resource type), a file a command."""
        level = os.environ.get("VPCSIM_IAC_TF_LOG")
        if not level:
            return {}
        return {"TF_LOG_PROVIDER": level, "TF_LOG_PATH": str(self.root / f"{len(self.runs) + 1:02d}-{command}.tflog")}

    def run(self, *args: str) -> Run:
        started = time.monotonic()
        process = subprocess.Popen(
            ["terraform", *args, "-no-color"],
            cwd=self.workdir,
            env={**self.env, **self._log_env(args[0])},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            output, _ = process.communicate(timeout=COMMAND_TIMEOUT)
            run = Run(tuple(args), process.returncode, output)
        except subprocess.TimeoutExpired:
            output = self._interrupt(process)
            run = Run(tuple(args), -1, output + f"\n[harness] terraform timed out after {COMMAND_TIMEOUT:.0f}s", True)
        run.seconds = round(time.monotonic() - started, 1)
        self.runs.append(run)
        return run

    @staticmethod
    def _interrupt(process: subprocess.Popen[str]) -> str:
        """Stop a hung command the way Ctrl-C does (Terraform then saves its state), killing it if it lingers."""
        os.killpg(process.pid, signal.SIGINT)
        try:
            return process.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            return process.communicate()[0]

    def init(self) -> Run:
        return self.run("init", "-input=false")

    def apply(self) -> Run:
        return self.run("apply", "-auto-approve", "-input=false", f"-parallelism={self.parallelism}")

    def plan(self) -> Run:
        """``plan -detailed-exitcode``: 0 means no changes, 2 means drift, 1 an error."""
        return self.run("plan", "-detailed-exitcode", "-input=false", f"-parallelism={self.parallelism}")

    def destroy(self) -> Run:
        return self.run("destroy", "-auto-approve", "-input=false", f"-parallelism={self.parallelism}")

    def state_resources(self) -> list[str]:
        """The addresses Terraform's state still holds (empty after a clean destroy)."""
        listed = self.run("state", "list")
        return listed.output.split() if listed.code == 0 else []

    def save(self, into: Path) -> None:
        """Write every command's output into ``into`` (one file per command, numbered)."""
        into.mkdir(parents=True, exist_ok=True)
        for number, run in enumerate(self.runs, 1):
            name = f"{number:02d}-{run.args[0]}.log"
            (into / name).write_text(f"$ terraform {' '.join(run.args)}\n# exit {run.code}\n{run.output}")
        for log in self.root.glob("*.tflog"):
            shutil.copy(log, into / log.name)
