"""IPv6 addresses and /80 prefixes of network interfaces: at creation (CreateNetworkInterface, RunInstances) and
with AssignIpv6Addresses / UnassignIpv6Addresses.

Facts [EC2API CreateNetworkInterface, AssignIpv6Addresses, UnassignIpv6Addresses]: addresses are named
(``Ipv6Addresses``) or counted (``Ipv6AddressCount``), never both; without either, a subnet with
``AssignIpv6AddressOnCreation`` gives a new interface one address ("you can override that setting by specifying 0");
prefixes likewise (``Ipv6Prefixes`` / ``Ipv6PrefixCount``); every address comes from the interface's subnet's /64 and
is held by one interface only (``subnet_ipv6``). ``EnablePrimaryIpv6`` / ``PrimaryIpv6`` make the first IPv6 address
the interface's primary one, which cannot be unassigned [EC2UG primary IPv6]. An interface in an IPv6-only subnet has
an IPv6 address always (it has no other).
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv6Address
from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.lookup import get
from vpcsim.control.network import subnet_ipv6
from vpcsim.errors import InvalidParameter
from vpcsim.model import Record


@dataclass(frozen=True, slots=True)
class Ipv6Request:
    """The IPv6 addresses and prefixes a request asks an interface to get; ``count`` None: the subnet decides."""

    addresses: tuple[str, ...] = ()
    count: int | None = None
    prefixes: tuple[str, ...] = ()
    prefix_count: int = 0
    primary: bool = False


def requested(params: Params, *, primary_member: str = "EnablePrimaryIpv6") -> Ipv6Request:
    """The IPv6 part of a CreateNetworkInterface request or of a RunInstances NetworkInterfaces item."""
    named = tuple(_address_text(a) for a in params.get("Ipv6Addresses") or [])
    count = params.get("Ipv6AddressCount")
    if named and count:
        raise InvalidParameter(
            "InvalidParameterCombination",
            "The parameter Ipv6AddressCount cannot be used with the parameter Ipv6Addresses.",
        )
    prefixes = tuple(str(p.get("Ipv6Prefix") or "") for p in params.get("Ipv6Prefixes") or [])
    prefix_count = int(params.get("Ipv6PrefixCount") or 0)
    if prefixes and prefix_count:
        raise InvalidParameter(
            "InvalidParameterCombination",
            "The parameter Ipv6PrefixCount cannot be used with the parameter Ipv6Prefixes.",
        )
    if count is not None and int(count) < 0:
        raise InvalidParameter("InvalidParameterValue", f"Value ({count}) for parameter Ipv6AddressCount is invalid.")
    return Ipv6Request(
        named, None if count is None or named else int(count), prefixes, prefix_count, bool(params.get(primary_member))
    )


def _address_text(item: Any) -> str:
    """``{"Ipv6Address": "..."}`` (EC2's InstanceIpv6Address) or a plain string."""
    text = item.get("Ipv6Address") if isinstance(item, dict) else item
    try:
        return str(IPv6Address(str(text or "")))
    except ValueError:
        raise InvalidParameter("InvalidParameterValue", f"Invalid IPv6 address '{text}'.") from None


def addresses_of(eni: Record) -> list[str]:
    return [a["Ipv6Address"] for a in eni.doc.get("Ipv6Addresses") or []]


def prefixes_of(eni: Record) -> list[str]:
    return [p["Ipv6Prefix"] for p in eni.doc.get("Ipv6Prefixes") or []]


def give(call: Call, eni: Record, subnet: Record, wanted: Ipv6Request, *, must_have: bool = False) -> Record:
    """``eni`` with the IPv6 addresses and prefixes ``wanted`` asks for, taken from ``subnet``. ``must_have``: the
    interface has no IPv4 address, so it gets one IPv6 address even when none is asked for."""
    count = wanted.count
    if count is None:
        count = 1 if (subnet.doc.get("AssignIpv6AddressOnCreation") and not wanted.addresses) else 0
    if must_have and not wanted.addresses and count == 0:
        count = 1
    if not (wanted.addresses or count or wanted.prefixes or wanted.prefix_count):
        return eni
    added = subnet_ipv6.allocate_ipv6(call, subnet, eni.id, list(wanted.addresses), count, prefix=False)
    subnet = call.tx.find("subnet", subnet.id) or subnet
    prefixes = subnet_ipv6.allocate_ipv6(call, subnet, eni.id, list(wanted.prefixes), wanted.prefix_count, prefix=True)
    return call.tx.put(_with(eni, added, prefixes, primary=wanted.primary))


def _with(eni: Record, added: list[str], prefixes: list[str], *, primary: bool) -> Record:
    current = list(eni.doc.get("Ipv6Addresses") or [])
    has_primary = any(a.get("IsPrimaryIpv6") for a in current)
    for index, address in enumerate(added):
        mark = primary and not has_primary and index == 0
        current.append({"Ipv6Address": address, "IsPrimaryIpv6": mark})
    doc: dict[str, Any] = {"Ipv6Addresses": current}
    if prefixes or eni.doc.get("Ipv6Prefixes"):
        doc["Ipv6Prefixes"] = [*(eni.doc.get("Ipv6Prefixes") or []), *({"Ipv6Prefix": p} for p in prefixes)]
    first = next((a["Ipv6Address"] for a in current if a.get("IsPrimaryIpv6")), None)
    if first is not None:
        doc["Ipv6Address"] = first  # the interface's primary IPv6 address [EC2API NetworkInterface]
    return eni.with_doc(**doc)


def release_all(call: Call, eni: Record) -> None:
    """Give every IPv6 address and prefix of a deleted interface back to its subnet."""
    held = addresses_of(eni) + prefixes_of(eni)
    if held:
        subnet_ipv6.release_ipv6(call, eni.doc["SubnetId"], held)


# -- handlers ---------------------------------------------------------------------------------------------------
def assign_ipv6_addresses(call: Call, params: Params) -> Result:
    eni = get(call, "network-interface", params["NetworkInterfaceId"])
    wanted = requested(params)
    count = wanted.count or 0
    if not (wanted.addresses or count or wanted.prefixes or wanted.prefix_count):
        raise InvalidParameter(
            "MissingParameter",
            "The request must contain ipv6Addresses, ipv6AddressCount, ipv6Prefixes or ipv6PrefixCount.",
        )
    subnet = get(call, "subnet", eni.doc["SubnetId"])
    before_addresses, before_prefixes = set(addresses_of(eni)), set(prefixes_of(eni))
    eni = give(call, eni, subnet, Ipv6Request(wanted.addresses, count, wanted.prefixes, wanted.prefix_count))
    result: Result = {
        "NetworkInterfaceId": eni.id,
        "AssignedIpv6Addresses": [a for a in addresses_of(eni) if a not in before_addresses],
    }
    if wanted.prefixes or wanted.prefix_count:
        result["AssignedIpv6Prefixes"] = [p for p in prefixes_of(eni) if p not in before_prefixes]
    return result


def unassign_ipv6_addresses(call: Call, params: Params) -> Result:
    eni = get(call, "network-interface", params["NetworkInterfaceId"])
    addresses = [_address_text(a) for a in params.get("Ipv6Addresses") or []]
    prefixes = [str(p) for p in params.get("Ipv6Prefixes") or []]
    if not addresses and not prefixes:
        raise InvalidParameter("MissingParameter", "The request must contain ipv6Addresses or ipv6Prefixes.")
    _check_held(eni, addresses, prefixes)
    kept = [a for a in eni.doc.get("Ipv6Addresses") or [] if a["Ipv6Address"] not in addresses]
    kept_prefixes = [p for p in eni.doc.get("Ipv6Prefixes") or [] if p["Ipv6Prefix"] not in prefixes]
    subnet_ipv6.release_ipv6(call, eni.doc["SubnetId"], addresses + prefixes)
    changes: dict[str, Any] = {"Ipv6Addresses": kept}
    if "Ipv6Prefixes" in eni.doc:
        changes["Ipv6Prefixes"] = kept_prefixes
    call.tx.put(eni.with_doc(**changes))
    result: Result = {"NetworkInterfaceId": eni.id, "UnassignedIpv6Addresses": addresses}
    if prefixes:
        result["UnassignedIpv6Prefixes"] = prefixes
    return result


def _check_held(eni: Record, addresses: list[str], prefixes: list[str]) -> None:
    missing = [a for a in addresses if a not in addresses_of(eni)] + [p for p in prefixes if p not in prefixes_of(eni)]
    if missing:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Some of the specified addresses are not assigned to interface {eni.id}: {', '.join(missing)}",
        )
    primary = [a["Ipv6Address"] for a in eni.doc.get("Ipv6Addresses") or [] if a.get("IsPrimaryIpv6")]
    if any(a in primary for a in addresses):
        raise InvalidParameter(
            "InvalidParameterValue", f"The primary IPv6 address of interface {eni.id} cannot be unassigned."
        )
    if eni.doc.get("Ipv6Native") and len(addresses) >= len(addresses_of(eni)):
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Interface {eni.id} is in an IPv6-only subnet: it must keep at least one IPv6 address.",
        )
