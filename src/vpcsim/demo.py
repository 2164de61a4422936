"""The demo world: the seed scenarios, built through the control plane real clients use (``vpcsim demo``,
``vpcsim serve --demo``).

Every resource comes from ``Control.handle`` with the same parameters boto3 would send, so the demo is valid state
that describes, traces and prices like any other. A seeded ``IdFactory`` makes its ids the same on every machine;
fixed account ids and Name tags make the diagram readable:

- 111111111111 (network team), eu-west-2: VPC ``app-nat`` (private subnets reach S3 through a NAT gateway) and VPC
  ``app-endpoint`` (the same, plus an S3 gateway endpoint on the private route table and a DynamoDB interface
  endpoint); an S3 bucket whose policy denies every request not coming through that gateway endpoint.
- 111111111111, eu-west-1: VPC ``analytics``, peered across regions with ``app-endpoint``, reaching DynamoDB through
  the interface endpoint in eu-west-2.
- 222222222222 (provider): an NLB-backed endpoint service allowing only 333333333333.
- 333333333333 (consumer): an interface endpoint to it, accepted by the provider.
- 444444444444 (not allowed): a VPC whose attempt to connect is refused.
- Flow logs on the two London VPCs to the bucket (folder ``flow-logs/``), and records of S3 traffic through the NAT
  gateway and through the gateway endpoint written when the demo loads (docs/flowlogs.md).

``load_demo`` is idempotent by a meta key: a state that holds the demo is left alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from vpcsim.control import Control
from vpcsim.control.analysis.diagram import EXAMPLES_META
from vpcsim.control.flowlogs.traffic import Traffic
from vpcsim.errors import ApiError
from vpcsim.model import IdFactory
from vpcsim.model.arns import bucket_arn, root_arn
from vpcsim.store import Transaction

SEED = 7
META_KEY = "demo/loaded"
NETWORK, PROVIDER, CONSUMER, OUTSIDER = "111111111111", "222222222222", "333333333333", "444444444444"
LONDON, IRELAND = "eu-west-2", "eu-west-1"
BUCKET = "demo-reports-111111111111"
DEMO_LOG_FORMAT = (
    "${version} ${account-id} ${interface-id} ${instance-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} "
    "${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${pkt-srcaddr} ${pkt-dstaddr} "
    "${pkt-dst-aws-service} ${flow-direction} ${traffic-path}"
)


@dataclass
class Vpc:
    """What the demo remembers of a VPC it built."""

    id: str
    account: str
    region: str
    public: list[str] = field(default_factory=list)
    private: list[str] = field(default_factory=list)
    public_table: str = ""
    private_table: str = ""
    instances: dict[str, str] = field(default_factory=dict)  # Name tag -> instance id


@dataclass
class DemoWorld:
    """The ids of the demo's landmarks, for tests, docs and the CLI's summary."""

    vpcs: dict[str, Vpc] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)  # landmark -> id (nat, s3_gateway, dynamodb_endpoint, ...)


def is_loaded(control: Control) -> bool:
    with control.store.snapshot() as tx:
        return tx.meta(META_KEY) is not None


def load_demo(control: Control) -> DemoWorld | None:
    """Build the demo world into ``control``'s state; None when the state already holds it."""
    if is_loaded(control):
        return None
    builder = _Builder(type(control)(control.store, IdFactory(SEED)))
    world = builder.build()
    with control.store.transaction() as tx:
        tx.set_meta(META_KEY, json.dumps(world.ids))
        tx.set_meta(EXAMPLES_META, json.dumps(examples(world.ids)))
    send_demo_traffic(control, world.ids)
    return world


def send_demo_traffic(control: Control, ids: dict[str, str]) -> None:
    """Some traffic for the demo's flow logs: S3 through the NAT gateway and through the gateway endpoint, 5 flows
    each (its records land under the server's flow-logs directory; a few small files, written in milliseconds)."""
    for source in ("app-nat-worker", "app-endpoint-worker"):
        control.send_traffic(Traffic(ids[source], f"s3.{LONDON}.amazonaws.com", flows=5, bytes=64_000))


def landmarks(tx: Transaction) -> dict[str, str]:
    """The demo's landmark ids (empty when the demo is not loaded)."""
    return dict(json.loads(tx.meta(META_KEY) or "{}"))


def examples(ids: dict[str, str]) -> list[dict[str, Any]]:
    """The seed scenarios as trace requests (the UI's "try" list, stored beside the state it names)."""
    s3 = f"s3.{LONDON}.amazonaws.com"
    bucket_host = f"{BUCKET}.s3.{LONDON}.amazonaws.com"
    get = {"action": "s3:GetObject", "resource": bucket_arn(f"{BUCKET}/report.csv")}
    return [
        _example("S3 through a NAT gateway (internet, priced)", ids["app-nat-worker"], s3),
        _example("S3 through a gateway endpoint (private, free)", ids["app-endpoint-worker"], s3),
        _example(
            "DynamoDB from eu-west-1 over inter-region peering", ids["analytics-worker"], ids["dynamodb_endpoint_dns"]
        ),
        _example(
            "PrivateLink: allowed consumer to the provider", ids["consumer-app"], ids["consumer_endpoint_dns"], 8443
        ),
        _example(
            "PrivateLink: an account that is not allowed", ids["outsider-app"], ids["consumer_endpoint_dns"], 8443
        ),
        _example("Bucket policy: through the gateway endpoint", ids["app-endpoint-worker"], bucket_host, request=get),
        _example("Bucket policy: through the NAT gateway (denied)", ids["app-nat-worker"], bucket_host, request=get),
    ]


def _example(
    title: str, source: str, destination: str, port: int = 443, request: dict[str, str] | None = None
) -> dict[str, Any]:
    return {"title": title, "source": source, "destination": destination, "port": port, **(request or {})}


def _tags(kind: str, name: str) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


class _Builder:
    def __init__(self, control: Control) -> None:
        self.control = control
        self.calls = 0
        self.world = DemoWorld()

    def call(self, account: str, region: str, operation: str, scope: str = "ec2", **params: Any) -> dict[str, Any]:
        self.calls += 1
        request_id = f"demo-{self.calls:04d}"
        principal = root_arn(account)  # what the wire gives a 12-digit access key (server/wire.py)
        return self.control.handle(
            scope, operation, params, account=account, region=region, request_id=request_id, principal=principal
        )

    def build(self) -> DemoWorld:
        nat_vpc = self.nat_scenario()
        endpoint_vpc = self.gateway_endpoint_scenario()
        self.dynamodb_over_peering(endpoint_vpc)
        self.bucket_policy(nat_vpc)
        self.privatelink()
        self.flow_logs(nat_vpc, endpoint_vpc)
        return self.world

    # -- building blocks ------------------------------------------------------------------------------------------
    def vpc(self, account: str, region: str, name: str, cidr: str, *, public: bool = True, azs: int = 2) -> Vpc:
        vpc_id = self.call(account, region, "CreateVpc", CidrBlock=cidr, TagSpecifications=_tags("vpc", name))
        vpc = Vpc(vpc_id["Vpc"]["VpcId"], account, region)
        self.call(account, region, "ModifyVpcAttribute", VpcId=vpc.id, EnableDnsHostnames={"Value": True})
        self.world.vpcs[name] = vpc
        base = cidr.rsplit(".", 2)[0]
        for index in range(azs):
            zone = f"{region}{'abc'[index]}"
            if public:
                vpc.public.append(self.subnet(vpc, f"{base}.{index}.0/24", zone, f"{name}-public-{zone[-1]}"))
            vpc.private.append(self.subnet(vpc, f"{base}.{10 + index}.0/24", zone, f"{name}-private-{zone[-1]}"))
        vpc.private_table = self.route_table(vpc, f"{name}-private", vpc.private)
        if public:
            self.internet_gateway(vpc, name)
        return vpc

    def subnet(self, vpc: Vpc, cidr: str, zone: str, name: str) -> str:
        found = self.call(
            vpc.account,
            vpc.region,
            "CreateSubnet",
            VpcId=vpc.id,
            CidrBlock=cidr,
            AvailabilityZone=zone,
            TagSpecifications=_tags("subnet", name),
        )
        return str(found["Subnet"]["SubnetId"])

    def route_table(self, vpc: Vpc, name: str, subnets: list[str]) -> str:
        made = self.call(
            vpc.account, vpc.region, "CreateRouteTable", VpcId=vpc.id, TagSpecifications=_tags("route-table", name)
        )
        table = str(made["RouteTable"]["RouteTableId"])
        for subnet in subnets:
            self.call(vpc.account, vpc.region, "AssociateRouteTable", RouteTableId=table, SubnetId=subnet)
        return table

    def internet_gateway(self, vpc: Vpc, name: str) -> None:
        made = self.call(
            vpc.account, vpc.region, "CreateInternetGateway", TagSpecifications=_tags("internet-gateway", f"{name}-igw")
        )
        igw = made["InternetGateway"]["InternetGatewayId"]
        self.call(vpc.account, vpc.region, "AttachInternetGateway", InternetGatewayId=igw, VpcId=vpc.id)
        vpc.public_table = self.route_table(vpc, f"{name}-public", vpc.public)
        self.route(vpc, vpc.public_table, "0.0.0.0/0", GatewayId=igw)
        self.world.ids[f"{name}.igw"] = igw

    def route(self, vpc: Vpc, table: str, cidr: str, **target: str) -> None:
        self.call(vpc.account, vpc.region, "CreateRoute", RouteTableId=table, DestinationCidrBlock=cidr, **target)

    def nat_gateway(self, vpc: Vpc, name: str) -> str:
        allocation = self.call(vpc.account, vpc.region, "AllocateAddress", Domain="vpc")["AllocationId"]
        made = self.call(
            vpc.account,
            vpc.region,
            "CreateNatGateway",
            SubnetId=vpc.public[0],
            AllocationId=allocation,
            TagSpecifications=_tags("natgateway", f"{name}-nat"),
        )
        nat = str(made["NatGateway"]["NatGatewayId"])
        self.call(vpc.account, vpc.region, "DescribeNatGateways", NatGatewayIds=[nat])  # pending -> available
        self.route(vpc, vpc.private_table, "0.0.0.0/0", NatGatewayId=nat)
        return nat

    def group(self, vpc: Vpc, name: str, port: int, cidr: str) -> str:
        made = self.call(
            vpc.account,
            vpc.region,
            "CreateSecurityGroup",
            GroupName=name,
            Description=f"{port} from {cidr}",
            VpcId=vpc.id,
        )
        group = str(made["GroupId"])
        self.call(
            vpc.account,
            vpc.region,
            "AuthorizeSecurityGroupIngress",
            GroupId=group,
            IpPermissions=[{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": cidr}]}],
        )
        return group

    def image(self, vpc: Vpc) -> str:
        """The newest Amazon Linux 2023 image of the VPC's Region, found as a user finds it."""
        flt = [{"Name": "name", "Values": ["al2023-ami-2023.*-kernel-6.1-x86_64"]}]
        found = self.call(vpc.account, vpc.region, "DescribeImages", Owners=["amazon"], Filters=flt)["Images"]
        return str(max(found, key=lambda i: i["CreationDate"])["ImageId"])

    def instance(self, vpc: Vpc, subnet: str, name: str, groups: list[str] | None = None) -> str:
        extra: dict[str, Any] = {"SecurityGroupIds": groups} if groups else {}
        made = self.call(
            vpc.account,
            vpc.region,
            "RunInstances",
            ImageId=self.image(vpc),
            InstanceType="t3.micro",
            MinCount=1,
            MaxCount=1,
            SubnetId=subnet,
            TagSpecifications=_tags("instance", name),
            **extra,
        )
        instance = str(made["Instances"][0]["InstanceId"])
        vpc.instances[name] = instance
        self.world.ids[name] = instance
        return instance

    # -- the seed scenarios ---------------------------------------------------------------------------------------
    def nat_scenario(self) -> Vpc:
        """Private subnets reach S3 through a NAT gateway: over the internet gateway, priced per GB."""
        vpc = self.vpc(NETWORK, LONDON, "app-nat", "10.0.0.0/16")
        self.world.ids["nat"] = self.nat_gateway(vpc, "app-nat")
        self.instance(vpc, vpc.private[0], "app-nat-worker")
        self.instance(vpc, vpc.public[0], "app-nat-bastion")
        return vpc

    def gateway_endpoint_scenario(self) -> Vpc:
        """The same VPC with an S3 gateway endpoint on the private route table: S3 stays private and free."""
        vpc = self.vpc(NETWORK, LONDON, "app-endpoint", "10.1.0.0/16")
        self.world.ids["app-endpoint.nat"] = self.nat_gateway(vpc, "app-endpoint")
        made = self.call(
            NETWORK,
            LONDON,
            "CreateVpcEndpoint",
            VpcId=vpc.id,
            ServiceName=f"com.amazonaws.{LONDON}.s3",
            RouteTableIds=[vpc.private_table],
            TagSpecifications=_tags("vpc-endpoint", "s3-gateway"),
        )
        self.world.ids["s3_gateway"] = made["VpcEndpoint"]["VpcEndpointId"]
        self.call(NETWORK, LONDON, "DescribeVpcEndpoints", VpcEndpointIds=[self.world.ids["s3_gateway"]])
        self.instance(vpc, vpc.private[0], "app-endpoint-worker")
        return vpc

    def dynamodb_over_peering(self, london: Vpc) -> None:
        """A DynamoDB interface endpoint in eu-west-2, reached from eu-west-1 over inter-region peering."""
        https = self.group(london, "dynamodb-endpoint", 443, "10.0.0.0/8")
        made = self.call(
            NETWORK,
            LONDON,
            "CreateVpcEndpoint",
            VpcId=london.id,
            VpcEndpointType="Interface",
            ServiceName=f"com.amazonaws.{LONDON}.dynamodb",
            SubnetIds=london.private,
            SecurityGroupIds=[https],
            TagSpecifications=_tags("vpc-endpoint", "dynamodb-interface"),
        )["VpcEndpoint"]
        self.call(NETWORK, LONDON, "DescribeVpcEndpoints", VpcEndpointIds=[made["VpcEndpointId"]])  # -> available
        self.world.ids["dynamodb_endpoint"] = made["VpcEndpointId"]
        self.world.ids["dynamodb_endpoint_dns"] = made["DnsEntries"][0]["DnsName"]
        ireland = self.vpc(NETWORK, IRELAND, "analytics", "10.2.0.0/16", public=False)
        self.instance(ireland, ireland.private[0], "analytics-worker")
        self.peer(ireland, london, "analytics-to-app-endpoint")

    def peer(self, requester: Vpc, accepter: Vpc, name: str) -> None:
        made = self.call(
            requester.account,
            requester.region,
            "CreateVpcPeeringConnection",
            VpcId=requester.id,
            PeerVpcId=accepter.id,
            PeerRegion=accepter.region,
            TagSpecifications=_tags("vpc-peering-connection", name),
        )
        pcx = made["VpcPeeringConnection"]["VpcPeeringConnectionId"]
        self.call(accepter.account, accepter.region, "AcceptVpcPeeringConnection", VpcPeeringConnectionId=pcx)
        self.route(requester, requester.private_table, "10.1.0.0/16", VpcPeeringConnectionId=pcx)
        self.route(accepter, accepter.private_table, "10.2.0.0/16", VpcPeeringConnectionId=pcx)
        self.world.ids["peering"] = pcx

    def bucket_policy(self, nat_vpc: Vpc) -> None:
        """An S3 bucket that only answers requests coming through the gateway endpoint."""
        configuration = {"LocationConstraint": LONDON}
        self.call(NETWORK, LONDON, "CreateBucket", "s3", Bucket=BUCKET, CreateBucketConfiguration=configuration)
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "OnlyThroughTheGatewayEndpoint",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [bucket_arn(BUCKET), bucket_arn(f"{BUCKET}/*")],
                    "Condition": {"StringNotEquals": {"aws:SourceVpce": self.world.ids["s3_gateway"]}},
                }
            ],
        }
        self.call(NETWORK, LONDON, "PutBucketPolicy", "s3", Bucket=BUCKET, Policy=json.dumps(policy))
        self.world.ids["bucket"] = BUCKET

    def flow_logs(self, *vpcs: Vpc) -> None:
        """Flow logs on the two London VPCs to the demo bucket (docs/flowlogs.md), with the version 5 fields."""
        for vpc in vpcs:
            created = self.call(
                vpc.account,
                vpc.region,
                "CreateFlowLogs",
                ResourceType="VPC",
                ResourceIds=[vpc.id],
                TrafficType="ALL",
                LogDestinationType="s3",
                LogDestination=f"{bucket_arn(BUCKET)}/flow-logs/",
                LogFormat=DEMO_LOG_FORMAT,
                MaxAggregationInterval=60,
            )
            self.world.ids[f"flow_log_{vpc.id}"] = created["FlowLogIds"][0]

    def privatelink(self) -> None:
        """A provider's NLB-backed endpoint service, an allowed consumer (accepted) and an account that is not."""
        service = self.provider_service()
        endpoint = self.consumer(service)
        self.call(
            PROVIDER, LONDON, "AcceptVpcEndpointConnections", ServiceId=service["ServiceId"], VpcEndpointIds=[endpoint]
        )
        self.call(CONSUMER, LONDON, "DescribeVpcEndpoints", VpcEndpointIds=[endpoint])  # pendingAcceptance -> available
        self.outsider(service)

    def provider_service(self) -> dict[str, Any]:
        vpc = self.vpc(PROVIDER, LONDON, "provider", "10.20.0.0/16", public=False)
        group = self.group(vpc, "orders-api", 8443, "10.20.0.0/16")
        server = self.instance(vpc, vpc.private[0], "orders-api-server", [group])
        target_group = self.target_group(vpc, server)
        nlb = self.call(
            PROVIDER,
            LONDON,
            "CreateLoadBalancer",
            "elasticloadbalancing",
            Name="orders-nlb",
            Type="network",
            Scheme="internal",
            Subnets=vpc.private,
        )["LoadBalancers"][0]["LoadBalancerArn"]
        forward = [{"Type": "forward", "TargetGroupArn": target_group}]
        self.call(
            PROVIDER,
            LONDON,
            "CreateListener",
            "elasticloadbalancing",
            LoadBalancerArn=nlb,
            Protocol="TCP",
            Port=8443,
            DefaultActions=forward,
        )
        self.call(PROVIDER, LONDON, "DescribeTargetHealth", "elasticloadbalancing", TargetGroupArn=target_group)
        service = self.call(
            PROVIDER,
            LONDON,
            "CreateVpcEndpointServiceConfiguration",
            NetworkLoadBalancerArns=[nlb],
            AcceptanceRequired=True,
            TagSpecifications=_tags("vpc-endpoint-service", "orders-api"),
        )["ServiceConfiguration"]
        self.call(
            PROVIDER,
            LONDON,
            "ModifyVpcEndpointServicePermissions",
            ServiceId=service["ServiceId"],
            AddAllowedPrincipals=[root_arn(CONSUMER)],
        )
        self.world.ids.update(
            nlb=nlb, endpoint_service=service["ServiceId"], endpoint_service_name=service["ServiceName"]
        )
        return dict(service)

    def target_group(self, vpc: Vpc, server: str) -> str:
        made = self.call(
            PROVIDER,
            LONDON,
            "CreateTargetGroup",
            "elasticloadbalancing",
            Name="orders-api",
            Protocol="TCP",
            Port=8443,
            VpcId=vpc.id,
            TargetType="instance",
        )
        arn = str(made["TargetGroups"][0]["TargetGroupArn"])
        self.call(
            PROVIDER, LONDON, "RegisterTargets", "elasticloadbalancing", TargetGroupArn=arn, Targets=[{"Id": server}]
        )
        return arn

    def consumer(self, service: dict[str, Any]) -> str:
        vpc = self.vpc(CONSUMER, LONDON, "consumer", "10.30.0.0/16", public=False)
        group = self.group(vpc, "to-orders-api", 8443, "10.30.0.0/16")
        made = self.call(
            CONSUMER,
            LONDON,
            "CreateVpcEndpoint",
            VpcId=vpc.id,
            VpcEndpointType="Interface",
            ServiceName=service["ServiceName"],
            SubnetIds=vpc.private,
            SecurityGroupIds=[group],
            TagSpecifications=_tags("vpc-endpoint", "orders-api"),
        )["VpcEndpoint"]
        self.instance(vpc, vpc.private[0], "consumer-app")
        self.world.ids.update(
            consumer_endpoint=made["VpcEndpointId"], consumer_endpoint_dns=made["DnsEntries"][0]["DnsName"]
        )
        return str(made["VpcEndpointId"])

    def outsider(self, service: dict[str, Any]) -> None:
        """444444444444 is not among the allowed principals: AWS does not even show it the service."""
        vpc = self.vpc(OUTSIDER, LONDON, "outsider", "10.40.0.0/16", public=False, azs=1)
        self.instance(vpc, vpc.private[0], "outsider-app")
        try:
            self.call(
                OUTSIDER,
                LONDON,
                "CreateVpcEndpoint",
                VpcId=vpc.id,
                VpcEndpointType="Interface",
                ServiceName=service["ServiceName"],
                SubnetIds=vpc.private,
            )
        except ApiError as error:
            self.world.ids["outsider_refused"] = error.code
