"""The DNS an interface endpoint brings, as data: its DnsEntries and the private zone records the resolver answers.

Names [PLG-AWS 1.3.8-1.3.10; CLIEX]: regional ``<vpce-id>-<8 chars>.<base>``, then one zonal
``<vpce-id>-<8 chars>-<az>.<base>`` per AZ, where ``<base>`` is the service's BaseEndpointDnsName
(``sqs.us-east-1.vpce.amazonaws.com`` or ``vpce-svc-....<region>.vpce.amazonaws.com``); S3's names are wildcards
(``*.vpce-...``). They share the region's vpce hosted zone. With private DNS, the service's own name (and for S3 its
wildcard) is answered inside the VPC from a hidden private hosted zone, listed after the vpce names with that zone's id.

Each record also says which addresses it resolves to (all interfaces for regional and private names, one AZ's for a
zonal name), so that the data plane can resolve names without recomputing anything.
"""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass
from typing import Any

from vpcsim.control.core.call import Call

# The hosted zone of ``*.vpce.amazonaws.com`` names per region. us-east-1's is recorded in AWS's own samples
# (Z7HUB22UULQXV, EC2 API Reference DescribeVpcEndpoints); for other regions the real ids are not in our
# references, so vpcsim derives a stable id of the same form from the region name (named choice, aws-behaviour 1.3.8).
_VPCE_ZONES = {"us-east-1": "Z7HUB22UULQXV"}
_SUFFIX_ALPHABET = string.ascii_lowercase + string.digits


def vpce_hosted_zone(region: str) -> str:
    known = _VPCE_ZONES.get(region)
    if known:
        return known
    digest = hashlib.sha256(f"vpce-zone/{region}".encode()).hexdigest().upper()
    return "Z" + "".join(c for c in digest if c.isalnum())[:12]


@dataclass(frozen=True, slots=True)
class DnsRecord:
    name: str
    hosted_zone_id: str
    private: bool  # answered only inside the VPC (private hosted zone)
    zone: str | None  # an AZ name for zonal names
    addresses: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "Name": self.name,
            "HostedZoneId": self.hosted_zone_id,
            "Private": self.private,
            "Zone": self.zone,
            "Addresses": list(self.addresses),
        }


def dns_suffix(call: Call) -> str:
    """The 8 lowercase alphanumerics AWS puts after the endpoint id in its names (``lj2wisx3``)."""
    return call.ids.token(_SUFFIX_ALPHABET, 8)


def private_zone_id(call: Call) -> str:
    """An id for the hidden private hosted zone AWS associates with the VPC (Route 53 ids: Z + 20 characters)."""
    return "Z" + call.ids.token(string.ascii_uppercase + string.digits, 20)


def endpoint_records(
    region: str,
    endpoint_id: str,
    suffix: str,
    base: str,
    *,
    wildcard: bool,
    interfaces: dict[str, str],
    private_names: list[str],
    private_zone: str | None,
    zonal: bool = True,
) -> list[DnsRecord]:
    """Every name of an interface endpoint; ``interfaces`` maps each AZ to its interface's address."""
    zone = vpce_hosted_zone(region)
    star = "*." if wildcard else ""
    every = tuple(interfaces.values())
    records = [DnsRecord(f"{star}{endpoint_id}-{suffix}.{base}", zone, False, None, every)]
    # AWS lists the zonal names from the last AZ down [CLIEX]; cross-region endpoints have regional names only [PLG].
    for az in sorted(interfaces, reverse=True) if zonal else []:
        records.append(DnsRecord(f"{star}{endpoint_id}-{suffix}-{az}.{base}", zone, False, az, (interfaces[az],)))
    for name in private_names:
        records.append(DnsRecord(name, private_zone or "", True, None, every))
    return records


def dns_entries(records: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The DnsEntries member: names and hosted zones, in record order."""
    return [{"DnsName": r["Name"], "HostedZoneId": r["HostedZoneId"]} for r in records]
