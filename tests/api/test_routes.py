"""Route tables, associations and routes through real boto3 and the real AWS CLI against a live server."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.amis import AMI, EVERYWHERE
from tests.conftest import Cli, error_code


def _vpc(ec2: Any, cidr: str = "10.0.0.0/16") -> str:
    return str(ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"])


def _subnet(ec2: Any, vpc_id: str, cidr: str) -> str:
    return str(ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr)["Subnet"]["SubnetId"])


def _table(ec2: Any, table_id: str) -> dict[str, Any]:
    return dict(ec2.describe_route_tables(RouteTableIds=[table_id])["RouteTables"][0])


def _main(ec2: Any, vpc_id: str) -> dict[str, Any]:
    filters = [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main", "Values": ["true"]}]
    (table,) = ec2.describe_route_tables(Filters=filters)["RouteTables"]
    return dict(table)


def _igw(ec2: Any, vpc_id: str) -> str:
    gid = str(ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"])
    ec2.attach_internet_gateway(InternetGatewayId=gid, VpcId=vpc_id)
    return gid


def _fails(code: str, call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    assert error_code(excinfo) == code, excinfo.value.response["Error"]
    return str(excinfo.value.response["Error"]["Message"])


# -- tables ------------------------------------------------------------------------------------------------------
def test_create_route_table_has_local_routes_for_every_vpc_cidr_and_tags(ec2: Any, account: str) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    ec2.associate_vpc_cidr_block(VpcId=vpc["VpcId"], CidrBlock="10.1.0.0/16")
    described = ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0]
    ipv6 = described["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    table = ec2.create_route_table(
        VpcId=vpc["VpcId"],
        TagSpecifications=[{"ResourceType": "route-table", "Tags": [{"Key": "Name", "Value": "private"}]}],
    )["RouteTable"]
    assert table["RouteTableId"].startswith("rtb-") and table["VpcId"] == vpc["VpcId"]
    assert table["OwnerId"] == account and table["Associations"] == [] and table["PropagatingVgws"] == []
    assert table["Tags"] == [{"Key": "Name", "Value": "private"}]
    assert table["Routes"] == [
        {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
        {"DestinationCidrBlock": "10.1.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
        {"DestinationIpv6CidrBlock": ipv6, "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
    ]
    assert _table(ec2, table["RouteTableId"]) == table
    tagged = ec2.describe_route_tables(Filters=[{"Name": "tag:Name", "Values": ["private"]}])["RouteTables"]
    assert [t["RouteTableId"] for t in tagged] == [table["RouteTableId"]]


def test_create_route_table_errors_change_nothing(ec2: Any) -> None:
    before = len(ec2.describe_route_tables()["RouteTables"])
    _fails("InvalidVpcID.NotFound", ec2.create_route_table, VpcId="vpc-0123456789abcdef0")
    _fails("InvalidVpcID.Malformed", ec2.create_route_table, VpcId="vpc-xyz")
    vpc_id = _vpc(ec2)
    _fails(
        "InvalidParameterValue",
        ec2.create_route_table,
        VpcId=vpc_id,
        TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "a", "Value": "b"}]}],
    )
    assert len(ec2.describe_route_tables()["RouteTables"]) == before + 1  # only the new VPC's main table


def test_delete_route_table_refuses_main_and_associated_tables(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    main = _main(ec2, vpc_id)
    _fails("DependencyViolation", ec2.delete_route_table, RouteTableId=main["RouteTableId"])
    table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    association = ec2.associate_route_table(RouteTableId=table_id, SubnetId=_subnet(ec2, vpc_id, "10.0.1.0/24"))
    _fails("DependencyViolation", ec2.delete_route_table, RouteTableId=table_id)
    assert _table(ec2, table_id)["Associations"][0]["RouteTableAssociationId"] == association["AssociationId"]
    ec2.disassociate_route_table(AssociationId=association["AssociationId"])
    ec2.delete_route_table(RouteTableId=table_id)
    _fails("InvalidRouteTableID.NotFound", ec2.describe_route_tables, RouteTableIds=[table_id])
    _fails("InvalidRouteTableID.NotFound", ec2.delete_route_table, RouteTableId=table_id)
    _fails("InvalidRouteTableId.Malformed", ec2.delete_route_table, RouteTableId="rtb-nothex")
    assert _main(ec2, vpc_id)["RouteTableId"] == main["RouteTableId"]


# -- associations ------------------------------------------------------------------------------------------------
def test_associate_subnet_then_it_cannot_be_associated_twice(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    subnet_id = _subnet(ec2, vpc_id, "10.0.1.0/24")
    first = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    second = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    result = ec2.associate_route_table(RouteTableId=first, SubnetId=subnet_id)
    assert result["AssociationId"].startswith("rtbassoc-")
    assert result["AssociationState"] == {"State": "associated"}
    assert _table(ec2, first)["Associations"] == [
        {
            "Main": False,
            "RouteTableAssociationId": result["AssociationId"],
            "RouteTableId": first,
            "SubnetId": subnet_id,
            "AssociationState": {"State": "associated"},
        }
    ]
    for table in (first, second):
        _fails("Resource.AlreadyAssociated", ec2.associate_route_table, RouteTableId=table, SubnetId=subnet_id)
    assert _table(ec2, second)["Associations"] == []
    found = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}])
    assert [t["RouteTableId"] for t in found["RouteTables"]] == [first]


def test_associate_errors(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    other_subnet = _subnet(ec2, _vpc(ec2, "10.9.0.0/16"), "10.9.1.0/24")
    table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    _fails("InvalidParameterValue", ec2.associate_route_table, RouteTableId=table_id, SubnetId=other_subnet)
    _fails("MissingParameter", ec2.associate_route_table, RouteTableId=table_id)
    subnet_id = _subnet(ec2, vpc_id, "10.0.2.0/24")
    gid = _igw(ec2, vpc_id)
    _fails(
        "InvalidParameterCombination",
        ec2.associate_route_table,
        RouteTableId=table_id,
        SubnetId=subnet_id,
        GatewayId=gid,
    )
    _fails(
        "InvalidSubnetID.NotFound",
        ec2.associate_route_table,
        RouteTableId=table_id,
        SubnetId="subnet-0123456789abcdef0",
    )
    _fails(
        "InvalidRouteTableID.NotFound",
        ec2.associate_route_table,
        RouteTableId="rtb-0123456789abcdef0",
        SubnetId=subnet_id,
    )
    assert _table(ec2, table_id)["Associations"] == []


def test_gateway_edge_association(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    detached = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    _fails("InvalidParameterValue", ec2.associate_route_table, RouteTableId=table_id, GatewayId=detached)
    ec2.attach_internet_gateway(InternetGatewayId=detached, VpcId=vpc_id)
    result = ec2.associate_route_table(RouteTableId=table_id, GatewayId=detached)
    (association,) = _table(ec2, table_id)["Associations"]
    assert association["GatewayId"] == detached and association["Main"] is False
    assert association["RouteTableAssociationId"] == result["AssociationId"]
    main_id = _main(ec2, vpc_id)["RouteTableId"]
    _fails("Resource.AlreadyAssociated", ec2.associate_route_table, RouteTableId=main_id, GatewayId=detached)
    found = ec2.describe_route_tables(Filters=[{"Name": "association.gateway-id", "Values": [detached]}])
    assert [t["RouteTableId"] for t in found["RouteTables"]] == [table_id]


def test_disassociate_refuses_main_and_unknown(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    main = _main(ec2, vpc_id)
    main_association = main["Associations"][0]["RouteTableAssociationId"]
    message = _fails("InvalidParameterValue", ec2.disassociate_route_table, AssociationId=main_association)
    assert main_association in message
    assert _main(ec2, vpc_id)["Associations"] == main["Associations"]
    _fails("InvalidAssociationID.NotFound", ec2.disassociate_route_table, AssociationId="rtbassoc-0123456789abcdef0")


def test_replace_association_moves_a_subnet(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    subnet_id = _subnet(ec2, vpc_id, "10.0.1.0/24")
    first = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    second = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    old = ec2.associate_route_table(RouteTableId=first, SubnetId=subnet_id)["AssociationId"]
    result = ec2.replace_route_table_association(AssociationId=old, RouteTableId=second)
    assert result["NewAssociationId"] != old and result["AssociationState"] == {"State": "associated"}
    assert _table(ec2, first)["Associations"] == []
    (moved,) = _table(ec2, second)["Associations"]
    assert (moved["SubnetId"], moved["RouteTableAssociationId"]) == (subnet_id, result["NewAssociationId"])
    other_vpc_table = ec2.create_route_table(VpcId=_vpc(ec2, "10.5.0.0/16"))["RouteTable"]["RouteTableId"]
    _fails(
        "InvalidParameterValue",
        ec2.replace_route_table_association,
        AssociationId=result["NewAssociationId"],
        RouteTableId=other_vpc_table,
    )
    _fails("InvalidAssociationID.NotFound", ec2.replace_route_table_association, AssociationId=old, RouteTableId=first)
    assert _table(ec2, second)["Associations"] == [moved]


def test_replace_main_association_moves_the_main_flag(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    old_main = _main(ec2, vpc_id)
    new_main = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    association_id = old_main["Associations"][0]["RouteTableAssociationId"]
    result = ec2.replace_route_table_association(AssociationId=association_id, RouteTableId=new_main)
    main = _main(ec2, vpc_id)
    assert main["RouteTableId"] == new_main
    assert main["Associations"][0]["RouteTableAssociationId"] == result["NewAssociationId"]
    assert _table(ec2, old_main["RouteTableId"])["Associations"] == []
    # The old main table is an ordinary table now: it can be deleted, the new main cannot.
    _fails("DependencyViolation", ec2.delete_route_table, RouteTableId=new_main)
    ec2.delete_route_table(RouteTableId=old_main["RouteTableId"])


# -- routes ------------------------------------------------------------------------------------------------------
def test_routes_to_an_internet_gateway_and_their_state(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    gid = _igw(ec2, vpc_id)
    assert ec2.create_route(RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0", GatewayId=gid)["Return"]
    route = _table(ec2, table_id)["Routes"][1]
    assert route == {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": gid, "Origin": "CreateRoute", "State": "active"}
    message = _fails(
        "RouteAlreadyExists", ec2.create_route, RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0", GatewayId=gid
    )
    assert message == "The route identified by 0.0.0.0/0 already exists."
    ec2.detach_internet_gateway(InternetGatewayId=gid, VpcId=vpc_id)
    assert _table(ec2, table_id)["Routes"][1]["State"] == "blackhole"
    found = ec2.describe_route_tables(Filters=[{"Name": "route.state", "Values": ["blackhole"]}])["RouteTables"]
    assert [t["RouteTableId"] for t in found] == [table_id]
    ec2.attach_internet_gateway(InternetGatewayId=gid, VpcId=vpc_id)
    assert _table(ec2, table_id)["Routes"][1]["State"] == "active"


def test_create_route_gateway_errors(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    detached = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    message = _fails(
        "InvalidParameterValue",
        ec2.create_route,
        RouteTableId=table_id,
        DestinationCidrBlock="0.0.0.0/0",
        GatewayId=detached,
    )
    assert "belong to different networks" in message
    _fails(
        "InvalidGatewayID.NotFound",
        ec2.create_route,
        RouteTableId=table_id,
        DestinationCidrBlock="0.0.0.0/0",
        GatewayId="igw-0123456789abcdef0",
    )
    _fails(
        "InvalidParameterValue",
        ec2.create_route,
        RouteTableId=table_id,
        DestinationCidrBlock="0.0.0.0/0",
        GatewayId="local",
    )
    _fails(
        "InvalidRouteTableID.NotFound",
        ec2.create_route,
        RouteTableId="rtb-0123456789abcdef0",
        DestinationCidrBlock="0.0.0.0/0",
        GatewayId=detached,
    )
    assert len(_table(ec2, table_id)["Routes"]) == 1


def test_exactly_one_destination_and_one_target(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    gid = _igw(ec2, vpc_id)
    _fails("MissingParameter", ec2.create_route, RouteTableId=table_id, GatewayId=gid)
    _fails("MissingParameter", ec2.create_route, RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0")
    _fails(
        "InvalidParameterCombination",
        ec2.create_route,
        RouteTableId=table_id,
        DestinationCidrBlock="0.0.0.0/0",
        DestinationIpv6CidrBlock="::/0",
        GatewayId=gid,
    )
    _fails(
        "InvalidParameterCombination",
        ec2.create_route,
        RouteTableId=table_id,
        DestinationCidrBlock="0.0.0.0/0",
        GatewayId=gid,
        NatGatewayId="nat-0123456789abcdef0",
    )
    _fails(
        "InvalidParameterValue",
        ec2.create_route,
        RouteTableId=table_id,
        DestinationCidrBlock="0.0.0.0",
        GatewayId=gid,
    )
    _fails(
        "InvalidEgressOnlyInternetGatewayId.NotFound",
        ec2.create_route,
        RouteTableId=table_id,
        DestinationIpv6CidrBlock="::/0",
        EgressOnlyInternetGatewayId="eigw-0123456789abcdef0",
    )
    assert len(_table(ec2, table_id)["Routes"]) == 1


def test_ipv6_route(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    gid = _igw(ec2, vpc_id)
    ec2.create_route(RouteTableId=table_id, DestinationIpv6CidrBlock="::/0", GatewayId=gid)
    route = _table(ec2, table_id)["Routes"][1]
    assert route == {"DestinationIpv6CidrBlock": "::/0", "GatewayId": gid, "Origin": "CreateRoute", "State": "active"}
    ec2.delete_route(RouteTableId=table_id, DestinationIpv6CidrBlock="::/0")
    assert len(_table(ec2, table_id)["Routes"]) == 1


def test_local_routes_cannot_be_created_replaced_or_deleted(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    gid = _igw(ec2, vpc_id)
    _fails(
        "RouteAlreadyExists", ec2.create_route, RouteTableId=table_id, DestinationCidrBlock="10.0.0.0/16", GatewayId=gid
    )
    message = _fails(
        "InvalidParameterValue", ec2.delete_route, RouteTableId=table_id, DestinationCidrBlock="10.0.0.0/16"
    )
    assert message == f"cannot remove local route 10.0.0.0/16 in route table {table_id}"
    _fails(
        "InvalidParameterValue",
        ec2.replace_route,
        RouteTableId=table_id,
        DestinationCidrBlock="10.0.0.0/16",
        GatewayId=gid,
    )
    assert _table(ec2, table_id)["Routes"] == [
        {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"}
    ]


def test_delete_and_replace_missing_routes(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    gid = _igw(ec2, vpc_id)
    message = _fails(
        "InvalidRoute.NotFound", ec2.delete_route, RouteTableId=table_id, DestinationCidrBlock="1.2.3.0/24"
    )
    assert message == f"no route with destination-cidr-block 1.2.3.0/24 in route table {table_id}"
    _fails(
        "InvalidRoute.NotFound",
        ec2.replace_route,
        RouteTableId=table_id,
        DestinationCidrBlock="1.2.3.0/24",
        GatewayId=gid,
    )
    _fails("InvalidRoute.NotFound", ec2.delete_route, RouteTableId=table_id, DestinationIpv6CidrBlock="::/0")
    assert len(_table(ec2, table_id)["Routes"]) == 1


def test_replace_route_changes_the_target(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    subnet_id = _subnet(ec2, vpc_id, "10.0.1.0/24")
    table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    gid = _igw(ec2, vpc_id)
    ec2.create_route(RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0", GatewayId=gid)
    eni = ec2.create_network_interface(SubnetId=subnet_id)["NetworkInterface"]["NetworkInterfaceId"]
    ec2.replace_route(RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0", NetworkInterfaceId=eni)
    route = _table(ec2, table_id)["Routes"][1]
    assert route["NetworkInterfaceId"] == eni and "GatewayId" not in route and route["Origin"] == "CreateRoute"
    _fails(
        "InvalidNetworkInterfaceID.NotFound",
        ec2.replace_route,
        RouteTableId=table_id,
        DestinationCidrBlock="0.0.0.0/0",
        NetworkInterfaceId="eni-0123456789abcdef0",
    )
    assert _table(ec2, table_id)["Routes"][1] == route
    ec2.delete_network_interface(NetworkInterfaceId=eni)
    assert _table(ec2, table_id)["Routes"][1]["State"] == "blackhole"


def test_routes_more_specific_than_local(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    subnet_id = _subnet(ec2, vpc_id, "10.0.1.0/24")
    table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    gid = _igw(ec2, vpc_id)
    eni = ec2.create_network_interface(SubnetId=subnet_id)["NetworkInterface"]["NetworkInterfaceId"]
    _fails(
        "InvalidParameterValue",
        ec2.create_route,
        RouteTableId=table_id,
        DestinationCidrBlock="10.0.1.0/24",
        GatewayId=gid,
    )
    _fails(
        "InvalidParameterValue",
        ec2.create_route,
        RouteTableId=table_id,
        DestinationCidrBlock="10.0.2.0/24",  # inside the VPC but no subnet's CIDR
        NetworkInterfaceId=eni,
    )
    ec2.create_route(RouteTableId=table_id, DestinationCidrBlock="10.0.1.0/24", NetworkInterfaceId=eni)
    ec2.create_route(RouteTableId=table_id, DestinationCidrBlock="10.0.0.0/8", GatewayId=gid)  # less specific: fine
    routes = _table(ec2, table_id)["Routes"]
    assert [r.get("DestinationCidrBlock") for r in routes] == ["10.0.0.0/16", "10.0.1.0/24", "10.0.0.0/8"]


def test_interface_target_in_another_vpc_is_refused(ec2: Any) -> None:
    table_id = ec2.create_route_table(VpcId=_vpc(ec2))["RouteTable"]["RouteTableId"]
    other = _subnet(ec2, _vpc(ec2, "10.8.0.0/16"), "10.8.1.0/24")
    eni = ec2.create_network_interface(SubnetId=other)["NetworkInterface"]["NetworkInterfaceId"]
    message = _fails(
        "InvalidParameterValue",
        ec2.create_route,
        RouteTableId=table_id,
        DestinationCidrBlock="0.0.0.0/0",
        NetworkInterfaceId=eni,
    )
    assert message == f"route table {table_id} and interface {eni} belong to different networks"


def test_route_to_an_instance_resolves_its_primary_interface(ec2: Any, account: str) -> None:
    vpc_id = _vpc(ec2)
    subnet_id = _subnet(ec2, vpc_id, "10.0.1.0/24")
    table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    instance = ec2.run_instances(ImageId=AMI, InstanceType=EVERYWHERE, MinCount=1, MaxCount=1, SubnetId=subnet_id)[
        "Instances"
    ][0]
    eni = instance["NetworkInterfaces"][0]["NetworkInterfaceId"]
    ec2.create_route(RouteTableId=table_id, DestinationCidrBlock="192.168.0.0/16", InstanceId=instance["InstanceId"])
    route = _table(ec2, table_id)["Routes"][1]
    assert route["InstanceId"] == instance["InstanceId"] and route["InstanceOwnerId"] == account
    assert route["NetworkInterfaceId"] == eni and route["State"] == "active"
    found = ec2.describe_route_tables(Filters=[{"Name": "route.instance-id", "Values": [instance["InstanceId"]]}])
    assert [t["RouteTableId"] for t in found["RouteTables"]] == [table_id]
    _fails(
        "InvalidInstanceID.NotFound",
        ec2.create_route,
        RouteTableId=table_id,
        DestinationCidrBlock="192.169.0.0/16",
        InstanceId="i-0123456789abcdef0",
    )


def test_other_targets_not_found(ec2: Any) -> None:
    table_id = ec2.create_route_table(VpcId=_vpc(ec2))["RouteTable"]["RouteTableId"]
    cases = {
        "NatGatewayNotFound": {"NatGatewayId": "nat-0123456789abcdef0"},
        "InvalidVpcPeeringConnectionID.NotFound": {"VpcPeeringConnectionId": "pcx-0123456789abcdef0"},
        "InvalidTransitGatewayID.NotFound": {"TransitGatewayId": "tgw-0123456789abcdef0"},
        "InvalidVpcEndpointId.NotFound": {"VpcEndpointId": "vpce-0123456789abcdef0"},
    }
    for code, target in cases.items():
        _fails(code, ec2.create_route, RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0", **target)
    assert len(_table(ec2, table_id)["Routes"]) == 1


def test_prefix_list_destination(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    gid = _igw(ec2, vpc_id)
    _fails(
        "InvalidPrefixListID.NotFound",
        ec2.create_route,
        RouteTableId=table_id,
        DestinationPrefixListId="pl-0123456789abcdef0",
        GatewayId=gid,
    )
    plist = ec2.create_managed_prefix_list(
        PrefixListName="offices", MaxEntries=5, AddressFamily="IPv4", Entries=[{"Cidr": "203.0.113.0/24"}]
    )["PrefixList"]["PrefixListId"]
    ec2.create_route(RouteTableId=table_id, DestinationPrefixListId=plist, GatewayId=gid)
    route = _table(ec2, table_id)["Routes"][1]
    assert route == {"DestinationPrefixListId": plist, "GatewayId": gid, "Origin": "CreateRoute", "State": "active"}
    ec2.delete_route(RouteTableId=table_id, DestinationPrefixListId=plist)
    assert len(_table(ec2, table_id)["Routes"]) == 1


def test_route_limit_is_fifty_per_family(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    gid = _igw(ec2, vpc_id)
    for n in range(49):  # the local route is the 50th
        ec2.create_route(RouteTableId=table_id, DestinationCidrBlock=f"192.168.{n}.0/24", GatewayId=gid)
    _fails(
        "RouteLimitExceeded",
        ec2.create_route,
        RouteTableId=table_id,
        DestinationCidrBlock="172.16.0.0/16",
        GatewayId=gid,
    )
    ec2.create_route(RouteTableId=table_id, DestinationIpv6CidrBlock="::/0", GatewayId=gid)  # IPv6 counts apart
    assert len(_table(ec2, table_id)["Routes"]) == 51


def test_describe_route_tables_filters_and_pages(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    tables = [ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"] for _ in range(6)]
    gid = _igw(ec2, vpc_id)
    ec2.create_route(RouteTableId=tables[2], DestinationCidrBlock="0.0.0.0/0", GatewayId=gid)
    by_gateway = ec2.describe_route_tables(Filters=[{"Name": "route.gateway-id", "Values": [gid]}])["RouteTables"]
    assert [t["RouteTableId"] for t in by_gateway] == [tables[2]]
    in_vpc = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
    assert len(in_vpc) == 7
    first = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}], MaxResults=5)
    assert len(first["RouteTables"]) == 5 and first["NextToken"]
    rest = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}], MaxResults=5, NextToken=first["NextToken"]
    )
    assert len(rest["RouteTables"]) == 2 and "NextToken" not in rest
    _fails("InvalidParameterValue", ec2.describe_route_tables, Filters=[{"Name": "route.bogus", "Values": ["x"]}])


def test_default_vpc_main_table_routes_to_its_internet_gateway(ec2: Any) -> None:
    (vpc,) = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    main = _main(ec2, vpc["VpcId"])
    (gateway,) = ec2.describe_internet_gateways()["InternetGateways"]
    assert main["Routes"][1] == {
        "DestinationCidrBlock": "0.0.0.0/0",
        "GatewayId": gateway["InternetGatewayId"],
        "Origin": "CreateRoute",
        "State": "active",
    }


def test_cli_route_table_flow(aws: Cli, ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    gid = _igw(ec2, vpc_id)
    table = aws("ec2", "create-route-table", "--vpc-id", vpc_id)["RouteTable"]
    table_id = table["RouteTableId"]
    assert table["Routes"][0]["GatewayId"] == "local"
    assert aws(
        "ec2",
        "create-route",
        "--route-table-id",
        table_id,
        "--destination-cidr-block",
        "0.0.0.0/0",
        "--gateway-id",
        gid,
    ) == {"Return": True}
    described = aws("ec2", "describe-route-tables", "--route-table-ids", table_id)["RouteTables"][0]
    assert described["Routes"][1] == {
        "DestinationCidrBlock": "0.0.0.0/0",
        "GatewayId": gid,
        "Origin": "CreateRoute",
        "State": "active",
    }
    aws("ec2", "delete-route", "--route-table-id", table_id, "--destination-cidr-block", "0.0.0.0/0")
    code = aws.error("ec2", "delete-route", "--route-table-id", table_id, "--destination-cidr-block", "0.0.0.0/0")
    assert code == "InvalidRoute.NotFound"
    assert len(aws("ec2", "describe-route-tables", "--route-table-ids", table_id)["RouteTables"][0]["Routes"]) == 1
    aws("ec2", "delete-route-table", "--route-table-id", table_id)
    assert aws.error("ec2", "describe-route-tables", "--route-table-ids", table_id) == "InvalidRouteTableID.NotFound"


def test_gateway_endpoint_routes_are_managed_by_the_endpoint(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    endpoint = ec2.create_vpc_endpoint(
        VpcId=vpc_id, VpcEndpointType="Gateway", ServiceName="com.amazonaws.us-east-1.s3", RouteTableIds=[table_id]
    )["VpcEndpoint"]
    route = _table(ec2, table_id)["Routes"][1]
    assert route["GatewayId"] == endpoint["VpcEndpointId"] and route["State"] == "active"
    plist = route["DestinationPrefixListId"]
    message = _fails("InvalidParameterValue", ec2.delete_route, RouteTableId=table_id, DestinationPrefixListId=plist)
    assert endpoint["VpcEndpointId"] in message
    gid = _igw(ec2, vpc_id)
    _fails(
        "InvalidParameterValue", ec2.replace_route, RouteTableId=table_id, DestinationPrefixListId=plist, GatewayId=gid
    )
    assert _table(ec2, table_id)["Routes"][1] == route
    # A gateway endpoint is no route target of its own: only Gateway Load Balancer endpoints are.
    message = _fails(
        "InvalidParameterValue",
        ec2.create_route,
        RouteTableId=table_id,
        DestinationCidrBlock="0.0.0.0/0",
        VpcEndpointId=endpoint["VpcEndpointId"],
    )
    assert message.startswith("Route table target must be a Gateway Load Balancer endpoint")
    _fails(
        "InvalidParameterValue",
        ec2.create_route,
        RouteTableId=table_id,
        DestinationCidrBlock="0.0.0.0/0",
        GatewayId=endpoint["VpcEndpointId"],
    )
    assert len(_table(ec2, table_id)["Routes"]) == 2
