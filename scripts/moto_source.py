"""The pinned moto wheels that scripts/gen_images.py and scripts/gen_instance_types.py read AWS-recorded data from.

moto (https://pypi.org/project/moto/) ships JSON files recorded from real AWS API answers under
``moto/ec2/resources/``: ``latest_amis/<region>.json.gz`` (DescribeImages of the Amazon Linux images in each Region),
``instance_types.json.gz`` (DescribeInstanceTypes), ``instance_type_offerings/<location type>/<region>.json.gz``
(DescribeInstanceTypeOfferings). Only that DATA is read, never moto's code: the wheel is downloaded with pip into a
cache folder, its SHA-256 checked against the digest PyPI published for it, and the members read with ``zipfile``.

Each version is pinned with its PyPI upload date and wheel digest, so a run reproduces the committed data exactly.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RESOURCES = "moto/ec2/resources"


@dataclass(frozen=True, slots=True)
class MotoRelease:
    version: str
    released: str  # PyPI upload date of the wheel
    sha256: str  # of moto-<version>-py3-none-any.whl, as PyPI lists it

    @property
    def wheel_name(self) -> str:
        return f"moto-{self.version}-py3-none-any.whl"

    def describe(self) -> dict[str, str]:
        return {"package": "moto", "version": self.version, "released": self.released, "wheelSha256": self.sha256}


# Digests and dates as PyPI lists them for these releases (pypi.org/pypi/moto/json, read 2026-12-05).
RELEASES = {
    "5.2.0": MotoRelease("5.2.0", "2026-05-02", "d728d5c9c431e0f1043d907bebd663b09a9105c62380991068598a3799373a85"),
    "5.2.3": MotoRelease("5.2.3", "2026-08-22", "5ec31b3cdbb383a19d46030157bd82aaaa7a9cc5f564200f995663d347bd4728"),
    "5.2.5": MotoRelease("5.2.5", "2026-10-27", "eef62cdcf3bfe73e0863743511ba042dfaba04ba3d5ecdcb896a196c693ad528"),
    "5.2.6": MotoRelease("5.2.6", "2026-11-23", "1f0b99bceaead4543b743a961df0353d6fbc584fab658f9f84ef17df6ae6f24a"),
}
LATEST = RELEASES["5.2.6"]


def default_cache() -> Path:
    return Path(tempfile.gettempdir()) / "vpcsim-moto-wheels"


def wheel(release: MotoRelease, cache: Path) -> Path:
    """The release's wheel in ``cache``, downloaded with pip when absent; its digest is always checked."""
    path = cache / release.wheel_name
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:"]
        subprocess.run([*pip, "--dest", str(cache), f"moto=={release.version}"], check=True)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != release.sha256:
        raise SystemExit(f"{path}: sha256 {digest} is not the pinned {release.sha256}")
    return path


def members(path: Path, folder: str) -> list[str]:
    """The file names (without folder) directly inside ``moto/ec2/resources/<folder>/`` of the wheel, sorted."""
    prefix = f"{RESOURCES}/{folder}/"
    with zipfile.ZipFile(path) as archive:
        names = [n.removeprefix(prefix) for n in archive.namelist() if n.startswith(prefix)]
    return sorted(n for n in names if n and "/" not in n)


def read(path: Path, member: str) -> Any:
    """The JSON document at ``moto/ec2/resources/<member>`` (gzip-compressed when it ends in .gz)."""
    with zipfile.ZipFile(path) as archive:
        raw = archive.read(f"{RESOURCES}/{member}")
    return json.loads(gzip.decompress(raw) if member.endswith(".gz") else raw)


def write_gz(path: Path, doc: Any) -> int:
    """Write ``doc`` as compact, key-sorted JSON, gzip-compressed with mtime 0 so reruns give the same bytes."""
    blob = (json.dumps(doc, sort_keys=True, separators=(",", ":")) + "\n").encode()
    data = gzip.compress(blob, compresslevel=9, mtime=0)
    path.write_bytes(data)
    return len(data)
