"""What a DNS resolver answers: addresses and where they came from, or why there are none.

One value for every resolver vpcsim models (a VPC's Route 53 Resolver, the DNS servers of a DHCP options set, a
Resolver inbound endpoint, public DNS on premises), so the trace's DNS hop can name what answered: the private hosted
zone and its record, the endpoint whose private zone answered, the Resolver rule that forwarded the query, the AWS
service the name belongs to (and, for S3, the bucket or access point the host name addresses).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vpcsim.dataplane.topology import Address


@dataclass(frozen=True, slots=True)
class Forwarded:
    """A query a FORWARD rule sends to DNS servers outside the Resolver, through an outbound endpoint: the trace
    checks that the endpoint's interfaces reach a target (routes, security groups, network ACLs)."""

    rule: str
    endpoint: str | None
    targets: tuple[tuple[str, int], ...]  # (IP, port)
    domain: str


@dataclass(frozen=True, slots=True)
class Answer:
    name: str
    addresses: tuple[Address, ...]
    # "address" | "private-zone" (an endpoint's private DNS) | "hosted-zone" | "forwarded" | "vpce-name" |
    # "load-balancer" | "aws-service"
    source: str
    detail: str
    endpoint: str | None = None  # the endpoint whose record answered
    service: str | None = None  # for AWS service names: "s3", "sqs", ...
    service_region: str | None = None
    record: str | None = None  # the record name that matched (may be a wildcard)
    note: str = ""  # what the client should know about the answer (a private zone its resolvers did not ask)
    zone: str | None = None  # the private hosted zone that answered (its id)
    rule: str | None = None  # the Resolver rule that decided (FORWARD)
    forwarded: Forwarded | None = None
    bucket: str | None = None  # the S3 bucket a virtual-hosted name addresses
    access_point: str | None = None  # the S3 access point ARN an access point name addresses
    shown: dict[str, Any] = field(default_factory=dict)  # the deciding record or rule as AWS describes it


@dataclass(frozen=True, slots=True)
class NoAnswer:
    name: str
    reason: str
    zone: str | None = None  # the private hosted zone that answered NXDOMAIN
    rule: str | None = None
    forwarded: Forwarded | None = None
    shown: dict[str, Any] = field(default_factory=dict)


Resolved = Answer | NoAnswer
