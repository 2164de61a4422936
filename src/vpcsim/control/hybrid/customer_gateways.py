"""Customer gateways: CreateCustomerGateway, DescribeCustomerGateways, DeleteCustomerGateway.

Design: a customer gateway is a regional record with no parent, shown as AWS shows it. A deleted gateway is retired
(core/lifecycle.py): describes show it ``deleted`` for a while, as AWS does (clients such as Terraform wait for that
state), and nothing else sees it, so an identical request creates a new gateway at once.

Facts [EC2API CreateCustomerGateway; CLIEX create-customer-gateway; EC2ERR]: ``Type`` is ``ipsec.1``; the device's
outside address is ``IpAddress`` (``PublicIp`` is its deprecated name), which may be omitted only with a
``CertificateArn``; ``BgpAsn`` 1 to 2,147,483,647 (default 65000) or ``BgpAsnExtended`` 2,147,483,648 to
4,294,967,295, not both, and AWS shows only the one given (the BGP ASN as a string); ``DeviceName`` up to 255
characters; an identical request returns the existing gateway instead of creating another; a new gateway answers
``available`` (CLI example); 50 customer gateways per Region (``CustomerGatewayLimitExceeded``, VPN quotas); a gateway
used by a VPN connection cannot be deleted (vpcsim answers ``IncorrectState``, the code clients retry on).
"""

from __future__ import annotations

from ipaddress import ip_address
from typing import Any

from vpcsim.control.core import lifecycle
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.lookup import get, get_shown
from vpcsim.control.core.tags import tags_for
from vpcsim.errors import IncorrectState, InvalidParameter, LimitExceeded, NotFound
from vpcsim.model import Record
from vpcsim.model.kinds import KINDS

KIND = "customer-gateway"
GATEWAY_TYPE = "ipsec.1"
DEFAULT_ASN = 65000
MAX_PER_REGION = 50  # [VPNUG vpn-limits]
GONE = ("deleting", "deleted")
_ASN_RANGES = {"BgpAsn": (1, 2147483647), "BgpAsnExtended": (2147483648, 4294967295)}


def check_type(value: str | None, parameter: str = "type") -> str:
    if value != GATEWAY_TYPE:
        raise InvalidParameter(
            "InvalidParameterValue", f"Value ({value}) for parameter {parameter} is invalid. Use {GATEWAY_TYPE}."
        )
    return value


def _asn(params: Params) -> dict[str, str]:
    given = {name: params[name] for name in _ASN_RANGES if params.get(name) is not None}
    if len(given) > 1:
        raise InvalidParameter("InvalidParameterCombination", "Specify either BgpAsn or BgpAsnExtended, not both.")
    name, value = next(iter(given.items()), ("BgpAsn", DEFAULT_ASN))
    low, high = _ASN_RANGES[name]
    if not low <= int(value) <= high:
        raise InvalidParameter(
            "InvalidParameterValue", f"Value ({value}) for parameter {name} is invalid. It must be {low} to {high}."
        )
    return {name: str(int(value))}


def _ip(params: Params) -> str | None:
    value = params.get("IpAddress") or params.get("PublicIp")
    if value is None:
        if not params.get("CertificateArn"):
            raise InvalidParameter("MissingParameter", "The request must contain the parameter IpAddress")
        return None
    try:
        return str(ip_address(value))
    except ValueError:
        raise InvalidParameter(
            "InvalidParameterValue", f"Value ({value}) for parameter ipAddress is invalid. It is not an IP address."
        ) from None


def _doc(params: Params) -> dict[str, Any]:
    device = params.get("DeviceName")
    if device is not None and not 1 <= len(device) <= 255:
        raise InvalidParameter("InvalidParameterValue", "The device name must be 1 to 255 characters long.")
    doc: dict[str, Any] = {"Type": check_type(params.get("Type")), **_asn(params), "IpAddress": _ip(params)}
    doc.update(DeviceName=device, CertificateArn=params.get("CertificateArn"))
    return {k: v for k, v in doc.items() if v is not None}


def _settings(gateway: Record) -> dict[str, Any]:
    return {k: v for k, v in gateway.doc.items() if k not in ("CustomerGatewayId", "State")}


def asn_of(gateway: Record) -> str:
    return str(gateway.doc.get("BgpAsn") or gateway.doc.get("BgpAsnExtended"))


def create_customer_gateway(call: Call, params: Params) -> Result:
    wanted = _doc(params)
    live = [g for g in call.scan(KIND) if g.doc["State"] not in GONE]
    same = next((g for g in live if _settings(g) == wanted), None)
    if same is not None:  # an identical request returns the existing gateway [EC2API CreateCustomerGateway]
        return {"CustomerGateway": present(same)}
    if len(live) >= MAX_PER_REGION:
        raise LimitExceeded(
            "CustomerGatewayLimitExceeded", f"You have reached the maximum of {MAX_PER_REGION} customer gateways."
        )
    rid = call.new_id("cgw", KIND)
    doc = {"CustomerGatewayId": rid, "State": "available", **wanted}
    record = call.tx.put(call.record(KIND, rid, doc).evolve(tags=tags_for(call, params, KIND)))
    return {"CustomerGateway": present(record)}


LISTING = Listing(
    kind=KIND,
    page_member="CustomerGateways",
    ids_member="CustomerGatewayIds",
    retired=True,
    filters={
        "bgp-asn": asn_of,
        "customer-gateway-id": member("CustomerGatewayId"),
        "ip-address": member("IpAddress"),
        "state": member("State"),
        "type": member("Type"),
        "device-name": member("DeviceName"),
    },
)


def describe_customer_gateways(call: Call, params: Params) -> Result:
    return LISTING.run(call, params)


def get_usable(call: Call, rid: str) -> Record:
    """A customer gateway a VPN connection may use: it exists and is available."""
    gateway = get_shown(call, KIND, rid)
    if gateway.doc["State"] != "available":
        raise InvalidParameter(
            "InvalidCustomerGatewayState", f"The customer gateway {rid} is {gateway.doc['State']}, not available."
        )
    return gateway


def delete_customer_gateway(call: Call, params: Params) -> Result:
    gateway = get(call, KIND, params["CustomerGatewayId"])
    if gateway.doc["State"] in GONE:
        raise NotFound(KINDS[KIND].not_found, KINDS[KIND].missing_message([gateway.id]))
    using = [
        c.id
        for c in call.scan("vpn-connection")
        if c.doc["CustomerGatewayId"] == gateway.id and c.doc["State"] not in GONE
    ]
    if using:
        raise IncorrectState(
            "IncorrectState",
            f"The customer gateway {gateway.id} is in use by VPN connection {', '.join(using[:5])}: delete it first.",
        )
    lifecycle.retire(call, gateway, seconds=lifecycle.VPN_DELETE)  # shown deleting, then deleted, as AWS does
    return {}


__all__ = ["GATEWAY_TYPE", "GONE", "KIND", "LISTING", "asn_of", "check_type", "get_usable"]
