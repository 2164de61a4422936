"""Every record checked before anything is written: its doc against the shape AWS describes it with (botocore's
model: a string where AWS has a string, a list where AWS has a list, ...), and the values the data plane parses (a
CIDR that is not one, an address that is not one). A recognised output with such a value is bad input like a
truncated file: one error naming the file and the record, and nothing of the import is kept (so that no trace,
describe, price or drawing of the state can fail on it later).

A shape check cannot tell a member missing: botocore's output shapes mark no member required (AWS may leave any out
of an answer). What a record cannot do without, the member the control plane reads with no default, is each
mapper's ``need`` (``batch.need``); tests/unit/test_import_fuzz.py leaves out every member of a real dump's items
and of a Terraform state's attributes in turn."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from ipaddress import ip_address, ip_network
from typing import Any

from botocore.model import Shape

from vpcsim.importer.batch import Batch, ImportFailed, service_model
from vpcsim.model import Record

Check = Callable[[Record], Iterator[tuple[str, Any, str]]]  # (member, value, what it must be)


def _cidr(value: Any) -> bool:
    try:
        ip_network(str(value), strict=False)
    except ValueError:
        return False
    return isinstance(value, str) and "/" in value


def _address(value: Any) -> bool:
    try:
        ip_address(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def _number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    try:
        int(value)
    except (TypeError, ValueError):
        return False
    return True


def _each(record: Record, member: str) -> list[dict[str, Any]]:
    return _each_of(record.doc, member, member)


def _each_of(item: dict[str, Any], member: str, shown: str) -> list[dict[str, Any]]:
    """``item[member]``, a list of objects (none when absent); ``shown``: the member's name in an error."""
    value = item.get(member)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _Bad(shown, value, "a list of objects")
    return value


def is_target(value: Any) -> bool:
    """What a target group's registration names: an instance id or an IP address."""
    return isinstance(value, str) and (value.startswith("i-") or _address(value))


class _Bad(Exception):
    def __init__(self, member: str, value: Any, what: str) -> None:
        super().__init__(member)
        self.member, self.value, self.what = member, value, what


def _vpc(record: Record) -> Iterator[tuple[str, Any, str]]:
    for association in _each(record, "CidrBlockAssociationSet"):
        yield "CidrBlockAssociationSet.CidrBlock", association.get("CidrBlock"), "cidr"
    for association in _each(record, "Ipv6CidrBlockAssociationSet"):
        yield "Ipv6CidrBlockAssociationSet.Ipv6CidrBlock", association.get("Ipv6CidrBlock"), "cidr"


def _subnet(record: Record) -> Iterator[tuple[str, Any, str]]:
    yield "CidrBlock", record.doc.get("CidrBlock"), "cidr"
    yield "AvailabilityZone", record.doc.get("AvailabilityZone"), "text"


def _routes(record: Record) -> Iterator[tuple[str, Any, str]]:
    for route in _each(record, "Routes"):
        for member in ("DestinationCidrBlock", "DestinationIpv6CidrBlock"):
            if member in route:
                yield f"Routes.{member}", route[member], "cidr"
    _each(record, "Associations")
    for propagating in _each(record, "PropagatingVgws"):
        yield "PropagatingVgws.GatewayId", propagating.get("GatewayId"), "text"


def _dhcp_options(record: Record) -> Iterator[tuple[str, Any, str]]:
    """Each configuration's key and values; a name server is an address or AmazonProvidedDNS."""
    for configuration in _each(record, "DhcpConfigurations"):
        key = configuration.get("Key")
        yield "DhcpConfigurations.Key", key, "text"
        for value in _each_of(configuration, "Values", "DhcpConfigurations.Values"):
            what = "name server" if key == "domain-name-servers" else "text"
            yield "DhcpConfigurations.Values.Value", value.get("Value"), what


def _endpoint(record: Record) -> Iterator[tuple[str, Any, str]]:
    for group in _each(record, "Groups"):
        yield "Groups.GroupId", group.get("GroupId"), "text"
    for member in ("RouteTableIds", "NetworkInterfaceIds", "SubnetIds"):
        for value in record.doc.get(member) or []:
            yield member, value, "text"


def _load_balancer(record: Record) -> Iterator[tuple[str, Any, str]]:
    state = record.doc.get("State")
    yield "State.Code", state.get("Code") if isinstance(state, dict) else state, "text"
    yield "Type", record.doc.get("Type"), "text"


def _vpn_gateway(record: Record) -> Iterator[tuple[str, Any, str]]:
    for attachment in _each(record, "VpcAttachments"):
        yield "VpcAttachments.VpcId", attachment.get("VpcId"), "text"


def _acl(record: Record) -> Iterator[tuple[str, Any, str]]:
    _each(record, "Associations")
    for entry in _each(record, "Entries"):
        yield "Entries.RuleNumber", entry.get("RuleNumber"), "number"
        yield "Entries.Protocol", entry.get("Protocol"), "text"
        yield "Entries.RuleAction", entry.get("RuleAction"), "text"
        yield "Entries.Egress", entry.get("Egress"), "flag"
        for member in ("CidrBlock", "Ipv6CidrBlock"):
            if member in entry:
                yield f"Entries.{member}", entry[member], "cidr"
        for bound in ("From", "To"):
            if (entry.get("PortRange") or {}).get(bound) is not None:
                yield f"Entries.PortRange.{bound}", entry["PortRange"][bound], "number"


def _gateway(record: Record) -> Iterator[tuple[str, Any, str]]:
    """An internet or egress-only internet gateway: each attachment names its VPC (routes to it are checked by it)."""
    for attachment in _each(record, "Attachments"):
        yield "Attachments.VpcId", attachment.get("VpcId"), "text"


def _rule(record: Record) -> Iterator[tuple[str, Any, str]]:
    for member in ("FromPort", "ToPort"):
        yield member, record.doc.get(member, -1), "number"
    for member in ("CidrIpv4", "CidrIpv6"):
        if member in record.doc:
            yield member, record.doc[member], "cidr"


def _interface(record: Record) -> Iterator[tuple[str, Any, str]]:
    if not _each(record, "PrivateIpAddresses") and not _each(record, "Ipv6Addresses"):
        raise _Bad("PrivateIpAddresses", record.doc.get("PrivateIpAddresses"), "a list holding its primary address")
    for item in _each(record, "PrivateIpAddresses"):
        yield "PrivateIpAddresses.PrivateIpAddress", item.get("PrivateIpAddress"), "address"
    for group in _each(record, "Groups"):
        yield "Groups.GroupId", group.get("GroupId"), "text"
    for item in _each(record, "Ipv6Addresses"):
        yield "Ipv6Addresses.Ipv6Address", item.get("Ipv6Address"), "address"
    association = record.doc.get("Association")
    if isinstance(association, dict) and association.get("PublicIp") is not None:
        yield "Association.PublicIp", association["PublicIp"], "address"
    yield "SubnetId", record.doc.get("SubnetId"), "text"


def _elastic_ip(record: Record) -> Iterator[tuple[str, Any, str]]:
    for member in ("PublicIp", "PrivateIpAddress"):
        if record.doc.get(member) is not None:
            yield member, record.doc[member], "address"


def _nat(record: Record) -> Iterator[tuple[str, Any, str]]:
    for item in _each(record, "NatGatewayAddresses"):
        if "PrivateIp" in item:
            yield "NatGatewayAddresses.PrivateIp", item["PrivateIp"], "address"


def _instance(record: Record) -> Iterator[tuple[str, Any, str]]:
    state = record.doc.get("State")
    yield "State.Name", state.get("Name") if isinstance(state, dict) else state, "text"


def _resolver_rule(record: Record) -> Iterator[tuple[str, Any, str]]:
    for target in _each(record, "TargetIps"):
        if "Ip" in target:
            yield "TargetIps.Ip", target["Ip"], "address"


def _resolver_endpoint(record: Record) -> Iterator[tuple[str, Any, str]]:
    for address in record.extra.get("addresses") or []:
        if address.get("Ip") is not None:
            yield "IpAddresses.Ip", address["Ip"], "address"


def _tgw_table(record: Record) -> Iterator[tuple[str, Any, str]]:
    for static in record.extra.get("static") or []:
        yield "routes.DestinationCidrBlock", static.get("DestinationCidrBlock"), "cidr"
        if "TransitGatewayAttachmentId" in static:
            yield "routes.TransitGatewayAttachmentId", static["TransitGatewayAttachmentId"], "text"
    for attachment in record.extra.get("propagations") or []:
        yield "propagations.TransitGatewayAttachmentId", attachment, "text"


def _target_group(record: Record) -> Iterator[tuple[str, Any, str]]:
    """Registered targets (describe-target-health): an instance id or an IP address, and a port."""
    for target in record.extra.get("targets") or []:
        yield "Target.Id", target.get("Id"), "target"
        yield "Target.Port", target.get("Port"), "number"


def _tgw_attachment(record: Record) -> Iterator[tuple[str, Any, str]]:
    """The route table each gateway associates the attachment with, as the dump's Association says."""
    for table in (record.extra.get("associations") or {}).values():
        yield "Association.TransitGatewayRouteTableId", table, "text"


_CHECKS: dict[str, Check] = {
    "vpc": _vpc,
    "subnet": _subnet,
    "route-table": _routes,
    "network-acl": _acl,
    "internet-gateway": _gateway,
    "vpn-gateway": _vpn_gateway,
    "dhcp-options": _dhcp_options,
    "load-balancer": _load_balancer,
    "vpc-endpoint": _endpoint,
    "egress-only-internet-gateway": _gateway,
    "security-group-rule": _rule,
    "network-interface": _interface,
    "elastic-ip": _elastic_ip,
    "natgateway": _nat,
    "instance": _instance,
    "transit-gateway-route-table": _tgw_table,
    "transit-gateway-attachment": _tgw_attachment,
    "target-group": _target_group,
    "resolver-rule": _resolver_rule,
    "resolver-endpoint": _resolver_endpoint,
}
_VALID: dict[str, Callable[[Any], bool]] = {
    "cidr": _cidr,
    "address": _address,
    "number": _number,
    "text": lambda v: isinstance(v, str) and bool(v),
    "flag": lambda v: isinstance(v, bool),
    "name server": lambda v: v == "AmazonProvidedDNS" or _address(v),
    "target": is_target,
}
_NAMES = {
    "cidr": "a CIDR",
    "address": "an IP address",
    "number": "a number",
    "text": "a non-empty string",
    "flag": "true or false",
    "name server": "an IP address or AmazonProvidedDNS",
    "target": "an instance id or an IP address",
}


# kind -> (botocore service, output shape) of the item its describe call lists.
_SHAPES = {
    "vpc": ("ec2", "Vpc"),
    "subnet": ("ec2", "Subnet"),
    "route-table": ("ec2", "RouteTable"),
    "network-acl": ("ec2", "NetworkAcl"),
    "security-group": ("ec2", "SecurityGroup"),
    "security-group-rule": ("ec2", "SecurityGroupRule"),
    "network-interface": ("ec2", "NetworkInterface"),
    "instance": ("ec2", "Instance"),
    "internet-gateway": ("ec2", "InternetGateway"),
    "natgateway": ("ec2", "NatGateway"),
    "elastic-ip": ("ec2", "Address"),
    "vpc-endpoint": ("ec2", "VpcEndpoint"),
    "vpc-endpoint-service": ("ec2", "ServiceConfiguration"),
    "vpc-peering-connection": ("ec2", "VpcPeeringConnection"),
    "transit-gateway": ("ec2", "TransitGateway"),
    "transit-gateway-route-table": ("ec2", "TransitGatewayRouteTable"),
    "prefix-list": ("ec2", "ManagedPrefixList"),
    "vpc-flow-log": ("ec2", "FlowLog"),
    "customer-gateway": ("ec2", "CustomerGateway"),
    "vpn-gateway": ("ec2", "VpnGateway"),
    "vpn-connection": ("ec2", "VpnConnection"),
    "dhcp-options": ("ec2", "DhcpOptions"),
    "egress-only-internet-gateway": ("ec2", "EgressOnlyInternetGateway"),
    "load-balancer": ("elbv2", "LoadBalancer"),
    "target-group": ("elbv2", "TargetGroup"),
    "listener": ("elbv2", "Listener"),
    "hosted-zone": ("route53", "HostedZone"),
    "dynamodb-table": ("dynamodb", "TableDescription"),
    "volume": ("ec2", "Volume"),
    "image": ("ec2", "Image"),
    "key-pair": ("ec2", "KeyPairInfo"),
    "resolver-endpoint": ("route53resolver", "ResolverEndpoint"),
    "resolver-rule": ("route53resolver", "ResolverRule"),
    "resolver-rule-association": ("route53resolver", "ResolverRuleAssociation"),
}


@cache
def _shape(service: str, name: str) -> Shape:
    return service_model(service).shape_for(name)


def _shape_of(record: Record) -> Shape | None:
    if record.kind == "transit-gateway-attachment":
        doc = record.doc
        name = (
            "TransitGatewayPeeringAttachment" if "RequesterTgwInfo" in doc
            else "TransitGatewayVpcAttachment" if "VpcId" in doc else "TransitGatewayAttachment"
        )  # fmt: skip
        return _shape("ec2", name)
    found = _SHAPES.get(record.kind)
    return _shape(*found) if found else None


_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "double": (int, float),
    "float": (int, float),
    "timestamp": (str, int, float),  # as dumps print them ("2020-05-09 05:01:38+00:00") or epoch seconds
    "structure": (dict,),
    "list": (list,),
    "map": (dict,),
    "blob": (str, bytes),
}


def _typed(value: Any, shape: Shape, path: str) -> Iterator[tuple[str, Any, str]]:
    """Where ``value`` is not of the type ``shape`` says (members the shape does not know are left alone)."""
    wanted = _TYPES.get(shape.type_name, (object,))
    if not isinstance(value, wanted) or (isinstance(value, bool) and bool not in wanted):
        yield path, value, f"a {shape.type_name}"
        return
    if shape.type_name == "structure" and isinstance(value, dict):
        for member, item in value.items():
            if member in shape.members and item is not None:
                yield from _typed(item, shape.members[member], f"{path}.{member}" if path else member)
    elif shape.type_name == "list" and isinstance(value, list):
        for item in value:
            yield from _typed(item, shape.member, path)


# Ids AWS prints empty: a volume made blank, from no snapshot, shows "SnapshotId": "" [EC2API DescribeVolumes].
_MAY_BE_EMPTY = frozenset({("volume", "SnapshotId")})


def _ids(record: Record) -> Iterator[tuple[str, Any, str]]:
    """Every id a record names (``...Id`` members, ``...Ids`` lists) is a non-empty string."""
    for member, value in record.doc.items():
        if (record.kind, member) in _MAY_BE_EMPTY and value == "":
            continue
        if member.endswith("Id") and value is not None:
            yield member, value, "text"
        elif member.endswith("Ids") and value is not None:
            if not isinstance(value, list):
                raise _Bad(member, value, "a list of ids")
            yield from ((member, v, "text") for v in value)
    if record.parent is not None:
        yield "its container", record.parent, "text"


def check(batch: Batch) -> None:
    """Every imported record's parsed values, or ``ImportFailed`` naming the file the record came from."""
    for kind, records in batch.records.items():
        for record in records.values():
            try:
                shape = _shape_of(record)
                mistyped = next(_typed(record.doc, shape, ""), None) if shape is not None else None
                if mistyped is not None:
                    raise _Bad(mistyped[0], mistyped[1], f"{mistyped[2]}, as AWS describes it")
                for member, value, what in (*_ids(record), *_CHECKS.get(kind, _nothing)(record)):
                    if not _VALID[what](value):
                        raise _Bad(member, value, _NAMES[what])
            except _Bad as bad:
                where = _origin(batch, record)
                raise ImportFailed(f"{where}: {record.id}: {bad.member} {bad.value!r} is not {bad.what}") from None
    _same_vpc_as_subnet(batch)


def _same_vpc_as_subnet(batch: Batch) -> None:
    """What sits in a subnet is in the subnet's VPC (AWS derives one from the other; the data plane looks the VPC up
    by the record's own VpcId)."""
    for kind in ("network-interface", "instance", "natgateway"):
        for record in batch.records.get(kind, {}).values():
            vpc_id, subnet_id = record.doc.get("VpcId"), record.doc.get("SubnetId")
            subnet = batch.find("subnet", str(subnet_id)) if vpc_id and subnet_id else None
            if subnet is not None and subnet.doc.get("VpcId") != vpc_id:
                raise ImportFailed(
                    f"{_origin(batch, record)}: {record.id}: VpcId {vpc_id!r} is not the VPC of its subnet {subnet_id} "
                    f"({subnet.doc.get('VpcId')})"
                )


def _origin(batch: Batch, record: Record) -> str:
    """The file that stated ``record``, for an error about it."""
    return batch.origin.get((record.kind, record.id)) or "one of the import's files"


def _nothing(record: Record) -> Iterator[tuple[str, Any, str]]:
    return iter(())
