"""What the control plane keeps beside AWS's shape and the input states only implicitly, derived once every file is
mapped: a subnet's allocated addresses, a VPC's DNS attributes, a NAT gateway's zone and interface.

- A subnet's ``extra["allocated"]`` maps each private address its interfaces hold to the interface (so that the
  control plane never hands one out twice, and ``AvailableIpAddressCount`` is the subnet's size minus AWS's five
  reserved addresses minus these).
- A VPC's DNS attributes are not in ``describe-vpcs``. Unless ``describe-vpc-attribute`` output or Terraform state
  gives them, they are inferred from what AWS allows (named assumption): ``enableDnsSupport`` true (AWS's default);
  ``enableDnsHostnames`` true for a default VPC, or when an interface endpoint in the VPC has private DNS (AWS
  requires both attributes for it), or when an interface in it has a public DNS name (AWS gives one only with DNS
  hostnames on); false otherwise (AWS's default for a VPC a user creates).
- A NAT gateway whose interface the input does not list (Terraform state, a dump without it) gets one rebuilt from
  its ``NatGatewayAddresses`` with the ids recorded there, as AWS makes it (requester-managed, type nat_gateway).
"""

from __future__ import annotations

from typing import Any

from vpcsim.importer.batch import Batch, Doc
from vpcsim.model import Record


def allocations(batch: Batch) -> None:
    touched = {r.id for r in batch.imported("subnet")}
    touched |= {e.doc["SubnetId"] for e in batch.imported("network-interface")}
    held: dict[str, dict[str, str]] = {sid: {} for sid in touched}
    for eni in batch.scan("network-interface"):
        sid = eni.doc.get("SubnetId")
        if sid in held:
            for item in eni.doc.get("PrivateIpAddresses") or []:
                held[sid][str(item["PrivateIpAddress"])] = eni.id
    for sid, allocated in held.items():
        subnet = batch.find("subnet", sid)
        if subnet is not None and subnet.extra.get("allocated") != allocated:
            batch.amend(subnet.with_extra(allocated=allocated))


def dns_attributes(batch: Batch) -> None:
    vpcs = [v for v in batch.imported("vpc") if v.extra.get("attributes_inferred", "attributes" not in v.extra)]
    if not vpcs:
        return
    evidence: dict[str, str] = {}
    for endpoint in batch.scan("vpc-endpoint"):
        if endpoint.doc.get("VpcEndpointType") == "Interface" and endpoint.doc.get("PrivateDnsEnabled"):
            evidence.setdefault(endpoint.doc["VpcId"], f"interface endpoint {endpoint.id} has private DNS")
    for eni in batch.scan("network-interface"):
        if (eni.doc.get("Association") or {}).get("PublicDnsName"):
            evidence.setdefault(eni.doc["VpcId"], f"{eni.id} has a public DNS name")
    for vpc in vpcs:
        why = "it is a default VPC" if vpc.doc.get("IsDefault") else evidence.get(vpc.id)
        attributes = {
            "EnableDnsSupport": True,
            "EnableDnsHostnames": why is not None,
            "EnableNetworkAddressUsageMetrics": False,
        }
        updated = vpc.with_extra(attributes=attributes, attributes_inferred=True)
        if updated != vpc:
            batch.amend(updated)
        hostnames = f"on ({why})" if why else "off (AWS's default)"
        batch.assume(
            f"{vpc.id}: DNS attributes not in the import: DNS support on (AWS's default), DNS hostnames {hostnames}"
        )


def nat_gateways(batch: Batch) -> None:
    for nat in batch.imported("natgateway"):
        subnet = batch.find("subnet", nat.doc["SubnetId"])
        if subnet is not None and nat.extra.get("zone") != subnet.doc["AvailabilityZone"]:
            nat = batch.amend(nat.with_extra(zone=subnet.doc["AvailabilityZone"]))
        addresses = nat.doc.get("NatGatewayAddresses") or []
        first = addresses[0] if addresses else {}
        eni_id = first.get("NetworkInterfaceId")
        if subnet is None or not eni_id or not first.get("PrivateIp") or batch.find("network-interface", eni_id):
            continue
        batch.current = batch.origin.get((nat.kind, nat.id), "")
        batch.put(_nat_interface(nat, subnet, first))
        batch.current = ""
        batch.assume(f"{eni_id}: the interface of {nat.id} is not in the import: rebuilt from its NatGatewayAddresses")


def _nat_interface(nat: Record, subnet: Record, address: Doc) -> Record:
    primary: dict[str, Any] = {"Primary": True, "PrivateIpAddress": address["PrivateIp"]}
    doc: dict[str, Any] = {
        "NetworkInterfaceId": address["NetworkInterfaceId"],
        "SubnetId": subnet.id,
        "VpcId": nat.doc["VpcId"],
        "AvailabilityZone": subnet.doc["AvailabilityZone"],
        "Description": f"Interface for NAT Gateway {nat.id}",
        "Groups": [],
        "InterfaceType": "nat_gateway",
        "Ipv6Addresses": [],
        "OwnerId": subnet.doc.get("OwnerId") or nat.account,
        "PrivateIpAddress": address["PrivateIp"],
        "PrivateIpAddresses": [primary],
        "RequesterManaged": True,
        "SourceDestCheck": False,
        "Status": "in-use",
    }
    if address.get("PublicIp"):
        association = {"IpOwnerId": "amazon", "PublicIp": address["PublicIp"], "PublicDnsName": ""}
        if address.get("AllocationId"):
            association["AllocationId"] = address["AllocationId"]
        doc["Association"] = association
        primary["Association"] = association
    return Record("network-interface", doc["NetworkInterfaceId"], nat.account, nat.region, doc, nat.doc["VpcId"])
