"""IPv6 blocks: the /56 Amazon gives a VPC from its Region's pool, and the /64 blocks of subnets inside it.

Facts: an Amazon-provided block is a /56 from Amazon's pool; its range and size cannot be chosen [EC2API CreateVpc
AmazonProvidedIpv6CidrBlock]. A VPC has one or more IPv6 blocks [VPCUG vpc-cidr-blocks], at most 5 (the "IPv6 CIDR
blocks per VPC" quota [VPC quotas]; ``CidrLimitExceeded`` as for IPv4). A subnet has at most one IPv6 block, a /64
[EC2API AssociateSubnetCidrBlock], inside one of its VPC's blocks and overlapping no other subnet's; it cannot be
disassociated while interfaces hold addresses in it. ``NetworkBorderGroup`` is the Region unless a Local Zone group
is named; vpcsim knows no Local Zones, so only the Region's own name is accepted.

The pool of each Region is the largest EC2 IPv6 range AWS publishes there (``catalog.amazon_ipv6_pool``); blocks are
handed out in a fixed scattered order (an odd multiplier modulo the pool's number of /56 blocks is a bijection, so
no block repeats until the pool is exhausted), counting in the store's metadata per Region across all accounts.
A block is therefore never given to two VPCs, even after the first is deleted, as AWS never reuses one at once.
"""

from __future__ import annotations

import hashlib
from ipaddress import IPv6Network
from typing import Any

from vpcsim.catalog import amazon_ipv6_pool
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.cidrs import parse_v6
from vpcsim.control.core.describe import Listing
from vpcsim.errors import ApiError, InvalidParameter, LimitExceeded, NotFound
from vpcsim.model import Record

MAX_IPV6_CIDRS = 5
_VPC_PREFIX = 56
_SUBNET_PREFIX = 64
_SCATTER = 0x9E3779B1  # odd: multiplying by it permutes the blocks of any power-of-two pool


# -- Amazon's pool ----------------------------------------------------------------------------------------------
def amazon_block(call: Call) -> str:
    """The next /56 of the caller's Region's pool (never one handed out before in this state)."""
    pool = amazon_ipv6_pool(call.region.name)
    key = f"ipv6-pool/{call.region.name}"
    taken = int(call.tx.meta(key) or "0")
    count = 1 << (_VPC_PREFIX - pool.prefixlen)
    if taken >= count:
        raise ApiError(
            "InsufficientCidrBlocks", f"Amazon's IPv6 pool of {call.region.name} has no free /56 block left."
        )
    call.tx.set_meta(key, str(taken + 1))
    offset = int(hashlib.sha256(call.region.name.encode()).hexdigest(), 16) % count
    index = (taken * _SCATTER + offset) % count
    start = int(pool.network_address) + (index << (128 - _VPC_PREFIX))
    return str(IPv6Network((start, _VPC_PREFIX)))


def vpc_blocks(vpc: Record) -> list[str]:
    return [a["Ipv6CidrBlock"] for a in vpc.doc.get("Ipv6CidrBlockAssociationSet") or []]


def _association_id(call: Call) -> str:
    return call.new_id("vpc-cidr-assoc", "vpc-cidr-block-association")


def vpc_association(call: Call, block: str) -> dict[str, Any]:
    """A VPC's IPv6 association as DescribeVpcs shows an Amazon-provided block."""
    return {
        "AssociationId": _association_id(call),
        "Ipv6CidrBlock": block,
        "Ipv6CidrBlockState": {"State": "associated"},
        "NetworkBorderGroup": call.region.name,
        "Ipv6Pool": "Amazon",
        "Ipv6AddressAttribute": "public",
        "IpSource": "amazon",
    }


def requested_vpc_block(call: Call, params: Params) -> dict[str, Any] | None:
    """The IPv6 association a CreateVpc/AssociateVpcCidrBlock request asks for, or None when it asks for none."""
    pool, cidr, ipam = params.get("Ipv6Pool"), params.get("Ipv6CidrBlock"), params.get("Ipv6IpamPoolId")
    amazon = bool(params.get("AmazonProvidedIpv6CidrBlock"))
    group = params.get("Ipv6CidrBlockNetworkBorderGroup")
    if ipam:
        # vpcsim has no IPAM: no pool id exists [choice: the code AWS gives for an unknown IPAM pool].
        raise NotFound("InvalidIpamPoolId.NotFound", f"The ipam pool ID '{ipam}' does not exist")
    if pool or cidr:
        if amazon:
            raise InvalidParameter(
                "InvalidParameterCombination",
                "The parameter amazonProvidedIpv6CidrBlock cannot be used with the parameter ipv6Pool or "
                "ipv6CidrBlock.",
            )
        # BYOIP pools come from ProvisionByoipCidr, which vpcsim does not model: no pool exists (named choice).
        raise InvalidParameter(
            "InvalidParameterValue", f"The IPv6 pool '{pool or ''}' does not exist (vpcsim has no BYOIP pools)."
        )
    if group is not None and not amazon:
        raise InvalidParameter(
            "InvalidParameterCombination",
            "The parameter ipv6CidrBlockNetworkBorderGroup requires amazonProvidedIpv6CidrBlock.",
        )
    if group is not None and group != call.region.name:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Value ({group}) for parameter ipv6CidrBlockNetworkBorderGroup is invalid. "
            f"The network border group must be {call.region.name}.",
        )
    return vpc_association(call, amazon_block(call)) if amazon else None


def check_vpc_quota(vpc: Record) -> None:
    if len(vpc_blocks(vpc)) >= MAX_IPV6_CIDRS:
        raise LimitExceeded(
            "CidrLimitExceeded",
            f"This network '{vpc.id}' has met its maximum number of allowed IPv6 CIDRs: {MAX_IPV6_CIDRS}",
        )


# -- subnets ----------------------------------------------------------------------------------------------------
def subnet_blocks(subnet: Record) -> list[str]:
    return [a["Ipv6CidrBlock"] for a in subnet.doc.get("Ipv6CidrBlockAssociationSet") or []]


def check_subnet_block(call: Call, vpc: Record, text: str, subnet_id: str | None = None) -> str:
    """The canonical /64 ``text`` names, checked: inside one of the VPC's blocks and clear of other subnets."""
    network = parse_v6(text, "ipv6CidrBlock")
    inside = any(network.subnet_of(IPv6Network(b)) for b in vpc_blocks(vpc))
    if network.prefixlen != _SUBNET_PREFIX or not inside:
        where = "is not a /64" if network.prefixlen != _SUBNET_PREFIX else f"is not inside an IPv6 block of {vpc.id}"
        raise InvalidParameter("InvalidSubnet.Range", f"The IPv6 CIDR '{text}' is invalid: it {where}.")
    for other in call.tx.children("subnet", vpc.id):
        if other.id != subnet_id and any(network.overlaps(IPv6Network(b)) for b in subnet_blocks(other)):
            raise InvalidParameter("InvalidSubnet.Conflict", f"The CIDR '{text}' conflicts with another subnet")
    return str(network)


def subnet_association(call: Call, block: str) -> dict[str, Any]:
    return {
        "AssociationId": call.new_id("subnet-cidr-assoc", "subnet-cidr-block-association"),
        "Ipv6CidrBlock": block,
        "Ipv6CidrBlockState": {"State": "associated"},
        "Ipv6AddressAttribute": "public",
        "IpSource": "amazon",
    }


def blocks_in_use(call: Call, vpc: Record, block: str) -> bool:
    """Whether a subnet of ``vpc`` has its IPv6 block inside ``block`` (which then cannot be disassociated)."""
    network = IPv6Network(block)
    return any(IPv6Network(b).subnet_of(network) for s in call.tx.children("subnet", vpc.id) for b in subnet_blocks(s))


def describe_ipv6_pools(call: Call, params: Params) -> Result:
    """The account's BYOIP IPv6 pools: none, as vpcsim does not model ProvisionByoipCidr (AWS answers an account
    without BYOIP pools with an empty list)."""
    if params.get("PoolIds"):
        pool = params["PoolIds"][0]
        raise NotFound("InvalidIpv6PoolID.NotFound", f"The ipv6 pool ID '{pool}' does not exist")
    return _POOLS.run(call, params, [])


_POOLS = Listing(kind="ipv6-pool", page_member="Ipv6Pools")
