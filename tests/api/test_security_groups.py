"""Security groups and their rules through real boto3 and the real AWS CLI against a live server."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code

ALL_OUT = {
    "IpProtocol": "-1",
    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
    "Ipv6Ranges": [],
    "PrefixListIds": [],
    "UserIdGroupPairs": [],
}


def _vpc(ec2: Any, cidr: str = "10.0.0.0/16") -> str:
    return str(ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"])


def _group(ec2: Any, vpc_id: str, name: str = "web") -> str:
    return str(ec2.create_security_group(GroupName=name, Description=f"{name} tier", VpcId=vpc_id)["GroupId"])


def _described(ec2: Any, group_id: str) -> dict[str, Any]:
    return dict(ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0])


def _refused(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    return error_code(excinfo)


def _tcp(port: int, *cidrs: str, **extra: Any) -> dict[str, Any]:
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": c} for c in cidrs], **extra}


def test_new_vpc_has_a_default_group_with_aws_rules(ec2: Any, account: str) -> None:
    vpc_id = _vpc(ec2)
    groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]
    assert [(g["GroupName"], g["Description"]) for g in groups] == [("default", "default VPC security group")]
    group = groups[0]
    assert group["IpPermissions"] == [
        {
            "IpProtocol": "-1",
            "IpRanges": [],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
            "UserIdGroupPairs": [{"GroupId": group["GroupId"], "UserId": account}],
        }
    ]
    assert group["IpPermissionsEgress"] == [ALL_OUT] and "Tags" not in group
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group["GroupId"]]}])
    shown = {(r["IsEgress"], r["IpProtocol"], r["FromPort"], r["ToPort"]) for r in rules["SecurityGroupRules"]}
    assert shown == {(False, "-1", -1, -1), (True, "-1", -1, -1)}
    assert all(r["SecurityGroupRuleId"].startswith("sgr-") and r["Tags"] == [] for r in rules["SecurityGroupRules"])


def test_create_security_group_matches_aws(ec2: Any, account: str) -> None:
    vpc_id = _vpc(ec2)
    created = ec2.create_security_group(GroupName="web", Description="web tier", VpcId=vpc_id)
    assert set(created) == {"GroupId", "SecurityGroupArn", "ResponseMetadata"}
    gid = created["GroupId"]
    assert created["SecurityGroupArn"] == f"arn:aws:ec2:us-east-1:{account}:security-group/{gid}"
    group = _described(ec2, gid)
    assert (group["GroupName"], group["VpcId"], group["OwnerId"]) == ("web", vpc_id, account)
    assert group["IpPermissions"] == [] and group["IpPermissionsEgress"] == [ALL_OUT]
    tagged = ec2.create_security_group(
        GroupName="db",
        Description="db",
        VpcId=vpc_id,
        TagSpecifications=[{"ResourceType": "security-group", "Tags": [{"Key": "team", "Value": "data"}]}],
    )
    assert tagged["Tags"] == [{"Key": "team", "Value": "data"}]
    assert _described(ec2, tagged["GroupId"])["Tags"] == [{"Key": "team", "Value": "data"}]


def test_create_security_group_refusals_change_nothing(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    _group(ec2, vpc_id, "web")
    cases = {
        "web": "InvalidGroup.Duplicate",
        "default": "InvalidParameterValue",
        "sg-lookalike": "InvalidParameterValue",
    }
    for name, code in cases.items():
        assert _refused(ec2.create_security_group, GroupName=name, Description="x", VpcId=vpc_id) == code
    missing = "vpc-0123456789abcdef0"
    assert _refused(ec2.create_security_group, GroupName="a", Description="x", VpcId=missing) == "InvalidVpcID.NotFound"
    names = [
        g["GroupName"]
        for g in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]
    ]
    assert sorted(names) == ["default", "web"]


def test_group_without_vpc_goes_to_the_default_vpc_or_is_refused(ec2: Any) -> None:
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    gid = ec2.create_security_group(GroupName="loose", Description="no vpc given")["GroupId"]
    assert _described(ec2, gid)["VpcId"] == default_vpc
    ec2.delete_security_group(GroupName="loose")  # names work in the default VPC
    for subnet in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [default_vpc]}])["Subnets"]:
        ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    for gateway in ec2.describe_internet_gateways()["InternetGateways"]:
        ec2.detach_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"], VpcId=default_vpc)
        ec2.delete_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"])
    ec2.delete_vpc(VpcId=default_vpc)
    assert _refused(ec2.create_security_group, GroupName="loose", Description="x") == "VPCIdNotSpecified"
    assert ec2.describe_security_groups()["SecurityGroups"] == []


def test_authorize_ingress_groups_rules_as_aws_does(ec2: Any, account: str) -> None:
    vpc_id = _vpc(ec2)
    gid, other = _group(ec2, vpc_id, "web"), _group(ec2, vpc_id, "lb")
    answer = ec2.authorize_security_group_ingress(
        GroupId=gid,
        IpPermissions=[
            {
                "IpProtocol": "6",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "10.1.2.3/16", "Description": "office"}, {"CidrIp": "0.0.0.0/0"}],
                "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}],
                "UserIdGroupPairs": [{"GroupId": other}],
            },
            {"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        ],
    )
    assert answer["Return"] is True and len(answer["SecurityGroupRules"]) == 5
    first = answer["SecurityGroupRules"][0]
    assert first["SecurityGroupRuleId"].startswith("sgr-") and first["GroupOwnerId"] == account
    assert (first["IpProtocol"], first["FromPort"], first["CidrIpv4"], first["Description"]) == (
        "tcp",
        443,
        "10.1.0.0/16",
        "office",
    )
    assert first["SecurityGroupRuleArn"].endswith(f":security-group-rule/{first['SecurityGroupRuleId']}")
    https, icmp = _described(ec2, gid)["IpPermissions"]
    assert https == {
        "IpProtocol": "tcp",
        "FromPort": 443,
        "ToPort": 443,
        "IpRanges": [{"CidrIp": "10.1.0.0/16", "Description": "office"}, {"CidrIp": "0.0.0.0/0"}],
        "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}],
        "PrefixListIds": [],
        "UserIdGroupPairs": [{"GroupId": other, "UserId": account}],
    }
    assert (icmp["IpProtocol"], icmp["FromPort"], icmp["ToPort"]) == ("icmp", 8, -1)


def test_authorize_refusals_change_nothing(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    gid = _group(ec2, vpc_id)
    elsewhere = _group(ec2, _vpc(ec2, "10.1.0.0/16"), "far")
    ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[_tcp(22, "0.0.0.0/0")])
    with pytest.raises(ClientError) as excinfo:
        ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[_tcp(22, "0.0.0.0/0")])
    assert error_code(excinfo) == "InvalidPermission.Duplicate"
    assert 'the specified rule "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW" already exists' in str(
        excinfo.value
    )
    bad = {
        "InvalidParameterValue": [
            {"IpProtocol": "tcp", "FromPort": 90, "ToPort": 80, "IpRanges": [{"CidrIp": "1.0.0.0/8"}]},
            {"IpProtocol": "tcp", "IpRanges": [{"CidrIp": "1.0.0.0/8"}]},
            {"IpProtocol": "tcp", "FromPort": 1, "ToPort": 70000, "IpRanges": [{"CidrIp": "1.0.0.0/8"}]},
            {"IpProtocol": "bogus", "IpRanges": [{"CidrIp": "1.0.0.0/8"}]},
            _tcp(25, "1.2.3.4"),
        ],
        "InvalidGroup.NotFound": [_tcp(80, UserIdGroupPairs=[{"GroupId": "sg-0123456789abcdef0"}])],
        "InvalidGroupId.Malformed": [_tcp(80, UserIdGroupPairs=[{"GroupId": "sg-zz"}])],
        "MissingParameter": [_tcp(80)],
    }
    for code, permissions in bad.items():
        for permission in permissions:
            assert _refused(ec2.authorize_security_group_ingress, GroupId=gid, IpPermissions=[permission]) == code
    across = _tcp(80, UserIdGroupPairs=[{"GroupId": elsewhere}])
    assert _refused(ec2.authorize_security_group_ingress, GroupId=gid, IpPermissions=[across]) == (
        "InvalidGroup.NotFound"
    )
    twice = [_tcp(81, "1.0.0.0/8"), _tcp(81, "1.0.0.0/8")]
    assert _refused(ec2.authorize_security_group_ingress, GroupId=gid, IpPermissions=twice) == "InvalidParameterValue"
    missing = "sg-0123456789abcdef0"
    assert _refused(ec2.authorize_security_group_egress, GroupId=missing, IpPermissions=[_tcp(1, "1.0.0.0/8")]) == (
        "InvalidGroup.NotFound"
    )
    assert _described(ec2, gid)["IpPermissions"] == [
        {**_tcp(22, "0.0.0.0/0"), "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}
    ]


def test_rule_quota_is_sixty_per_direction_and_family(ec2: Any) -> None:
    gid = _group(ec2, _vpc(ec2))
    ranges = [{"CidrIp": f"10.0.{i}.0/24"} for i in range(60)]
    ec2.authorize_security_group_ingress(
        GroupId=gid, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 1, "ToPort": 1, "IpRanges": ranges}]
    )
    code = _refused(ec2.authorize_security_group_ingress, GroupId=gid, IpPermissions=[_tcp(2, "10.9.0.0/16")])
    assert code == "RulesPerSecurityGroupLimitExceeded"
    ipv6 = {"IpProtocol": "tcp", "FromPort": 2, "ToPort": 2, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}
    ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[ipv6])  # IPv6 rules count apart
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [gid]}])["SecurityGroupRules"]
    assert sum(1 for r in rules if not r["IsEgress"]) == 61


def test_revoke_by_permission_and_by_rule_id(ec2: Any) -> None:
    gid = _group(ec2, _vpc(ec2))
    added = ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[_tcp(22, "10.0.0.0/8", "192.168.0.0/16")])
    partial = ec2.revoke_security_group_ingress(GroupId=gid, IpPermissions=[_tcp(22, "10.0.0.0/8", "172.16.0.0/12")])
    assert partial["Return"] is True
    assert [r["CidrIpv4"] for r in partial["RevokedSecurityGroupRules"]] == ["10.0.0.0/8"]
    assert partial["UnknownIpPermissions"][0]["IpRanges"] == [{"CidrIp": "172.16.0.0/12"}]
    code = _refused(ec2.revoke_security_group_ingress, GroupId=gid, IpPermissions=[_tcp(22, "10.0.0.0/8")])
    assert code == "InvalidPermission.NotFound"
    assert _described(ec2, gid)["IpPermissions"][0]["IpRanges"] == [{"CidrIp": "192.168.0.0/16"}]
    wrong = "sgr-0123456789abcdef0"
    code = _refused(ec2.revoke_security_group_ingress, GroupId=gid, SecurityGroupRuleIds=[wrong])
    assert code == "InvalidSecurityGroupRuleId.NotFound"
    left = added["SecurityGroupRules"][1]["SecurityGroupRuleId"]
    ec2.revoke_security_group_ingress(GroupId=gid, SecurityGroupRuleIds=[left])
    ec2.revoke_security_group_egress(
        GroupId=gid, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    group = _described(ec2, gid)
    assert group["IpPermissions"] == [] and group["IpPermissionsEgress"] == []
    assert (
        _refused(ec2.describe_security_group_rules, SecurityGroupRuleIds=[left])
        == "InvalidSecurityGroupRuleId.NotFound"
    )


def test_modify_rules_and_update_descriptions(ec2: Any) -> None:
    gid = _group(ec2, _vpc(ec2))
    rules = ec2.authorize_security_group_ingress(
        GroupId=gid, IpPermissions=[_tcp(22, "10.0.0.0/8"), _tcp(80, "10.0.0.0/8")]
    )
    ssh, http = (r["SecurityGroupRuleId"] for r in rules["SecurityGroupRules"])
    change = {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "CidrIpv4": "10.1.0.0/16", "Description": "dns"}
    answer = ec2.modify_security_group_rules(
        GroupId=gid, SecurityGroupRules=[{"SecurityGroupRuleId": ssh, "SecurityGroupRule": change}]
    )
    assert answer["Return"] is True
    rule = ec2.describe_security_group_rules(SecurityGroupRuleIds=[ssh])["SecurityGroupRules"][0]
    assert (rule["IpProtocol"], rule["FromPort"], rule["CidrIpv4"], rule["Description"]) == (
        "udp",
        53,
        "10.1.0.0/16",
        "dns",
    )
    clash = {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIpv4": "10.0.0.0/8"}
    code = _refused(
        ec2.modify_security_group_rules,
        GroupId=gid,
        SecurityGroupRules=[{"SecurityGroupRuleId": ssh, "SecurityGroupRule": clash}],
    )
    assert code == "InvalidPermission.Duplicate"
    ec2.update_security_group_rule_descriptions_ingress(
        GroupId=gid, IpPermissions=[_tcp(80, IpRanges=[{"CidrIp": "10.0.0.0/8", "Description": "web"}])]
    )
    ec2.update_security_group_rule_descriptions_egress(
        GroupId=gid,
        SecurityGroupRuleDescriptions=[
            {"SecurityGroupRuleId": r["SecurityGroupRuleId"], "Description": "out"}
            for r in ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [gid]}])[
                "SecurityGroupRules"
            ]
            if r["IsEgress"]
        ],
    )
    group = _described(ec2, gid)
    assert [p["IpRanges"] for p in group["IpPermissions"]] == [
        [{"CidrIp": "10.1.0.0/16", "Description": "dns"}],
        [{"CidrIp": "10.0.0.0/8", "Description": "web"}],
    ]
    assert group["IpPermissionsEgress"][0]["IpRanges"] == [{"CidrIp": "0.0.0.0/0", "Description": "out"}]
    code = _refused(
        ec2.update_security_group_rule_descriptions_ingress, GroupId=gid, IpPermissions=[_tcp(443, "10.0.0.0/8")]
    )
    assert code == "InvalidPermission.NotFound"
    code = _refused(
        ec2.update_security_group_rule_descriptions_egress,
        GroupId=gid,
        SecurityGroupRuleDescriptions=[{"SecurityGroupRuleId": http, "Description": "x"}],
    )
    assert code == "InvalidSecurityGroupRuleId.NotFound"  # an ingress rule is not an egress rule


def test_delete_security_group_dependencies(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    web, lb = _group(ec2, vpc_id, "web"), _group(ec2, vpc_id, "lb")
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[_tcp(80, UserIdGroupPairs=[{"GroupId": lb}])])
    assert _refused(ec2.delete_security_group, GroupId=lb) == "DependencyViolation"
    ec2.revoke_security_group_ingress(GroupId=web, IpPermissions=[_tcp(80, UserIdGroupPairs=[{"GroupId": lb}])])
    default = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"][0]["GroupId"]
    assert _refused(ec2.delete_security_group, GroupId=default) == "CannotDelete"
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=subnet, Groups=[web])["NetworkInterface"]["NetworkInterfaceId"]
    assert _refused(ec2.delete_security_group, GroupId=web) == "DependencyViolation"
    ec2.delete_network_interface(NetworkInterfaceId=eni)
    assert ec2.delete_security_group(GroupId=web)["Return"] is True
    ec2.delete_security_group(GroupId=lb)
    assert _refused(ec2.describe_security_groups, GroupIds=[web]) == "InvalidGroup.NotFound"
    assert _refused(ec2.delete_security_group, GroupId=web) == "InvalidGroup.NotFound"
    assert _refused(ec2.delete_security_group, GroupId="sg-nothex") == "InvalidGroupId.Malformed"
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [web, lb]}])
    assert rules["SecurityGroupRules"] == []  # the rules went with their groups


def test_describe_filters_names_and_pagination(ec2: Any, account: str) -> None:
    vpc_id = _vpc(ec2)
    web, db = _group(ec2, vpc_id, "web"), _group(ec2, vpc_id, "db")
    ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[_tcp(5432, UserIdGroupPairs=[{"GroupId": web}])])
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[_tcp(443, "0.0.0.0/0")])

    def ids(*filters: tuple[str, str]) -> set[str]:
        query = [{"Name": n, "Values": [v]} for n, v in filters]
        return {g["GroupId"] for g in ec2.describe_security_groups(Filters=query)["SecurityGroups"]}

    assert ids(("ip-permission.group-id", web)) == {db}
    assert ids(("ip-permission.group-name", "web")) == {db}
    assert ids(("ip-permission.from-port", "443"), ("vpc-id", vpc_id)) == {web}
    assert ids(("ip-permission.protocol", "tcp"), ("ip-permission.cidr", "0.0.0.0/0")) == {web}
    egress_all = ids(("egress.ip-permission.cidr", "0.0.0.0/0"), ("vpc-id", vpc_id))
    assert len(egress_all) == 3 and {web, db} < egress_all  # and the VPC's default group
    assert ids(("group-name", "d?"), ("vpc-id", vpc_id)) == {db}
    assert ids(("ip-permission.user-id", account), ("description", "db tier")) == {db}
    code = _refused(ec2.describe_security_groups, Filters=[{"Name": "ip-permission.colour", "Values": ["x"]}])
    assert code == "InvalidParameterValue"
    assert _refused(ec2.describe_security_groups, GroupNames=["web"]) == "InvalidParameterValue"  # not default VPC
    assert _refused(ec2.describe_security_groups, GroupNames=["nothing"]) == "InvalidGroup.NotFound"
    by_name = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"]
    assert [g["VpcId"] for g in by_name] != [vpc_id] and len(by_name) == 1
    pages = list(ec2.get_paginator("describe_security_groups").paginate(PaginationConfig={"PageSize": 5}))
    assert [len(p["SecurityGroups"]) for p in pages] == [4]  # the two VPCs' default groups, web and db
    _group(ec2, vpc_id, "extra")
    _group(ec2, vpc_id, "extra2")
    pages = list(ec2.get_paginator("describe_security_groups").paginate(PaginationConfig={"PageSize": 5}))
    assert [len(p["SecurityGroups"]) for p in pages] == [5, 1]


def test_describe_security_group_rules_ids_filters_and_tags(ec2: Any) -> None:
    gid = _group(ec2, _vpc(ec2))
    added = ec2.authorize_security_group_ingress(
        GroupId=gid,
        IpPermissions=[_tcp(22, "10.0.0.0/8")],
        TagSpecifications=[{"ResourceType": "security-group-rule", "Tags": [{"Key": "Name", "Value": "ssh"}]}],
    )["SecurityGroupRules"][0]
    assert added["Tags"] == [{"Key": "Name", "Value": "ssh"}]
    rid = added["SecurityGroupRuleId"]
    tagged = ec2.describe_security_group_rules(Filters=[{"Name": "tag:Name", "Values": ["ssh"]}])["SecurityGroupRules"]
    assert [r["SecurityGroupRuleId"] for r in tagged] == [rid]
    ec2.create_tags(Resources=[rid], Tags=[{"Key": "env", "Value": "dev"}])
    by_id = ec2.describe_security_group_rules(Filters=[{"Name": "security-group-rule-id", "Values": [rid]}])
    assert by_id["SecurityGroupRules"][0]["Tags"] == [{"Key": "Name", "Value": "ssh"}, {"Key": "env", "Value": "dev"}]
    assert _refused(ec2.describe_security_group_rules, SecurityGroupRuleIds=["sgr-bad"]) == (
        "InvalidSecurityGroupRuleId.Malformed"
    )
    # Undocumented but derived from the SecurityGroupRule shape (ipProtocol), as AWS accepts (core/filter_names.py).
    by_protocol = ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [gid]}, {"Name": "ip-protocol", "Values": ["tcp"]}]
    )["SecurityGroupRules"]
    assert [r["SecurityGroupRuleId"] for r in by_protocol] == [rid]
    code = _refused(ec2.describe_security_group_rules, Filters=[{"Name": "ip-protocols", "Values": ["tcp"]}])
    assert code == "InvalidParameterValue"


def test_cli_security_group_flow(aws: Any) -> None:
    vpc_id = aws("ec2", "create-vpc", "--cidr-block", "10.7.0.0/16")["Vpc"]["VpcId"]
    gid = aws("ec2", "create-security-group", "--group-name", "web", "--description", "web", "--vpc-id", vpc_id)[
        "GroupId"
    ]
    added = aws(
        "ec2",
        "authorize-security-group-ingress",
        "--group-id",
        gid,
        "--protocol",
        "tcp",
        "--port",
        "443",
        "--cidr",
        "0.0.0.0/0",
    )
    assert added["Return"] is True and added["SecurityGroupRules"][0]["FromPort"] == 443
    again = (
        "ec2",
        "authorize-security-group-ingress",
        "--group-id",
        gid,
        "--protocol",
        "tcp",
        "--port",
        "443",
        "--cidr",
        "0.0.0.0/0",
    )
    assert aws.error(*again) == "InvalidPermission.Duplicate"
    group = aws("ec2", "describe-security-groups", "--group-ids", gid)["SecurityGroups"][0]
    assert [(p["IpProtocol"], p["FromPort"], p["ToPort"], p["IpRanges"]) for p in group["IpPermissions"]] == [
        ("tcp", 443, 443, [{"CidrIp": "0.0.0.0/0"}])
    ]
    aws("ec2", "delete-security-group", "--group-id", gid)
    assert aws.error("ec2", "delete-security-group", "--group-id", gid) == "InvalidGroup.NotFound"


def test_prefix_list_rules_need_an_existing_list(ec2: Any) -> None:
    gid = _group(ec2, _vpc(ec2))
    pl_id = ec2.create_managed_prefix_list(PrefixListName="offices", MaxEntries=5, AddressFamily="IPv4")["PrefixList"][
        "PrefixListId"
    ]
    rule = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": pl_id}]}
    added = ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[rule])["SecurityGroupRules"][0]
    assert added["PrefixListId"] == pl_id
    assert _described(ec2, gid)["IpPermissions"][0]["PrefixListIds"] == [{"PrefixListId": pl_id}]
    unknown = {**rule, "PrefixListIds": [{"PrefixListId": "pl-0123456789abcdef0"}]}
    code = _refused(ec2.authorize_security_group_ingress, GroupId=gid, IpPermissions=[unknown])
    assert code == "InvalidPrefixListID.NotFound"
    assert len(_described(ec2, gid)["IpPermissions"]) == 1


def test_delete_vpc_removes_the_default_groups_rules(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    default = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"][0]
    ec2.delete_vpc(VpcId=vpc_id)
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [default["GroupId"]]}])
    assert rules["SecurityGroupRules"] == []
