"""A trace, as data: where a request goes, hop by hop, and why it stops or arrives (design.md "A trace, as data").

``Trace -> Hop -> Step``, immutable, checked when built, after Batfish's Trace/Hop/Step: a step's action and a
trace's verdict are separate enums; every hop names a real AWS resource (its id and ARN) in Reachability Analyzer's
component vocabulary, and every deciding step names the rule that decided (route, security group rule, ACL entry,
policy statement). The same value serialises to ``NetworkInsightsAnalysis.ForwardPathComponents``, to the CLI's table
and to the UI's drawing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from vpcsim.model.explanations import ExplanationCode


class ComponentKind(StrEnum):
    """Reachability Analyzer's component vocabulary [RA]."""

    INSTANCE = "instance"
    NETWORK_INTERFACE = "network-interface"
    SECURITY_GROUP = "security-group"
    NETWORK_ACL = "network-acl"
    ROUTE_TABLE = "route-table"
    INTERNET_GATEWAY = "internet-gateway"
    NAT_GATEWAY = "nat-gateway"
    VPC_ENDPOINT = "vpc-endpoint"
    VPC_PEERING_CONNECTION = "vpc-peering-connection"
    TRANSIT_GATEWAY = "transit-gateway"
    TRANSIT_GATEWAY_ATTACHMENT = "transit-gateway-attachment"
    TRANSIT_GATEWAY_ROUTE_TABLE = "transit-gateway-route-table"
    LOAD_BALANCER = "load-balancer"
    TARGET_GROUP = "target-group"
    ENDPOINT_SERVICE = "endpoint-service"
    AWS_SERVICE = "aws-service"
    INTERNET = "internet"
    DNS = "dns"


class Action(StrEnum):
    """What a step did."""

    RESOLVED = "resolved"  # a DNS answer
    ALLOWED = "allowed"  # a filter let the packet through (names the rule)
    DENIED = "denied"  # a filter dropped it (names the rule, or says no rule matched)
    ROUTED = "routed"  # a route table chose a route (names it)
    NO_ROUTE = "no-route"
    TRANSLATED = "translated"  # an address was rewritten (NAT, internet gateway)
    FORWARDED = "forwarded"  # a gateway or endpoint passed it on
    DELIVERED = "delivered"  # it reached the destination
    DROPPED = "dropped"  # a component refused it for a reason other than a rule (e.g. no public IP)


class Verdict(StrEnum):
    REACHABLE = "reachable"
    BLOCKED = "blocked"
    NO_ROUTE = "no-route"
    UNRESOLVED = "unresolved"  # the destination name does not resolve


@dataclass(frozen=True, slots=True)
class Component:
    """A real AWS resource on the path."""

    id: str
    kind: ComponentKind
    arn: str = ""
    name: str = ""  # a human label: "NAT gateway in eu-west-2a", "com.amazonaws.eu-west-2.s3"
    region: str = ""
    zone: str = ""  # AZ name where the component sits, if zonal
    account: str = ""


@dataclass(frozen=True, slots=True)
class Header:
    """A packet header at a point of the path."""

    source: str
    destination: str
    protocol: str  # "tcp" | "udp" | "icmp"
    destination_port: int | None = None
    source_port: int | None = None


@dataclass(frozen=True, slots=True)
class Step:
    action: Action
    detail: str  # what a person reads: "route 0.0.0.0/0 -> nat-0abc (longest prefix match)"
    rule: dict[str, Any] = field(default_factory=dict)  # the deciding rule as AWS describes it, if any
    explanation_code: ExplanationCode | None = None  # Reachability Analyzer's code when the step stops the path


@dataclass(frozen=True, slots=True)
class Hop:
    component: Component
    steps: tuple[Step, ...]
    inbound: Header | None = None
    outbound: Header | None = None
    latency_ms: float = 0.0
    reply: bool = False  # a check on the reply's way back (stateless ACLs), not a step of the request's path

    @property
    def stops(self) -> bool:
        return any(s.action in (Action.DENIED, Action.NO_ROUTE, Action.DROPPED) for s in self.steps)


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a path stops, in Reachability Analyzer's terms [RA-EX]."""

    code: ExplanationCode
    component: Component
    direction: str = ""  # "egress" | "ingress"
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Charge:
    """One per-GB charge a flow incurs along its path (USD per GB), with the price book's source."""

    item: str  # "NAT gateway data processing", "Interface endpoint data processing", "Inter-AZ data transfer"
    usd_per_gb: float
    component: str = ""  # the id of the component that charges
    usage_type: str = ""  # AWS usage type, e.g. "EUW2-NatGateway-Bytes"
    source: str = ""


@dataclass(frozen=True, slots=True)
class UnpricedCharge:
    """A per-GB charge the path incurs whose rate the price book does not have for that Region: unknown, not free."""

    item: str
    component: str  # the id of the component that charges
    region: str
    key: str  # the price book key that is missing, e.g. "nat_gateway_gb"
    reason: str


@dataclass(frozen=True, slots=True)
class Trace:
    verdict: Verdict
    hops: tuple[Hop, ...]
    explanations: tuple[Explanation, ...] = ()
    internet: bool = False  # the path crosses the public internet
    endpoint: str | None = None  # the VPC endpoint the path uses, if any
    charges: tuple[Charge, ...] = ()
    unpriced: tuple[UnpricedCharge, ...] = ()  # charges on the path the price book cannot price: the sum is a floor
    source: Header | None = None  # the request as it left the source
    resolved: tuple[str, ...] = ()  # the addresses the destination name resolved to
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.verdict is Verdict.REACHABLE and (self.explanations or any(h.stops for h in self.hops)):
            raise ValueError("a reachable trace has no stopping hop and no explanation")
        if self.verdict is Verdict.BLOCKED and not self.explanations:
            raise ValueError("a blocked trace says why")

    @property
    def forward(self) -> tuple[Hop, ...]:
        """The request's path (Reachability Analyzer's ForwardPathComponents)."""
        return tuple(h for h in self.hops if not h.reply)

    @property
    def returning(self) -> tuple[Hop, ...]:
        """The checks on the reply's way back (ReturnPathComponents)."""
        return tuple(h for h in self.hops if h.reply)

    @property
    def latency_ms(self) -> float:
        return round(sum(h.latency_ms for h in self.hops), 3)

    @property
    def usd_per_gb(self) -> float:
        """What the priced charges add up to: the whole per-GB cost when nothing is unpriced, else a lower bound."""
        return round(sum(c.usd_per_gb for c in self.charges), 6)
