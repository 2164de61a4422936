"""Network ACLs, their entries and subnet associations through real boto3 and the real AWS CLI."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code


def _deny(number: int, egress: bool, v6: bool = False) -> dict[str, Any]:
    where = {"Ipv6CidrBlock": "::/0"} if v6 else {"CidrBlock": "0.0.0.0/0"}
    return {"Egress": egress, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": number, **where}


def _allow(number: int, egress: bool, v6: bool = False) -> dict[str, Any]:
    return {**_deny(number, egress, v6), "RuleAction": "allow"}


def _acls(ec2: Any, vpc_id: str) -> list[dict[str, Any]]:
    return list(ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NetworkAcls"])


def _acl(ec2: Any, acl_id: str) -> dict[str, Any]:
    return dict(ec2.describe_network_acls(NetworkAclIds=[acl_id])["NetworkAcls"][0])


def _refused(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    return error_code(excinfo)


def _entry(acl_id: str, number: int, **extra: Any) -> dict[str, Any]:
    base = {"NetworkAclId": acl_id, "RuleNumber": number, "Protocol": "-1", "RuleAction": "allow", "Egress": False}
    return {**base, "CidrBlock": "10.0.0.0/8", **extra}


def test_default_acl_allows_everything_and_holds_every_subnet(ec2: Any, account: str) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.0.{i}.0/24")["Subnet"]["SubnetId"] for i in range(2)]
    (acl,) = _acls(ec2, vpc_id)
    assert acl["IsDefault"] is True and acl["OwnerId"] == account and acl["Tags"] == []
    assert acl["Entries"] == [_allow(100, True), _deny(32767, True), _allow(100, False), _deny(32767, False)]
    assert [a["SubnetId"] for a in acl["Associations"]] == subnets
    assert all(a["NetworkAclAssociationId"].startswith("aclassoc-") for a in acl["Associations"])
    dual = ec2.create_vpc(CidrBlock="10.1.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    assert _acls(ec2, dual)[0]["Entries"] == [
        _allow(100, True),
        _allow(101, True, v6=True),
        _deny(32767, True),
        _deny(32768, True, v6=True),
        _allow(100, False),
        _allow(101, False, v6=True),
        _deny(32767, False),
        _deny(32768, False, v6=True),
    ]


def test_create_network_acl_matches_aws(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    acl = ec2.create_network_acl(
        VpcId=vpc_id, TagSpecifications=[{"ResourceType": "network-acl", "Tags": [{"Key": "Name", "Value": "dmz"}]}]
    )["NetworkAcl"]
    assert acl["IsDefault"] is False and acl["Associations"] == [] and acl["VpcId"] == vpc_id
    assert acl["Entries"] == [_deny(32767, True), _deny(32767, False)]
    assert acl["Tags"] == [{"Key": "Name", "Value": "dmz"}]
    dual = ec2.create_vpc(CidrBlock="10.1.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    entries = ec2.create_network_acl(VpcId=dual)["NetworkAcl"]["Entries"]
    assert entries == [
        _deny(32767, True),
        _deny(32768, True, v6=True),
        _deny(32767, False),
        _deny(32768, False, v6=True),
    ]
    code = _refused(ec2.create_network_acl, VpcId="vpc-0123456789abcdef0")
    assert code == "InvalidVpcID.NotFound"
    assert len(_acls(ec2, vpc_id)) == 2


def test_entries_are_validated_and_sorted_as_aws_shows_them(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    acl_id = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(**_entry(acl_id, 200, Protocol="6", PortRange={"From": 443, "To": 443}))
    ec2.create_network_acl_entry(**_entry(acl_id, 100, Protocol="1", IcmpTypeCode={"Type": 8, "Code": -1}))
    ec2.create_network_acl_entry(**_entry(acl_id, 100, Egress=True, CidrBlock="10.1.2.3/16", RuleAction="deny"))
    ec2.create_network_acl_entry(**_entry(acl_id, 50, Protocol="50", PortRange={"From": 1, "To": 2}))
    entries = _acl(ec2, acl_id)["Entries"]
    assert [(e["Egress"], e["RuleNumber"]) for e in entries] == [
        (True, 100),
        (True, 32767),
        (False, 50),
        (False, 100),
        (False, 200),
        (False, 32767),
    ]
    assert entries[0]["CidrBlock"] == "10.1.0.0/16" and entries[0]["RuleAction"] == "deny"
    assert "PortRange" not in entries[2]  # AWS ignores ports for protocols without them
    assert entries[3]["IcmpTypeCode"] == {"Code": -1, "Type": 8}
    assert (entries[4]["Protocol"], entries[4]["PortRange"]) == ("6", {"From": 443, "To": 443})


def test_entry_refusals_change_nothing(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    acl_id = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(**_entry(acl_id, 100))
    before = _acl(ec2, acl_id)["Entries"]
    cases = [
        (_entry(acl_id, 100), "NetworkAclEntryAlreadyExists"),
        (_entry(acl_id, 0), "InvalidParameterValue"),
        (_entry(acl_id, 32767), "InvalidParameterValue"),
        (_entry(acl_id, 1, Protocol="tcp"), "InvalidParameterValue"),
        (_entry(acl_id, 1, Protocol="6"), "MissingParameter"),
        (_entry(acl_id, 1, Protocol="17", PortRange={"From": 90, "To": 80}), "InvalidParameterValue"),
        (_entry(acl_id, 1, Protocol="1"), "MissingParameter"),
        (_entry(acl_id, 1, Ipv6CidrBlock="::/0"), "InvalidParameterCombination"),
        ({**_entry(acl_id, 1), "CidrBlock": "10.0.0.0"}, "InvalidParameterValue"),
        (_entry("acl-0123456789abcdef0", 1), "InvalidNetworkAclID.NotFound"),
        (_entry("acl-xyz", 1), "InvalidNetworkAclId.Malformed"),
    ]
    for params, code in cases:
        assert _refused(ec2.create_network_acl_entry, **params) == code, params
    no_block = {k: v for k, v in _entry(acl_id, 1).items() if k != "CidrBlock"}
    assert _refused(ec2.create_network_acl_entry, **no_block) == "MissingParameter"
    assert _refused(ec2.replace_network_acl_entry, **_entry(acl_id, 7)) == "InvalidNetworkAclEntry.NotFound"
    gone = {"NetworkAclId": acl_id, "RuleNumber": 100, "Egress": True}
    assert _refused(ec2.delete_network_acl_entry, **gone) == "InvalidNetworkAclEntry.NotFound"
    assert _acl(ec2, acl_id)["Entries"] == before


def test_replace_and_delete_entries(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    default = _acls(ec2, vpc_id)[0]["NetworkAclId"]
    ec2.replace_network_acl_entry(**_entry(default, 100, RuleAction="deny", CidrBlock="0.0.0.0/0"))
    ingress = [e for e in _acl(ec2, default)["Entries"] if not e["Egress"]]
    assert ingress == [_deny(100, False), _deny(32767, False)]
    ec2.delete_network_acl_entry(NetworkAclId=default, RuleNumber=100, Egress=True)
    assert [e["RuleNumber"] for e in _acl(ec2, default)["Entries"]] == [32767, 100, 32767]


def test_entry_quota_is_twenty_per_direction(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    acl_id = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    for number in range(1, 21):
        ec2.create_network_acl_entry(**_entry(acl_id, number))
    assert _refused(ec2.create_network_acl_entry, **_entry(acl_id, 21)) == "NetworkAclEntryLimitExceeded"
    ec2.create_network_acl_entry(**_entry(acl_id, 21, Egress=True))  # the other direction has its own quota
    ipv6 = {k: v for k, v in _entry(acl_id, 22).items() if k != "CidrBlock"}
    ec2.create_network_acl_entry(**ipv6, Ipv6CidrBlock="::/0")  # and so does IPv6
    assert len(_acl(ec2, acl_id)["Entries"]) == 20 + 1 + 1 + 2


def test_associations_move_between_acls_of_one_vpc(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    default = _acls(ec2, vpc_id)[0]
    custom = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    old = default["Associations"][0]["NetworkAclAssociationId"]
    new = ec2.replace_network_acl_association(AssociationId=old, NetworkAclId=custom)["NewAssociationId"]
    assert new.startswith("aclassoc-") and new != old
    assert _acl(ec2, default["NetworkAclId"])["Associations"] == []
    assert _acl(ec2, custom)["Associations"] == [
        {"NetworkAclAssociationId": new, "NetworkAclId": custom, "SubnetId": subnet}
    ]
    assert _refused(ec2.replace_network_acl_association, AssociationId=old, NetworkAclId=custom) == (
        "InvalidAssociationID.NotFound"
    )
    other_vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    foreign = _acls(ec2, other_vpc)[0]["NetworkAclId"]
    code = _refused(ec2.replace_network_acl_association, AssociationId=new, NetworkAclId=foreign)
    assert code == "InvalidParameterValue"
    assert _refused(ec2.delete_network_acl, NetworkAclId=custom) == "DependencyViolation"
    assert _refused(ec2.delete_network_acl, NetworkAclId=default["NetworkAclId"]) == "InvalidParameterValue"
    assert [a["SubnetId"] for a in _acl(ec2, custom)["Associations"]] == [subnet]  # refusals changed nothing
    ec2.delete_subnet(SubnetId=subnet)
    assert _acl(ec2, custom)["Associations"] == []
    ec2.delete_network_acl(NetworkAclId=custom)
    assert _refused(ec2.describe_network_acls, NetworkAclIds=[custom]) == "InvalidNetworkAclID.NotFound"


def test_describe_filters_and_pagination(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    custom = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(**_entry(custom, 120, Protocol="6", PortRange={"From": 22, "To": 22}))

    def ids(*filters: tuple[str, str]) -> list[str]:
        query = [{"Name": n, "Values": [v]} for n, v in filters]
        return [a["NetworkAclId"] for a in ec2.describe_network_acls(Filters=query)["NetworkAcls"]]

    default = ids(("association.subnet-id", subnet))
    assert len(default) == 1 and default != [custom]
    assert ids(("vpc-id", vpc_id), ("default", "false")) == [custom]
    assert ids(("entry.port-range.from", "22")) == [custom]
    assert ids(("entry.rule-number", "120"), ("entry.protocol", "6"), ("entry.cidr", "10.0.0.0/8")) == [custom]
    assert ids(("entry.rule-action", "allow"), ("vpc-id", vpc_id)) == [*default, custom]
    assert ids(("network-acl-id", custom), ("entry.egress", "false")) == [custom]
    code = _refused(ec2.describe_network_acls, Filters=[{"Name": "entry.colour", "Values": ["x"]}])
    assert code == "InvalidParameterValue"
    for _ in range(4):
        ec2.create_network_acl(VpcId=vpc_id)
    pages = list(ec2.get_paginator("describe_network_acls").paginate(PaginationConfig={"PageSize": 5}))
    assert [len(p["NetworkAcls"]) for p in pages] == [5, 2]  # the default VPC's ACL, this VPC's default and 5 more
    assert _refused(ec2.describe_network_acls, MaxResults=101) == "InvalidParameterValue"


def test_cli_network_acl_flow(aws: Any) -> None:
    vpc_id = aws("ec2", "create-vpc", "--cidr-block", "10.8.0.0/16")["Vpc"]["VpcId"]
    acl_id = aws("ec2", "create-network-acl", "--vpc-id", vpc_id)["NetworkAcl"]["NetworkAclId"]
    entry = ("ec2", "create-network-acl-entry", "--network-acl-id", acl_id, "--ingress", "--rule-number", "100")
    entry += (
        "--protocol",
        "tcp",
        "--port-range",
        "From=443,To=443",
        "--cidr-block",
        "0.0.0.0/0",
        "--rule-action",
        "allow",
    )
    aws(*entry)
    assert aws.error(*entry) == "NetworkAclEntryAlreadyExists"
    acl = aws("ec2", "describe-network-acls", "--network-acl-ids", acl_id)["NetworkAcls"][0]
    ingress = [e for e in acl["Entries"] if not e["Egress"]]
    assert [(e["RuleNumber"], e["Protocol"], e.get("PortRange")) for e in ingress] == [
        (100, "6", {"From": 443, "To": 443}),
        (32767, "-1", None),
    ]
    aws("ec2", "delete-network-acl", "--network-acl-id", acl_id)
    assert aws.error("ec2", "delete-network-acl", "--network-acl-id", acl_id) == "InvalidNetworkAclID.NotFound"
