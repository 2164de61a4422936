"""Through PrivateLink to a provider's service: consumer endpoint -> endpoint service -> NLB -> healthy target,
only once the connection is accepted."""

from __future__ import annotations

import random
from typing import Any

from tests.api.test_dataplane import _instance, _net
from tests.api.test_trace_faces import _post


def _trace(vpcsim: Any, source: str, destination: str, port: int = 8443) -> dict[str, Any]:
    return _post(vpcsim, "/_vpcsim/api/trace", {"source": source, "destination": destination, "port": port})[1]


def test_only_the_accepted_consumer_reaches_the_target(vpcsim: Any) -> None:
    provider, consumer, other = (str(random.randrange(10**11, 10**12)) for _ in range(3))
    p_ec2 = vpcsim.client("ec2", "eu-west-2", provider)
    p_net = _net(p_ec2, "10.20.0.0/16")
    app = _instance(p_ec2, p_net.private)
    group = p_ec2.describe_instances(InstanceIds=[app])["Reservations"][0]["Instances"][0]["SecurityGroups"][0][
        "GroupId"
    ]
    p_ec2.authorize_security_group_ingress(
        GroupId=group, IpProtocol="tcp", FromPort=8443, ToPort=8443, CidrIp="10.20.0.0/16"
    )
    elbv2 = vpcsim.client("elbv2", "eu-west-2", provider)
    nlb = elbv2.create_load_balancer(Name="api", Type="network", Scheme="internal", Subnets=[p_net.private])[
        "LoadBalancers"
    ][0]["LoadBalancerArn"]
    target_group = elbv2.create_target_group(
        Name="api", Protocol="TCP", Port=8443, VpcId=p_net.vpc, TargetType="instance"
    )["TargetGroups"][0]["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=target_group, Targets=[{"Id": app}])
    elbv2.create_listener(
        LoadBalancerArn=nlb,
        Protocol="TCP",
        Port=8443,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": target_group}],
    )
    elbv2.describe_target_health(TargetGroupArn=target_group)
    service = p_ec2.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[nlb], AcceptanceRequired=True)[
        "ServiceConfiguration"
    ]
    p_ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=service["ServiceId"],
        AddAllowedPrincipals=[f"arn:aws:iam::{consumer}:root", f"arn:aws:iam::{other}:root"],
    )

    def connect(account: str) -> tuple[str, str, str]:
        ec2 = vpcsim.client("ec2", "eu-west-2", account)
        net = _net(ec2, "10.30.0.0/16")
        https = ec2.create_security_group(GroupName="to-api", Description="8443", VpcId=net.vpc)["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=https, IpProtocol="tcp", FromPort=8443, ToPort=8443, CidrIp="10.30.0.0/16"
        )
        endpoint = ec2.create_vpc_endpoint(
            VpcId=net.vpc,
            VpcEndpointType="Interface",
            ServiceName=service["ServiceName"],
            SubnetIds=[net.private],
            SecurityGroupIds=[https],
        )["VpcEndpoint"]
        return endpoint["VpcEndpointId"], endpoint["DnsEntries"][0]["DnsName"], _instance(ec2, net.private)

    accepted_endpoint, accepted_name, accepted_client = connect(consumer)
    rejected_endpoint, rejected_name, rejected_client = connect(other)
    pending = _trace(vpcsim, accepted_client, accepted_name)
    assert pending["verdict"] == "blocked" and [e["code"] for e in pending["explanations"]] == ["BAD_STATE"]
    p_ec2.accept_vpc_endpoint_connections(ServiceId=service["ServiceId"], VpcEndpointIds=[accepted_endpoint])
    p_ec2.reject_vpc_endpoint_connections(ServiceId=service["ServiceId"], VpcEndpointIds=[rejected_endpoint])
    vpcsim.client("ec2", "eu-west-2", consumer).describe_vpc_endpoints(VpcEndpointIds=[accepted_endpoint])
    arrived = _trace(vpcsim, accepted_client, accepted_name)
    assert arrived["verdict"] == "reachable", arrived["explanations"]
    request = [h for h in arrived["hops"] if not h["reply"]]
    kinds = [h["component"]["kind"] for h in request]
    order = ["vpc-endpoint", "endpoint-service", "load-balancer", "target-group", "instance"]
    positions = [max(i for i, kind in enumerate(kinds) if kind == k) for k in order]
    assert positions == sorted(positions), kinds
    assert request[-1]["component"]["id"] == app
    # The reply: the target answers the load balancer node, which answers the client from the endpoint's interface.
    reply = [h["component"]["kind"] for h in arrived["hops"] if h["reply"]]
    assert reply[0] == "instance" and reply[-1] == "instance" and "load-balancer" in reply, reply
    assert arrived["hops"][-1]["component"]["id"] == accepted_client
    assert arrived["charges"][0]["item"] == "Interface endpoint data processing"
    refused = _trace(vpcsim, rejected_client, rejected_name)
    assert refused["verdict"] == "blocked" and "rejected" in refused["explanations"][0]["detail"]

    # Reachability Analyzer with the endpoint as the destination: the path ends at the endpoint, whatever lies behind.
    consumer_ec2 = vpcsim.client("ec2", "eu-west-2", consumer)
    found = _analysis(consumer_ec2, accepted_client, accepted_endpoint)
    assert found["NetworkPathFound"] is True, found["Explanations"]
    ids = [c["Component"]["Id"] for c in found["ForwardPathComponents"]]
    assert ids[0] == accepted_client and ids[-1] == accepted_endpoint, ids
    assert nlb not in ids and app not in ids and service["ServiceId"] not in ids
    back = [c["Component"]["Id"] for c in found["ReturnPathComponents"]]
    assert back and back[-1] == accepted_client and nlb not in back, back
    elbv2.deregister_targets(TargetGroupArn=target_group, Targets=[{"Id": app}])
    assert _trace(vpcsim, accepted_client, accepted_name)["verdict"] == "blocked"  # no target behind the balancer
    assert _analysis(consumer_ec2, accepted_client, accepted_endpoint)["NetworkPathFound"] is True
    other_ec2 = vpcsim.client("ec2", "eu-west-2", other)
    rejected = _analysis(other_ec2, rejected_client, rejected_endpoint)
    assert rejected["NetworkPathFound"] is False
    assert [e["ExplanationCode"] for e in rejected["Explanations"]] == ["BAD_STATE"]


def _analysis(ec2: Any, source: str, endpoint: str) -> dict[str, Any]:
    path = ec2.create_network_insights_path(Source=source, Destination=endpoint, Protocol="tcp", DestinationPort=8443)
    started = ec2.start_network_insights_analysis(
        NetworkInsightsPathId=path["NetworkInsightsPath"]["NetworkInsightsPathId"]
    )
    (done,) = ec2.describe_network_insights_analyses(
        NetworkInsightsAnalysisIds=[started["NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]]
    )["NetworkInsightsAnalyses"]
    return dict(done)
