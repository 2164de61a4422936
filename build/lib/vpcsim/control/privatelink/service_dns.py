"""A provider's private DNS name: the TXT challenge, the records vpcsim's own DNS holds, and verification.

Facts [PLG manage-dns-names; aws-behaviour 3.9]: one private name per service, lowercase, a leading ``*.`` allowed,
labels up to 63 and the name up to 255 characters; not for GWLB services. AWS answers with
``PrivateDnsNameConfiguration {State: pendingVerification, Type: TXT, Value: "vpce:<20 chars>", Name: "_<20 chars>"}``;
the provider publishes ``<Name>.<domain> TXT <Value>`` (or the value at the domain itself) and calls
StartVpcEndpointServicePrivateDnsVerification; the state becomes ``verified`` or ``failed``. Consumers can use the
name only when verified.

vpcsim has no public DNS, so TXT records are published inside it: ``POST /_vpcsim/dns/txt`` with
``{"name": ..., "value": ...}`` (docs/privatelink.md). They are records of kind ``dns-txt`` shared by every account.
"""

from __future__ import annotations

import re
import string
from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.lookup import get
from vpcsim.errors import InvalidParameter
from vpcsim.model import Record
from vpcsim.store import Transaction

_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


def check_name(name: str) -> str:
    bare = name[2:] if name.startswith("*.") else name
    labels = bare.split(".")
    if name != name.lower() or len(name) > 255 or len(labels) < 2 or not all(_LABEL.match(x) for x in labels):
        raise InvalidParameter(
            "InvalidParameter", f"The private DNS name '{name}' is not a valid lowercase domain name."
        )
    return name


def new_private_name(call: Call, kind: str, name: str) -> dict[str, Any]:
    """The members a service gets when the provider sets its private DNS name."""
    if kind != "network":
        raise InvalidParameter(
            "InvalidParameter", "Private DNS names are not supported for Gateway Load Balancer services."
        )
    challenge = {
        "State": "pendingVerification",
        "Type": "TXT",
        "Value": "vpce:" + call.ids.token(string.ascii_letters + string.digits, 20),
        "Name": "_" + call.ids.token(string.ascii_lowercase + string.digits, 20),
    }
    return {"PrivateDnsName": check_name(name), "PrivateDnsNameConfiguration": challenge}


def _domain(name: str) -> str:
    return name[2:] if name.startswith("*.") else name


def publish_txt(tx: Transaction, name: str, value: str) -> Record:
    """Publish a TXT record in vpcsim's DNS (the admin API's way for providers to answer the challenge)."""
    clean = name.rstrip(".").lower()
    if not clean or len(clean) > 255:
        raise InvalidParameter("InvalidParameterValue", "A TXT record needs a domain name of at most 255 characters.")
    existing = tx.find("dns-txt", clean)
    values = sorted({*(existing.doc["Values"] if existing else []), value.strip('"')})
    record = Record("dns-txt", clean, "dns", "global", {"Name": clean, "Values": values})
    return tx.put(record)


def txt_values(tx: Transaction, name: str) -> list[str]:
    found = tx.find("dns-txt", name.lower())
    return list(found.doc["Values"]) if found else []


def start_vpc_endpoint_service_private_dns_verification(call: Call, params: Params) -> Result:
    service = get(call, "vpc-endpoint-service", params["ServiceId"])
    name = service.doc.get("PrivateDnsName")
    if not name:
        raise InvalidParameter("InvalidParameter", f"The service {service.id} has no private DNS name to verify.")
    challenge = dict(service.doc["PrivateDnsNameConfiguration"])
    domain = _domain(name)
    published = txt_values(call.tx, f"{challenge['Name']}.{domain}") + txt_values(call.tx, domain)
    challenge["State"] = "verified" if challenge["Value"] in published else "failed"
    call.tx.put(service.with_doc(PrivateDnsNameConfiguration=challenge))
    return {"ReturnValue": True}


def verified_name(service: Record) -> str | None:
    """The private DNS name consumers may use: only once verified."""
    config = service.doc.get("PrivateDnsNameConfiguration") or {}
    return service.doc.get("PrivateDnsName") if config.get("State") == "verified" else None


def verification_state(service: Record) -> str | None:
    config = service.doc.get("PrivateDnsNameConfiguration") or {}
    return config.get("State")
