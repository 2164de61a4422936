"""Generate src/vpcsim/catalog/data/instance_types.json.gz and instance_type_offerings.json.gz: EC2 instance types.

Sources:
1. [MOTO-5.2.6] moto 5.2.6 (PyPI, wheel uploaded 2026-11-23, sha256 pinned in scripts/moto_source.py), data file
   ``moto/ec2/resources/instance_types.json.gz``: DescribeInstanceTypes answers recorded from AWS, one
   ``InstanceTypeInfo`` per type (1,395 types). Kept as recorded, minus members the installed botocore's
   ``InstanceTypeInfo`` shape lacks (the generator prints any it drops).
2. [MOTO-5.2.6] the same wheel's ``moto/ec2/resources/instance_type_offerings/availability-zone-id/<region>.json.gz``:
   DescribeInstanceTypeOfferings with LocationType availability-zone-id, per Region. Zone ids are the same in every
   account, so the offerings are stored by zone id; the per-zone-name and per-Region views are computed from them
   with the zone name/id pairing of src/vpcsim/catalog/data/regions.json (scripts/gen_regions.py). A Region's own
   list (LocationType region) is the union of its zones' lists: true of every Region in the source, which the
   generator checks against ``instance_type_offerings/region/<region>.json.gz``. Zones that regions.json does not
   have (eu-west-2's euw2-az4) are left out; types offered only there stay in the Region's list (``regionOnly``).

[DERIVED] Regions of regions.json that moto has no offerings file for (ap-east-2, ap-southeast-6, ap-southeast-7,
mx-central-1, all opened 2024-2025): they copy the offerings of ap-southeast-5 (Malaysia, opened August 2024, the
most recently opened Region the source records) zone for zone (az1 -> az1, ...), and carry ``"derived": true`` with
the reason in the data.

Run: .venv/bin/python scripts/gen_instance_types.py [--cache DIR] [--out DIR]
(downloads the pinned moto wheel with pip into the cache folder, default <tmp>/vpcsim-moto-wheels, and writes into
the package data unless --out says otherwise; a rerun with the same wheel reproduces the committed files byte for
byte, which tests/unit/test_catalog_ec2.py checks when the wheel is in the default cache)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import botocore.session
import moto_source
from botocore.model import Shape

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src/vpcsim/catalog/data"
TEMPLATE_REGION = "ap-southeast-5"
OFFERINGS = "instance_type_offerings"


def fit(shape: Shape, value: Any, path: str, dropped: set[str]) -> Any:
    """``value`` with every structure member the botocore shape does not model removed (their paths noted)."""
    if shape.type_name == "structure":
        members = shape.members
        dropped.update(f"{path}.{k}" for k in value if k not in members)
        return {k: fit(members[k], v, f"{path}.{k}", dropped) for k, v in value.items() if k in members}
    if shape.type_name == "list":
        return [fit(shape.member, v, f"{path}[]", dropped) for v in value]
    return value


def instance_types(wheel: Path) -> list[dict[str, Any]]:
    shape = botocore.session.get_session().get_service_model("ec2").shape_for("InstanceTypeInfo")
    recorded: dict[str, dict[str, Any]] = moto_source.read(wheel, "instance_types.json.gz")
    dropped: set[str] = set()
    types = [fit(shape, recorded[name], "", dropped) for name in sorted(recorded)]
    if dropped:
        print("dropped members botocore does not model:", sorted(dropped))
    return types


def zone_offerings(wheel: Path, region: str) -> dict[str, set[str]]:
    """Zone id -> the instance types offered there, checking that their union is the Region's own list."""
    by_zone: dict[str, set[str]] = {}
    for item in moto_source.read(wheel, f"{OFFERINGS}/availability-zone-id/{region}.json.gz"):
        by_zone.setdefault(item["Location"], set()).add(item["InstanceType"])
    regional = {item["InstanceType"] for item in moto_source.read(wheel, f"{OFFERINGS}/region/{region}.json.gz")}
    if set().union(*by_zone.values()) != regional:
        raise SystemExit(f"{region}: the zones' offerings do not add up to the Region's")
    return by_zone


def region_entry(by_zone: dict[str, set[str]], zone_ids: list[str], index: dict[str, int]) -> dict[str, Any]:
    kept = {z: sorted(index[t] for t in by_zone.get(z, ())) for z in zone_ids}
    covered = set().union(*(by_zone.get(z, set()) for z in zone_ids))
    extra = sorted(index[t] for t in set().union(*by_zone.values()) - covered)
    return {"zones": kept, "regionOnly": extra}


def derived_entry(template: dict[str, Any], zone_ids: list[str]) -> dict[str, Any]:
    source = list(template["zones"].values())
    reason = f"moto records no offerings for this Region; copied zone for zone from {TEMPLATE_REGION}"
    zones = {z: source[i % len(source)] for i, z in enumerate(zone_ids)}
    return {"zones": zones, "regionOnly": [], "derived": True, "reason": reason}


def offerings(wheel: Path, names: list[str]) -> dict[str, Any]:
    regions = json.loads((DATA / "regions.json").read_text())["regions"]
    recorded = {m.removesuffix(".json.gz") for m in moto_source.members(wheel, f"{OFFERINGS}/availability-zone-id")}
    index = {name: i for i, name in enumerate(names)}
    zone_ids = {r["RegionName"]: sorted(z["ZoneId"] for z in r["Zones"]) for r in regions}
    out = {
        name: region_entry(zone_offerings(wheel, name), zone_ids[name], index)
        for name in sorted(zone_ids)
        if name in recorded
    }
    for name in sorted(set(zone_ids) - recorded):
        out[name] = derived_entry(out[TEMPLATE_REGION], zone_ids[name])
    return dict(sorted(out.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=moto_source.default_cache())
    parser.add_argument("--out", type=Path, default=DATA, help="folder to write into (default: the package data)")
    args = parser.parse_args()
    release = moto_source.LATEST
    wheel = moto_source.wheel(release, args.cache)
    source = {"_source": __doc__.strip().splitlines()[0], "sources": [release.describe()]}
    types = instance_types(wheel)
    size = moto_source.write_gz(args.out / "instance_types.json.gz", {**source, "instanceTypes": types})
    print(f"wrote {len(types)} instance types ({size} bytes)")
    names = [t["InstanceType"] for t in types]
    regions = offerings(wheel, names)
    doc = {**source, "instanceTypes": names, "regions": regions}
    size = moto_source.write_gz(args.out / "instance_type_offerings.json.gz", doc)
    derived = [r for r, e in regions.items() if e.get("derived")]
    print(f"wrote offerings for {len(regions)} Regions ({size} bytes); derived: {derived}")


if __name__ == "__main__":
    main()
