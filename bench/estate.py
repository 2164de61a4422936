"""A generated estate for ``vpcsim report``: many accounts of hub-and-spoke VPCs, built through the AWS API.

    .venv/bin/python bench/estate.py --vpcs 1000 --seed 1 --state /tmp/estate.db     # in process, into a state file
    .venv/bin/python bench/estate.py --vpcs 40 --endpoint-url http://127.0.0.1:4566  # boto3, against a server

Seedable: the same ``--seed`` and size give the same layout (which spoke gets a NAT gateway, which endpoints...); with
``--seed`` passed to the server too (``vpcsim serve --seed``) the same ids. Every resource comes from an AWS API call
with the parameters boto3 sends, through ``Caller``: ``Boto3Caller`` (real clients, a live server: what tests use) or
``ControlCaller`` (``Control.handle`` in process, no HTTP: what the benchmark uses to build 1,000 VPCs quickly).

Layout. The VPCs come in hubs of ``hub`` VPCs (default 20), one account and Region each (us-east-1, every fourth hub
in eu-west-2); each account first raises its Service Quotas (VPCs, internet gateways, Elastic IPs, NAT gateways per
AZ, gateway endpoints per Region), as a real estate would. A hub is:

- a transit gateway, and a shared-services VPC (no compute) with interface endpoints for STS and KMS (private DNS off,
  two AZs): the spokes reach them by their DNS names over the transit gateway;
- spokes: a /22 each (``10.0.0.0/8`` cut in order), two private subnets (AZs a and b) with one instance each in the
  VPC's default security group (every VPC's gets TCP 443 from 10.0.0.0/8: its instances' and its interface
  endpoints' group) and a public subnet; a private route table with
  10.0.0.0/8 to the transit gateway; then, drawn from the seed: egress through their own NAT gateway (70%) or none;
  an S3 gateway endpoint on the private table (half of those with NAT) and a DynamoDB one (a fifth); their own SQS
  interface endpoint (a third; private DNS on, two AZs): the endpoints a shared one could replace;
- every third hub: a bucket whose policy denies requests not through the first spoke's S3 gateway endpoint;
- every second hub: a legacy VPC outside the transit gateway holding an SSM interface endpoint and no compute
  (unused).
Then pairs across Regions (one in 25 VPCs, at least one): a VPC in us-east-1 with a DynamoDB interface endpoint and a
VPC with compute in eu-west-1 peered with it, routes both ways: DynamoDB of another Region through an endpoint over
peering. ``Estate`` records what was built (``Spoke`` per VPC) for tests to compute what the report must say.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any, Protocol

# The image a user finds with describe-images (Amazon Linux 2023, x86_64), and a type every zone offers: an account's
# zone "a" may be us-east-1's use1-az3, which has few types.
IMAGE_NAME = "al2023-ami-2023.*-kernel-6.1-x86_64"
INSTANCE_TYPE = "t2.micro"
BASE = IPv4Network("10.0.0.0/8")
QUOTAS = (  # (service code, quota code): raised per account and Region before building
    ("vpc", "L-F678F1CE"),  # VPCs per Region
    ("vpc", "L-A4707A72"),  # internet gateways per Region
    ("ec2", "L-0263D0A3"),  # Elastic IPs
    ("vpc", "L-FE5A380F"),  # NAT gateways per AZ
    ("vpc", "L-1B52E74A"),  # gateway endpoints per Region
)


class Caller(Protocol):
    def __call__(self, account: str, region: str, service: str, operation: str, **params: Any) -> dict[str, Any]: ...


class Boto3Caller:
    """Real boto3 clients against a vpcsim server; a 12-digit access key id is the account."""

    def __init__(self, endpoint_url: str) -> None:
        self.endpoint_url = endpoint_url
        self.clients: dict[tuple[str, str, str], Any] = {}
        self.calls = 0

    def __call__(self, account: str, region: str, service: str, operation: str, **params: Any) -> dict[str, Any]:
        import boto3
        from botocore import xform_name
        from botocore.config import Config

        key = (service, account, region)
        if key not in self.clients:
            self.clients[key] = boto3.client(
                service, region_name=region, endpoint_url=self.endpoint_url, aws_access_key_id=account,
                aws_secret_access_key="estate", config=Config(retries={"max_attempts": 1}),
            )  # fmt: skip
        self.calls += 1
        answer = getattr(self.clients[key], xform_name(operation))(**params)
        answer.pop("ResponseMetadata", None)
        return dict(answer)


class ControlCaller:
    """``Control.handle`` in process, with a distinct request id per call (the parameters boto3 would send)."""

    _SCOPES = {"service-quotas": "servicequotas"}

    def __init__(self, control: Any) -> None:
        self.control = control
        self.ids = itertools.count(1)
        self.calls = 0

    def __call__(self, account: str, region: str, service: str, operation: str, **params: Any) -> dict[str, Any]:
        self.calls += 1
        scope = self._SCOPES.get(service, service)
        principal = f"arn:aws:iam::{account}:root"
        found = self.control.handle(scope, operation, params, account=account, region=region,
                                    request_id=f"estate-{next(self.ids):08d}", principal=principal)  # fmt: skip
        return dict(found)


@dataclass
class Spoke:
    """What was built in one VPC (the facts a test computes the report's answers from)."""

    id: str
    account: str
    region: str
    cidr: str
    role: str  # spoke | shared | legacy | peer-endpoint | peer-client
    hub: int | None = None
    private: list[str] = field(default_factory=list)  # subnet ids holding compute
    public: str | None = None
    private_table: str = ""
    instances: list[str] = field(default_factory=list)
    nat: str | None = None
    s3_gateway: str | None = None
    dynamodb_gateway: str | None = None
    interface_endpoints: dict[str, str] = field(default_factory=dict)  # short service name -> endpoint id
    transit_gateway: str | None = None
    peering: str | None = None


@dataclass
class Estate:
    seed: int
    vpcs: list[Spoke] = field(default_factory=list)
    buckets: dict[str, str] = field(default_factory=dict)  # bucket -> the gateway endpoint its policy requires
    transit_gateways: dict[int, str] = field(default_factory=dict)  # hub -> tgw id
    calls: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"seed": self.seed, "calls": self.calls, "seconds": self.seconds, "buckets": self.buckets,
                "transit_gateways": self.transit_gateways, "vpcs": [vars(v) for v in self.vpcs]}  # fmt: skip


def account_of(hub: int) -> str:
    return f"{500000000000 + hub:012d}"


def region_of(hub: int) -> str:
    return "eu-west-2" if hub % 4 == 3 else "us-east-1"


class Builder:
    def __init__(self, call: Caller, seed: int, hub_size: int) -> None:
        self.call, self.rng, self.hub_size = call, random.Random(seed), hub_size
        self.estate = Estate(seed)
        self.blocks = BASE.subnets(new_prefix=22)
        self.images: dict[str, str] = {}  # region -> image id

    # -- building blocks ---------------------------------------------------------------------------------------------
    def ec2(self, spoke: Spoke, operation: str, **params: Any) -> dict[str, Any]:
        return self.call(spoke.account, spoke.region, "ec2", operation, **params)

    def raise_quotas(self, account: str, region: str, value: int) -> None:
        for service, code in QUOTAS:
            self.call(account, region, "service-quotas", "RequestServiceQuotaIncrease", ServiceCode=service,
                      QuotaCode=code, DesiredValue=float(value))  # fmt: skip

    def vpc(self, account: str, region: str, role: str, hub: int | None, *, compute: bool = True) -> Spoke:
        cidr = next(self.blocks)
        spoke = Spoke("", account, region, str(cidr), role, hub)
        spoke.id = self.ec2(spoke, "CreateVpc", CidrBlock=str(cidr), TagSpecifications=_name("vpc", f"{role}-{hub}"))[
            "Vpc"]["VpcId"]  # fmt: skip
        self.ec2(spoke, "ModifyVpcAttribute", VpcId=spoke.id, EnableDnsHostnames={"Value": True})
        quarters = list(cidr.subnets(new_prefix=24))
        spoke.private = [self.subnet(spoke, quarters[i], "ab"[i], f"{role}-{hub}-private-{'ab'[i]}") for i in (0, 1)]
        table = self.ec2(spoke, "CreateRouteTable", VpcId=spoke.id)["RouteTable"]["RouteTableId"]
        for subnet in spoke.private:
            self.ec2(spoke, "AssociateRouteTable", RouteTableId=table, SubnetId=subnet)
        spoke.private_table = table
        self.open_default_group(spoke)  # the instances' group, and the interface endpoints'
        if compute:
            spoke.instances = [self.instance(spoke, s) for s in spoke.private]
        self.estate.vpcs.append(spoke)
        return spoke

    def subnet(self, spoke: Spoke, cidr: IPv4Network, zone: str, name: str) -> str:
        made = self.ec2(spoke, "CreateSubnet", VpcId=spoke.id, CidrBlock=str(cidr),
                        AvailabilityZone=spoke.region + zone, TagSpecifications=_name("subnet", name))  # fmt: skip
        return str(made["Subnet"]["SubnetId"])

    def open_default_group(self, spoke: Spoke) -> None:
        filters = [{"Name": "vpc-id", "Values": [spoke.id]}, {"Name": "group-name", "Values": ["default"]}]
        group = self.ec2(spoke, "DescribeSecurityGroups", Filters=filters)["SecurityGroups"][0]["GroupId"]
        https = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}
        self.ec2(spoke, "AuthorizeSecurityGroupIngress", GroupId=group, IpPermissions=[https])

    def image(self, spoke: Spoke) -> str:
        if spoke.region not in self.images:
            found = self.ec2(spoke, "DescribeImages", Owners=["amazon"],
                             Filters=[{"Name": "name", "Values": [IMAGE_NAME]}])["Images"]  # fmt: skip
            self.images[spoke.region] = max(found, key=lambda i: i["CreationDate"])["ImageId"]
        return self.images[spoke.region]

    def instance(self, spoke: Spoke, subnet: str) -> str:
        made = self.ec2(spoke, "RunInstances", ImageId=self.image(spoke), InstanceType=INSTANCE_TYPE, MinCount=1,
                        MaxCount=1, SubnetId=subnet)  # fmt: skip
        return str(made["Instances"][0]["InstanceId"])

    def nat(self, spoke: Spoke) -> None:
        block = list(IPv4Network(spoke.cidr).subnets(new_prefix=24))[2]
        spoke.public = self.subnet(spoke, block, "a", f"{spoke.role}-{spoke.hub}-public-a")
        igw = self.ec2(spoke, "CreateInternetGateway")["InternetGateway"]["InternetGatewayId"]
        self.ec2(spoke, "AttachInternetGateway", InternetGatewayId=igw, VpcId=spoke.id)
        public = self.ec2(spoke, "CreateRouteTable", VpcId=spoke.id)["RouteTable"]["RouteTableId"]
        self.ec2(spoke, "AssociateRouteTable", RouteTableId=public, SubnetId=spoke.public)
        self.ec2(spoke, "CreateRoute", RouteTableId=public, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        allocation = self.ec2(spoke, "AllocateAddress", Domain="vpc")["AllocationId"]
        nat = self.ec2(spoke, "CreateNatGateway", SubnetId=spoke.public, AllocationId=allocation)["NatGateway"]
        spoke.nat = nat["NatGatewayId"]
        self.ec2(spoke, "DescribeNatGateways", NatGatewayIds=[spoke.nat])
        self.ec2(spoke, "CreateRoute", RouteTableId=spoke.private_table, DestinationCidrBlock="0.0.0.0/0",
                 NatGatewayId=spoke.nat)  # fmt: skip

    def gateway_endpoint(self, spoke: Spoke, service: str) -> str:
        name = f"com.amazonaws.{spoke.region}.{service}"
        tables = [spoke.private_table]
        made = self.ec2(spoke, "CreateVpcEndpoint", VpcId=spoke.id, ServiceName=name, RouteTableIds=tables)
        return str(made["VpcEndpoint"]["VpcEndpointId"])

    def interface_endpoint(self, spoke: Spoke, service: str, *, private_dns: bool) -> str:
        made = self.ec2(spoke, "CreateVpcEndpoint", VpcId=spoke.id, VpcEndpointType="Interface",
                        ServiceName=f"com.amazonaws.{spoke.region}.{service}", SubnetIds=spoke.private,
                        PrivateDnsEnabled=private_dns)["VpcEndpoint"]  # fmt: skip
        self.ec2(spoke, "DescribeVpcEndpoints", VpcEndpointIds=[made["VpcEndpointId"]])
        spoke.interface_endpoints[service] = made["VpcEndpointId"]
        return str(made["VpcEndpointId"])

    # -- the layout ---------------------------------------------------------------------------------------------------
    def hub(self, hub: int, size: int) -> None:
        account, region = account_of(hub), region_of(hub)
        self.raise_quotas(account, region, max(2 * size + 5, 30))  # above every default it raises
        tgw = self.call(account, region, "ec2", "CreateTransitGateway", Description=f"hub {hub}")["TransitGateway"]
        tgw_id = self.estate.transit_gateways[hub] = tgw["TransitGatewayId"]
        self.call(account, region, "ec2", "DescribeTransitGateways", TransitGatewayIds=[tgw_id])
        shared = self.vpc(account, region, "shared", hub, compute=False)
        for service in ("sts", "kms"):
            self.interface_endpoint(shared, service, private_dns=False)
        spokes = [self.spoke(account, region, hub) for _ in range(size - 1)]
        for vpc in [shared, *spokes]:
            self.attach(vpc, tgw_id)
        if hub % 3 == 0 and any(s.s3_gateway for s in spokes):
            self.bucket(hub, next(s for s in spokes if s.s3_gateway))
        if hub % 2 == 1:
            legacy = self.vpc(account, region, "legacy", hub, compute=False)
            self.interface_endpoint(legacy, "ssm", private_dns=True)

    def spoke(self, account: str, region: str, hub: int) -> Spoke:
        spoke = self.vpc(account, region, "spoke", hub)
        if self.rng.random() < 0.7:
            self.nat(spoke)
            if self.rng.random() < 0.5:
                spoke.s3_gateway = self.gateway_endpoint(spoke, "s3")
        if self.rng.random() < 0.2:
            spoke.dynamodb_gateway = self.gateway_endpoint(spoke, "dynamodb")
        if self.rng.random() < 1 / 3:
            self.interface_endpoint(spoke, "sqs", private_dns=True)
        return spoke

    def attach(self, spoke: Spoke, tgw: str) -> None:
        self.ec2(spoke, "CreateTransitGatewayVpcAttachment", TransitGatewayId=tgw, VpcId=spoke.id,
                 SubnetIds=spoke.private)  # fmt: skip
        self.ec2(spoke, "CreateRoute", RouteTableId=spoke.private_table, DestinationCidrBlock="10.0.0.0/8",
                 TransitGatewayId=tgw)  # fmt: skip
        spoke.transit_gateway = tgw

    def bucket(self, hub: int, spoke: Spoke) -> None:
        name = f"estate-{self.estate.seed}-hub-{hub}"
        region = spoke.region
        where = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        self.call(spoke.account, region, "s3", "CreateBucket", Bucket=name, **where)
        policy = {"Version": "2012-10-17", "Statement": [{
            "Sid": "OnlyThroughTheEndpoint", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
            "Condition": {"StringNotEquals": {"aws:SourceVpce": spoke.s3_gateway}}}]}  # fmt: skip
        self.call(spoke.account, region, "s3", "PutBucketPolicy", Bucket=name, Policy=json.dumps(policy))
        self.estate.buckets[name] = spoke.s3_gateway or ""

    def cross_region_pair(self, pair: int) -> None:
        account = f"{600000000000 + pair:012d}"
        home = self.vpc(account, "us-east-1", "peer-endpoint", None)
        self.interface_endpoint(home, "dynamodb", private_dns=False)
        client = self.vpc(account, "eu-west-1", "peer-client", None)
        made = self.ec2(client, "CreateVpcPeeringConnection", VpcId=client.id, PeerVpcId=home.id,
                        PeerRegion=home.region)  # fmt: skip
        pcx = made["VpcPeeringConnection"]["VpcPeeringConnectionId"]
        self.ec2(home, "AcceptVpcPeeringConnection", VpcPeeringConnectionId=pcx)
        for mine, other in ((client, home), (home, client)):
            self.ec2(mine, "CreateRoute", RouteTableId=mine.private_table, DestinationCidrBlock=other.cidr,
                     VpcPeeringConnectionId=pcx)  # fmt: skip
            mine.peering = pcx


def generate(call: Caller, vpcs: int, *, seed: int = 1, hub: int = 20, progress: Callable[[str], None] | None = None
             ) -> Estate:  # fmt: skip
    """Build an estate of about ``vpcs`` VPCs (module docstring) through ``call``."""
    began = time.perf_counter()
    builder = Builder(call, seed, hub)
    pairs = max(1, vpcs // 25)
    left = vpcs - 2 * pairs
    for number in itertools.count():
        if left <= 0:
            break
        size = min(hub, left)
        builder.hub(number, max(size, 2))
        left -= size + (number % 2)  # a legacy VPC every second hub
        if progress is not None:
            progress(f"  hub {number}: {len(builder.estate.vpcs)} VPCs ({time.perf_counter() - began:.0f} s)")
    for pair in range(pairs):
        builder.cross_region_pair(pair)
    estate = builder.estate
    estate.calls = getattr(call, "calls", 0)
    estate.seconds = time.perf_counter() - began
    return estate


def _name(kind: str, name: str) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vpcs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hub", type=int, default=20, help="VPCs per hub (transit gateway)")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--state", type=Path, help="build in process into this state file (replaced)")
    where.add_argument("--endpoint-url", help="build with boto3 against this vpcsim server")
    parser.add_argument("--manifest", type=Path, help="write what was built (JSON) here")
    args = parser.parse_args()
    if args.state is not None:
        from vpcsim.app import Options, build

        for stale in (args.state, Path(f"{args.state}-wal"), Path(f"{args.state}-shm")):
            stale.unlink(missing_ok=True)
        built = build(Options(state=args.state, seed=args.seed))
        estate = generate(ControlCaller(built.control), args.vpcs, seed=args.seed, hub=args.hub, progress=print)
        built.store.close()
    else:
        estate = generate(Boto3Caller(args.endpoint_url), args.vpcs, seed=args.seed, hub=args.hub, progress=print)
    print(f"built {len(estate.vpcs)} VPCs with {estate.calls} calls in {estate.seconds:.1f} s", file=sys.stderr)
    if args.manifest is not None:
        args.manifest.write_text(json.dumps(estate.to_json(), indent=1))


if __name__ == "__main__":
    main()
