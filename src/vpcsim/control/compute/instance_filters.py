"""The documented filters of DescribeInstances and DescribeInstanceStatus whose names the output shape does not give.

Most documented names are the kebab-case paths of the described members and are answered by ``core.filter_names``
(``architecture``, ``metadata-options.http-tokens``, ``network-interface.mac-address``, ...). These are the ones
AWS names otherwise (botocore's EC2 model documentation of each operation's ``Filters``), each with the member it
reads. A documented filter on a member vpcsim does not describe (a requester id, a Local Zone's carrier IP) matches
nothing, as AWS answers for an instance without that property; it is never ``InvalidParameterValue``.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.describe import Extract, member
from vpcsim.model import Record

_NICS = "NetworkInterfaces"
_ADDRESSES = (_NICS, "PrivateIpAddresses")


def _nics_of(record: Record, value: Any) -> list[Any]:
    """``value`` once per network interface of the instance (what every one of its attachments says)."""
    return [value for _ in record.doc.get(_NICS, [])]


def _check(part: str, name: str) -> Extract:
    """A status check's detail by name: ``instance-status.reachability`` is InstanceStatus.Details[reachability]."""
    return lambda r: [d["Status"] for d in (r.doc.get(part) or {}).get("Details", []) if d.get("Name") == name]


INSTANCES: dict[str, Extract] = {
    "affinity": member("Placement", "Affinity"),
    "availability-zone-id": member("Placement", "AvailabilityZoneId"),
    "block-device-mapping.attach-time": member("BlockDeviceMappings", "Ebs", "AttachTime"),
    "block-device-mapping.delete-on-termination": member("BlockDeviceMappings", "Ebs", "DeleteOnTermination"),
    "block-device-mapping.status": member("BlockDeviceMappings", "Ebs", "Status"),
    "block-device-mapping.volume-id": member("BlockDeviceMappings", "Ebs", "VolumeId"),
    "host-id": member("Placement", "HostId"),
    "launch-index": member("AmiLaunchIndex"),
    "metadata-options.http-protocol-ipv4": member("MetadataOptions", "HttpProtocolIpv4"),
    "monitoring-state": member("Monitoring", "State"),
    "network-interface.addresses.association.allocation-id": member(*_ADDRESSES, "Association", "AllocationId"),
    "network-interface.addresses.association.association-id": member(*_ADDRESSES, "Association", "AssociationId"),
    "network-interface.addresses.association.carrier-ip": member(*_ADDRESSES, "Association", "CarrierIp"),
    "network-interface.addresses.association.customer-owned-ip": member(*_ADDRESSES, "Association", "CustomerOwnedIp"),
    "network-interface.addresses.association.ip-owner-id": member(*_ADDRESSES, "Association", "IpOwnerId"),
    "network-interface.addresses.association.public-dns-name": member(*_ADDRESSES, "Association", "PublicDnsName"),
    "network-interface.addresses.association.public-ip": member(*_ADDRESSES, "Association", "PublicIp"),
    "network-interface.addresses.primary": member(*_ADDRESSES, "Primary"),
    "network-interface.addresses.private-dns-name": member(*_ADDRESSES, "PrivateDnsName"),
    "network-interface.association.allocation-id": member(_NICS, "Association", "AllocationId"),
    "network-interface.association.association-id": member(_NICS, "Association", "AssociationId"),
    "network-interface.attachment.instance-id": lambda r: _nics_of(r, r.id),
    "network-interface.attachment.instance-owner-id": lambda r: _nics_of(r, r.account),
    "network-interface.availability-zone": lambda r: _nics_of(r, r.doc.get("Placement", {}).get("AvailabilityZone")),
    "network-interface.deny-all-igw-traffic": member(_NICS, "DenyAllIgwTraffic"),
    "network-interface.group-id": member(_NICS, "Groups", "GroupId"),
    "network-interface.group-name": member(_NICS, "Groups", "GroupName"),
    "network-interface.ipv4-prefixes.ipv4-prefix": member(_NICS, "Ipv4Prefixes", "Ipv4Prefix"),
    "network-interface.ipv6-address": member(_NICS, "Ipv6Addresses", "Ipv6Address"),
    "network-interface.ipv6-native": member(_NICS, "Ipv6Native"),
    "network-interface.ipv6-prefixes.ipv6-prefix": member(_NICS, "Ipv6Prefixes", "Ipv6Prefix"),
    "network-interface.outpost-arn": member(_NICS, "OutpostArn"),
    "network-interface.public-dns-name": member(_NICS, "Association", "PublicDnsName"),
    "network-interface.requester-id": member(_NICS, "RequesterId"),
    "network-interface.requester-managed": member(_NICS, "RequesterManaged"),
    "network-interface.tag-key": member(_NICS, "TagSet", "Key"),
    "network-interface.tag-value": member(_NICS, "TagSet", "Value"),
    "placement-group-name": member("Placement", "GroupName"),
    "placement-partition-number": member("Placement", "PartitionNumber"),
    "product-code": member("ProductCodes", "ProductCodeId"),
    "product-code.type": member("ProductCodes", "ProductCodeType"),
    "requester-id": member("RequesterId"),
    "state-reason-code": member("StateReason", "Code"),
    "state-reason-message": member("StateReason", "Message"),
    "tenancy": member("Placement", "Tenancy"),
}

INSTANCE_STATUSES: dict[str, Extract] = {
    "event.code": member("Events", "Code"),
    "event.description": member("Events", "Description"),
    "event.instance-event-id": member("Events", "InstanceEventId"),
    "event.not-after": member("Events", "NotAfter"),
    "event.not-before": member("Events", "NotBefore"),
    "event.not-before-deadline": member("Events", "NotBeforeDeadline"),
    "instance-status.reachability": _check("InstanceStatus", "reachability"),
    "system-status.reachability": _check("SystemStatus", "reachability"),
}
