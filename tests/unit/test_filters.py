"""Describe filters over every EC2 operation vpcsim answers, in process: every documented name is accepted, the
names derived from the output shape (``core.filter_names``) find the items they describe, invented names are
refused. The world below holds at least one resource of every kind a Describe lists."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import Any

import pytest
from botocore.model import StructureShape

import vpcsim.control
from vpcsim.catalog.images import public_images
from vpcsim.control import Control
from vpcsim.control.core.describe import Listing, values_at
from vpcsim.control.core.filter_names import derived, documented, item_shape, kebab, operation_for
from vpcsim.errors import ApiError
from vpcsim.model import IdFactory
from vpcsim.protocol import load_service
from vpcsim.store import MemoryBackend, Store

ACCOUNT, PEER = "111122223333", "444455556666"
REGION = "us-east-1"


# Describe calls whose answer vpcsim always leaves empty, and why (their filters are still checked by name).
NEVER_LISTS = {"DescribeIpv6Pools": "vpcsim models no BYOIP IPv6 pools (no ProvisionByoipCidr)"}


class World:
    """One account's network with a resource of every kind, built through the control plane."""

    def __init__(self) -> None:
        self.control = Control(Store(MemoryBackend()), IdFactory(11))
        self.ids: dict[str, str] = {}
        self._network()
        self._services()
        self._transit()

    def ec2(self, operation: str, account: str = ACCOUNT, **params: Any) -> Any:
        principal = f"arn:aws:iam::{account}:root"  # what the wire gives a 12-digit access key
        return self.control.handle(
            "ec2", operation, params, account=account, region=REGION, request_id="t", principal=principal
        )

    def _network(self) -> None:
        vpc = self.ids["vpc"] = self.ec2("CreateVpc", CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        self.ec2("CreateTags", Resources=[vpc], Tags=[{"Key": "Name", "Value": "app"}])
        subnets = [
            self.ec2("CreateSubnet", VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{z}")["Subnet"][
                "SubnetId"
            ]
            for i, z in ((1, "a"), (2, "b"))
        ]
        self.ids["subnet"] = subnets[0]
        igw = self.ec2("CreateInternetGateway")["InternetGateway"]["InternetGatewayId"]
        self.ec2("AttachInternetGateway", InternetGatewayId=igw, VpcId=vpc)
        allocation = self.ec2("AllocateAddress", Domain="vpc")["AllocationId"]
        self.ec2("CreateNatGateway", SubnetId=subnets[0], AllocationId=allocation)
        self.ec2("CreateNetworkInterface", SubnetId=subnets[1], Description="spare")
        # A real image of the Region (RunInstances refuses unknown ones, as AWS does).
        image = next(i["ImageId"] for i in public_images(REGION) if i["Architecture"] == "x86_64")
        instance = self.ec2(
            "RunInstances", ImageId=image, InstanceType="t2.micro", MinCount=1, MaxCount=1, SubnetId=subnets[0]
        )
        self.ids["instance"] = instance["Instances"][0]["InstanceId"]
        self.ec2("CreateKeyPair", KeyName="deploy", KeyType="ed25519")
        self.ec2("CreateImage", InstanceId=self.ids["instance"], Name="golden")  # an image and its snapshot
        self.ec2("CreateManagedPrefixList", PrefixListName="office", MaxEntries=5, AddressFamily="IPv4")
        peer_vpc = self.ec2("CreateVpc", account=PEER, CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        self.ec2("CreateVpcPeeringConnection", VpcId=vpc, PeerVpcId=peer_vpc, PeerOwnerId=PEER)
        self.ec2("CreateVpcEndpoint", VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3")
        self.ec2("CreateNetworkInsightsPath", Source=self.ids["instance"], DestinationIp="10.0.2.10", Protocol="tcp")
        path = self.ec2("DescribeNetworkInsightsPaths")["NetworkInsightsPaths"][0]["NetworkInsightsPathId"]
        self.ec2("StartNetworkInsightsAnalysis", NetworkInsightsPathId=path)
        self.subnets = subnets

    def _services(self) -> None:
        elbv2 = self.control.handle(
            "elasticloadbalancing",
            "CreateLoadBalancer",
            {"Name": "nlb", "Type": "network", "Scheme": "internal", "Subnets": self.subnets},
            account=ACCOUNT,
            region=REGION,
            request_id="t",
        )
        arn = elbv2["LoadBalancers"][0]["LoadBalancerArn"]
        service = self.ec2("CreateVpcEndpointServiceConfiguration", NetworkLoadBalancerArns=[arn])
        sid = self.ids["service"] = service["ServiceConfiguration"]["ServiceId"]
        self.ec2(
            "ModifyVpcEndpointServicePermissions", ServiceId=sid, AddAllowedPrincipals=[f"arn:aws:iam::{PEER}:root"]
        )
        self.ec2(
            "CreateVpcEndpointConnectionNotification",
            ServiceId=sid,
            ConnectionNotificationArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:events",
            ConnectionEvents=["Accept"],
        )
        peer_vpc = self.ec2("DescribeVpcs", account=PEER)["Vpcs"][-1]["VpcId"]
        zone_id = service["ServiceConfiguration"]["AvailabilityZoneIds"][0]  # the consumer meets it by zone id
        peer_subnet = self.ec2(
            "CreateSubnet", account=PEER, VpcId=peer_vpc, CidrBlock="10.9.1.0/24", AvailabilityZoneId=zone_id
        )["Subnet"]["SubnetId"]
        self.ec2(
            "CreateVpcEndpoint",
            account=PEER,
            VpcId=peer_vpc,
            ServiceName=service["ServiceConfiguration"]["ServiceName"],
            VpcEndpointType="Interface",
            SubnetIds=[peer_subnet],
        )

    def _transit(self) -> None:
        tgw = self.ec2("CreateTransitGateway")["TransitGateway"]["TransitGatewayId"]
        self.ec2(
            "CreateTransitGatewayVpcAttachment", TransitGatewayId=tgw, VpcId=self.ids["vpc"], SubnetIds=self.subnets[:1]
        )
        other = self.ec2("CreateTransitGateway")["TransitGateway"]["TransitGatewayId"]
        self.ec2(
            "CreateTransitGatewayPeeringAttachment",
            TransitGatewayId=tgw,
            PeerTransitGatewayId=other,
            PeerAccountId=ACCOUNT,
            PeerRegion=REGION,
        )
        table = self.ec2("DescribeTransitGatewayRouteTables")["TransitGatewayRouteTables"][0]
        self.ids["tgw-table"] = table["TransitGatewayRouteTableId"]
        self._edges()

    def _edges(self) -> None:
        """The ways out of the VPC other than its internet gateway, and a flow log."""
        vpc = self.ids["vpc"]
        self.ec2("CreateCustomerGateway", Type="ipsec.1", BgpAsn=65000, IpAddress="203.0.113.10")
        gateway = self.ec2("CreateVpnGateway", Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
        self.ec2("AttachVpnGateway", VpnGatewayId=gateway, VpcId=vpc)
        self.ec2("CreateEgressOnlyInternetGateway", VpcId=vpc)
        self._iam()
        self.ec2(
            "CreateFlowLogs",
            ResourceIds=[vpc],
            ResourceType="VPC",
            TrafficType="ALL",
            LogDestinationType="cloud-watch-logs",
            LogGroupName="flows",
            DeliverLogsPermissionArn=f"arn:aws:iam::{ACCOUNT}:role/flow-logs",
        )

    def _iam(self) -> None:
        """A role the flow logs service may assume, and an instance profile on the instance."""
        trust = '{"Statement": [{"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, '
        trust += '"Action": "sts:AssumeRole"}]}'
        iam = {"account": ACCOUNT, "region": REGION, "request_id": "t"}
        self.control.handle("iam", "CreateRole", {"RoleName": "flow-logs", "AssumeRolePolicyDocument": trust}, **iam)
        self.control.handle("iam", "CreateInstanceProfile", {"InstanceProfileName": "app"}, **iam)
        profile = {"Name": "app"}
        self.ec2("AssociateIamInstanceProfile", InstanceId=self.ids["instance"], IamInstanceProfile=profile)

    def required(self, operation: str) -> dict[str, Any]:
        """Parameters an operation cannot be called without."""
        table = {"TransitGatewayRouteTableId": self.ids["tgw-table"]}
        return {
            "GetSecurityGroupsForVpc": {"VpcId": self.ids["vpc"]},
            "DescribeVpcEndpointServicePermissions": {"ServiceId": self.ids["service"]},
            "GetTransitGatewayRouteTableAssociations": table,
            "GetTransitGatewayRouteTablePropagations": table,
            "SearchTransitGatewayRoutes": table,
        }.get(operation, {})


@pytest.fixture(scope="module")
def world() -> World:
    return World()


@cache
def _listings() -> tuple[tuple[str, Listing], ...]:
    """Every Listing the control plane declares, with its module."""
    found: list[tuple[str, Listing]] = []
    for info in pkgutil.walk_packages(vpcsim.control.__path__, "vpcsim.control."):
        module = importlib.import_module(info.name)
        found += [(info.name, v) for v in vars(module).values() if isinstance(v, Listing)]
    return tuple(found)


TABLE = Control(Store(MemoryBackend()), IdFactory(1)).operations


def _filtered_operations() -> list[tuple[str, str]]:
    """Every EC2 operation vpcsim answers that takes filters, with its input member (Filters or Filter)."""
    service = load_service("ec2")
    found = []
    for operation in TABLE.for_scope("ec2"):
        model = service.find_operation(operation.name)
        members = model.input_shape.members if model is not None and model.input_shape is not None else {}
        key = "Filters" if "Filters" in members else "Filter" if "Filter" in members else None
        if key is not None:
            found.append((operation.name, key))
    return found


OPERATIONS = _filtered_operations()


def _call(world: World, operation: str, key: str, filters: list[dict[str, Any]]) -> Any:
    return world.ec2(operation, **world.required(operation), **({key: filters} if filters else {}))


def _refused(world: World, operation: str, key: str, name: str) -> bool:
    try:
        _call(world, operation, key, [{"Name": name, "Values": ["x"]}])
    except ApiError as error:
        return error.code == "InvalidParameterValue" and f"'{name}'" in error.message
    return False


def test_the_operations_with_filters_are_found() -> None:
    names = {name for name, _ in OPERATIONS}
    assert {"DescribeVpcs", "DescribeSubnets", "DescribeInstances", "DescribeNatGateways"} <= names


@pytest.mark.parametrize(("operation", "key"), OPERATIONS)
def test_every_documented_filter_is_accepted(world: World, operation: str, key: str) -> None:
    names = [n.replace("<key>", "Name") for n in documented(operation)]
    refused = [n for n in names if _refused(world, operation, key, n)]
    assert refused == [], f"{operation} refuses documented filters"


@pytest.mark.parametrize(("operation", "key"), OPERATIONS)
def test_invented_names_are_refused(world: World, operation: str, key: str) -> None:
    for name in ("no-such-filter", "vpcsim.invented", "cidrBlocks", "Cidr-Block"):
        assert _refused(world, operation, key, name), f"{operation} accepted {name}"


def _page_member(operation: str) -> str | None:
    """The page member of the Listing that answers ``operation`` in its handler's module, if one does."""
    model = load_service("ec2").find_operation(operation)
    found = TABLE.find("ec2", operation)
    assert model is not None and found is not None
    mine = [x for module, x in _listings() if module == found.module]
    return next((x.page_member for x in mine if item_shape(model, x.page_member) is not None), None)


def _path_to(shape: StructureShape, name: str) -> tuple[str, ...] | None:
    """The member path from an output shape to the list ``name`` (through nested lists of structures)."""
    if name in shape.members:
        return (name,)
    for member, inner in shape.members.items():
        inner = inner.member if inner.type_name == "list" else inner  # type: ignore[attr-defined]
        if isinstance(inner, StructureShape):
            deeper = _path_to(inner, name)
            if deeper is not None:
                return (member, *deeper)
    return None


def _text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


@pytest.mark.parametrize(("operation", "key"), OPERATIONS)
def test_derived_names_find_the_items_they_describe(world: World, operation: str, key: str) -> None:
    page = _page_member(operation)
    if page is None:
        pytest.skip(f"{operation} lists nothing a Listing pages")
    if operation in NEVER_LISTS:
        pytest.skip(f"{operation}: {NEVER_LISTS[operation]}")
    model = load_service("ec2").find_operation(operation)
    assert model is not None and isinstance(model.output_shape, StructureShape)
    path = _path_to(model.output_shape, page)
    assert path is not None
    items = values_at(_call(world, operation, key, []), path)
    assert items, f"the world has nothing {operation} lists"
    explicit = set().union(*(x.filters for _, x in _listings() if x.page_member == page))
    checked = 0
    for item in items[:2]:
        for name, paths in derived(operation, page).paths.items():
            values = [v for p in paths for v in values_at(item, p) if isinstance(v, (str, int, bool)) and v != ""]
            if name in explicit or not values:
                continue  # documented names keep their own meaning
            found = values_at(_call(world, operation, key, [{"Name": name, "Values": [_text(values[0])]}]), path)
            assert item in found, f"{operation} {name}={values[0]!r} does not find its item"
            checked += 1
    assert checked > 0


def test_vpcs_by_cidr_every_way_aws_accepts(world: World) -> None:
    def vpcs(name: str, value: str) -> list[str]:
        return [v["VpcId"] for v in world.ec2("DescribeVpcs", Filters=[{"Name": name, "Values": [value]}])["Vpcs"]]

    mine = [world.ids["vpc"]]
    for name in ("cidr", "cidr-block", "cidrBlock", "cidr-block-association.cidr-block"):
        assert vpcs(name, "10.0.0.0/16") == mine and vpcs(name, "10.0.*") == mine and vpcs(name, "10.1.0.0/16") == []
    assert world.ids["vpc"] not in vpcs("isDefault", "true") and world.ids["vpc"] in vpcs("is-default", "false")
    assert vpcs("is-default", "true") == vpcs("isDefault", "true") != []
    assert vpcs("tag:Name", "a?p") == mine and vpcs("tag-key", "Na*") == mine and vpcs("tag-value", "app") == mine


def test_subnets_by_zone_and_default_every_way(world: World) -> None:
    def subnets(name: str, value: str) -> set[str]:
        found = world.ec2("DescribeSubnets", Filters=[{"Name": name, "Values": [value]}])["Subnets"]
        return {s["SubnetId"] for s in found}

    assert subnets("availabilityZone", "us-east-1a") == subnets("availability-zone", "us-east-1a")
    assert world.ids["subnet"] in subnets("availabilityZone", "us-east-1a")
    assert subnets("defaultForAz", "true") == subnets("default-for-az", "true") != set()
    assert world.ids["subnet"] in subnets("default-for-az", "false")


def test_zones_and_regions_carry_no_tags(world: World) -> None:
    for operation in ("DescribeAvailabilityZones", "DescribeRegions"):
        with pytest.raises(ApiError) as excinfo:
            world.ec2(operation, Filters=[{"Name": "tag:Name", "Values": ["x"]}])
        assert excinfo.value.code == "InvalidParameterValue"


def test_every_listing_has_an_operation_whose_items_derive_names() -> None:
    service = load_service("ec2")
    answered = {name for name, _ in OPERATIONS}
    for _, listing in _listings():
        operations = [
            name
            for name in answered
            if (model := service.find_operation(name)) and item_shape(model, listing.page_member) is not None
        ]
        assert operations, listing.page_member
        assert any(derived(o, listing.page_member).paths for o in operations), listing.page_member
    assert operation_for("Vpcs") == "DescribeVpcs" and operation_for("InstanceStatuses") == "DescribeInstanceStatus"


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("cidrBlock", "cidr-block"),
        ("isDefault", "is-default"),
        ("ipv6CidrBlockAssociationSet", "ipv6-cidr-block-association-set"),
        ("enableResourceNameDnsAAAARecord", "enable-resource-name-dns-aaaa-record"),
        ("enableDns64", "enable-dns64"),
        ("vpcId", "vpc-id"),
    ],
)
def test_kebab_case(wire: str, expected: str) -> None:
    assert kebab(wire) == expected
