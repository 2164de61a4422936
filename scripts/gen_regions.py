"""Generate src/vpcsim/catalog/data/regions.json: the commercial AWS regions and their Availability Zones.

Sources:
- the region list and names: botocore's ``data/endpoints.json`` (partition ``aws``), as installed;
- the AZ letters per region: AWS's "Regions and Availability Zones" page (docs.aws.amazon.com/global-infrastructure),
  transcribed below as ``AZ_LETTERS``; the zone ids (``use1-az1``) paired with them are one account's view: in
  letter order except where a recorded account dump (../shared/datasets/aws-config-dumps) shows the real pairing.
  In Regions mapped per account, vpcsim gives every other account its own pairing of these ids to the
  ``Letters`` (src/vpcsim/catalog/regions.py);
- opt-in regions: the same page ("Regions introduced after March 20, 2019 are disabled by default");
- Regions whose AZ names each account maps independently (``MappedPerAccount``): AWS's "AZ IDs" page
  (docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html, "Regions with independently mapped
  Availability Zones": US East (N. Virginia), US West (N. California), US West (Oregon), Asia Pacific (Singapore),
  (Sydney), (Tokyo), Europe (Ireland), South America (Sao Paulo); "All Regions introduced after November 2012 use a
  uniform mapping");
- ``Letters``: the zone letters an account may be given. Equal to the zones' letters except in us-west-1, where AWS
  has three letters but gives each account two zones (AWS's error "Subnets can currently only be created in the
  following availability zones: us-west-1b, us-west-1a" and others naming us-west-1a/1c and us-west-1b/1c are quoted
  in github.com/coreos/coreos-kubernetes/issues/442 and github.com/hashicorp/waypoint-examples/pull/120); the zone
  ids accounts get there are usw1-az1 and usw1-az3 (usw1-az2 is constrained and not given to new accounts; the
  instance type offerings AWS records have only those two).

Run: .venv/bin/python scripts/gen_regions.py
"""

from __future__ import annotations

import json
from pathlib import Path

from botocore.loaders import Loader

AZ_LETTERS = {
    "us-east-1": "abcdef",
    "us-east-2": "abc",
    "us-west-1": "ac",
    "us-west-2": "abcd",
    "af-south-1": "abc",
    "ap-east-1": "abc",
    "ap-east-2": "abc",
    "ap-south-1": "abc",
    "ap-south-2": "abc",
    "ap-southeast-1": "abc",
    "ap-southeast-2": "abc",
    "ap-southeast-3": "abc",
    "ap-southeast-4": "abc",
    "ap-southeast-5": "abc",
    "ap-southeast-6": "abc",
    "ap-southeast-7": "abc",
    "ap-northeast-1": "acd",
    "ap-northeast-2": "abcd",
    "ap-northeast-3": "abc",
    "ca-central-1": "abd",
    "ca-west-1": "abc",
    "eu-central-1": "abc",
    "eu-central-2": "abc",
    "eu-west-1": "abc",
    "eu-west-2": "abc",
    "eu-west-3": "abc",
    "eu-south-1": "abc",
    "eu-south-2": "abc",
    "eu-north-1": "abc",
    "il-central-1": "abc",
    "me-south-1": "abc",
    "me-central-1": "abc",
    "mx-central-1": "abc",
    "sa-east-1": "abc",
}
# Zone-id pairings seen in real account dumps (test-vpc-endpoint-*: us-east-1a=use1-az2, us-east-1b=use1-az4).
ZONE_IDS = {
    "us-east-1": ["use1-az2", "use1-az4", "use1-az6", "use1-az1", "use1-az3", "use1-az5"],
    "us-west-1": ["usw1-az1", "usw1-az3"],
    "ap-northeast-1": ["apne1-az4", "apne1-az1", "apne1-az2"],
    "ca-central-1": ["cac1-az1", "cac1-az2", "cac1-az4"],
}
MAPPED_PER_ACCOUNT = {
    "us-east-1",
    "us-west-1",
    "us-west-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "eu-west-1",
    "sa-east-1",
}
# Letters an account may be given where they are more than its zones.
LETTERS = {"us-west-1": "abc"}
OPT_IN = {
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
}


def zone_prefix(region: str) -> str:
    """``us-east-1`` -> ``use1``, ``ap-southeast-2`` -> ``apse2``, ``eu-central-1`` -> ``euc1``."""
    area, direction, number = region.split("-")
    short = {
        "north": "n",
        "south": "s",
        "east": "e",
        "west": "w",
        "central": "c",
        "northeast": "ne",
        "southeast": "se",
        "northwest": "nw",
        "southwest": "sw",
    }[direction]
    return f"{area}{short}{number}"


def main() -> None:
    endpoints = Loader().load_data("endpoints")
    aws = next(p for p in endpoints["partitions"] if p["partition"] == "aws")
    regions = []
    for name, info in sorted(aws["regions"].items()):
        letters = AZ_LETTERS.get(name)
        if letters is None:
            print(f"skipped {name}: no AZ letters transcribed")
            continue
        ids = ZONE_IDS.get(name) or [f"{zone_prefix(name)}-az{i + 1}" for i in range(len(letters))]
        zones = [
            {"ZoneName": f"{name}{letter}", "ZoneId": zone_id} for letter, zone_id in zip(letters, ids, strict=False)
        ]
        regions.append(
            {
                "RegionName": name,
                "Description": info.get("description", name),
                "OptIn": name in OPT_IN,
                "MappedPerAccount": name in MAPPED_PER_ACCOUNT,
                "Letters": LETTERS.get(name, letters),
                "Zones": zones,
            }
        )
    out = Path(__file__).resolve().parent.parent / "src/vpcsim/catalog/data/regions.json"
    out.write_text(json.dumps({"_source": __doc__.strip().splitlines()[0], "regions": regions}, indent=1) + "\n")
    print(f"wrote {len(regions)} regions to {out}")


if __name__ == "__main__":
    main()
