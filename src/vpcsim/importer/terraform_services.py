"""Terraform's resources around the VPCs as the items AWS's describe calls print: VPC endpoints, Network and Gateway
Load Balancers (target groups, listeners, registered targets), S3 buckets and their policies, DynamoDB tables, flow
logs, Route 53 hosted zones and Route 53 Resolver endpoints, rules and rule associations. Attribute names are the
hashicorp/aws provider's (5.x)."""

from __future__ import annotations

from vpcsim.importer.batch import derived_id
from vpcsim.importer.terraform_network import tags
from vpcsim.importer.tfstate import Builder, Converter

_FLOW_LOG_TARGETS = ("vpc_id", "subnet_id", "eni_id", "transit_gateway_id", "transit_gateway_attachment_id")


# -- endpoints -----------------------------------------------------------------------------------------
def vpc_endpoints(builder: Builder) -> None:
    extra_tables = builder.of("aws_vpc_endpoint_route_table_association")
    extra_subnets = builder.of("aws_vpc_endpoint_subnet_association")
    extra_groups = builder.of("aws_vpc_endpoint_security_group_association")
    for attrs in builder.of("aws_vpc_endpoint"):
        eid = attrs["id"]
        tables = [
            *(attrs.get("route_table_ids") or []),
            *(a["route_table_id"] for a in extra_tables if a.get("vpc_endpoint_id") == eid),
        ]
        subnets = [
            *(attrs.get("subnet_ids") or []),
            *(a["subnet_id"] for a in extra_subnets if a.get("vpc_endpoint_id") == eid),
        ]
        groups = [
            *(attrs.get("security_group_ids") or []),
            *(a["security_group_id"] for a in extra_groups if a.get("vpc_endpoint_id") == eid),
        ]
        options = (attrs.get("dns_options") or [{}])[0] or {}
        item = {
            "VpcEndpointId": eid,
            "VpcEndpointType": attrs.get("vpc_endpoint_type") or "Gateway",
            "VpcId": attrs.get("vpc_id"),
            "ServiceName": attrs.get("service_name"),
            "State": attrs.get("state") or "available",
            "PolicyDocument": attrs.get("policy"),
            "RouteTableIds": sorted(set(tables)),
            "SubnetIds": sorted(set(subnets)),
            "Groups": [{"GroupId": g} for g in dict.fromkeys(groups)],
            "NetworkInterfaceIds": list(attrs.get("network_interface_ids") or []),
            "DnsEntries": [
                {"DnsName": d.get("dns_name"), "HostedZoneId": d.get("hosted_zone_id")}
                for d in attrs.get("dns_entry") or []
            ],
            "PrivateDnsEnabled": bool(attrs.get("private_dns_enabled")),
            "RequesterManaged": bool(attrs.get("requester_managed")),
            "OwnerId": attrs.get("owner_id"),
            "IpAddressType": attrs.get("ip_address_type") or "ipv4",
            "DnsOptions": {"DnsRecordIpType": options.get("dns_record_ip_type") or "ipv4"},
            "Tags": tags(attrs),
        }
        builder.emit("VpcEndpoints", builder.scope(attrs), item)


# -- load balancers --------------------------------------------------------------------------------------------------
def load_balancers(builder: Builder) -> None:
    for attrs in builder.of("aws_lb") + builder.of("aws_alb"):
        zones = []
        for subnet_id in attrs.get("subnets") or [m.get("subnet_id") for m in attrs.get("subnet_mapping") or []]:
            subnet = builder.find("aws_subnet", str(subnet_id)) or {}
            zones.append(
                {"SubnetId": subnet_id, "ZoneName": subnet.get("availability_zone"), "LoadBalancerAddresses": []}
            )
        scope = builder.scope(attrs)
        builder.emit(
            "LoadBalancers",
            scope,
            {
                "LoadBalancerArn": attrs.get("arn"),
                "LoadBalancerName": attrs.get("name"),
                "Type": attrs.get("load_balancer_type") or "application",
                "VpcId": attrs.get("vpc_id"),
                "Scheme": "internal" if attrs.get("internal") else "internet-facing",
                "DNSName": attrs.get("dns_name"),
                "CanonicalHostedZoneId": attrs.get("zone_id"),
                "State": {"Code": "active"},
                "IpAddressType": attrs.get("ip_address_type") or "ipv4",
                "AvailabilityZones": zones,
                "SecurityGroups": list(attrs.get("security_groups") or []) or None,
            },
        )
        cross = attrs.get("enable_cross_zone_load_balancing")
        if cross is not None:
            builder.emit(
                "LoadBalancerAttributes",
                scope,
                {
                    "LoadBalancerArn": attrs.get("arn"),
                    "Attributes": [{"Key": "load_balancing.cross_zone.enabled", "Value": "true" if cross else "false"}],
                },
            )


def target_groups(builder: Builder) -> None:
    listeners = builder.of("aws_lb_listener") + builder.of("aws_alb_listener")
    for attrs in builder.of("aws_lb_target_group") + builder.of("aws_alb_target_group"):
        arn = attrs.get("arn")
        users = sorted(
            {
                str(lst.get("load_balancer_arn"))
                for lst in listeners
                if any(a.get("target_group_arn") == arn for a in lst.get("default_action") or [])
            }
        )
        builder.emit(
            "TargetGroups",
            builder.scope(attrs),
            {
                "TargetGroupArn": arn,
                "TargetGroupName": attrs.get("name"),
                "Protocol": attrs.get("protocol"),
                "Port": attrs.get("port"),
                "VpcId": attrs.get("vpc_id"),
                "TargetType": attrs.get("target_type") or "instance",
                "LoadBalancerArns": users,
            },
        )
        registered = [a for a in builder.of("aws_lb_target_group_attachment") if a.get("target_group_arn") == arn]
        if registered:
            builder.emit(
                "LoadBalancerTargetHealth",
                builder.scope(attrs),
                {
                    "TargetGroupArn": arn,
                    "TargetHealthDescriptions": [
                        {
                            "Target": {
                                k: v
                                for k, v in (
                                    ("Id", a.get("target_id")),
                                    ("Port", a.get("port") or attrs.get("port")),
                                    ("AvailabilityZone", a.get("availability_zone")),
                                )
                                if v
                            },
                            "TargetHealth": {"State": "healthy"},
                        }
                        for a in registered
                    ],
                },
            )
    for attrs in listeners:
        actions = [
            {
                "Type": a.get("type") or "forward",
                "TargetGroupArn": a.get("target_group_arn"),
                "Order": a.get("order") or 1,
            }
            for a in attrs.get("default_action") or []
        ]
        builder.emit(
            "Listeners",
            builder.scope(attrs),
            {
                "ListenerArn": attrs.get("arn"),
                "LoadBalancerArn": attrs.get("load_balancer_arn"),
                "Port": attrs.get("port"),
                "Protocol": attrs.get("protocol"),
                "DefaultActions": actions,
            },
        )


# -- S3, DynamoDB, flow logs, Route 53 -------------------------------------------------------------------------------
def buckets(builder: Builder) -> None:
    for attrs in builder.of("aws_s3_bucket"):
        scope = builder.scope(attrs)
        builder.emit(
            "Buckets",
            scope,
            {"Name": attrs.get("bucket") or attrs["id"], "BucketRegion": attrs.get("region") or scope.region},
        )
    for attrs in builder.of("aws_s3_bucket_policy"):
        bucket = builder.find("aws_s3_bucket", str(attrs.get("bucket"))) or {}
        builder.single(
            f"{attrs.get('bucket')}.policy.json", builder.scope(bucket or attrs), {"Policy": attrs.get("policy")}
        )


def tables(builder: Builder) -> None:
    for attrs in builder.of("aws_dynamodb_table"):
        keys = [
            {"AttributeName": attrs[k], "KeyType": t}
            for k, t in (("hash_key", "HASH"), ("range_key", "RANGE"))
            if attrs.get(k)
        ]
        table = {
            "TableName": attrs.get("name"),
            "TableArn": attrs.get("arn"),
            "TableStatus": "ACTIVE",
            "KeySchema": keys,
            "AttributeDefinitions": [
                {"AttributeName": a.get("name"), "AttributeType": a.get("type")} for a in attrs.get("attribute") or []
            ],
            "BillingModeSummary": {"BillingMode": attrs.get("billing_mode") or "PROVISIONED"},
        }
        builder.single(f"{attrs.get('name')}.table.json", builder.scope(attrs), {"Table": table})


def flow_logs(builder: Builder) -> None:
    for attrs in builder.of("aws_flow_log"):
        resource = next((attrs[k] for k in _FLOW_LOG_TARGETS if attrs.get(k)), None)
        builder.emit(
            "FlowLogs",
            builder.scope(attrs),
            {
                "FlowLogId": attrs["id"],
                "ResourceId": resource,
                "TrafficType": attrs.get("traffic_type"),
                "LogDestinationType": attrs.get("log_destination_type"),
                "LogDestination": attrs.get("log_destination"),
                "LogFormat": attrs.get("log_format"),
                "MaxAggregationInterval": attrs.get("max_aggregation_interval"),
                "LogGroupName": attrs.get("log_group_name"),
                "DeliverLogsStatus": "SUCCESS",
                "FlowLogStatus": "ACTIVE",
                "Tags": tags(attrs),
            },
        )


def hosted_zones(builder: Builder) -> None:
    for attrs in builder.of("aws_route53_zone"):
        vpcs = [
            {"VPCId": v.get("vpc_id"), "VPCRegion": v.get("vpc_region") or builder.default.region}
            for v in attrs.get("vpc") or []
        ]
        zone = {
            "Id": attrs.get("zone_id") or attrs["id"],
            "Name": str(attrs.get("name", "")).rstrip(".") + ".",
            "Config": {"PrivateZone": bool(vpcs), "Comment": attrs.get("comment") or ""},
        }
        builder.single(f"{zone['Id']}.zone.json", builder.default, {"HostedZone": zone, "VPCs": vpcs})
        records = [r for r in builder.of("aws_route53_record") if r.get("zone_id") == zone["Id"]]
        if records:
            sets = [
                {
                    "Name": str(r.get("name", "")).rstrip(".") + ".",
                    "Type": r.get("type"),
                    "TTL": r.get("ttl"),
                    "ResourceRecords": [{"Value": v} for v in r.get("records") or []],
                }
                for r in records
            ]
            builder.single(f"{zone['Id']}.records.json", builder.default, {"ResourceRecordSets": sets})


def resolver(builder: Builder) -> None:
    """Route 53 Resolver endpoints (their interfaces are not in Terraform state: they answer nothing, said), rules with
    their tags (a FORWARD rule's ``vpcsim:records``) and rule associations, as ``list-resolver-*`` prints them."""
    for attrs in builder.of("aws_route53_resolver_endpoint"):
        scope, eid = builder.scope(attrs), attrs["id"]
        addresses = [
            {
                "IpId": a.get("ip_id") or derived_id("rni", eid, str(a.get("subnet_id")), str(a.get("ip"))),
                "SubnetId": a.get("subnet_id"),
                "Ip": a.get("ip"),
                "Status": "ATTACHED",
            }
            for a in attrs.get("ip_address") or []
        ]
        endpoint = {
            "Id": eid,
            "Arn": attrs.get("arn"),
            "Name": attrs.get("name") or "",
            "SecurityGroupIds": list(attrs.get("security_group_ids") or []),
            "Direction": attrs.get("direction"),
            "IpAddressCount": len(addresses),
            "HostVPCId": attrs.get("host_vpc_id"),
            "Status": "OPERATIONAL",
            "ResolverEndpointType": attrs.get("resolver_endpoint_type") or "IPV4",
            "Protocols": list(attrs.get("protocols") or ["Do53"]),
        }
        builder.emit("ResolverEndpoints", scope, endpoint)
        builder.single(f"{eid}.addresses.json", scope, {"IpAddresses": addresses})
    for attrs in builder.of("aws_route53_resolver_rule"):
        rule = {
            "Id": attrs["id"],
            "Arn": attrs.get("arn"),
            "DomainName": str(attrs.get("domain_name") or "").rstrip(".") + ".",
            "Status": "COMPLETE",
            "RuleType": attrs.get("rule_type"),
            "Name": attrs.get("name") or "",
            "TargetIps": [{"Ip": t.get("ip"), "Port": int(t.get("port") or 53)} for t in attrs.get("target_ip") or []],
            "ResolverEndpointId": attrs.get("resolver_endpoint_id"),
            "OwnerId": attrs.get("owner_id"),
            "ShareStatus": attrs.get("share_status") or "NOT_SHARED",
            "Tags": tags(attrs),
        }
        builder.emit("ResolverRules", builder.scope(attrs), rule)
    for attrs in builder.of("aws_route53_resolver_rule_association"):
        association = {
            "Id": attrs["id"],
            "ResolverRuleId": attrs.get("resolver_rule_id"),
            "VPCId": attrs.get("vpc_id"),
            "Name": attrs.get("name") or "",
            "Status": "COMPLETE",
        }
        vpc_id = str(attrs.get("vpc_id"))
        vpc = builder.find("aws_vpc", vpc_id) or builder.find("aws_default_vpc", vpc_id)
        builder.emit("ResolverRuleAssociations", builder.scope(attrs, near=vpc), association)


CONVERTERS: dict[str, Converter] = {
    "aws_vpc_endpoint": vpc_endpoints,
    "aws_lb": load_balancers,
    "aws_lb_target_group": target_groups,
    "aws_s3_bucket": buckets,
    "aws_dynamodb_table": tables,
    "aws_flow_log": flow_logs,
    "aws_route53_zone": hosted_zones,
    "aws_route53_resolver_endpoint": resolver,
    "aws_route53_resolver_rule": resolver,
    "aws_route53_resolver_rule_association": resolver,
}
HANDLED = {
    *CONVERTERS,
    "aws_vpc_endpoint_subnet_association",
    "aws_vpc_endpoint_security_group_association",
    "aws_alb",
    "aws_lb_listener",
    "aws_alb_listener",
    "aws_alb_target_group",
    "aws_lb_target_group_attachment",
    "aws_s3_bucket_policy",
    "aws_route53_record",
}
