"""Route 53 Resolver outputs, in process: an endpoint's addresses from ``list-resolver-endpoint-ip-addresses`` (named
by its file) or, without it, from the interfaces AWS placed for it; the autodefined rules counted, not stored; a
rule's tags from ``list-tags-for-resource`` named by its file; references to what the import lacks reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vpcsim.control import Control
from vpcsim.importer import import_paths
from vpcsim.model import IdFactory
from vpcsim.store import MemoryBackend, Store

ACCOUNT, REGION = "111122223333", "eu-west-2"
VPC = {"VpcId": "vpc-0a1b2c3d4e5f60718", "CidrBlock": "10.9.0.0/16", "OwnerId": ACCOUNT}
SUBNET = {
    "SubnetId": "subnet-0a1b2c3d4e5f60718",
    "VpcId": VPC["VpcId"],
    "CidrBlock": "10.9.1.0/24",
    "AvailabilityZone": "eu-west-2a",
}
ENDPOINT_ID = "rslvr-out-0a1b2c3d4e5f60718"
ENI = {
    "NetworkInterfaceId": "eni-0a1b2c3d4e5f60718",
    "SubnetId": SUBNET["SubnetId"],
    "VpcId": VPC["VpcId"],
    "PrivateIpAddress": "10.9.1.53",
    "Description": f"Route 53 Resolver: {ENDPOINT_ID}:rni-0a1b2c3d4e5f6071",
    "RequesterManaged": True,
}
ENDPOINT = {
    "Id": ENDPOINT_ID,
    "CreatorRequestId": "made-by-hand",
    "Arn": f"arn:aws:route53resolver:{REGION}:{ACCOUNT}:resolver-endpoint/{ENDPOINT_ID}",
    "Name": "out",
    "SecurityGroupIds": [],
    "Direction": "OUTBOUND",
    "IpAddressCount": 1,
    "HostVPCId": VPC["VpcId"],
    "Status": "OPERATIONAL",
}
RULE = {
    "Id": "rslvr-rr-0a1b2c3d4e5f60718",
    "CreatorRequestId": "made-by-hand",
    "Arn": f"arn:aws:route53resolver:{REGION}:{ACCOUNT}:resolver-rule/rslvr-rr-0a1b2c3d4e5f60718",
    "DomainName": "corp.example.",
    "Status": "COMPLETE",
    "RuleType": "FORWARD",
    "Name": "corp",
    "TargetIps": [{"Ip": "192.168.1.53", "Port": 53}],
    "ResolverEndpointId": ENDPOINT_ID,
    "OwnerId": ACCOUNT,
    "ShareStatus": "NOT_SHARED",
}
INTERNET = {**RULE, "Id": "rslvr-autodefined-rr-internet-resolver", "RuleType": "RECURSIVE", "OwnerId": "Route 53"}


def _folder(tmp_path: Path, **files: Any) -> Path:
    folder = tmp_path / REGION
    folder.mkdir(parents=True)
    for name, data in {"vpcs": {"Vpcs": [VPC]}, "subnets": {"Subnets": [SUBNET]}, **files}.items():
        (folder / f"{name}.json").write_text(json.dumps(data))
    return folder


def _call(store: Store, operation: str, **params: Any) -> dict[str, Any]:
    control = Control(store, IdFactory(1))
    return control.handle("route53resolver", operation, params, account=ACCOUNT, region=REGION, request_id="t")


def test_an_endpoints_addresses_come_from_its_interfaces_when_not_listed(tmp_path: Path) -> None:
    association = {"Id": "rslvr-rrassoc-0a1b2c3d4e5f60718", "ResolverRuleId": RULE["Id"], "VPCId": VPC["VpcId"]}
    files = {
        "enis": {"NetworkInterfaces": [ENI]},
        "endpoints": {"ResolverEndpoints": [ENDPOINT], "MaxResults": 100},
        "rules": {"ResolverRules": [RULE, INTERNET]},
        "associations": {"ResolverRuleAssociations": [association]},
        f"{RULE['Id']}.tags": {"Tags": [{"Key": "vpcsim:records", "Value": "db.corp.example=192.168.1.20"}]},
    }
    store = Store(MemoryBackend())
    summary = import_paths(store, [_folder(tmp_path, **files)]).to_json()
    assert summary["dangling"] == [] and summary["not_imported"] == []
    assert summary["reference"]["autodefined Resolver rules (vpcsim answers them itself)"] == 1
    assert any(a.startswith(f"{ENDPOINT_ID}: its addresses taken from its interfaces") for a in summary["assumptions"])
    addresses = _call(store, "ListResolverEndpointIpAddresses", ResolverEndpointId=ENDPOINT_ID)["IpAddresses"]
    assert [(a["SubnetId"], a["Ip"], a["Status"], a["IpId"][:4]) for a in addresses] == [
        (SUBNET["SubnetId"], "10.9.1.53", "ATTACHED", "rni-")
    ]
    tags = _call(store, "ListTagsForResource", ResourceArn=RULE["Arn"])["Tags"]
    assert tags == [{"Key": "vpcsim:records", "Value": "db.corp.example=192.168.1.20"}]
    listed = _call(store, "ListResolverRuleAssociations")["ResolverRuleAssociations"]
    assert [(a["Id"], a["Status"]) for a in listed] == [(association["Id"], "COMPLETE")]
    again = import_paths(store, [tmp_path / REGION]).to_json()
    assert again["changed"] is False


def test_listed_addresses_link_to_their_interface_and_what_is_missing_is_said(tmp_path: Path) -> None:
    listed = {"IpAddresses": [{"IpId": "rni-0a1b2c3d4e5f6071", "SubnetId": SUBNET["SubnetId"], "Ip": "10.9.1.53"}]}
    orphan = {**RULE, "Id": "rslvr-rr-0b1b2c3d4e5f60718", "ResolverEndpointId": "rslvr-out-0b1b2c3d4e5f60718"}
    files = {
        "enis": {"NetworkInterfaces": [{**ENI, "Description": ""}]},
        "endpoints": {"ResolverEndpoints": [ENDPOINT]},
        f"{ENDPOINT_ID}-addresses": listed,
        "rules": {"ResolverRules": [orphan]},
    }
    store = Store(MemoryBackend())
    summary = import_paths(store, [_folder(tmp_path, **files)]).to_json()
    with store.snapshot() as tx:
        endpoint = tx.find("resolver-endpoint", ENDPOINT_ID)
    assert endpoint is not None
    assert [a["NetworkInterfaceId"] for a in endpoint.extra["addresses"]] == [ENI["NetworkInterfaceId"]]
    assert summary["dangling"] == [
        f"{orphan['Id']}: its Resolver endpoint rslvr-out-0b1b2c3d4e5f60718 is in neither the import nor the state"
    ]


def test_terraform_resolver_resources_import_as_the_list_calls_show_them(tmp_path: Path) -> None:
    vpc, subnet, rule_id = VPC["VpcId"], SUBNET["SubnetId"], RULE["Id"]
    addresses = [
        {"ip": "10.9.1.10", "ip_id": "rni-0a1b2c3d4e5f6071", "subnet_id": subnet},
        {"ip": "10.9.1.11", "ip_id": "rni-0b1b2c3d4e5f6071", "subnet_id": subnet},
    ]
    state = {
        "version": 4,
        "terraform_version": "1.11.4",
        "resources": [
            {"mode": "managed", "type": "aws_vpc", "name": "v", "instances": [{"attributes": {
                "id": vpc, "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{vpc}", "cidr_block": "10.9.0.0/16"}}]},
            {"mode": "managed", "type": "aws_subnet", "name": "s", "instances": [{"attributes": {
                "id": subnet, "vpc_id": vpc, "cidr_block": "10.9.1.0/24", "availability_zone": "eu-west-2a"}}]},
            {"mode": "managed", "type": "aws_route53_resolver_endpoint", "name": "out", "instances": [{"attributes": {
                "id": ENDPOINT_ID, "arn": ENDPOINT["Arn"], "direction": "OUTBOUND", "host_vpc_id": vpc,
                "name": "out", "security_group_ids": [], "ip_address": addresses}}]},
            {"mode": "managed", "type": "aws_route53_resolver_rule", "name": "corp", "instances": [{"attributes": {
                "id": rule_id, "arn": RULE["Arn"], "domain_name": "corp.example", "rule_type": "FORWARD",
                "name": "corp", "resolver_endpoint_id": ENDPOINT_ID, "owner_id": ACCOUNT,
                "share_status": "NOT_SHARED", "target_ip": [{"ip": "192.168.1.53", "port": 53}],
                "tags": {"vpcsim:records": "db.corp.example=192.168.1.20"}}}]},
            {"mode": "managed", "type": "aws_route53_resolver_rule_association", "name": "a", "instances": [{
                "attributes": {"id": "rslvr-rrassoc-0a1b2c3d4e5f60718", "resolver_rule_id": rule_id, "vpc_id": vpc}}]},
        ],
    }  # fmt: skip
    path = tmp_path / "terraform.tfstate"
    path.write_text(json.dumps(state))
    store = Store(MemoryBackend())
    summary = import_paths(store, [path]).to_json()
    assert {k: summary["kinds"][k]["imported"] for k in ("resolver-endpoint", "resolver-rule")} == {
        "resolver-endpoint": 1,
        "resolver-rule": 1,
    }
    assert any(a.startswith(f"{ENDPOINT_ID}: no interface") for a in summary["assumptions"])
    listed = _call(store, "ListResolverEndpointIpAddresses", ResolverEndpointId=ENDPOINT_ID)["IpAddresses"]
    assert sorted(a["Ip"] for a in listed) == ["10.9.1.10", "10.9.1.11"]
    rule = _call(store, "GetResolverRule", ResolverRuleId=rule_id)["ResolverRule"]
    assert (rule["DomainName"], rule["TargetIps"], rule["ResolverEndpointId"]) == (
        "corp.example.",
        [{"Ip": "192.168.1.53", "Port": 53}],
        ENDPOINT_ID,
    )
    assert _call(store, "ListTagsForResource", ResourceArn=RULE["Arn"])["Tags"] == [
        {"Key": "vpcsim:records", "Value": "db.corp.example=192.168.1.20"}
    ]
    associations = _call(store, "ListResolverRuleAssociations")["ResolverRuleAssociations"]
    assert [(a["ResolverRuleId"], a["VPCId"]) for a in associations] == [(rule_id, vpc)]
