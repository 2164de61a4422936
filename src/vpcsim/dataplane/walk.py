"""The state of one trace as it is walked (hops so far, the packet's header, where it came from, why it stopped), and
the stages a walk goes through.

A stage is a small value naming what happens next (``RouteFrom(subnet)``, ``DeliverInVpc(vpc, ...)``); each stage's
function returns the next stage or None when the packet has arrived, and raises ``Stop`` when the path ends early.
One driver loop (``trace.drive``) runs them, so the modules that implement stages never call each other. The same
walk then turns into its reply's (``replying``): the request records, where it arrives, where the reply starts and
what the reply needs to undo (the NAT gateways and load balancer nodes that translated it, the gateway it came into
each VPC through, the transit gateway AZs it used, the middleboxes it passed); reply hops are marked ``reply``.

Latency estimates per hop (named choice, for comparing paths, not a measurement): 0.05 ms within an AZ, 0.5 ms across
AZs, 0.1 ms for a gateway or endpoint's processing, 1 ms from a VPC to an AWS service's front end, 10 to 80 ms between
regions by distance, 20 ms onto the public internet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from ipaddress import IPv4Address, ip_address

from vpcsim.catalog import latency as rtt
from vpcsim.dataplane.topology import (
    Address,
    Endpoint,
    Interface,
    LoadBalancer,
    Network,
    Route,
    Subnet,
    TgwAttachment,
    Topology,
    Vpc,
    VpnConnection,
)
from vpcsim.model.arns import ec2_arn
from vpcsim.model.explanations import ExplanationCode
from vpcsim.model.trace import Action, Component, ComponentKind, Explanation, Header, Hop, Step

# A hop's latency is its share of the request's round trip, from the model of catalog/latency.py (sources and named
# choices there); the reply's hops carry none, so the hops add up to the round trip. Routes alone (a gateway
# endpoint, a peering connection, an internet or virtual private gateway) add only the distance they cover.
INTRA_AZ_MS = rtt.SAME_AZ_RTT_MS
CROSS_AZ_MS = rtt.CROSS_AZ_RTT_MS
NAT_MS = rtt.NAT_GATEWAY_RTT_MS
PRIVATELINK_MS = rtt.PRIVATELINK_RTT_MS  # an interface or Gateway Load Balancer endpoint, the load balancer behind it
TGW_MS = rtt.TRANSIT_GATEWAY_RTT_MS
SERVICE_MS = rtt.SERVICE_FRONT_RTT_MS
INTERNET_MS = rtt.INTERNET_RTT_MS
VPN_MS = rtt.VPN_RTT_MS
MAX_HOPS = 48  # per direction
# The port a reply goes back to (the client's ephemeral port), for the stateless checks of the return path (named
# choice: Linux's range 32768-60999 starts here; REMAP_EPHEMERAL_PORT in Reachability Analyzer's terms).
EPHEMERAL_PORT = 32768
INTERNET_HOST = "internet-host"  # the kind of the pseudo interface a walk from the internet starts at


class Stop(Exception):
    """Raised inside the walk when the path ends (blocked or delivered)."""


# -- stages ----------------------------------------------------------------------------------------------------------
class Stage:
    """What the walk does next; the driver finds the function for each kind of stage."""


@dataclass(frozen=True, slots=True)
class RouteFrom(Stage):
    """Look the destination up in ``subnet``'s route table."""

    subnet: Subnet


@dataclass(frozen=True, slots=True)
class FollowRoute(Stage):
    """Hand the packet to the target of the route ``subnet``'s table chose."""

    vpc: Vpc
    subnet: Subnet
    route: Route


@dataclass(frozen=True, slots=True)
class DeliverInVpc(Stage):
    """The packet is in ``vpc`` with a destination inside it (``from_subnet`` None: it came from outside)."""

    vpc: Vpc
    from_subnet: Subnet | None


@dataclass(frozen=True, slots=True)
class ToEndpointService(Stage):
    """A consumer's interface endpoint passes the packet to the provider's endpoint service."""

    endpoint: Endpoint
    interface: Interface


@dataclass(frozen=True, slots=True)
class ViaTransitGateway(Stage):
    """A VPC route sends the packet to transit gateway ``gateway``."""

    vpc: Vpc
    subnet: Subnet
    gateway: str


@dataclass(frozen=True, slots=True)
class TransitRoute(Stage):
    """Route in the transit gateway route table ``attachment`` is associated with."""

    gateway: str
    attachment: TgwAttachment
    depth: int
    zone: str = ""  # the zone id where the packet entered the transit gateway ("" over a peering attachment)


@dataclass(frozen=True, slots=True)
class FromInternet(Stage):
    """A packet from a host on the internet arrives at the VPC holding the destination, through ``gateway`` (an
    internet or egress-only internet gateway id) or, when None, whichever gateway the VPC has."""

    gateway: str | None


@dataclass(frozen=True, slots=True)
class FromCustomerNetwork(Stage):
    """An on-premises host sends the packet into AWS over VPN connection ``connection``."""

    connection: VpnConnection


@dataclass(frozen=True, slots=True)
class ViaVpnGateway(Stage):
    """A route of ``vpc`` sends the packet to virtual private gateway ``gateway``, towards a customer network."""

    vpc: Vpc
    gateway: str


@dataclass(frozen=True, slots=True)
class OverVpn(Stage):
    """The packet leaves AWS over VPN connection ``connection`` from ``gateway`` (vgw-... or tgw-...)."""

    connection: str
    gateway: str


@dataclass(frozen=True, slots=True)
class ReplyFrom(Stage):
    """The reply leaves ``interface`` (the request's destination, or an interface endpoint's): its subnet's ACL, then
    its subnet's route table."""

    interface: Interface


@dataclass(frozen=True, slots=True)
class ReplyInto(Stage):
    """The reply comes into ``vpc`` from outside it, from ``origin`` (a host on the internet, an AWS service) through
    ``via`` (an internet gateway, which translates the public address back to ``private``, an egress-only internet
    gateway or a gateway endpoint)."""

    vpc: Vpc
    origin: Component
    via: Component
    private: str | None = None


@dataclass(frozen=True, slots=True)
class Unwind(Stage):
    """The reply reaches ``interface`` of a component that translated the request (a NAT gateway, a load balancer
    node), which translates it back and sends it on."""

    vpc: Vpc
    interface: Interface


@dataclass(frozen=True, slots=True)
class ThroughLoadBalancer(Stage):
    """A Network Load Balancer's node in the zone with id ``zone_id`` takes the connection: its security groups, the
    listener, a healthy target. ``endpoint``: the interface endpoint's interface it came through (PrivateLink), or
    None (a client that reached the node's address)."""

    balancer: LoadBalancer
    zone_id: str
    endpoint: Interface | None = None


@dataclass(frozen=True, slots=True)
class PolicyQuestion:
    """What the data plane asks the policy judge at an AWS service: which endpoint (if any), from where."""

    service: str  # "s3", "dynamodb", "sqs", ...
    service_region: str
    endpoint_id: str | None
    endpoint_policy: str | None
    vpc_id: str | None
    private_ip: str | None  # aws:VpcSourceIp (through an endpoint)
    public_ip: str | None  # aws:SourceIp (over the internet)
    account: str  # the source's account
    bucket: str | None = None  # the S3 bucket the request is for (from the host name or the request)
    access_point: str | None = None  # the S3 access point ARN an access point host name addresses


@dataclass(frozen=True, slots=True)
class PolicyAnswer:
    allowed: bool
    detail: str
    code: ExplanationCode = ExplanationCode.POLICY_DENY  # why it stops, when it is a denial
    statement: dict[str, object] = field(default_factory=dict)


Judge = Callable[[PolicyQuestion], PolicyAnswer | None]


def region_latency_ms(a: str, b: str) -> float:
    """The round trip between two Regions (catalog/latency.py: their cities' distance over fibre)."""
    return rtt.inter_region_rtt_ms(a, b)


@dataclass
class Walk:
    topo: Topology
    source: Interface
    header: Header
    judge: Judge | None
    hops: list[Hop] = field(default_factory=list)
    explanations: list[Explanation] = field(default_factory=list)
    internet: bool = False
    endpoint: str | None = None
    notes: list[str] = field(default_factory=list)
    zone: str = ""  # the zone id where the packet is now (physical, so comparable across accounts)
    region: str = ""
    arrived_via: str | None = None  # "pcx-..." / "tgw-..." once the packet left its source VPC
    from_nat: str | None = None  # the NAT gateway that rewrote the source
    visited: set[str] = field(default_factory=set)
    stopped: Step | None = None  # the step that ended the path, if one did
    onprem: VpnConnection | None = None  # the connection an on-premises source sends through
    bucket: str | None = None  # the S3 bucket the request is for (the host name's, or the request's)
    access_point: str | None = None  # the S3 access point ARN the host name addresses
    redirect: str | None = None  # the Region S3 named when it redirected the request (the bucket's)
    ends_at: str | None = None  # an interface endpoint that is the destination itself (Reachability Analyzer's)
    # -- what the reply needs to know of the request (reply.py walks it back) ------------------------------------
    replying: bool = False  # the walk is the reply's: its hops are the return path
    reply_start: Stage | None = None  # where the reply starts, set where the request arrives
    reply_header: Header | None = None  # the reply's first header: addresses and ports swapped
    entered: dict[str, str] = field(default_factory=dict)  # vpc id -> the gateway the request came into it through
    nat_flows: dict[str, tuple[str, str]] = field(default_factory=dict)  # NAT id -> (source, destination) before it
    nlb_flows: dict[str, tuple[str, str]] = field(default_factory=dict)  # node eni -> (endpoint eni, client address)
    tgw_zones: dict[tuple[str, bool], str] = field(default_factory=dict)  # (attachment, reply?) -> zone id used
    middleboxes: list[tuple[str, str, bool]] = field(default_factory=list)  # (GWLB endpoint/appliance, zone, reply?)
    pending_egress: Subnet | None = None  # a transit gateway's subnet the packet leaves by (ACL out if it does)
    also_from_groups: tuple[str, ...] = ()  # the load balancer's groups the packet passed: they count as the sender's
    counted: int = 0  # hops in this direction
    _parsed: tuple[str, Address] = ("0.0.0.0", IPv4Address(0))

    def __post_init__(self) -> None:
        self.zone, self.region = self.source.zone_id, self.source.region

    # -- building hops -------------------------------------------------------------------------------------------
    def hop(
        self,
        component: Component,
        *steps: Step,
        latency: float = 0.0,
        outbound: Header | None = None,
        reply: bool = False,
    ) -> None:
        if self.counted >= MAX_HOPS:
            self.block(component, ExplanationCode.NO_PATH, "the path loops or is longer than vpcsim follows")
        self.counted += 1
        if self.replying:  # the return path: the request's hops already count the round trip
            steps, latency, reply = tuple(_as_reply(s) for s in steps), 0.0, True
        self.hops.append(Hop(component, tuple(steps), self.header, outbound or self.header, latency, reply))
        if outbound is not None:
            self.header = outbound

    def block(
        self,
        component: Component,
        code: ExplanationCode,
        detail: str,
        direction: str = "",
        action: Action = Action.DENIED,
        rule: dict[str, object] | None = None,
        reply: bool = False,
    ) -> None:
        """End the path at ``component`` with Reachability Analyzer's ``code``."""
        step = Step(action, detail, dict(rule or {}), code)
        if self.replying:
            step, reply = _as_reply(step), True
            detail = step.detail
        self.hops.append(Hop(component, (step,), self.header, None, 0.0, reply))
        self.stopped = step
        self.explanations.append(Explanation(code, component, direction, detail))
        raise Stop

    def move_to(self, zone: str, region: str) -> float:
        """The latency of moving the packet to the zone with id ``zone`` in ``region``."""
        latency = (
            region_latency_ms(self.region, region)
            if region != self.region
            else (INTRA_AZ_MS if not zone or zone == self.zone else CROSS_AZ_MS)
        )
        self.zone, self.region = zone or self.zone, region
        return latency

    def translate(self, source: str) -> Header:
        return replace(self.header, source=source)

    def reply_to(self, start: Stage, source: str | None = None, destination: str | None = None) -> None:
        """The request has arrived: the reply starts at ``start``, from ``source`` (the request's destination) to
        ``destination`` (its source as it arrived), with the ports swapped (the client's is an ephemeral port)."""
        header = self.header
        ports = header.destination_port is not None
        self.reply_start = start
        self.reply_header = Header(
            source or header.destination,
            destination or header.source,
            header.protocol,
            EPHEMERAL_PORT if ports else None,
            header.destination_port,
        )

    # -- lookups -------------------------------------------------------------------------------------------------
    def prefix_list(self, region: str) -> Callable[[str], tuple[Network, ...]]:
        lists = self.topo.prefix_lists
        return lambda pl: lists.get((region, pl), ())

    def vpc(self, vpc_id: str) -> Vpc:
        return self.topo.vpcs[vpc_id]

    def subnet(self, subnet_id: str) -> Subnet:
        return self.topo.subnets[subnet_id]

    @property
    def destination(self) -> Address:
        text = self.header.destination
        if text != self._parsed[0]:  # parsed once per destination, not at every stage that asks
            self._parsed = (text, ip_address(text))
        return self._parsed[1]

    @property
    def sender(self) -> Address:
        """The packet's current source address (rewritten by NAT on the way)."""
        return ip_address(self.header.source)

    @property
    def from_internet(self) -> bool:
        """Whether the walk started at a host on the internet (no interface of any VPC)."""
        return self.source.kind == INTERNET_HOST


def _as_reply(step: Step) -> Step:
    return step if step.detail.startswith("reply: ") else replace(step, detail=f"reply: {step.detail}")


def component(
    kind: ComponentKind,
    rid: str,
    *,
    name: str = "",
    region: str = "",
    zone: str = "",
    account: str = "",
    arn: str = "",
    zone_id: str = "",
) -> Component:
    return Component(rid, kind, arn, name, region, zone, account, zone_id)


def instance_component(iface: Interface) -> Component:
    """The instance ``iface`` belongs to (its owner), where the interface is."""
    arn = ec2_arn(iface.region, iface.account, "instance", iface.owner)
    kind = ComponentKind.INSTANCE
    return Component(iface.owner, kind, arn, "", iface.region, iface.zone, iface.account, iface.zone_id)


def interface_component(iface: Interface) -> Component:
    arn = ec2_arn(iface.region, iface.account, "network-interface", iface.id)
    kind = ComponentKind.NETWORK_INTERFACE
    return Component(iface.id, kind, arn, iface.kind, iface.region, iface.zone, iface.account, iface.zone_id)
