"""VPC endpoints and endpoint service configurations, into the records the control plane's endpoint and PrivateLink
families write, with what they keep beside AWS's shape (``extra``).

An interface endpoint's DNS is data the resolver reads (``extra["dns"]``: each name, its hosted zone, whether it is
private, its AZ and the addresses it answers). The names are the dump's ``DnsEntries`` as recorded; the addresses
are the endpoint's interfaces' (all of them for a regional or private name, one AZ's for a zonal name). The members
the control plane needs to recompute the names after a later ModifyVpcEndpoint (the 8-character suffix, the service's
base name, the private hosted zone) are read back from those names. With private DNS on and no private name among
the entries (a dump that cut them), the service's private name from vpcsim's catalog is added, as AWS creates it.
"""

from __future__ import annotations

from typing import Any

from vpcsim.catalog import find_service, prefix_list_for_service
from vpcsim.importer.batch import Batch, Doc, Source, derived_id, items, need, record, tags_of, without
from vpcsim.model import Record

_ENDPOINT_FILL: Doc = {
    "RouteTableIds": [],
    "SubnetIds": [],
    "Groups": [],
    "NetworkInterfaceIds": [],
    "DnsEntries": [],
    "PrivateDnsEnabled": False,
    "RequesterManaged": False,
}
_VPCE_ZONE_MARK = ".vpce.amazonaws.com"


def vpc_endpoints(batch: Batch, source: Source) -> None:
    for item in items(source, "VpcEndpoints"):
        need(source, item, "VpcEndpointId", "VpcId", "ServiceName", "VpcEndpointType", "State")
        doc = without(item, "Tags")
        doc = doc | {k: v for k, v in _ENDPOINT_FILL.items() if k not in doc}
        doc.setdefault("OwnerId", source.scope.account)
        extra: dict[str, Any] = {}
        if doc["VpcEndpointType"] == "Gateway":
            listed = prefix_list_for_service(source.scope.region, _short(doc["ServiceName"]))
            extra["prefix_list_id"] = listed.prefix_list_id if listed else None
        batch.put(
            record("vpc-endpoint", item["VpcEndpointId"], source.scope, doc, item["VpcId"], tags_of(item), **extra)
        )


def service_configurations(batch: Batch, source: Source) -> None:
    """``describe-vpc-endpoint-service-configurations``: the provider's own endpoint services."""
    for item in items(source, "ServiceConfigurations"):
        need(source, item, "ServiceId", "ServiceName")
        doc = without(item, "Tags")
        batch.put(record("vpc-endpoint-service", item["ServiceId"], source.scope, doc, None, tags_of(item)))


def _short(service_name: str) -> str:
    """``com.amazonaws.us-east-1.s3`` -> ``s3``."""
    parts = service_name.split(".")
    return ".".join(parts[3:]) if len(parts) > 3 else parts[-1]


# -- after every file: the links an endpoint keeps to other records ---------------------------------------------------
def finish_endpoints(batch: Batch) -> None:
    services = {r.doc["ServiceName"]: r.id for r in batch.scan("vpc-endpoint-service")}
    touched = {r.id: r for r in batch.imported("vpc-endpoint")}
    for eni in batch.imported("network-interface"):
        if eni.doc.get("InterfaceType") in ("vpc_endpoint", "gateway_load_balancer_endpoint"):
            owner = _endpoint_of(batch, eni)
            if owner is not None:
                touched.setdefault(owner.id, owner)
    for endpoint in touched.values():
        endpoint = batch.find("vpc-endpoint", endpoint.id) or endpoint
        if endpoint.doc["ServiceName"] in services:
            sid = services[endpoint.doc["ServiceName"]]
            endpoint = endpoint.with_extra(service_id=sid, connection_id=derived_id("vpce-con", endpoint.id))
        if endpoint.doc["VpcEndpointType"] == "Interface":
            endpoint = _with_dns(batch, endpoint)
        batch.amend(endpoint)


def _endpoint_of(batch: Batch, eni: Record) -> Record | None:
    return next(
        (e for e in batch.children("vpc-endpoint", eni.doc["VpcId"]) if eni.id in e.doc["NetworkInterfaceIds"]),
        None,
    )


def _with_dns(batch: Batch, endpoint: Record) -> Record:
    by_zone: dict[str, str] = {}
    for eni_id in endpoint.doc["NetworkInterfaceIds"]:
        eni = batch.find("network-interface", eni_id)
        if eni is not None and eni.doc.get("AvailabilityZone"):
            by_zone[eni.doc["AvailabilityZone"]] = eni.doc["PrivateIpAddress"]
    if len(by_zone) < len(endpoint.doc["NetworkInterfaceIds"]):
        batch.dangle(
            f"{endpoint.id}: some of its network interfaces are in neither the import nor the state; "
            "its names answer only the addresses known"
        )
    service = find_service(endpoint.region, endpoint.doc["ServiceName"], "Interface")
    names = [str(e.get("DnsName") or "") for e in endpoint.doc["DnsEntries"]]
    vpce = [n for n in names if _VPCE_ZONE_MARK in n]
    suffix, base = _suffix_and_base(endpoint.id, vpce[0]) if vpce else (None, None)
    private_dns = service.private_dns_name if service is not None else None
    dns = [_dns_record(endpoint, e, suffix, by_zone) for e in endpoint.doc["DnsEntries"] if e.get("DnsName")]
    dns = _with_private_names(batch, endpoint, dns, private_dns, by_zone)
    private_zone = next((d["HostedZoneId"] for d in dns if d["Private"]), None)
    return endpoint.with_extra(
        dns=dns,
        dns_suffix=suffix or derived_id("", endpoint.id, digits=8).lstrip("-"),
        base_dns=base or (service.base_endpoint_dns_names[0] if service and service.base_endpoint_dns_names else None),
        private_dns=private_dns,
        private_zone=private_zone or derived_id("Z", endpoint.id, digits=20).replace("-", "").upper(),
        wildcard=_short(endpoint.doc["ServiceName"]) == "s3",
    )


def _suffix_and_base(endpoint_id: str, name: str) -> tuple[str | None, str | None]:
    """``vpce-1-abcd1234.sqs.us-east-1.vpce.amazonaws.com`` -> (``abcd1234``, ``sqs.us-east-1.vpce.amazonaws.com``)."""
    bare = name.removeprefix("*.")
    if not bare.startswith(endpoint_id + "-"):
        return None, None
    label, _, base = bare.partition(".")
    return label[len(endpoint_id) + 1 :][:8], base


def _dns_record(endpoint: Record, entry: Doc, suffix: str | None, by_zone: dict[str, str]) -> dict[str, Any]:
    name = str(entry["DnsName"]).lower()
    label = name.removeprefix("*.").partition(".")[0]
    zone = None
    if suffix and label.startswith(f"{endpoint.id}-{suffix}-"):
        zone = label[len(f"{endpoint.id}-{suffix}-") :]
    private = _VPCE_ZONE_MARK not in name
    addresses = [by_zone[zone]] if zone in by_zone else ([] if zone else list(by_zone.values()))
    return {
        "Name": name,
        "HostedZoneId": entry.get("HostedZoneId") or "",
        "Private": private,
        "Zone": zone,
        "Addresses": addresses,
    }


def _with_private_names(
    batch: Batch, endpoint: Record, dns: list[dict[str, Any]], private_dns: str | None, by_zone: dict[str, str]
) -> list[dict[str, Any]]:
    if not (endpoint.doc.get("PrivateDnsEnabled") and private_dns):
        return dns
    wanted = [private_dns[2:], private_dns] if private_dns.startswith("*.") else [private_dns]
    have = {d["Name"] for d in dns}
    missing = [n for n in wanted if n.lower() not in have]
    listed = any(d["Private"] for d in dns)  # S3's apex beside a listed wildcard is AWS's own, not an assumption
    zone = next((d["HostedZoneId"] for d in dns if d["Private"]), "")
    for name in missing:
        dns.append(
            {
                "Name": name.lower(),
                "HostedZoneId": zone,
                "Private": True,
                "Zone": None,
                "Addresses": list(by_zone.values()),
            }
        )
    if missing and not listed:
        batch.assume(
            f"{endpoint.id}: private DNS is on and its DnsEntries list no private name: "
            f"{', '.join(missing)} answered from the VPC, as AWS does"
        )
    return dns
