"""Public IPv4 addresses AWS assigns from its own pool (auto-assigned on launch; Elastic IPs may draw here too).

Addresses come from one EC2 block per region, the largest EC2 prefix of AWS's ip-ranges.json (2022-06-12 copy in
datasets/ip-ranges) that overlaps no other service's prefix, so that the data plane never mistakes an instance's
address for S3 or DynamoDB. Regions absent from that copy draw from us-east-1's block [choice:
vpcsim]. A region-wide counter hands out each address once; a released address is not handed out again, as AWS
gives no guarantee of getting one back.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from vpcsim.control.core.call import Call
from vpcsim.errors import ApiError
from vpcsim.store import Transaction

# Source: ip-ranges.json 2022-06-12, service EC2, largest prefix not overlapping another service's.
_POOLS: dict[str, str] = {
    "af-south-1": "13.247.0.0/16",
    "ap-east-1": "43.198.0.0/15",
    "ap-northeast-1": "43.206.0.0/15",
    "ap-northeast-2": "43.200.0.0/14",
    "ap-northeast-3": "15.168.0.0/16",
    "ap-south-1": "43.204.0.0/15",
    "ap-south-2": "18.60.0.0/15",
    "ap-southeast-1": "47.128.0.0/14",
    "ap-southeast-2": "52.62.0.0/15",
    "ap-southeast-4": "16.50.0.0/15",
    "ca-central-1": "15.156.0.0/15",
    "eu-central-1": "18.198.0.0/15",
    "eu-central-2": "16.62.0.0/15",
    "eu-north-1": "16.168.0.0/15",
    "eu-south-2": "18.100.0.0/15",
    "eu-west-1": "63.32.0.0/14",
    "eu-west-2": "18.175.0.0/16",
    "il-central-1": "51.16.0.0/15",
    "me-central-1": "3.28.0.0/15",
    "sa-east-1": "54.94.0.0/16",
    "us-east-1": "3.80.0.0/12",
    "us-east-2": "18.224.0.0/14",
    "us-west-1": "54.176.0.0/15",
    "us-west-2": "54.68.0.0/14",
}
_FALLBACK = "3.80.0.0/12"


def allocate_public_ip(call: Call) -> str:
    """The region's next unused public address (never one an Elastic IP of any account holds)."""
    pool = IPv4Network(_POOLS.get(call.region.name, _FALLBACK))
    key = f"public-ip/{call.region.name}"
    used = int(call.tx.meta(key) or 0) + 1
    # Skip the block's first and last addresses so that none looks like a network or broadcast address.
    if used + 1 >= pool.num_addresses:
        raise ApiError("AddressLimitExceeded", f"vpcsim's public address pool for {call.region.name} is exhausted.")
    # One counter serves Elastic IPs and auto-assigned addresses alike, so no address is handed out twice.
    call.tx.set_meta(key, str(used))
    return str(pool.network_address + used)


def reserve_public_ip(tx: Transaction, region: str, address: str) -> None:
    """An address of the region's pool taken outside the counter (an imported estate's) is never handed out."""
    try:
        offset = int(IPv4Address(address)) - int(_pool(region).network_address)
    except ValueError:
        return
    key = f"public-ip/{region}"
    if 0 < offset < _pool(region).num_addresses and offset > int(tx.meta(key) or 0):
        tx.set_meta(key, str(offset))


def _pool(region: str) -> IPv4Network:
    return IPv4Network(_POOLS.get(region, _FALLBACK))


def public_dns_name(call: Call, address: str) -> str:
    """``ec2-3-80-0-1.compute-1.amazonaws.com`` in us-east-1, ``ec2-...<region>.compute.amazonaws.com`` elsewhere."""
    host = "ec2-" + address.replace(".", "-")
    if call.region.name == "us-east-1":
        return f"{host}.compute-1.amazonaws.com"
    return f"{host}.{call.region.name}.compute.amazonaws.com"
