"""DHCP options sets: CreateDhcpOptions, DescribeDhcpOptions, DeleteDhcpOptions, AssociateDhcpOptions, and the
Region's default set as a real record.

Design: a set is a record of kind ``dhcp-options`` with no parent, shown as AWS shows it (``DhcpConfigurations``,
keys and values in the order given: Ansible's ec2_vpc_dhcp_option compares them in its creation order and expects no
change on a second run against AWS). A VPC names its set in ``DhcpOptionsId``,
the one source of truth for the association. The Region's default set is created for an account the first time a
VPC needs it (the default VPC, so in practice with the account's first call in the Region); its id is kept in the
store's metadata so every later VPC gets the same set.

Facts [EC2API CreateDhcpOptions, AssociateDhcpOptions; VPCUG DHCPOptionSetConcepts]: the default set holds
``domain-name`` (``ec2.internal`` in us-east-1, ``<region>.compute.internal`` elsewhere) and ``domain-name-servers``
``AmazonProvidedDNS``; keys are domain-name, domain-name-servers (up to four addresses or AmazonProvidedDNS; several
may be given in one value separated by commas), ntp-servers (up to eight), netbios-name-servers (up to four),
netbios-node-type (1, 2, 4 or 8) and ipv6-address-preferred-lease-time (140 to 2147483647 seconds);
AssociateDhcpOptions with ``default`` leaves the VPC with no options set (its DhcpOptionsId reads ``default``); a set
associated with a VPC cannot be deleted (``DependencyViolation``); the default set can be deleted when no VPC uses
it. Choice named: after the default set is deleted, the next VPC gets a new default set (as a new Region would).
"""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import IPv4Address, ip_address
from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.lookup import get
from vpcsim.control.core.tags import tags_for
from vpcsim.errors import DependencyViolation, InvalidParameter
from vpcsim.model import Record

KIND = "dhcp-options"
NO_OPTIONS = "default"  # AssociateDhcpOptions' word for "no DHCP options set" [EC2API AssociateDhcpOptions]
AMAZON_DNS = "AmazonProvidedDNS"


def _error(key: str, value: str, why: str) -> InvalidParameter:
    return InvalidParameter("InvalidParameterValue", f"Value ({value}) for parameter {key} is invalid. {why}")


def _address(key: str, value: str, *, v4_only: bool = False) -> str:
    try:
        address = ip_address(value)
    except ValueError:
        raise _error(key, value, "This is not a valid IP address.") from None
    if v4_only and not isinstance(address, IPv4Address):
        raise _error(key, value, "Only IPv4 addresses are allowed.")
    return str(address)


def _name_server(key: str, value: str) -> str:
    return AMAZON_DNS if value == AMAZON_DNS else _address(key, value)


def _domain(key: str, value: str) -> str:
    if not 1 <= len(value) <= 255:
        raise _error(key, value, "A domain name has 1 to 255 characters.")
    return value


def _node_type(key: str, value: str) -> str:
    if value not in ("1", "2", "4", "8"):
        raise _error(key, value, "The NetBIOS node type is 1, 2, 4 or 8.")
    return value


def _lease_time(key: str, value: str) -> str:
    if not value.isdigit() or not 140 <= int(value) <= 2147483647:
        raise _error(key, value, "The preferred lease time is 140 to 2147483647 seconds.")
    return value


# key -> (most values, whether one value may list several separated by commas, check)
_OPTIONS: dict[str, tuple[int, bool, Callable[[str, str], str]]] = {
    "domain-name": (1, False, _domain),
    "domain-name-servers": (4, True, _name_server),
    "ntp-servers": (8, True, _address),
    "netbios-name-servers": (4, True, lambda k, v: _address(k, v, v4_only=True)),
    "netbios-node-type": (1, False, _node_type),
    "ipv6-address-preferred-lease-time": (1, False, _lease_time),
}


def _configuration(entry: dict[str, Any]) -> tuple[str, list[str]]:
    key = entry.get("Key") or ""
    if key not in _OPTIONS:
        raise InvalidParameter(
            "InvalidParameterValue", f"Invalid DHCP option key '{key}': use one of {list(_OPTIONS)}."
        )
    most, listable, check = _OPTIONS[key]
    given = [v.strip() for v in entry.get("Values") or []]
    values = [part.strip() for v in given for part in (v.split(",") if listable else [v])]
    if not values or any(not v for v in values):
        raise InvalidParameter("InvalidParameterValue", f"The DHCP option {key} needs a value.")
    if len(values) > most:
        raise _error(key, ",".join(values), f"At most {most} value{'s' * (most > 1)} may be given.")
    return key, [check(key, v) for v in values]


def configurations(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``DhcpConfigurations`` as AWS shows them, checked; a key given twice is refused."""
    found: dict[str, list[str]] = {}
    for entry in entries:
        key, values = _configuration(entry)
        if key in found:
            raise InvalidParameter("InvalidParameterValue", f"The DHCP option {key} is given more than once.")
        found[key] = values
    if not found:
        raise InvalidParameter("MissingParameter", "The request must contain the parameter dhcpConfiguration")
    return [{"Key": k, "Values": [{"Value": v} for v in values]} for k, values in found.items()]


def _new(call: Call, rid: str, entries: list[dict[str, Any]], tags: dict[str, str]) -> Record:
    doc = {"DhcpOptionsId": rid, "OwnerId": call.account, "DhcpConfigurations": configurations(entries)}
    return call.tx.put(call.record(KIND, rid, doc).evolve(tags=tags))


# -- the Region's default set ----------------------------------------------------------------------------------------
def default_domain(region: str) -> str:
    """``ec2.internal`` in us-east-1, ``<region>.compute.internal`` elsewhere [EC2API CreateDhcpOptions]."""
    return "ec2.internal" if region == "us-east-1" else f"{region}.compute.internal"


def default_options_id(call: Call) -> str:
    """The id of the Region's default set for the caller's account, created on first use."""
    key = f"dopt/{call.account}/{call.region.name}"
    rid = call.tx.meta(key)
    if not rid:
        rid = call.new_id("dopt", KIND)
        call.tx.set_meta(key, rid)
    if call.tx.find(KIND, rid) is None:  # first use (or a state written before the set was a record)
        defaults = [
            {"Key": "domain-name", "Values": [default_domain(call.region.name)]},
            {"Key": "domain-name-servers", "Values": [AMAZON_DNS]},
        ]
        _new(call, rid, defaults, {})
    return rid


def _forget_default(call: Call, rid: str) -> None:
    key = f"dopt/{call.account}/{call.region.name}"
    if call.tx.meta(key) == rid:
        call.tx.set_meta(key, "")


# -- what the data plane reads ---------------------------------------------------------------------------------------
def name_servers(record: Record | None) -> list[str]:
    """The DNS servers a set hands out; no set (``default``, or a set that no longer exists) hands out none."""
    if record is None:
        return []
    configurations = record.doc.get("DhcpConfigurations") or []  # an imported set may list none
    entry = next((c for c in configurations if c["Key"] == "domain-name-servers"), None)
    return [v["Value"] for v in entry.get("Values") or []] if entry else []


# -- the API ---------------------------------------------------------------------------------------------------------
def create_dhcp_options(call: Call, params: Params) -> Result:
    tags = tags_for(call, params, KIND)
    record = _new(call, call.new_id("dopt", KIND), params.get("DhcpConfigurations") or [], tags)
    return {"DhcpOptions": present(record)}


LISTING = Listing(
    kind=KIND,
    page_member="DhcpOptions",
    ids_member="DhcpOptionsIds",
    filters={
        "dhcp-options-id": member("DhcpOptionsId"),
        "key": member("DhcpConfigurations", "Key"),
        "value": member("DhcpConfigurations", "Values", "Value"),
        "owner-id": member("OwnerId"),
    },
)


def describe_dhcp_options(call: Call, params: Params) -> Result:
    return LISTING.run(call, params)


def users(call: Call, rid: str) -> list[str]:
    """The caller's VPCs in the Region that use the set."""
    return [v.id for v in call.scan("vpc") if v.doc.get("DhcpOptionsId") == rid]


def delete_dhcp_options(call: Call, params: Params) -> Result:
    record = get(call, KIND, params["DhcpOptionsId"])
    using = users(call, record.id)
    if using:
        raise DependencyViolation(
            f"The dhcpOptions '{record.id}' has dependencies and cannot be deleted (used by {', '.join(using[:5])})."
        )
    _forget_default(call, record.id)
    call.tx.delete(KIND, record.id)
    return {}


def associate_dhcp_options(call: Call, params: Params) -> Result:
    vpc = get(call, "vpc", params["VpcId"])
    rid = params["DhcpOptionsId"]
    if rid != NO_OPTIONS:
        rid = get(call, KIND, rid).id
    call.tx.put(vpc.with_doc(DhcpOptionsId=rid))
    return {}


__all__ = [
    "AMAZON_DNS",
    "KIND",
    "LISTING",
    "NO_OPTIONS",
    "configurations",
    "default_domain",
    "default_options_id",
    "name_servers",
    "users",
]
