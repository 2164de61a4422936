"""IPv6 blocks of VPCs through boto3: Amazon's /56 from the Region's pool, never reused, the quota, the parameters AWS
refuses, what a block brings (local routes, the default group's ::/0 egress, the ACLs' IPv6 entries), and CIDRs kept
in canonical form."""

from __future__ import annotations

from ipaddress import IPv6Network
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code

POOL = IPv6Network("2600:1f18::/33")  # us-east-1's largest published EC2 IPv6 range


def _fails(code: str, call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    assert error_code(excinfo) == code, excinfo.value.response["Error"]
    return str(excinfo.value.response["Error"]["Message"])


def _blocks(ec2: Any, vpc_id: str) -> list[dict[str, Any]]:
    return list(ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"])


def _ipv6_vpc(ec2: Any, cidr: str = "10.0.0.0/16") -> tuple[str, str]:
    vpc_id = ec2.create_vpc(CidrBlock=cidr, AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    return vpc_id, _blocks(ec2, vpc_id)[0]["Ipv6CidrBlock"]


def test_create_vpc_with_an_amazon_block_answers_associating_then_a_56_from_the_pool(ec2: Any) -> None:
    created = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    (pending,) = created["Ipv6CidrBlockAssociationSet"]
    assert pending["Ipv6CidrBlock"] == "" and pending["Ipv6CidrBlockState"] == {"State": "associating"}
    assert pending["Ipv6Pool"] == "Amazon" and pending["NetworkBorderGroup"] == "us-east-1"
    (block,) = _blocks(ec2, created["VpcId"])
    network = IPv6Network(block["Ipv6CidrBlock"])
    assert network.prefixlen == 56 and network.subnet_of(POOL) and block["Ipv6CidrBlock"] == str(network)
    assert block["Ipv6CidrBlockState"] == {"State": "associated"}
    assert block["AssociationId"] == pending["AssociationId"] and block["AssociationId"].startswith("vpc-cidr-assoc-")
    found = ec2.describe_vpcs(
        Filters=[{"Name": "ipv6-cidr-block-association.ipv6-cidr-block", "Values": [str(network)]}]
    )
    assert [v["VpcId"] for v in found["Vpcs"]] == [created["VpcId"]]


def test_blocks_are_never_reused_across_vpcs_accounts_or_deletions(vpcsim: Any, ec2: Any) -> None:
    other = vpcsim.client("ec2", region="us-east-1", account="210987654321")
    seen = []
    for client in (ec2, other, ec2):
        vpc_id, block = _ipv6_vpc(client)
        seen.append(block)
        client.delete_vpc(VpcId=vpc_id)
    vpc_id, block = _ipv6_vpc(ec2)
    seen.append(block)
    assert len(set(seen)) == len(seen) and all(IPv6Network(b).subnet_of(POOL) for b in seen)
    eu = vpcsim.client("ec2", region="eu-west-2", account="210987654321")
    eu_vpc = eu.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    assert IPv6Network(_blocks(eu, eu_vpc)[0]["Ipv6CidrBlock"]).subnet_of(IPv6Network("2a05:d01c::/36"))


def test_associate_and_disassociate_ipv6_blocks_up_to_the_quota(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    answer = ec2.associate_vpc_cidr_block(VpcId=vpc_id, AmazonProvidedIpv6CidrBlock=True)
    association = answer["Ipv6CidrBlockAssociation"]
    assert association["Ipv6CidrBlockState"] == {"State": "associating"} and answer["VpcId"] == vpc_id
    block = association["Ipv6CidrBlock"]
    table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"][0]
    assert {
        "DestinationIpv6CidrBlock": block,
        "GatewayId": "local",
        "Origin": "CreateRouteTable",
        "State": "active",
    } in (table["Routes"])
    for _ in range(4):
        ec2.associate_vpc_cidr_block(VpcId=vpc_id, AmazonProvidedIpv6CidrBlock=True)
    assert len(_blocks(ec2, vpc_id)) == 5
    _fails("CidrLimitExceeded", ec2.associate_vpc_cidr_block, VpcId=vpc_id, AmazonProvidedIpv6CidrBlock=True)
    gone = ec2.disassociate_vpc_cidr_block(AssociationId=association["AssociationId"])["Ipv6CidrBlockAssociation"]
    assert gone["Ipv6CidrBlockState"] == {"State": "disassociating"} and gone["Ipv6CidrBlock"] == block
    assert block not in [b["Ipv6CidrBlock"] for b in _blocks(ec2, vpc_id)]
    table = ec2.describe_route_tables(RouteTableIds=[table["RouteTableId"]])["RouteTables"][0]
    assert block not in [r.get("DestinationIpv6CidrBlock") for r in table["Routes"]]


def test_ipv6_parameters_aws_refuses(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    cases: list[tuple[str, dict[str, Any]]] = [
        (
            "InvalidParameterValue",
            {"AmazonProvidedIpv6CidrBlock": True, "Ipv6CidrBlockNetworkBorderGroup": "us-west-2"},
        ),
        ("InvalidParameterCombination", {"Ipv6CidrBlockNetworkBorderGroup": "us-east-1"}),
        ("InvalidParameterValue", {"Ipv6Pool": "ipv6pool-ec2-0123456789abcdef0", "Ipv6CidrBlock": "2001:db8::/56"}),
        ("InvalidParameterCombination", {"AmazonProvidedIpv6CidrBlock": True, "Ipv6Pool": "ipv6pool-ec2-01234567"}),
        ("InvalidIpamPoolId.NotFound", {"Ipv6IpamPoolId": "ipam-pool-0123456789abcdef0"}),
        ("InvalidParameterCombination", {"AmazonProvidedIpv6CidrBlock": True, "CidrBlock": "10.1.0.0/16"}),
    ]
    for code, given in cases:
        _fails(code, ec2.associate_vpc_cidr_block, VpcId=vpc_id, **given)
    assert _blocks(ec2, vpc_id) == []
    _fails("InvalidParameterValue", ec2.create_vpc, CidrBlock="10.0.0.0/16", Ipv6Pool="ipv6pool-ec2-01234567")
    ok = ec2.create_vpc(
        CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True, Ipv6CidrBlockNetworkBorderGroup="us-east-1"
    )
    assert ok["Vpc"]["Ipv6CidrBlockAssociationSet"][0]["NetworkBorderGroup"] == "us-east-1"
    _fails(
        "InvalidVpcCidrBlockAssociationID.NotFound",
        ec2.disassociate_vpc_cidr_block,
        AssociationId="vpc-cidr-assoc-0123456789abcdef0",
    )


def test_a_block_with_a_subnet_in_it_cannot_be_disassociated(ec2: Any) -> None:
    vpc_id, block = _ipv6_vpc(ec2)
    subnet_block = str(next(IPv6Network(block).subnets(new_prefix=64)))
    ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.0.0/24", Ipv6CidrBlock=subnet_block)
    association = _blocks(ec2, vpc_id)[0]["AssociationId"]
    _fails("InvalidCidrBlock.InUse", ec2.disassociate_vpc_cidr_block, AssociationId=association)
    assert len(_blocks(ec2, vpc_id)) == 1


def _rules(ec2: Any, group_id: str, egress: bool) -> list[dict[str, Any]]:
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group_id]}])
    return [r for r in rules["SecurityGroupRules"] if r["IsEgress"] is egress]


def _default_group(ec2: Any, vpc_id: str) -> str:
    groups = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
    )
    return str(groups["SecurityGroups"][0]["GroupId"])


def _acl_entries(ec2: Any, acl_id: str) -> set[tuple[int, bool, str, str]]:
    acl = ec2.describe_network_acls(NetworkAclIds=[acl_id])["NetworkAcls"][0]
    return {
        (e["RuleNumber"], e["Egress"], e["RuleAction"], e.get("CidrBlock") or e.get("Ipv6CidrBlock", ""))
        for e in acl["Entries"]
    }


def test_an_ipv6_vpc_has_the_default_group_ipv6_egress_and_the_default_acl_ipv6_entries(ec2: Any) -> None:
    vpc_id, _ = _ipv6_vpc(ec2)
    egress = _rules(ec2, _default_group(ec2, vpc_id), True)
    assert sorted(r.get("CidrIpv4") or r.get("CidrIpv6", "") for r in egress) == ["0.0.0.0/0", "::/0"]
    custom = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc_id)["GroupId"]
    assert [r.get("CidrIpv4") for r in _rules(ec2, custom, True)] == ["0.0.0.0/0"]
    acl = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NetworkAcls"][0]
    entries = _acl_entries(ec2, acl["NetworkAclId"])
    for egress_flag in (True, False):
        assert (101, egress_flag, "allow", "::/0") in entries and (32768, egress_flag, "deny", "::/0") in entries
    custom_acl = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]
    assert {(e["RuleNumber"], e.get("Ipv6CidrBlock")) for e in custom_acl["Entries"] if "Ipv6CidrBlock" in e} == {
        (32768, "::/0")
    }


def test_associating_a_first_block_adds_ipv6_entries_except_where_the_user_changed_the_default_acl(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    group = _default_group(ec2, vpc_id)
    assert [r.get("CidrIpv6") for r in _rules(ec2, group, True)] == [None]
    default_acl = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NetworkAcls"][0]
    ec2.create_network_acl_entry(
        NetworkAclId=default_acl["NetworkAclId"], RuleNumber=90, Protocol="6", RuleAction="deny", Egress=False,
        CidrBlock="192.0.2.0/24", PortRange={"From": 22, "To": 22},
    )  # fmt: skip
    custom_acl = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    ec2.associate_vpc_cidr_block(VpcId=vpc_id, AmazonProvidedIpv6CidrBlock=True)
    assert sorted(r.get("CidrIpv6") or "" for r in _rules(ec2, group, True)) == ["", "::/0"]
    entries = _acl_entries(ec2, default_acl["NetworkAclId"])
    assert (101, True, "allow", "::/0") in entries and (101, False, "allow", "::/0") not in entries
    assert (32768, False, "deny", "::/0") in entries and (32768, True, "deny", "::/0") in entries
    assert {e for e in _acl_entries(ec2, custom_acl) if e[3] == "::/0"} == {
        (32768, True, "deny", "::/0"),
        (32768, False, "deny", "::/0"),
    }
    ec2.associate_vpc_cidr_block(VpcId=vpc_id, AmazonProvidedIpv6CidrBlock=True)  # a second block adds nothing
    assert len(_rules(ec2, group, True)) == 2


def test_cidrs_are_kept_in_canonical_form(ec2: Any) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.18/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    assert vpc["CidrBlock"] == "10.0.0.0/16" and vpc["CidrBlockAssociationSet"][0]["CidrBlock"] == "10.0.0.0/16"
    secondary = ec2.associate_vpc_cidr_block(VpcId=vpc["VpcId"], CidrBlock="10.1.2.3/16")["CidrBlockAssociation"]
    assert secondary["CidrBlock"] == "10.1.0.0/16"
    block = IPv6Network(_blocks(ec2, vpc["VpcId"])[0]["Ipv6CidrBlock"])
    first = next(block.subnets(new_prefix=64))
    loud = first.exploded.upper().replace("/64", "").rsplit(":", 1)[0] + ":0005/64"  # host bits, upper case
    subnet = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.0.1.77/24", Ipv6CidrBlock=loud)["Subnet"]
    assert subnet["CidrBlock"] == "10.0.1.0/24"
    assert subnet["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"] == str(first)
    table = ec2.create_route_table(VpcId=vpc["VpcId"])["RouteTable"]["RouteTableId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc["VpcId"])
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="100.68.0.18/18", GatewayId=igw)
    ec2.create_route(RouteTableId=table, DestinationIpv6CidrBlock="2001:DB8:0:0:1::/64", GatewayId=igw)
    routes = ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"][0]["Routes"]
    assert {r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock") for r in routes} >= {
        "100.68.0.0/18",
        "2001:db8::/64",
    }
    ec2.delete_route(RouteTableId=table, DestinationCidrBlock="100.68.0.0/18")
    acl = ec2.create_network_acl(VpcId=vpc["VpcId"])["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(
        NetworkAclId=acl, RuleNumber=10, Protocol="-1", RuleAction="allow", Egress=True, Ipv6CidrBlock="2001:DB8::1/32"
    )
    assert (10, True, "allow", "2001:db8::/32") in _acl_entries(ec2, acl)
    plist = ec2.create_managed_prefix_list(
        PrefixListName="mine", MaxEntries=2, AddressFamily="IPv4", Entries=[{"Cidr": "10.9.8.7/8"}]
    )["PrefixList"]["PrefixListId"]
    entries = ec2.get_managed_prefix_list_entries(PrefixListId=plist)["Entries"]
    assert [e["Cidr"] for e in entries] == ["10.0.0.0/8"]
