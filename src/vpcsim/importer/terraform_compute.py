"""Terraform's security groups (inline rules, ``aws_security_group_rule`` and the ``aws_vpc_security_group_*_rule``
resources, whose ids are kept), network interfaces, instances and key pairs as the items ``aws ec2 describe-*``
prints.
Attribute names are the hashicorp/aws provider's (5.x)."""

from __future__ import annotations

from typing import Any

from vpcsim.importer.batch import Doc, derived_id
from vpcsim.importer.compute import rule_id, specs
from vpcsim.importer.terraform_network import tags
from vpcsim.importer.tfstate import Builder, Converter


# -- security groups ---------------------------------------------------------------------------------------------------
def _permission(block: Doc, own: str) -> Doc:
    protocol = str(block.get("protocol") or block.get("ip_protocol") or "-1")
    permission: Doc = {"IpProtocol": "-1" if protocol in ("all", "-1") else protocol}
    if block.get("from_port") is not None:
        permission.update(FromPort=int(block["from_port"]), ToPort=int(block.get("to_port") or block["from_port"]))
    described = {"Description": block["description"]} if block.get("description") else {}
    cidrs = list(block.get("cidr_blocks") or []) + ([block["cidr_ipv4"]] if block.get("cidr_ipv4") else [])
    ipv6 = list(block.get("ipv6_cidr_blocks") or []) + ([block["cidr_ipv6"]] if block.get("cidr_ipv6") else [])
    lists = list(block.get("prefix_list_ids") or []) + (
        [block["prefix_list_id"]] if block.get("prefix_list_id") else []
    )
    groups = [*(block.get("security_groups") or []), *([own] if block.get("self") else [])]
    for key in ("source_security_group_id", "referenced_security_group_id"):
        if block.get(key):
            groups.append(block[key])
    permission["IpRanges"] = [{"CidrIp": c, **described} for c in cidrs]
    permission["Ipv6Ranges"] = [{"CidrIpv6": c, **described} for c in ipv6]
    permission["PrefixListIds"] = [{"PrefixListId": p, **described} for p in lists]
    permission["UserIdGroupPairs"] = [{"GroupId": g, **described} for g in groups]
    return permission


def security_groups(builder: Builder) -> None:
    groups: dict[str, tuple[Doc, list[Doc]]] = {}
    for attrs in builder.of("aws_security_group"):
        groups[attrs["id"]] = (_group(builder, attrs, attrs.get("name")), _inline(builder, attrs))
    for attrs in builder.of("aws_default_security_group"):
        groups[attrs["id"]] = (_group(builder, attrs, "default"), _inline(builder, attrs))
    for vpc in builder.of("aws_vpc") + builder.of("aws_default_vpc"):
        gid = vpc.get("default_security_group_id")
        if gid and gid not in groups:
            self_in = {"protocol": "-1", "self": True}
            attrs = {
                "id": gid,
                "vpc_id": vpc["id"],
                "owner_id": vpc.get("owner_id"),
                "arn": vpc.get("arn"),
                "description": "default VPC security group",
                "ingress": [self_in],
                "egress": [{"protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]}],
            }
            groups[gid] = (_group(builder, attrs, "default"), _inline(builder, attrs))
            builder.assume(
                f"{gid}: the default security group of {vpc['id']} is not in the Terraform state: imported "
                "with AWS's default rules (all traffic in from its members, all traffic out)"
            )
    for gid, (group, rules) in groups.items():
        rules += _separate_rules(builder, gid, group)
        unique = {(r["IsEgress"], r["IpProtocol"], r["FromPort"], r["ToPort"], _peer(r)): r for r in rules}
        builder.emit("SecurityGroups", group.pop("_scope"), group)  # no IpPermissions: its rules follow, with ids
        scope = builder.scope({"arn": group.get("SecurityGroupArn"), "owner_id": group.get("OwnerId")})
        for rule in unique.values():
            builder.emit("SecurityGroupRules", scope, rule)


def _peer(rule: Doc) -> str:
    for member in ("CidrIpv4", "CidrIpv6", "PrefixListId"):
        if member in rule:
            return str(rule[member])
    return str((rule.get("ReferencedGroupInfo") or {}).get("GroupId"))


def _group(builder: Builder, attrs: Doc, name: Any) -> Doc:
    scope = builder.scope(attrs)
    return {
        "GroupId": attrs["id"],
        "GroupName": name,
        "Description": attrs.get("description"),
        "VpcId": attrs.get("vpc_id"),
        "OwnerId": attrs.get("owner_id") or scope.account,
        "SecurityGroupArn": attrs.get("arn"),
        "Tags": tags(attrs),
        "_scope": scope,
    }


def _inline(builder: Builder, attrs: Doc) -> list[Doc]:
    owner = attrs.get("owner_id") or builder.scope(attrs).account
    return [
        _rule_item(attrs["id"], owner, spec, None)
        for egress, key in ((False, "ingress"), (True, "egress"))
        for block in attrs.get(key) or []
        for spec in specs(str(builder.path), attrs["id"], _permission(block, attrs["id"]), egress)
    ]


def _separate_rules(builder: Builder, gid: str, group: Doc) -> list[Doc]:
    found = []
    for kind in (
        "aws_security_group_rule",
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
    ):
        for attrs in builder.of(kind):
            if attrs.get("security_group_id") != gid:
                continue
            egress = attrs.get("type") == "egress" or kind.endswith("egress_rule")
            rid = attrs.get("security_group_rule_id") or (
                attrs["id"] if str(attrs.get("id")).startswith("sgr-") else None
            )
            for spec in specs(str(builder.path), gid, _permission(attrs, gid), egress):
                found.append(_rule_item(gid, group["OwnerId"], spec, rid))
    return found


def _rule_item(gid: str, owner: str, spec: Doc, rid: str | None) -> Doc:
    return {"SecurityGroupRuleId": rid or rule_id(gid, spec), "GroupId": gid, "GroupOwnerId": owner, **spec}


# -- interfaces and instances ------------------------------------------------------------------------------------
def network_interfaces(builder: Builder) -> None:
    attachments = {a["network_interface_id"]: a for a in builder.of("aws_network_interface_attachment")}
    for attrs in builder.of("aws_network_interface"):
        subnet = builder.find("aws_subnet", str(attrs.get("subnet_id"))) or {}
        addresses = list(attrs.get("private_ip_list") or attrs.get("private_ips") or [attrs.get("private_ip")])
        primary = attrs.get("private_ip") or addresses[0]
        attached = (attrs.get("attachment") or [None])[0] or attachments.get(attrs["id"])
        item = {
            "NetworkInterfaceId": attrs["id"],
            "SubnetId": attrs.get("subnet_id"),
            "VpcId": subnet.get("vpc_id"),
            "AvailabilityZone": subnet.get("availability_zone"),
            "Description": attrs.get("description") or "",
            "Groups": [{"GroupId": g} for g in attrs.get("security_groups") or []],
            "InterfaceType": attrs.get("interface_type") or "interface",
            "MacAddress": attrs.get("mac_address"),
            "OwnerId": attrs.get("owner_id"),
            "PrivateIpAddress": primary,
            "PrivateDnsName": attrs.get("private_dns_name"),
            "PrivateIpAddresses": [
                {"Primary": a == primary, "PrivateIpAddress": a} for a in dict.fromkeys([primary, *addresses]) if a
            ],
            "SourceDestCheck": bool(attrs.get("source_dest_check", True)),
            "RequesterManaged": False,
            "TagSet": tags(attrs),
        }
        if attached:
            item["Attachment"] = {
                "AttachmentId": attached.get("attachment_id") or attached.get("id"),
                "DeviceIndex": int(attached.get("device_index") or 0),
                "InstanceId": attached.get("instance"),
                "Status": "attached",
            }
            item["Status"] = "in-use"
        builder.emit("NetworkInterfaces", builder.scope(attrs, near=subnet), item)


def instances(builder: Builder) -> None:
    for attrs in builder.of("aws_instance"):
        subnet = builder.find("aws_subnet", str(attrs.get("subnet_id"))) or {}
        scope = builder.scope(attrs, near=subnet)
        groups = [{"GroupId": g} for g in attrs.get("vpc_security_group_ids") or []]
        eni = attrs.get("primary_network_interface_id")
        public = {"PublicIp": attrs["public_ip"], "PublicDnsName": attrs.get("public_dns") or "", "IpOwnerId": "amazon"}
        nic = {
            "NetworkInterfaceId": eni,
            "SubnetId": attrs.get("subnet_id"),
            "VpcId": subnet.get("vpc_id"),
            "PrivateIpAddress": attrs.get("private_ip"),
            "PrivateDnsName": attrs.get("private_dns"),
            "Groups": groups,
            "Attachment": {
                "AttachmentId": derived_id("eni-attach", attrs["id"]),
                "DeviceIndex": 0,
                "Status": "attached",
                "DeleteOnTermination": True,
            },
            "PrivateIpAddresses": [
                {
                    "Primary": True,
                    "PrivateIpAddress": attrs.get("private_ip"),
                    **({"Association": public} if attrs.get("public_ip") else {}),
                }
            ],
            "SourceDestCheck": bool(attrs.get("source_dest_check", True)),
            "Status": "in-use",
            "InterfaceType": "interface",
            "OwnerId": scope.account,
            "Description": "",
        }
        if attrs.get("public_ip"):
            nic["Association"] = public
        state = attrs.get("instance_state") or "running"
        item = {
            "InstanceId": attrs["id"],
            "ImageId": attrs.get("ami"),
            "InstanceType": attrs.get("instance_type"),
            "State": {"Code": {"running": 16, "stopped": 80, "pending": 0}.get(state, 16), "Name": state},
            "SubnetId": attrs.get("subnet_id"),
            "VpcId": subnet.get("vpc_id"),
            "PrivateIpAddress": attrs.get("private_ip"),
            "Placement": {
                "AvailabilityZone": attrs.get("availability_zone") or subnet.get("availability_zone"),
                "Tenancy": attrs.get("tenancy") or "default",
            },
            "SecurityGroups": groups,
            "SourceDestCheck": bool(attrs.get("source_dest_check", True)),
            "KeyName": attrs.get("key_name"),
            "Tags": tags(attrs),
            "NetworkInterfaces": [{k: v for k, v in nic.items() if v is not None}] if eni else [],
        }
        reservation = {"ReservationId": derived_id("r", attrs["id"]), "OwnerId": scope.account, "Instances": [item]}
        builder.emit("Reservations", scope, reservation)


def key_pairs(builder: Builder) -> None:
    for attrs in builder.of("aws_key_pair"):
        item = {
            "KeyPairId": attrs.get("key_pair_id"),
            "KeyName": attrs.get("key_name") or attrs.get("id"),
            "KeyFingerprint": attrs.get("fingerprint"),
            "KeyType": attrs.get("key_type"),
            "PublicKey": attrs.get("public_key"),
            "Tags": tags(attrs),
        }
        builder.emit("KeyPairs", builder.scope(attrs), item)


CONVERTERS: dict[str, Converter] = {
    "aws_security_group": security_groups,
    "aws_network_interface": network_interfaces,
    "aws_instance": instances,
    "aws_key_pair": key_pairs,
}
HANDLED = {
    *CONVERTERS,
    "aws_default_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_network_interface_attachment",
}
