"""A subnet's IPv6 side: AssociateSubnetCidrBlock / DisassociateSubnetCidrBlock, and the IPv6 addresses and /80
prefixes interfaces take from its /64.

Facts: the first four IPv6 addresses and the last of a subnet's block are reserved by AWS, as in IPv4 [VPCUG23
subnet-sizing]; AWS picks an interface's IPv6 address anywhere in the /64 (addresses look random), never one another
interface holds; prefix delegation hands out /80 prefixes of the subnet's /64 [EC2UG ec2-prefix-eni]. A block cannot
be disassociated while an interface holds an address in it (``InvalidCidrBlock.InUse`` naming the subnet). An IPv6-only
(``Ipv6Native``) subnet cannot lose its only block.

Named choice: the "random" addresses come from the id factory, so a seeded server gives the same addresses.
"""

from __future__ import annotations

from ipaddress import IPv6Address, IPv6Network
from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.lookup import get
from vpcsim.control.network import ipv6_blocks
from vpcsim.control.network.subnets import current
from vpcsim.errors import ApiError, InvalidParameter, NotFound
from vpcsim.model import Record

PREFIX_LENGTH = 80  # delegated IPv6 prefixes are /80 [EC2UG ec2-prefix-eni]
_ATTEMPTS = 64


# -- handlers ---------------------------------------------------------------------------------------------------
def associate_subnet_cidr_block(call: Call, params: Params) -> Result:
    subnet = get(call, "subnet", params["SubnetId"])
    if params.get("Ipv6IpamPoolId"):
        raise NotFound("InvalidIpamPoolId.NotFound", f"The ipam pool ID '{params['Ipv6IpamPoolId']}' does not exist")
    if not params.get("Ipv6CidrBlock"):
        raise InvalidParameter("MissingParameter", "The request must contain the parameter ipv6CidrBlock")
    if ipv6_blocks.subnet_blocks(subnet):
        # "You can only associate a single IPv6 CIDR block with your subnet." [EC2API AssociateSubnetCidrBlock]
        raise InvalidParameter(
            "InvalidParameterValue", f"The subnet '{subnet.id}' already has an IPv6 CIDR block associated."
        )
    vpc = get(call, "vpc", subnet.parent or "")
    block = ipv6_blocks.check_subnet_block(call, vpc, params["Ipv6CidrBlock"], subnet.id)
    association = ipv6_blocks.subnet_association(call, block)
    call.tx.put(subnet.with_doc(Ipv6CidrBlockAssociationSet=[association]))
    # AWS answers the new association "associating" (EC2 API reference example).
    shown = {**association, "Ipv6CidrBlockState": {"State": "associating"}}
    return {"SubnetId": subnet.id, "Ipv6CidrBlockAssociation": shown}


def disassociate_subnet_cidr_block(call: Call, params: Params) -> Result:
    association_id = params["AssociationId"]
    for subnet in call.scan("subnet"):
        for association in subnet.doc.get("Ipv6CidrBlockAssociationSet") or []:
            if association["AssociationId"] == association_id:
                return _disassociate(call, subnet, association)
    raise NotFound(
        "InvalidSubnetCidrBlockAssociationID.NotFound",
        f"The subnet CIDR block with association ID '{association_id}' does not exist",
    )


def _disassociate(call: Call, subnet: Record, association: dict[str, Any]) -> Result:
    if subnet.doc.get("Ipv6Native"):
        raise InvalidParameter(
            "OperationNotPermitted",
            f"The IPv6 CIDR block of the IPv6-only subnet '{subnet.id}' cannot be disassociated.",
        )
    if subnet.extra.get("allocated6"):
        raise InvalidParameter(
            "InvalidCidrBlock.InUse",
            f"The subnet '{subnet.id}' has network interfaces with IPv6 addresses in "
            f"{association['Ipv6CidrBlock']}; unassign them first.",
        )
    call.tx.put(subnet.with_doc(Ipv6CidrBlockAssociationSet=[], AssignIpv6AddressOnCreation=False))
    shown = {**association, "Ipv6CidrBlockState": {"State": "disassociating"}}
    return {"SubnetId": subnet.id, "Ipv6CidrBlockAssociation": shown}


# -- addresses and prefixes -------------------------------------------------------------------------------------
def block_of(subnet: Record) -> IPv6Network:
    blocks = ipv6_blocks.subnet_blocks(subnet)
    if not blocks:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"The subnet '{subnet.id}' has no IPv6 CIDR block: IPv6 addresses need a subnet with one.",
        )
    return IPv6Network(blocks[0])


def _taken(subnet: Record) -> dict[str, str]:
    return dict(subnet.extra.get("allocated6", {}))


def _clashes(taken: dict[str, str], candidate: IPv6Network) -> bool:
    return any(IPv6Network(k).overlaps(candidate) for k in taken)


def _usable(block: IPv6Network, network: IPv6Network) -> bool:
    """Inside the block and clear of the four reserved addresses at its start and the one at its end."""
    first, last = int(block.network_address), int(block.broadcast_address)
    return (
        network.subnet_of(block) and int(network.network_address) >= first + 4 and int(network.broadcast_address) < last
    )


def allocate_ipv6(call: Call, subnet: Record, owner: str, wanted: list[str], count: int, *, prefix: bool) -> list[str]:
    """Give ``owner`` the ``wanted`` addresses (or /80 prefixes) and ``count`` more picked at random in the subnet's
    /64; every one checked free. Returns them in order."""
    subnet = current(call, subnet)
    block = block_of(subnet)
    taken = _taken(subnet)
    length = PREFIX_LENGTH if prefix else 128
    chosen = [_network(text, length, prefix) for text in wanted] + [None] * count
    added = []
    for network in chosen:
        network = _claim(block, taken, network) if network else _pick(call, block, taken, length, subnet.id)
        taken[str(network)] = owner
        added.append(network)
    call.tx.put(subnet.with_extra(allocated6=taken))
    return [str(n) if prefix else str(n.network_address) for n in added]


def _network(text: str, length: int, prefix: bool) -> IPv6Network:
    try:
        network = IPv6Network(text, strict=True) if prefix else IPv6Network((IPv6Address(text), 128))
    except ValueError:
        noun = "IPv6 prefix" if prefix else "IPv6 address"
        raise InvalidParameter("InvalidParameterValue", f"Invalid {noun} '{text}'.") from None
    if network.prefixlen != length:
        raise InvalidParameter("InvalidParameterValue", f"The IPv6 prefix '{text}' must be a /{length}.")
    return network


def _claim(block: IPv6Network, taken: dict[str, str], network: IPv6Network) -> IPv6Network:
    shown = str(network) if network.prefixlen < 128 else str(network.network_address)
    if not _usable(block, network):
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Address {shown} does not fall within the subnet's IPv6 range {block} or is reserved by AWS "
            "(the first four addresses and the last).",
        )
    if _clashes(taken, network):
        raise ApiError("InvalidIPAddress.InUse", f"Address {shown} is in use.")
    return network


def _pick(call: Call, block: IPv6Network, taken: dict[str, str], length: int, subnet_id: str) -> IPv6Network:
    host_bits = 128 - block.prefixlen
    for _ in range(_ATTEMPTS):
        offset = int(call.ids.hex(host_bits // 4), 16) >> (128 - length) << (128 - length)
        candidate = IPv6Network((int(block.network_address) + offset, length))
        if _usable(block, candidate) and not _clashes(taken, candidate):
            return candidate
    raise ApiError("InsufficientFreeAddressesInSubnet", f"The subnet '{subnet_id}' has no free IPv6 addresses.")


def release_ipv6(call: Call, subnet_id: str, addresses: list[str]) -> None:
    """Give addresses (``2600::1``) or prefixes (``2600::/80``) back to the subnet."""
    subnet = call.tx.find("subnet", subnet_id)
    if subnet is None:
        return
    keys = {a if "/" in a else f"{a}/128" for a in addresses}
    kept = {k: v for k, v in _taken(subnet).items() if k not in keys}
    call.tx.put(subnet.with_extra(allocated6=kept))


def ipv6_in_use(subnet: Record) -> int:
    return len(subnet.extra.get("allocated6", {}))
