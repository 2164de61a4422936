"""The core VPC operations driven through the real AWS CLI: a success and a refusal for each.

Covered: identity, regions and zones, VPCs, subnets, route tables, internet gateways, Elastic IPs, NAT gateways,
security groups, network ACLs, network interfaces, instances, prefix lists and tags, plus dry runs and pagination.

One scenario per resource family; each test is its own fresh account. boto3 (same account) only sets up what is not
under test and reads state back: after the CLI's successes, to check what they did; around the CLI's refusals, to
prove they changed nothing. Each CLI call costs about half a second of start-up, so each scenario runs in phases of
calls that do not depend on one another, side by side: first the successes (each on its own prepared resource),
then the refusals.
"""

from __future__ import annotations

import base64
import ipaddress
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.api.amis import AMI, EVERYWHERE
from tests.conftest import Cli

MISSING = "0123456789abcdef0"  # well-formed, never allocated
_WORKERS = 12


# -- helpers -----------------------------------------------------------------------------------------------------
def _each(aws: Cli, *calls: tuple[str, ...]) -> list[Any]:
    """Run independent CLI calls side by side (``ec2`` unless the call names ``sts``); each must succeed.

    Their parsed outputs, in order.
    """

    def run(call: tuple[str, ...]) -> Any:
        return aws(*call) if call[0] == "sts" else aws("ec2", *call)

    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        return list(pool.map(run, calls))


def _refused(aws: Cli, *cases: tuple[str, ...]) -> None:
    """Each ``(code, command, *args)`` fails through the CLI with exactly that AWS error code.

    They run side by side: sound because a refused call changes nothing, which every caller checks around them.
    """
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        codes = list(pool.map(lambda case: aws.error("ec2", *case[1:]), cases))
    assert [(case[1:], code) for case, code in zip(cases, codes, strict=True)] == [(c[1:], c[0]) for c in cases]


def _state(ec2: Any) -> dict[str, Any]:
    """Everything the account holds in the region, as the describes show it."""
    calls = {
        "vpcs": ec2.describe_vpcs,
        "subnets": ec2.describe_subnets,
        "route_tables": ec2.describe_route_tables,
        "internet_gateways": ec2.describe_internet_gateways,
        "addresses": ec2.describe_addresses,
        "nat_gateways": ec2.describe_nat_gateways,
        "security_groups": ec2.describe_security_groups,
        "security_group_rules": ec2.describe_security_group_rules,
        "network_acls": ec2.describe_network_acls,
        "network_interfaces": ec2.describe_network_interfaces,
        "instances": ec2.describe_instances,
        "prefix_lists": ec2.describe_managed_prefix_lists,
        "tags": ec2.describe_tags,
    }
    state = {}
    for name, call in calls.items():
        answer = dict(call())
        answer.pop("ResponseMetadata")
        state[name] = answer
    return state


def _settled(ec2: Any) -> dict[str, Any]:
    """The account's state once reading it no longer moves a pending resource on (reads advance lifecycles)."""
    state = _state(ec2)
    for _ in range(3):
        again = _state(ec2)
        if again == state:
            return state
        state = again
    raise AssertionError("the account's state never settled")


def _vpc(ec2: Any, cidr: str = "10.0.0.0/16") -> str:
    return str(ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"])


def _subnet(ec2: Any, vpc_id: str, cidr: str = "10.0.1.0/24") -> str:
    return str(ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"])


def _igw(ec2: Any, vpc_id: str | None = None) -> str:
    gid = str(ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"])
    if vpc_id:
        ec2.attach_internet_gateway(InternetGatewayId=gid, VpcId=vpc_id)
    return gid


def _eni(ec2: Any, subnet_id: str, address: str, **extra: Any) -> str:
    created = ec2.create_network_interface(SubnetId=subnet_id, PrivateIpAddress=address, **extra)
    return str(created["NetworkInterface"]["NetworkInterfaceId"])


def _tag(ec2: Any, resource: str, **tags: str) -> None:
    ec2.create_tags(Resources=[resource], Tags=[{"Key": k, "Value": v} for k, v in tags.items()])


def _tags(resource_type: str, **tags: str) -> str:
    """A --tag-specifications value in the CLI's shorthand."""
    pairs = ",".join(f"{{Key={k},Value={v}}}" for k, v in tags.items())
    return f"ResourceType={resource_type},Tags=[{pairs}]"


def _default_vpc(ec2: Any) -> str:
    (vpc,) = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    return str(vpc["VpcId"])


def _remove_default_vpc(ec2: Any) -> str:
    """Delete the account's default VPC (its subnets and internet gateway first); its id."""
    old = _default_vpc(ec2)
    for gone in ec2.describe_subnets(Filters=_vpc_filter(old))["Subnets"]:
        ec2.delete_subnet(SubnetId=gone["SubnetId"])
    for gateway in ec2.describe_internet_gateways()["InternetGateways"]:
        ec2.detach_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"], VpcId=old)
        ec2.delete_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"])
    ec2.delete_vpc(VpcId=old)
    return old


def _vpc_filter(vpc_id: str) -> list[dict[str, Any]]:
    return [{"Name": "vpc-id", "Values": [vpc_id]}]


# -- identity, regions, zones, dry runs, pagination --------------------------------------------------------------
def test_cli_identity_regions_and_zones(aws: Cli, ec2: Any, account: str) -> None:
    before = _settled(ec2)
    identity, named, zone = _each(
        aws,
        ("sts", "get-caller-identity"),
        ("describe-regions", "--region-names", "eu-west-2", "us-east-1"),
        ("describe-availability-zones", "--zone-ids", "use1-az2"),
    )
    _refused(
        aws,
        ("InvalidParameterValue", "describe-regions", "--region-names", "xx-nowhere-1"),
        ("InvalidParameterValue", "describe-availability-zones", "--zone-names", "us-east-1z"),
    )
    assert _state(ec2) == before
    assert identity == {"UserId": account, "Account": account, "Arn": f"arn:aws:iam::{account}:root"}
    assert sorted(named["Regions"], key=lambda r: r["RegionName"]) == [
        {"Endpoint": "ec2.eu-west-2.amazonaws.com", "RegionName": "eu-west-2", "OptInStatus": "opt-in-not-required"},
        {"Endpoint": "ec2.us-east-1.amazonaws.com", "RegionName": "us-east-1", "OptInStatus": "opt-in-not-required"},
    ]
    mine = {z["ZoneId"]: z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]}
    assert [
        (z["ZoneName"], z["ZoneId"], z["State"], z["RegionName"], z["ZoneType"]) for z in zone["AvailabilityZones"]
    ] == [(mine["use1-az2"], "use1-az2", "available", "us-east-1", "availability-zone")]


def test_cli_dry_run_answers_dry_run_operation_and_changes_nothing(aws: Cli, ec2: Any) -> None:
    before = _settled(ec2)
    _refused(
        aws,
        ("DryRunOperation", "create-vpc", "--cidr-block", "10.0.0.0/16", "--dry-run"),
        ("DryRunOperation", "run-instances", "--image-id", AMI, "--count", "1", "--dry-run"),
        # A dry run of a call that would fail answers that failure, not DryRunOperation.
        ("InvalidVpc.Range", "create-vpc", "--cidr-block", "10.0.0.0/8", "--dry-run"),
    )
    assert _state(ec2) == before


def test_cli_pagination_of_describe_vpcs(aws: Cli, ec2: Any) -> None:
    every = [_default_vpc(ec2), *(_vpc(ec2, f"10.{i}.0.0/16") for i in range(6))]
    first, paged, bounded = _each(
        aws,
        ("describe-vpcs", "--max-items", "3"),
        ("describe-vpcs", "--page-size", "5"),
        ("describe-vpcs", "--page-size", "5", "--max-items", "5"),
    )
    assert [v["VpcId"] for v in first["Vpcs"]] == every[:3]
    # Pages of five: the CLI follows the server's NextToken to the end.
    assert [v["VpcId"] for v in paged["Vpcs"]] == every and "NextToken" not in paged
    # Stopping on a page boundary leaves the server's own token, untruncated: the server honoured MaxResults.
    assert [v["VpcId"] for v in bounded["Vpcs"]] == every[:5]
    assert set(json.loads(base64.b64decode(bounded["NextToken"]))) == {"NextToken"}
    rest, after = _each(
        aws,
        ("describe-vpcs", "--starting-token", first["NextToken"]),
        ("describe-vpcs", "--page-size", "5", "--starting-token", bounded["NextToken"]),
    )
    assert [v["VpcId"] for v in rest["Vpcs"]] == every[3:] and "NextToken" not in rest
    assert [v["VpcId"] for v in after["Vpcs"]] == every[5:] and "NextToken" not in after


# -- VPCs --------------------------------------------------------------------------------------------------------
def test_cli_vpcs_attributes_and_cidr_blocks(aws: Cli, ec2: Any, account: str) -> None:
    changed = _vpc(ec2, "10.1.0.0/16")  # gets DNS hostnames and a secondary CIDR
    busy = _vpc(ec2, "10.3.0.0/16")  # holds a subnet, has DNS hostnames on, loses its secondary CIDR
    doomed = _vpc(ec2, "10.5.0.0/16")
    _tag(ec2, busy, Name="busy")
    ec2.modify_vpc_attribute(VpcId=busy, EnableDnsHostnames={"Value": True})
    secondary = ec2.associate_vpc_cidr_block(VpcId=busy, CidrBlock="10.4.0.0/16")["CidrBlockAssociation"]
    _subnet(ec2, busy, "10.3.1.0/24")
    primary = ec2.describe_vpcs(VpcIds=[busy])["Vpcs"][0]["CidrBlockAssociationSet"][0]["AssociationId"]

    created, by_id, by_filter, hostnames, modified, added, removed, deleted = _each(
        aws,
        ("create-vpc", "--cidr-block", "10.0.0.0/16", "--tag-specifications", _tags("vpc", Name="core")),
        ("describe-vpcs", "--vpc-ids", busy),
        ("describe-vpcs", "--filters", "Name=tag:Name,Values=busy", "Name=is-default,Values=false"),
        ("describe-vpc-attribute", "--vpc-id", busy, "--attribute", "enableDnsHostnames"),
        ("modify-vpc-attribute", "--vpc-id", changed, "--enable-dns-hostnames"),
        ("associate-vpc-cidr-block", "--vpc-id", changed, "--cidr-block", "10.2.0.0/16"),
        ("disassociate-vpc-cidr-block", "--association-id", secondary["AssociationId"]),
        ("delete-vpc", "--vpc-id", doomed),
    )
    vpc = created["Vpc"]
    vpc_id = vpc["VpcId"]
    assert vpc_id.startswith("vpc-") and len(vpc_id) == 21
    assert (vpc["CidrBlock"], vpc["State"], vpc["IsDefault"], vpc["OwnerId"]) == (
        "10.0.0.0/16",
        "pending",
        False,
        account,
    )
    assert vpc["Tags"] == [{"Key": "Name", "Value": "core"}]
    assert [(a["CidrBlock"], a["CidrBlockState"]) for a in vpc["CidrBlockAssociationSet"]] == [
        ("10.0.0.0/16", {"State": "associated"})
    ]
    assert [(v["VpcId"], v["CidrBlock"], v["State"], v["Tags"]) for v in by_id["Vpcs"]] == [
        (busy, "10.3.0.0/16", "available", [{"Key": "Name", "Value": "busy"}])
    ]
    assert [v["VpcId"] for v in by_filter["Vpcs"]] == [busy]
    assert hostnames == {"VpcId": busy, "EnableDnsHostnames": {"Value": True}}
    assert modified == {} and deleted == {}
    assert ec2.describe_vpc_attribute(VpcId=changed, Attribute="enableDnsHostnames")["EnableDnsHostnames"] == {
        "Value": True
    }
    association = added["CidrBlockAssociation"]
    assert added["VpcId"] == changed and association["AssociationId"].startswith("vpc-cidr-assoc-")
    assert association["CidrBlock"] == "10.2.0.0/16"
    assert removed == {
        "VpcId": busy,
        "CidrBlockAssociation": {
            "AssociationId": secondary["AssociationId"],
            "CidrBlock": "10.4.0.0/16",
            "CidrBlockState": {"State": "disassociating"},
        },
    }
    cidrs = {
        v["VpcId"]: [
            a["CidrBlock"] for a in v["CidrBlockAssociationSet"] if a["CidrBlockState"]["State"] == "associated"
        ]
        for v in ec2.describe_vpcs()["Vpcs"]
    }
    assert cidrs == {
        _default_vpc(ec2): ["172.31.0.0/16"],
        changed: ["10.1.0.0/16", "10.2.0.0/16"],
        busy: ["10.3.0.0/16"],
        vpc_id: ["10.0.0.0/16"],
    }  # and the deleted VPC is gone

    before = _settled(ec2)
    _refused(
        aws,
        ("InvalidVpc.Range", "create-vpc", "--cidr-block", "10.0.0.0/8"),
        ("InvalidVpcID.NotFound", "describe-vpcs", "--vpc-ids", f"vpc-{MISSING}"),
        ("InvalidParameterValue", "describe-vpc-attribute", "--vpc-id", busy, "--attribute", "colour"),
        # DNS hostnames are on, so DNS support cannot be switched off.
        ("InvalidParameterValue", "modify-vpc-attribute", "--vpc-id", busy, "--no-enable-dns-support"),
        ("InvalidVpc.Range", "associate-vpc-cidr-block", "--vpc-id", changed, "--cidr-block", "10.2.128.0/17"),
        ("OperationNotPermitted", "disassociate-vpc-cidr-block", "--association-id", primary),  # the primary CIDR
        ("DependencyViolation", "delete-vpc", "--vpc-id", busy),
    )
    assert _state(ec2) == before


def test_cli_associate_vpc_cidr_block_answers_associating(aws: Cli, ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    added = aws("ec2", "associate-vpc-cidr-block", "--vpc-id", vpc_id, "--cidr-block", "10.1.0.0/16")
    assert added["CidrBlockAssociation"]["CidrBlockState"] == {"State": "associating"}


def test_cli_disassociate_vpc_cidr_block_in_use(aws: Cli, ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    association = ec2.associate_vpc_cidr_block(VpcId=vpc_id, CidrBlock="10.1.0.0/16")["CidrBlockAssociation"]
    _subnet(ec2, vpc_id, "10.1.0.0/24")
    before = _settled(ec2)
    _refused(
        aws, ("InvalidCidrBlock.InUse", "disassociate-vpc-cidr-block", "--association-id", association["AssociationId"])
    )
    assert _state(ec2) == before


# -- subnets and the default VPC ---------------------------------------------------------------------------------
def test_cli_subnets_and_the_default_vpc(aws: Cli, ec2: Any, account: str) -> None:
    vpc_id = _vpc(ec2)
    public = _subnet(ec2, vpc_id, "10.0.2.0/24")  # will map public IPs on launch
    doomed = _subnet(ec2, vpc_id, "10.0.3.0/24")
    _tag(ec2, public, Name="public")
    _eni(ec2, public, "10.0.2.10")
    old_default = _remove_default_vpc(ec2)

    created, modified, by_id, deleted, default = _each(
        aws,
        (
            "create-subnet",
            "--vpc-id",
            vpc_id,
            "--cidr-block",
            "10.0.1.0/24",
            "--availability-zone-id",
            "use1-az4",
            "--tag-specifications",
            _tags("subnet", Name="app"),
        ),
        ("modify-subnet-attribute", "--subnet-id", public, "--map-public-ip-on-launch"),
        ("describe-subnets", "--subnet-ids", public),
        ("delete-subnet", "--subnet-id", doomed),
        ("create-default-vpc",),  # the account has none now
    )
    subnet = created["Subnet"]
    subnet_id = subnet["SubnetId"]
    assert (
        subnet_id.startswith("subnet-") and subnet["SubnetArn"] == f"arn:aws:ec2:us-east-1:{account}:subnet/{subnet_id}"
    )
    mine = ec2.describe_availability_zones(ZoneIds=["use1-az4"])["AvailabilityZones"][0]["ZoneName"]
    assert (subnet["VpcId"], subnet["CidrBlock"], subnet["AvailabilityZone"], subnet["AvailabilityZoneId"]) == (
        vpc_id,
        "10.0.1.0/24",
        mine,
        "use1-az4",
    )
    # AWS documents both: 'pending' in the API reference's example, 'available' in the CLI's.
    assert subnet["State"] in ("pending", "available")
    assert (subnet["AvailableIpAddressCount"], subnet["MapPublicIpOnLaunch"], subnet["DefaultForAz"]) == (
        251,
        False,
        False,
    )
    assert subnet["Tags"] == [{"Key": "Name", "Value": "app"}]
    assert modified == {} and deleted == {}
    assert [(s["SubnetId"], s["CidrBlock"], s["Tags"]) for s in by_id["Subnets"]] == [
        (public, "10.0.2.0/24", [{"Key": "Name", "Value": "public"}])
    ]
    subnets = {s["SubnetId"]: s for s in ec2.describe_subnets(Filters=_vpc_filter(vpc_id))["Subnets"]}
    assert sorted(subnets) == sorted([subnet_id, public]) and subnets[subnet_id]["State"] == "available"
    assert subnets[public]["MapPublicIpOnLaunch"] is True
    vpc = default["Vpc"]
    assert (vpc["CidrBlock"], vpc["IsDefault"], vpc["InstanceTenancy"]) == ("172.31.0.0/16", True, "default")
    assert vpc["VpcId"] != old_default and _default_vpc(ec2) == vpc["VpcId"]
    assert ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0]["State"] == "available"
    defaults = ec2.describe_subnets(Filters=_vpc_filter(vpc["VpcId"]))["Subnets"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    assert sorted(s["AvailabilityZone"] for s in defaults) == sorted(zones)
    assert all(s["DefaultForAz"] and s["MapPublicIpOnLaunch"] for s in defaults)
    attached = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc["VpcId"]]}])
    assert len(attached["InternetGateways"]) == 1

    before = _settled(ec2)
    missing = f"subnet-{MISSING}"
    _refused(
        aws,
        ("InvalidSubnet.Conflict", "create-subnet", "--vpc-id", vpc_id, "--cidr-block", "10.0.1.128/25"),
        ("InvalidSubnetID.NotFound", "describe-subnets", "--subnet-ids", doomed),
        ("InvalidSubnetID.NotFound", "modify-subnet-attribute", "--subnet-id", missing, "--map-public-ip-on-launch"),
        ("DependencyViolation", "delete-subnet", "--subnet-id", public),  # an interface is in it
        ("DefaultVpcAlreadyExists", "create-default-vpc"),
    )
    assert _state(ec2) == before


def test_cli_create_default_vpc_answers_pending(aws: Cli, ec2: Any) -> None:
    _remove_default_vpc(ec2)
    assert aws("ec2", "create-default-vpc")["Vpc"]["State"] == "pending"


# -- route tables and routes -------------------------------------------------------------------------------------
def test_cli_route_tables_associations_and_routes(aws: Cli, ec2: Any, account: str) -> None:
    vpc_id = _vpc(ec2)
    free, moving, leaving = (_subnet(ec2, vpc_id, f"10.0.{i}.0/24") for i in (1, 2, 3))
    gateway = _igw(ec2, vpc_id)
    eni = _eni(ec2, free, "10.0.1.10")
    (main,) = ec2.describe_route_tables(Filters=_vpc_filter(vpc_id))["RouteTables"]
    main_id = main["RouteTableId"]

    def table() -> str:
        return str(ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"])

    target, old, new, left, rerouted, pruned, doomed = (table() for _ in range(7))
    moving_association = ec2.associate_route_table(RouteTableId=old, SubnetId=moving)["AssociationId"]
    leaving_association = ec2.associate_route_table(RouteTableId=left, SubnetId=leaving)["AssociationId"]
    ec2.create_route(RouteTableId=rerouted, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway)
    ec2.create_route(RouteTableId=pruned, DestinationCidrBlock="172.16.0.0/12", GatewayId=gateway)
    local = {
        "DestinationCidrBlock": "10.0.0.0/16",
        "GatewayId": "local",
        "Origin": "CreateRouteTable",
        "State": "active",
    }

    created, associated, moved, disassociated, route, replaced, deleted_route, deleted, by_id = _each(
        aws,
        ("create-route-table", "--vpc-id", vpc_id, "--tag-specifications", _tags("route-table", Name="private")),
        ("associate-route-table", "--route-table-id", target, "--subnet-id", free),
        ("replace-route-table-association", "--association-id", moving_association, "--route-table-id", new),
        ("disassociate-route-table", "--association-id", leaving_association),
        ("create-route", "--route-table-id", target, "--destination-cidr-block", "0.0.0.0/0", "--gateway-id", gateway),
        (
            "replace-route",
            "--route-table-id",
            rerouted,
            "--destination-cidr-block",
            "0.0.0.0/0",
            "--network-interface-id",
            eni,
        ),
        ("delete-route", "--route-table-id", pruned, "--destination-cidr-block", "172.16.0.0/12"),
        ("delete-route-table", "--route-table-id", doomed),
        ("describe-route-tables", "--route-table-ids", main_id),
    )
    made = created["RouteTable"]
    assert made["RouteTableId"].startswith("rtb-") and (made["VpcId"], made["OwnerId"]) == (vpc_id, account)
    assert made["Associations"] == [] and made["Routes"] == [local]
    assert made["Tags"] == [{"Key": "Name", "Value": "private"}]
    assert associated["AssociationId"].startswith("rtbassoc-")
    assert associated["AssociationState"] == {"State": "associated"}
    assert moved["NewAssociationId"].startswith("rtbassoc-") and moved["NewAssociationId"] != moving_association
    assert moved["AssociationState"] == {"State": "associated"}
    assert route == {"Return": True}
    assert disassociated == replaced == deleted_route == deleted == {}
    (shown,) = by_id["RouteTables"]
    assert (shown["RouteTableId"], shown["Routes"]) == (main_id, [local])
    assert [(a["Main"], a["RouteTableId"], a["AssociationState"]) for a in shown["Associations"]] == [
        (True, main_id, {"State": "associated"})
    ]

    tables = {t["RouteTableId"]: t for t in ec2.describe_route_tables(Filters=_vpc_filter(vpc_id))["RouteTables"]}
    assert sorted(tables) == sorted([main_id, made["RouteTableId"], target, old, new, left, rerouted, pruned])
    assert tables[target]["Associations"] == [
        {
            "Main": False,
            "RouteTableAssociationId": associated["AssociationId"],
            "RouteTableId": target,
            "SubnetId": free,
            "AssociationState": {"State": "associated"},
        }
    ]
    assert tables[target]["Routes"] == [
        local,
        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": gateway, "Origin": "CreateRoute", "State": "active"},
    ]
    assert tables[old]["Associations"] == [] and tables[left]["Associations"] == []
    assert [(a["RouteTableAssociationId"], a["SubnetId"]) for a in tables[new]["Associations"]] == [
        (moved["NewAssociationId"], moving)
    ]
    assert tables[rerouted]["Routes"][1] == {
        "DestinationCidrBlock": "0.0.0.0/0",
        "NetworkInterfaceId": eni,
        "Origin": "CreateRoute",
        "State": "active",
    }
    assert tables[pruned]["Routes"] == [local]

    before = _settled(ec2)
    missing_association = f"rtbassoc-{MISSING}"
    elsewhere = ("--route-table-id", target, "--destination-cidr-block", "192.168.0.0/16")
    _refused(
        aws,
        ("InvalidVpcID.NotFound", "create-route-table", "--vpc-id", f"vpc-{MISSING}"),
        ("InvalidRouteTableID.NotFound", "describe-route-tables", "--route-table-ids", f"rtb-{MISSING}"),
        ("Resource.AlreadyAssociated", "associate-route-table", "--route-table-id", old, "--subnet-id", free),
        (
            "InvalidAssociationID.NotFound",
            "replace-route-table-association",
            "--association-id",
            moving_association,  # replaced above
            "--route-table-id",
            old,
        ),
        ("InvalidAssociationID.NotFound", "disassociate-route-table", "--association-id", missing_association),
        (
            "RouteAlreadyExists",
            "create-route",
            "--route-table-id",
            target,
            "--destination-cidr-block",
            "0.0.0.0/0",
            "--gateway-id",
            gateway,
        ),
        ("InvalidRoute.NotFound", "replace-route", *elsewhere, "--gateway-id", gateway),
        ("InvalidRoute.NotFound", "delete-route", *elsewhere),
        ("DependencyViolation", "delete-route-table", "--route-table-id", target),  # a subnet is associated
    )
    assert _state(ec2) == before


# -- internet gateways and Elastic IPs ---------------------------------------------------------------------------
def test_cli_internet_gateways_and_elastic_ips(aws: Cli, ec2: Any, account: str) -> None:
    vpc_id, bare, leaving = _vpc(ec2), _vpc(ec2, "10.1.0.0/16"), _vpc(ec2, "10.2.0.0/16")
    subnet_id = _subnet(ec2, vpc_id)
    first, second, third, fourth = (_eni(ec2, subnet_id, f"10.0.1.{n}") for n in (11, 12, 13, 14))
    gateway = _igw(ec2, vpc_id)
    spare, detaching, doomed = _igw(ec2), _igw(ec2, leaving), _igw(ec2)
    _tag(ec2, gateway, Name="edge")

    def allocate() -> dict[str, Any]:
        return dict(ec2.allocate_address(Domain="vpc"))

    free, held, released, shown_address = allocate(), allocate(), allocate(), allocate()
    held_association = ec2.associate_address(AllocationId=held["AllocationId"], NetworkInterfaceId=second)
    shown_association = ec2.associate_address(AllocationId=shown_address["AllocationId"], NetworkInterfaceId=fourth)

    created, attached, detached, deleted, by_id, allocated, associated, addresses, disassociated, gone = _each(
        aws,
        ("create-internet-gateway", "--tag-specifications", _tags("internet-gateway", Name="new")),
        ("attach-internet-gateway", "--internet-gateway-id", spare, "--vpc-id", bare),
        ("detach-internet-gateway", "--internet-gateway-id", detaching, "--vpc-id", leaving),
        ("delete-internet-gateway", "--internet-gateway-id", doomed),
        ("describe-internet-gateways", "--internet-gateway-ids", gateway),
        ("allocate-address", "--domain", "vpc"),  # the fifth: the quota
        ("associate-address", "--allocation-id", free["AllocationId"], "--network-interface-id", first),
        ("describe-addresses", "--allocation-ids", shown_address["AllocationId"]),
        ("disassociate-address", "--association-id", held_association["AssociationId"]),
        ("release-address", "--allocation-id", released["AllocationId"]),
    )
    made = created["InternetGateway"]
    assert made["InternetGatewayId"].startswith("igw-") and (made["Attachments"], made["OwnerId"]) == ([], account)
    assert made["Tags"] == [{"Key": "Name", "Value": "new"}]
    assert attached == detached == deleted == disassociated == gone == {}
    assert [(g["InternetGatewayId"], g["Attachments"], g["Tags"]) for g in by_id["InternetGateways"]] == [
        (gateway, [{"State": "available", "VpcId": vpc_id}], [{"Key": "Name", "Value": "edge"}])
    ]
    assert allocated["AllocationId"].startswith("eipalloc-") and ipaddress.IPv4Address(allocated["PublicIp"]).is_global
    assert (allocated["Domain"], allocated["PublicIpv4Pool"], allocated["NetworkBorderGroup"]) == (
        "vpc",
        "amazon",
        "us-east-1",
    )
    assert associated["AssociationId"].startswith("eipassoc-")
    (address,) = addresses["Addresses"]
    assert (address["PublicIp"], address["AssociationId"], address["NetworkInterfaceId"]) == (
        shown_address["PublicIp"],
        shown_association["AssociationId"],
        fourth,
    )
    assert (address["PrivateIpAddress"], address["NetworkInterfaceOwnerId"], address["Domain"]) == (
        "10.0.1.14",
        account,
        "vpc",
    )
    gateways = {g["InternetGatewayId"]: g["Attachments"] for g in ec2.describe_internet_gateways()["InternetGateways"]}
    assert gateways[spare] == [{"State": "available", "VpcId": bare}] and gateways[detaching] == []
    assert doomed not in gateways and made["InternetGatewayId"] in gateways
    held_now = {a["AllocationId"]: a for a in ec2.describe_addresses()["Addresses"]}
    assert released["AllocationId"] not in held_now and len(held_now) == 4
    assert held_now[free["AllocationId"]]["NetworkInterfaceId"] == first
    assert "AssociationId" not in held_now[held["AllocationId"]]
    second_eni = ec2.describe_network_interfaces(NetworkInterfaceIds=[second])["NetworkInterfaces"][0]
    assert "Association" not in second_eni
    ec2.allocate_address(Domain="vpc")  # five again

    before = _settled(ec2)
    _refused(
        aws,
        ("InvalidParameterValue", "create-internet-gateway", "--tag-specifications", _tags("vpc", Name="wrong")),
        ("Resource.AlreadyAssociated", "attach-internet-gateway", "--internet-gateway-id", gateway, "--vpc-id", bare),
        # Elastic IPs are mapped in the VPC: its gateway cannot leave it, nor be deleted while attached.
        ("DependencyViolation", "detach-internet-gateway", "--internet-gateway-id", gateway, "--vpc-id", vpc_id),
        ("DependencyViolation", "delete-internet-gateway", "--internet-gateway-id", gateway),
        ("InvalidInternetGatewayID.NotFound", "describe-internet-gateways", "--internet-gateway-ids", doomed),
        ("AddressLimitExceeded", "allocate-address", "--domain", "vpc"),
        (
            "Resource.AlreadyAssociated",
            "associate-address",
            "--allocation-id",
            free["AllocationId"],
            "--network-interface-id",
            third,
        ),
        ("InvalidAddress.NotFound", "describe-addresses", "--public-ips", "198.51.100.7"),
        ("InvalidIPAddress.InUse", "release-address", "--allocation-id", free["AllocationId"]),
        (
            "InvalidAssociationID.NotFound",
            "disassociate-address",
            "--association-id",
            held_association["AssociationId"],
        ),
    )
    assert _state(ec2) == before


# -- NAT gateways ------------------------------------------------------------------------------------------------
def test_cli_nat_gateways(aws: Cli, ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    subnet_id = _subnet(ec2, vpc_id)
    _igw(ec2, vpc_id)
    allocation, other = ec2.allocate_address(Domain="vpc"), ec2.allocate_address(Domain="vpc")
    doomed = ec2.create_nat_gateway(SubnetId=subnet_id, AllocationId=other["AllocationId"])["NatGateway"][
        "NatGatewayId"
    ]
    _settled(ec2)  # available now
    private = ec2.create_nat_gateway(SubnetId=subnet_id, ConnectivityType="private")["NatGateway"]["NatGatewayId"]

    created, deleted, described = _each(
        aws,
        (
            "create-nat-gateway",
            "--subnet-id",
            subnet_id,
            "--allocation-id",
            allocation["AllocationId"],
            "--tag-specifications",
            _tags("natgateway", Name="egress"),
        ),
        ("delete-nat-gateway", "--nat-gateway-id", doomed),
        ("describe-nat-gateways", "--nat-gateway-ids", private),
    )
    nat = created["NatGateway"]
    nat_id = nat["NatGatewayId"]
    assert nat_id.startswith("nat-") and nat["Tags"] == [{"Key": "Name", "Value": "egress"}]
    assert (nat["State"], nat["ConnectivityType"], nat["SubnetId"], nat["VpcId"]) == (
        "pending",
        "public",
        subnet_id,
        vpc_id,
    )
    (entry,) = nat["NatGatewayAddresses"]
    assert (entry["AllocationId"], entry["PublicIp"], entry["IsPrimary"]) == (
        allocation["AllocationId"],
        allocation["PublicIp"],
        True,
    )
    assert deleted == {"NatGatewayId": doomed}
    # At the default time scale a NAT gateway's provisioning ends when the creating call returns (test_lifecycles.py
    # shows it pending on a slower clock).
    (shown,) = described["NatGateways"]
    assert (shown["NatGatewayId"], shown["State"], shown["ConnectivityType"]) == (private, "available", "private")
    assert "PublicIp" not in shown["NatGatewayAddresses"][0]
    states = {
        n["NatGatewayId"]: n["State"] for n in ec2.describe_nat_gateways(Filter=_vpc_filter(vpc_id))["NatGateways"]
    }
    assert states == {nat_id: "available", doomed: "deleted", private: "available"}
    assert "AssociationId" not in ec2.describe_addresses(AllocationIds=[other["AllocationId"]])["Addresses"][0]

    before = _settled(ec2)
    _refused(
        aws,
        (
            "Resource.AlreadyAssociated",
            "create-nat-gateway",
            "--subnet-id",
            subnet_id,
            "--allocation-id",
            allocation["AllocationId"],
        ),
        (
            "InvalidSubnetID.NotFound",
            "create-nat-gateway",
            "--subnet-id",
            f"subnet-{MISSING}",
            "--connectivity-type",
            "private",
        ),
        ("NatGatewayNotFound", "describe-nat-gateways", "--nat-gateway-ids", f"nat-{MISSING}"),
        ("NatGatewayNotFound", "delete-nat-gateway", "--nat-gateway-id", f"nat-{MISSING}"),
    )
    assert _state(ec2) == before


# -- security groups ---------------------------------------------------------------------------------------------
def _permission(protocol: str, port: int, cidr: str, **extra: Any) -> dict[str, Any]:
    return {"IpProtocol": protocol, "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": cidr, **extra}]}


def test_cli_security_groups_and_rules(aws: Cli, ec2: Any, account: str) -> None:
    vpc_id = _vpc(ec2)
    (default_group,) = ec2.describe_security_groups(Filters=_vpc_filter(vpc_id))["SecurityGroups"]

    def group(name: str) -> str:
        return str(ec2.create_security_group(GroupName=name, Description=f"{name} tier", VpcId=vpc_id)["GroupId"])

    web, edited, shown, doomed = group("web"), group("edited"), group("shown"), group("doomed")
    rules = ec2.authorize_security_group_ingress(
        GroupId=edited,
        IpPermissions=[_permission("tcp", 443, "0.0.0.0/0"), _permission("tcp", 22, "10.0.0.0/8")],
    )["SecurityGroupRules"]
    https_id, ssh_id = (r["SecurityGroupRuleId"] for r in rules)
    ec2.authorize_security_group_ingress(GroupId=edited, IpPermissions=[_permission("tcp", 80, "10.0.0.0/8")])
    dns = _permission("udp", 53, "10.0.0.2/32")
    dns_id = ec2.authorize_security_group_egress(GroupId=edited, IpPermissions=[dns])["SecurityGroupRules"][0][
        "SecurityGroupRuleId"
    ]
    ec2.authorize_security_group_ingress(GroupId=shown, IpPermissions=[_permission("tcp", 5432, "10.0.0.0/16")])
    alternative = {
        "IpProtocol": "tcp",
        "FromPort": 2222,
        "ToPort": 2222,
        "CidrIpv4": "10.1.0.0/16",
        "Description": "alt",
    }

    (
        created,
        shorthand,
        long_form,
        egress,
        revoked,
        revoked_egress,
        modified,
        described,
        deleted,
        by_id,
        rule_list,
    ) = _each(
        aws,
        ("create-security-group", "--group-name", "app", "--description", "app tier", "--vpc-id", vpc_id),
        (
            "authorize-security-group-ingress",
            "--group-id",
            web,
            "--protocol",
            "tcp",
            "--port",
            "443",
            "--cidr",
            "0.0.0.0/0",
        ),
        (
            "authorize-security-group-ingress",
            "--group-id",
            web,
            "--ip-permissions",
            json.dumps([_permission("tcp", 22, "10.0.0.0/8", Description="ssh")]),
        ),
        ("authorize-security-group-egress", "--group-id", web, "--ip-permissions", json.dumps([dns])),
        (
            "revoke-security-group-ingress",
            "--group-id",
            edited,
            "--protocol",
            "tcp",
            "--port",
            "443",
            "--cidr",
            "0.0.0.0/0",
        ),
        ("revoke-security-group-egress", "--group-id", edited, "--ip-permissions", json.dumps([dns])),
        (
            "modify-security-group-rules",
            "--group-id",
            edited,
            "--security-group-rules",
            json.dumps([{"SecurityGroupRuleId": ssh_id, "SecurityGroupRule": alternative}]),
        ),
        (
            "update-security-group-rule-descriptions-ingress",
            "--group-id",
            edited,
            "--ip-permissions",
            json.dumps([_permission("tcp", 80, "10.0.0.0/8", Description="web")]),
        ),
        ("delete-security-group", "--group-id", doomed),
        ("describe-security-groups", "--group-ids", shown),
        ("describe-security-group-rules", "--filters", f"Name=group-id,Values={shown}"),
    )
    gid = created["GroupId"]
    assert gid.startswith("sg-")
    assert created == {"GroupId": gid, "SecurityGroupArn": f"arn:aws:ec2:us-east-1:{account}:security-group/{gid}"}
    assert shorthand["Return"] is True
    (https_rule,) = shorthand["SecurityGroupRules"]
    assert https_rule["SecurityGroupRuleId"].startswith("sgr-")
    assert (https_rule["GroupId"], https_rule["GroupOwnerId"], https_rule["IsEgress"]) == (web, account, False)
    assert (https_rule["IpProtocol"], https_rule["FromPort"], https_rule["ToPort"], https_rule["CidrIpv4"]) == (
        "tcp",
        443,
        443,
        "0.0.0.0/0",
    )
    (ssh_rule,) = long_form["SecurityGroupRules"]
    assert (ssh_rule["IsEgress"], ssh_rule["FromPort"], ssh_rule["CidrIpv4"], ssh_rule["Description"]) == (
        False,
        22,
        "10.0.0.0/8",
        "ssh",
    )
    (dns_rule,) = egress["SecurityGroupRules"]
    assert (egress["Return"], dns_rule["IsEgress"], dns_rule["IpProtocol"], dns_rule["CidrIpv4"]) == (
        True,
        True,
        "udp",
        "10.0.0.2/32",
    )
    assert revoked["Return"] is True and [r["SecurityGroupRuleId"] for r in revoked["RevokedSecurityGroupRules"]] == [
        https_id
    ]
    assert [r["SecurityGroupRuleId"] for r in revoked_egress["RevokedSecurityGroupRules"]] == [dns_id]
    assert modified == described == {"Return": True}
    assert deleted == {"Return": True, "GroupId": doomed}
    (group_shown,) = by_id["SecurityGroups"]
    assert (group_shown["GroupId"], group_shown["GroupName"], group_shown["Description"]) == (
        shown,
        "shown",
        "shown tier",
    )
    assert (group_shown["VpcId"], group_shown["OwnerId"]) == (vpc_id, account)
    assert group_shown["IpPermissions"] == [
        {**_permission("tcp", 5432, "10.0.0.0/16"), "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}
    ]
    assert sorted((r["IsEgress"], r["IpProtocol"], r["FromPort"]) for r in rule_list["SecurityGroupRules"]) == [
        (False, "tcp", 5432),
        (True, "-1", -1),
    ]

    def permissions(group_id: str, key: str) -> list[tuple[Any, ...]]:
        found = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0][key]
        return [(p["IpProtocol"], p.get("FromPort"), p["IpRanges"]) for p in found]

    assert sorted(permissions(web, "IpPermissions")) == [
        ("tcp", 22, [{"CidrIp": "10.0.0.0/8", "Description": "ssh"}]),
        ("tcp", 443, [{"CidrIp": "0.0.0.0/0"}]),
    ]
    assert sorted(permissions(web, "IpPermissionsEgress")) == [
        ("-1", None, [{"CidrIp": "0.0.0.0/0"}]),
        ("udp", 53, [{"CidrIp": "10.0.0.2/32"}]),
    ]
    assert sorted(permissions(edited, "IpPermissions")) == [
        ("tcp", 80, [{"CidrIp": "10.0.0.0/8", "Description": "web"}]),
        ("tcp", 2222, [{"CidrIp": "10.1.0.0/16", "Description": "alt"}]),
    ]
    assert permissions(edited, "IpPermissionsEgress") == [("-1", None, [{"CidrIp": "0.0.0.0/0"}])]
    groups = ec2.describe_security_groups(Filters=_vpc_filter(vpc_id))["SecurityGroups"]
    assert sorted(g["GroupName"] for g in groups) == ["app", "default", "edited", "shown", "web"]

    before = _settled(ec2)
    onto_http = {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIpv4": "10.0.0.0/8"}
    backwards = {"IpProtocol": "tcp", "FromPort": 90, "ToPort": 80, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}
    everything_out = {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    _refused(
        aws,
        (
            "InvalidGroup.Duplicate",
            "create-security-group",
            "--group-name",
            "web",
            "--description",
            "again",
            "--vpc-id",
            vpc_id,
        ),
        (
            "InvalidPermission.Duplicate",
            "authorize-security-group-ingress",
            "--group-id",
            web,
            "--protocol",
            "tcp",
            "--port",
            "443",
            "--cidr",
            "0.0.0.0/0",
        ),
        (
            "InvalidParameterValue",
            "authorize-security-group-ingress",
            "--group-id",
            web,
            "--ip-permissions",
            json.dumps([backwards]),
        ),
        (
            "InvalidPermission.Duplicate",
            "authorize-security-group-egress",
            "--group-id",
            web,
            "--ip-permissions",
            json.dumps([everything_out]),
        ),
        ("InvalidGroup.NotFound", "describe-security-groups", "--group-ids", doomed),
        (
            "InvalidSecurityGroupRuleId.NotFound",
            "describe-security-group-rules",
            "--security-group-rule-ids",
            https_id,  # revoked above
        ),
        (
            "InvalidPermission.Duplicate",  # the same as the group's port-80 rule
            "modify-security-group-rules",
            "--group-id",
            edited,
            "--security-group-rules",
            json.dumps([{"SecurityGroupRuleId": ssh_id, "SecurityGroupRule": onto_http}]),
        ),
        (
            "InvalidPermission.NotFound",
            "update-security-group-rule-descriptions-ingress",
            "--group-id",
            edited,
            "--ip-permissions",
            json.dumps([_permission("tcp", 8080, "0.0.0.0/0", Description="x")]),
        ),
        (
            "InvalidPermission.NotFound",
            "revoke-security-group-ingress",
            "--group-id",
            edited,
            "--protocol",
            "tcp",
            "--port",
            "443",
            "--cidr",
            "0.0.0.0/0",
        ),
        (
            "InvalidPermission.NotFound",
            "revoke-security-group-egress",
            "--group-id",
            edited,
            "--ip-permissions",
            json.dumps([dns]),
        ),
        ("CannotDelete", "delete-security-group", "--group-id", default_group["GroupId"]),
    )
    assert _state(ec2) == before


# -- network ACLs ------------------------------------------------------------------------------------------------
def test_cli_network_acls_entries_and_associations(aws: Cli, ec2: Any, account: str) -> None:
    vpc_id = _vpc(ec2)
    moving, held = _subnet(ec2, vpc_id, "10.0.1.0/24"), _subnet(ec2, vpc_id, "10.0.2.0/24")
    (default_acl,) = ec2.describe_network_acls(Filters=_vpc_filter(vpc_id))["NetworkAcls"]
    default_id = default_acl["NetworkAclId"]
    associations = {a["SubnetId"]: a["NetworkAclAssociationId"] for a in default_acl["Associations"]}

    def acl() -> str:
        return str(ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"])

    entered, replaced_in, pruned, doomed, holder = (acl() for _ in range(5))
    base = {"Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "RuleNumber": 100}
    ec2.create_network_acl_entry(NetworkAclId=replaced_in, Egress=False, **base)
    ec2.create_network_acl_entry(NetworkAclId=pruned, Egress=True, **base)
    held_association = ec2.replace_network_acl_association(AssociationId=associations[held], NetworkAclId=holder)
    deny_all = {"CidrBlock": "0.0.0.0/0", "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767}

    created, entry, replaced, deleted_entry, moved, deleted, by_id = _each(
        aws,
        ("create-network-acl", "--vpc-id", vpc_id, "--tag-specifications", _tags("network-acl", Name="dmz")),
        (
            "create-network-acl-entry",
            "--network-acl-id",
            entered,
            "--ingress",
            "--rule-number",
            "100",
            "--protocol",
            "tcp",
            "--port-range",
            "From=443,To=443",
            "--cidr-block",
            "0.0.0.0/0",
            "--rule-action",
            "allow",
        ),
        (
            "replace-network-acl-entry",
            "--network-acl-id",
            replaced_in,
            "--ingress",
            "--rule-number",
            "100",
            "--protocol",
            "udp",
            "--port-range",
            "From=53,To=53",
            "--cidr-block",
            "10.0.0.0/8",
            "--rule-action",
            "deny",
        ),
        ("delete-network-acl-entry", "--network-acl-id", pruned, "--egress", "--rule-number", "100"),
        ("replace-network-acl-association", "--association-id", associations[moving], "--network-acl-id", entered),
        ("delete-network-acl", "--network-acl-id", doomed),
        ("describe-network-acls", "--network-acl-ids", holder),
    )
    made = created["NetworkAcl"]
    assert made["NetworkAclId"].startswith("acl-") and (made["VpcId"], made["OwnerId"], made["IsDefault"]) == (
        vpc_id,
        account,
        False,
    )
    assert made["Associations"] == [] and made["Tags"] == [{"Key": "Name", "Value": "dmz"}]
    assert made["Entries"] == [{**deny_all, "Egress": True}, {**deny_all, "Egress": False}]
    assert entry == replaced == deleted_entry == deleted == {}
    assert moved["NewAssociationId"].startswith("aclassoc-") and moved["NewAssociationId"] != associations[moving]
    (shown,) = by_id["NetworkAcls"]
    assert (shown["NetworkAclId"], shown["IsDefault"]) == (holder, False)
    assert shown["Associations"] == [
        {"NetworkAclAssociationId": held_association["NewAssociationId"], "NetworkAclId": holder, "SubnetId": held}
    ]

    acls = {a["NetworkAclId"]: a for a in ec2.describe_network_acls(Filters=_vpc_filter(vpc_id))["NetworkAcls"]}
    assert sorted(acls) == sorted([default_id, made["NetworkAclId"], entered, replaced_in, pruned, holder])
    assert acls[entered]["Entries"] == [
        {**deny_all, "Egress": True},
        {
            "CidrBlock": "0.0.0.0/0",
            "Egress": False,
            "PortRange": {"From": 443, "To": 443},
            "Protocol": "6",
            "RuleAction": "allow",
            "RuleNumber": 100,
        },
        {**deny_all, "Egress": False},
    ]
    assert acls[entered]["Associations"] == [
        {"NetworkAclAssociationId": moved["NewAssociationId"], "NetworkAclId": entered, "SubnetId": moving}
    ]
    assert acls[default_id]["Associations"] == []
    assert acls[replaced_in]["Entries"][1] == {
        "CidrBlock": "10.0.0.0/8",
        "Egress": False,
        "PortRange": {"From": 53, "To": 53},
        "Protocol": "17",
        "RuleAction": "deny",
        "RuleNumber": 100,
    }
    assert acls[pruned]["Entries"] == [{**deny_all, "Egress": True}, {**deny_all, "Egress": False}]

    before = _settled(ec2)
    everything = ("--protocol", "-1", "--cidr-block", "0.0.0.0/0", "--rule-action", "allow")
    _refused(
        aws,
        ("InvalidVpcID.NotFound", "create-network-acl", "--vpc-id", f"vpc-{MISSING}"),
        (
            "NetworkAclEntryAlreadyExists",
            "create-network-acl-entry",
            "--network-acl-id",
            entered,
            "--ingress",
            "--rule-number",
            "100",
            *everything,
        ),
        (
            "InvalidNetworkAclEntry.NotFound",
            "replace-network-acl-entry",
            "--network-acl-id",
            entered,
            "--egress",
            "--rule-number",
            "100",
            *everything,
        ),
        (
            "InvalidNetworkAclEntry.NotFound",
            "delete-network-acl-entry",
            "--network-acl-id",
            pruned,
            "--egress",
            "--rule-number",
            "100",
        ),
        (
            "InvalidAssociationID.NotFound",
            "replace-network-acl-association",
            "--association-id",
            associations[moving],  # replaced above
            "--network-acl-id",
            holder,
        ),
        ("InvalidNetworkAclID.NotFound", "describe-network-acls", "--network-acl-ids", doomed),
        ("DependencyViolation", "delete-network-acl", "--network-acl-id", holder),  # a subnet is associated
    )
    assert _state(ec2) == before


# -- network interfaces ------------------------------------------------------------------------------------------
def test_cli_network_interfaces(aws: Cli, ec2: Any, account: str) -> None:
    vpc_id = _vpc(ec2)
    subnet_id = _subnet(ec2, vpc_id)
    group = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc_id)["GroupId"]
    instance = ec2.run_instances(ImageId=AMI, InstanceType="t2.medium", MinCount=1, MaxCount=1, SubnetId=subnet_id)[
        "Instances"
    ][0]
    iid = instance["InstanceId"]
    primary = instance["NetworkInterfaces"][0]
    assert primary["PrivateIpAddress"] == "10.0.1.4"
    modified, assigned, unassigned, attaching, detaching, doomed = (
        _eni(ec2, subnet_id, f"10.0.1.{n}") for n in (11, 12, 13, 14, 15, 16)
    )
    ec2.assign_private_ip_addresses(NetworkInterfaceId=unassigned, PrivateIpAddresses=["10.0.1.60"])
    attachment = ec2.attach_network_interface(NetworkInterfaceId=detaching, InstanceId=iid, DeviceIndex=2)
    _settled(ec2)

    created, modify, assign, unassign, attached, detached, deleted, by_id = _each(
        aws,
        (
            "create-network-interface",
            "--subnet-id",
            subnet_id,
            "--description",
            "app",
            "--groups",
            group,
            "--private-ip-address",
            "10.0.1.20",
        ),
        ("modify-network-interface-attribute", "--network-interface-id", modified, "--no-source-dest-check"),
        ("assign-private-ip-addresses", "--network-interface-id", assigned, "--private-ip-addresses", "10.0.1.50"),
        ("unassign-private-ip-addresses", "--network-interface-id", unassigned, "--private-ip-addresses", "10.0.1.60"),
        ("attach-network-interface", "--network-interface-id", attaching, "--instance-id", iid, "--device-index", "1"),
        ("detach-network-interface", "--attachment-id", attachment["AttachmentId"]),
        ("delete-network-interface", "--network-interface-id", doomed),
        ("describe-network-interfaces", "--network-interface-ids", primary["NetworkInterfaceId"]),
    )
    made = created["NetworkInterface"]
    eni_id = made["NetworkInterfaceId"]
    assert eni_id.startswith("eni-") and made["Status"] == "pending"
    assert (made["SubnetId"], made["VpcId"], made["OwnerId"], made["Description"]) == (
        subnet_id,
        vpc_id,
        account,
        "app",
    )
    assert [(a["PrivateIpAddress"], a["Primary"]) for a in made["PrivateIpAddresses"]] == [("10.0.1.20", True)]
    assert made["Groups"] == [{"GroupId": group, "GroupName": "app"}]
    assert modify == unassign == detached == deleted == {}
    assert assign["NetworkInterfaceId"] == assigned
    assert [a["PrivateIpAddress"] for a in assign["AssignedPrivateIpAddresses"]] == ["10.0.1.50"]
    assert attached["AttachmentId"].startswith("eni-attach-")
    (shown,) = by_id["NetworkInterfaces"]
    assert (shown["NetworkInterfaceId"], shown["Status"], shown["PrivateIpAddress"]) == (
        primary["NetworkInterfaceId"],
        "in-use",
        "10.0.1.4",
    )
    assert (shown["Attachment"]["InstanceId"], shown["Attachment"]["DeviceIndex"]) == (iid, 0)

    enis = {
        e["NetworkInterfaceId"]: e
        for e in ec2.describe_network_interfaces(Filters=_vpc_filter(vpc_id))["NetworkInterfaces"]
    }
    assert doomed not in enis and enis[eni_id]["Status"] == "available"
    assert enis[modified]["SourceDestCheck"] is False
    assert [a["PrivateIpAddress"] for a in enis[assigned]["PrivateIpAddresses"]] == ["10.0.1.12", "10.0.1.50"]
    assert [a["PrivateIpAddress"] for a in enis[unassigned]["PrivateIpAddresses"]] == ["10.0.1.13"]
    assert (enis[attaching]["Status"], enis[attaching]["Attachment"]["AttachmentId"]) == (
        "in-use",
        attached["AttachmentId"],
    )
    assert (enis[attaching]["Attachment"]["InstanceId"], enis[attaching]["Attachment"]["DeviceIndex"]) == (iid, 1)
    # A detached interface shows its attachment "detached" for a while (what waiters poll for).
    assert enis[detaching]["Status"] == "available" and enis[detaching]["Attachment"]["Status"] == "detached"

    before = _settled(ec2)
    _refused(
        aws,
        (
            "InvalidIPAddress.InUse",
            "create-network-interface",
            "--subnet-id",
            subnet_id,
            "--private-ip-address",
            "10.0.1.50",
        ),
        ("InvalidNetworkInterfaceID.NotFound", "describe-network-interfaces", "--network-interface-ids", doomed),
        (
            "InvalidGroup.NotFound",
            "modify-network-interface-attribute",
            "--network-interface-id",
            modified,
            "--groups",
            f"sg-{MISSING}",
        ),
        (
            "InvalidIPAddress.InUse",
            "assign-private-ip-addresses",
            "--network-interface-id",
            modified,
            "--private-ip-addresses",
            "10.0.1.50",
        ),
        (
            "InvalidParameterValue",
            "unassign-private-ip-addresses",
            "--network-interface-id",
            unassigned,
            "--private-ip-addresses",
            "10.0.1.60",
        ),
        (
            "InvalidInstanceID.NotFound",
            "attach-network-interface",
            "--network-interface-id",
            detaching,
            "--instance-id",
            f"i-{MISSING}",
            "--device-index",
            "1",
        ),
        ("OperationNotPermitted", "detach-network-interface", "--attachment-id", primary["Attachment"]["AttachmentId"]),
        ("InvalidNetworkInterface.InUse", "delete-network-interface", "--network-interface-id", attaching),
    )
    assert _state(ec2) == before


# -- instances ---------------------------------------------------------------------------------------------------
def test_cli_instances_lifecycle(aws: Cli, ec2: Any, account: str) -> None:
    vpc_id = _vpc(ec2)
    subnet_id = _subnet(ec2, vpc_id)
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc_id)["GroupId"]

    def launch(**tags: str) -> str:
        spec = [{"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]
        reservation = ec2.run_instances(
            ImageId=AMI, InstanceType=EVERYWHERE, MinCount=1, MaxCount=1, SubnetId=subnet_id, TagSpecifications=spec
        )
        return str(reservation["Instances"][0]["InstanceId"])

    running, stopped, ending, shown, gone = (launch(role=role) for role in ("run", "stop", "end", "shown", "gone"))
    _settled(ec2)
    ec2.stop_instances(InstanceIds=[stopped])
    ec2.terminate_instances(InstanceIds=[gone])
    _settled(ec2)

    run, stop, start, terminate, by_id = _each(
        aws,
        (
            "run-instances",
            "--image-id",
            AMI,
            "--count",
            "1",
            "--instance-type",
            EVERYWHERE,
            "--subnet-id",
            subnet_id,
            "--security-group-ids",
            group,
            "--private-ip-address",
            "10.0.1.99",
            "--tag-specifications",
            _tags("instance", Name="web"),
        ),
        ("stop-instances", "--instance-ids", running),
        ("start-instances", "--instance-ids", stopped),
        ("terminate-instances", "--instance-ids", ending),
        ("describe-instances", "--instance-ids", shown),
    )
    assert run["ReservationId"].startswith("r-") and run["OwnerId"] == account
    (launched,) = run["Instances"]
    iid = launched["InstanceId"]
    assert iid.startswith("i-") and launched["State"] == {"Code": 0, "Name": "pending"}
    assert (launched["InstanceType"], launched["ImageId"], launched["SubnetId"], launched["VpcId"]) == (
        EVERYWHERE,
        AMI,
        subnet_id,
        vpc_id,
    )
    assert launched["PrivateIpAddress"] == "10.0.1.99" and launched["SecurityGroups"] == [
        {"GroupId": group, "GroupName": "web"}
    ]
    assert stop["StoppingInstances"] == [
        {
            "InstanceId": running,
            "CurrentState": {"Code": 64, "Name": "stopping"},
            "PreviousState": {"Code": 16, "Name": "running"},
        }
    ]
    assert start["StartingInstances"] == [
        {
            "InstanceId": stopped,
            "CurrentState": {"Code": 0, "Name": "pending"},
            "PreviousState": {"Code": 80, "Name": "stopped"},
        }
    ]
    assert terminate["TerminatingInstances"] == [
        {
            "InstanceId": ending,
            "CurrentState": {"Code": 32, "Name": "shutting-down"},
            "PreviousState": {"Code": 16, "Name": "running"},
        }
    ]
    (reservation,) = by_id["Reservations"]
    (instance,) = reservation["Instances"]
    assert (instance["InstanceId"], instance["State"], instance["Tags"]) == (
        shown,
        {"Code": 16, "Name": "running"},
        [{"Key": "role", "Value": "shown"}],
    )
    assert (instance["SubnetId"], instance["VpcId"], instance["PrivateIpAddress"]) == (subnet_id, vpc_id, "10.0.1.7")

    states = {
        i["InstanceId"]: i["State"]["Name"]
        for r in ec2.describe_instances(Filters=_vpc_filter(vpc_id))["Reservations"]
        for i in r["Instances"]
    }
    assert states == {running: "stopped", stopped: "running", shown: "running", iid: "running"}  # terminated: no VPC
    gone_states = ec2.describe_instances(InstanceIds=[ending, gone])["Reservations"]
    assert [i["State"]["Name"] for r in gone_states for i in r["Instances"]] == ["terminated", "terminated"]

    before = _settled(ec2)
    missing = f"i-{MISSING}"
    _refused(
        aws,
        (
            "InvalidIPAddress.InUse",
            "run-instances",
            "--image-id",
            AMI,
            "--count",
            "1",
            "--instance-type",
            EVERYWHERE,
            "--subnet-id",
            subnet_id,
            "--private-ip-address",
            "10.0.1.99",
        ),
        ("InvalidInstanceID.NotFound", "describe-instances", "--instance-ids", missing),
        ("InvalidInstanceID.NotFound", "terminate-instances", "--instance-ids", missing),
        ("IncorrectInstanceState", "stop-instances", "--instance-ids", gone),
        ("IncorrectInstanceState", "start-instances", "--instance-ids", gone),
    )
    assert _state(ec2) == before


# -- prefix lists ------------------------------------------------------------------------------------------------
def test_cli_managed_prefix_lists(aws: Cli, ec2: Any, account: str) -> None:
    def plist(name: str, *cidrs: str) -> str:
        created = ec2.create_managed_prefix_list(
            PrefixListName=name, MaxEntries=3, AddressFamily="IPv4", Entries=[{"Cidr": c} for c in cidrs]
        )
        return str(created["PrefixList"]["PrefixListId"])

    modified, restored, used, doomed = (
        plist("modified", "10.0.0.0/16", "10.2.0.0/16"),
        plist("restored", "10.0.0.0/16"),
        plist("used", "192.168.0.0/16", "172.16.0.0/12"),
        plist("doomed"),
    )
    ec2.modify_managed_prefix_list(PrefixListId=restored, CurrentVersion=1, AddEntries=[{"Cidr": "10.5.0.0/16"}])
    table_id = ec2.describe_route_tables(Filters=_vpc_filter(_default_vpc(ec2)))["RouteTables"][0]["RouteTableId"]
    gateway = ec2.describe_internet_gateways()["InternetGateways"][0]["InternetGatewayId"]
    ec2.create_route(RouteTableId=table_id, DestinationPrefixListId=used, GatewayId=gateway)
    _settled(ec2)

    created, by_id, entries, modify, restore, associations, deleted, aws_lists = _each(
        aws,
        (
            "create-managed-prefix-list",
            "--prefix-list-name",
            "corp",
            "--max-entries",
            "3",
            "--address-family",
            "IPv4",
            "--entries",
            "Cidr=10.0.0.0/16,Description=a",
            "Cidr=10.2.0.0/16,Description=b",
        ),
        ("describe-managed-prefix-lists", "--prefix-list-ids", used),
        ("get-managed-prefix-list-entries", "--prefix-list-id", used),
        (
            "modify-managed-prefix-list",
            "--prefix-list-id",
            modified,
            "--current-version",
            "1",
            "--add-entries",
            "Cidr=10.3.0.0/16,Description=c",
            "--remove-entries",
            "Cidr=10.2.0.0/16",
        ),
        (
            "restore-managed-prefix-list-version",
            "--prefix-list-id",
            restored,
            "--previous-version",
            "1",
            "--current-version",
            "2",
        ),
        ("get-managed-prefix-list-associations", "--prefix-list-id", used),
        ("delete-managed-prefix-list", "--prefix-list-id", doomed),
        ("describe-prefix-lists",),
    )
    made = created["PrefixList"]
    pl_id = made["PrefixListId"]
    assert pl_id.startswith("pl-") and made["PrefixListArn"] == f"arn:aws:ec2:us-east-1:{account}:prefix-list/{pl_id}"
    assert (made["PrefixListName"], made["State"], made["Version"], made["MaxEntries"]) == (
        "corp",
        "create-in-progress",
        1,
        3,
    )
    assert (made["AddressFamily"], made["OwnerId"]) == ("IPv4", account)
    assert [(p["PrefixListId"], p["State"], p["Version"], p["OwnerId"]) for p in by_id["PrefixLists"]] == [
        (used, "create-complete", 1, account)
    ]
    assert sorted(entries["Entries"], key=lambda e: e["Cidr"]) == [
        {"Cidr": "172.16.0.0/12"},
        {"Cidr": "192.168.0.0/16"},
    ]
    changed = modify["PrefixList"]
    assert (changed["PrefixListId"], changed["State"], changed["Version"]) == (modified, "modify-in-progress", 1)
    back = restore["PrefixList"]
    assert (back["PrefixListId"], back["State"], back["Version"]) == (restored, "restore-in-progress", 2)
    assert associations["PrefixListAssociations"] == [{"ResourceId": table_id, "ResourceOwner": account}]
    assert (deleted["PrefixList"]["PrefixListId"], deleted["PrefixList"]["State"]) == (doomed, "delete-in-progress")
    # The older API lists the region's AWS-managed lists, never a customer's.
    managed = {p["PrefixListName"]: p for p in aws_lists["PrefixLists"]}
    assert {"com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.dynamodb"} <= set(managed)
    assert managed["com.amazonaws.us-east-1.s3"]["PrefixListId"].startswith("pl-")
    assert managed["com.amazonaws.us-east-1.s3"]["Cidrs"]
    assert not {pl_id, modified, restored, used} & {p["PrefixListId"] for p in managed.values()}

    def entries_of(pl: str) -> list[dict[str, Any]]:
        return list(ec2.get_managed_prefix_list_entries(PrefixListId=pl)["Entries"])

    assert entries_of(pl_id) == [
        {"Cidr": "10.0.0.0/16", "Description": "a"},
        {"Cidr": "10.2.0.0/16", "Description": "b"},
    ]
    assert entries_of(modified) == [{"Cidr": "10.0.0.0/16"}, {"Cidr": "10.3.0.0/16", "Description": "c"}]
    assert entries_of(restored) == [{"Cidr": "10.0.0.0/16"}]
    lists = {
        p["PrefixListId"]: p for p in ec2.describe_managed_prefix_lists()["PrefixLists"] if p["OwnerId"] == account
    }
    assert sorted(lists) == sorted([pl_id, modified, restored, used])
    assert (lists[modified]["Version"], lists[restored]["Version"]) == (2, 3)

    before = _settled(ec2)
    missing = f"pl-{MISSING}"
    _refused(
        aws,
        (
            "PrefixListMaxEntriesExceeded",
            "create-managed-prefix-list",
            "--prefix-list-name",
            "tiny",
            "--max-entries",
            "1",
            "--address-family",
            "IPv4",
            "--entries",
            "Cidr=10.0.0.0/16",
            "Cidr=10.1.0.0/16",
        ),
        ("InvalidPrefixListID.NotFound", "describe-managed-prefix-lists", "--prefix-list-ids", doomed),
        ("InvalidPrefixListID.NotFound", "get-managed-prefix-list-entries", "--prefix-list-id", missing),
        (
            "PrefixListVersionMismatch",
            "modify-managed-prefix-list",
            "--prefix-list-id",
            modified,
            "--current-version",
            "1",
            "--add-entries",
            "Cidr=10.9.0.0/16",
        ),
        (
            "PrefixListVersionMismatch",
            "restore-managed-prefix-list-version",
            "--prefix-list-id",
            restored,
            "--previous-version",
            "1",
            "--current-version",
            "1",
        ),
        ("InvalidPrefixListID.NotFound", "get-managed-prefix-list-associations", "--prefix-list-id", missing),
        ("InvalidPrefixListID.NotFound", "describe-prefix-lists", "--prefix-list-ids", missing),
        ("DependencyViolation", "delete-managed-prefix-list", "--prefix-list-id", used),  # a route uses it
    )
    assert _state(ec2) == before


# -- tags --------------------------------------------------------------------------------------------------------
def test_cli_tags(aws: Cli, ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    subnet_id = _subnet(ec2, vpc_id)
    shown, pruned = _vpc(ec2, "10.1.0.0/16"), _vpc(ec2, "10.2.0.0/16")
    _tag(ec2, shown, Name="shown", env="test")
    _tag(ec2, pruned, Name="pruned", env="dev")

    tagged, described, deleted = _each(
        aws,
        ("create-tags", "--resources", vpc_id, subnet_id, "--tags", "Key=Name,Value=core", "Key=env,Value=dev"),
        ("describe-tags", "--filters", f"Name=resource-id,Values={shown}"),
        # A key with a value removes the tag only when the value matches; a bare key removes it whatever its value.
        ("delete-tags", "--resources", pruned, "--tags", "Key=env,Value=prod", "Key=Name"),
    )
    assert tagged == deleted == {}
    assert sorted((t["ResourceId"], t["ResourceType"], t["Key"], t["Value"]) for t in described["Tags"]) == [
        (shown, "vpc", "Name", "shown"),
        (shown, "vpc", "env", "test"),
    ]
    tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [vpc_id, subnet_id, pruned]}])["Tags"]
    assert sorted((t["ResourceId"], t["ResourceType"], t["Key"], t["Value"]) for t in tags) == sorted(
        [
            (vpc_id, "vpc", "Name", "core"),
            (vpc_id, "vpc", "env", "dev"),
            (subnet_id, "subnet", "Name", "core"),
            (subnet_id, "subnet", "env", "dev"),
            (pruned, "vpc", "env", "dev"),
        ]
    )

    before = _settled(ec2)
    _refused(
        aws,
        ("InvalidParameterValue", "create-tags", "--resources", vpc_id, "--tags", "Key=aws:reserved,Value=x"),
        # One unknown resource refuses the whole call: the VPC is not tagged either.
        ("InvalidVpcID.NotFound", "create-tags", "--resources", vpc_id, f"vpc-{MISSING}", "--tags", "Key=team,Value=x"),
        ("InvalidID", "delete-tags", "--resources", "vpc-zz", "--tags", "Key=Name"),
        ("InvalidParameterValue", "describe-tags", "--filters", "Name=colour,Values=red"),
    )
    assert _state(ec2) == before
