"""The reply: walked back from where the request arrived to where it came from, through the same stages.

A reply is a packet like any other for what is stateless: route tables choose its way hop by hop and network ACLs
check it at every subnet boundary, to the client's ephemeral port (checks.EPHEMERAL_PORT) from the port the request
went to [VPCUG23 vpc-network-acls "ephemeral ports"]. What is stateful lets it through because it let the request
through: security groups ("Security groups are stateful... responses to allowed inbound traffic are allowed to flow
out" [VPCUG23 vpc-security-groups]), a NAT gateway, which translates the reply's destination back to the client it
translated the request of, and a load balancer node, which answers the client from the address the client used. So
the reply walk starts where the request arrived (``Walk.reply_to``: the destination's interface, a host on the
internet or an AWS service beyond an internet gateway, a service beyond a gateway endpoint, a customer network
beyond a VPN) with addresses and ports swapped, and it must leave every VPC the way the request came into it
(checks.route_from): no route back, a blackhole or a route elsewhere stops it with Reachability Analyzer's codes
(``NO_ROUTE_TO_DESTINATION``, ``TGW_RTB_CANNOT_ROUTE``, ``TGW_RTB_BAD_STATE_ROUTE``, ``TGW_ROUTE_AZ_RESTRICTION``).
Its hops are marked ``reply`` (ReturnPathComponents); they carry no latency and no charge (cost/flows.py prices the
request's path).

Appliances: the reply must pass the middleboxes the request passed (a stateful appliance drops a reply to a flow it
did not see). A transit gateway without appliance mode keeps each direction in the AZ it started in, so a reply from
another AZ reaches another AZ's appliances [PG-TGW transit-gateway-asymmetric-routing; TGW
transit-gateway-appliance-scenario]: the trace stays reachable (the network delivers it) and says so in a note,
naming the attachment whose appliance mode would keep the flow in one AZ.
"""

from __future__ import annotations

from vpcsim.dataplane.checks import acl_check, into_vpc_from
from vpcsim.dataplane.topology import Interface, Subnet
from vpcsim.dataplane.walk import (
    DeliverInVpc,
    ReplyFrom,
    ReplyInto,
    RouteFrom,
    Stage,
    Unwind,
    Walk,
    component,
    instance_component,
    interface_component,
)
from vpcsim.model.arns import ec2_arn
from vpcsim.model.trace import Action, ComponentKind, Header, Step


def begin(walk: Walk) -> Stage | None:
    """Turn a walk whose request arrived into its reply's walk; None when there is no reply to walk."""
    if walk.stopped is not None or walk.reply_start is None or walk.reply_header is None:
        return None
    walk.replying, walk.header, walk.counted = True, walk.reply_header, 0
    walk.arrived_via, walk.from_nat, walk.pending_egress, walk.also_from_groups = None, None, None, ()
    return walk.reply_start


def reply_from(walk: Walk, stage: ReplyFrom) -> Stage:
    """The reply leaves an interface: through its groups (stateful), out of its subnet, then its route table."""
    iface = stage.interface
    if iface.owner.startswith("i-"):
        walk.hop(
            instance_component(iface),
            Step(Action.FORWARDED, f"answers from {walk.header.source} to {walk.header.destination}"),
        )
    walk.hop(
        interface_component(iface),
        Step(Action.ALLOWED, f"security groups are stateful: the reply leaves {iface.id} as the request was allowed"),
    )
    subnet = walk.subnet(iface.subnet_id)
    _out_of(walk, subnet)
    return RouteFrom(subnet)


def reply_into(walk: Walk, stage: ReplyInto) -> Stage:
    """The reply comes back from the internet, an AWS service or through a gateway endpoint into the VPC."""
    walk.hop(stage.origin, Step(Action.FORWARDED, f"answers {walk.header.destination} from {walk.header.source}"))
    if stage.private is None:
        walk.hop(stage.via, Step(Action.FORWARDED, f"into {stage.vpc.id}"))
    else:  # an internet gateway, translating the public address back
        public = walk.header.destination
        walk.hop(
            stage.via,
            Step(Action.TRANSLATED, f"destination public {public} -> private {stage.private}"),
            outbound=Header(
                walk.header.source,
                stage.private,
                walk.header.protocol,
                walk.header.destination_port,
                walk.header.source_port,
            ),
        )
    if stage.via.kind in (ComponentKind.INTERNET_GATEWAY, ComponentKind.EGRESS_ONLY_INTERNET_GATEWAY):
        return into_vpc_from(walk, stage.vpc, stage.via.id)
    return DeliverInVpc(stage.vpc, None)


def unwind(walk: Walk, stage: Unwind) -> Stage:
    """A NAT gateway or load balancer node gets the reply of a flow it translated and translates it back."""
    iface = stage.interface
    if iface.owner in walk.nat_flows:
        return _through_nat(walk, iface)
    endpoint_id, client = walk.nlb_flows[iface.id]
    balancer = walk.topo.load_balancers.get(iface.owner)
    sender = walk.topo.interfaces[endpoint_id]
    arn = balancer.arn if balancer else iface.owner
    walk.hop(
        component(
            ComponentKind.LOAD_BALANCER,
            arn,
            name=balancer.name if balancer else "",
            region=iface.region,
            zone=iface.zone,
            zone_id=iface.zone_id,
            arn=arn,
        ),
        Step(Action.TRANSLATED, f"the node answers {client} from {sender.address} ({sender.id})"),
    )
    header = walk.header
    walk.header = Header(str(sender.address), client, header.protocol, header.destination_port, header.source_port)
    return ReplyFrom(sender)


def _through_nat(walk: Walk, iface: Interface) -> Stage:
    nat = walk.topo.nat_gateways[iface.owner]
    source, destination = walk.nat_flows[nat.id]
    subnet = walk.subnet(nat.subnet_id)
    header = walk.header
    back = Header(destination, source, header.protocol, header.destination_port, header.source_port)
    walk.hop(
        component(
            ComponentKind.NAT_GATEWAY,
            nat.id,
            region=iface.region,
            zone=subnet.zone,
            zone_id=subnet.zone_id,
            account=iface.account,
            arn=ec2_arn(iface.region, iface.account, "natgateway", nat.id),
        ),
        Step(
            Action.TRANSLATED,
            f"destination {header.destination} -> {source} (the client whose request it translated)",
        ),
        outbound=back,
    )
    _out_of(walk, subnet)
    return RouteFrom(subnet)


def _out_of(walk: Walk, subnet: Subnet) -> None:
    """The subnet's outbound ACL, unless the reply's destination is in the subnet itself."""
    if not any(walk.destination in cidr for cidr in subnet.cidrs):
        acl_check(walk, subnet, egress=True, peer=walk.destination, port=walk.header.destination_port)


def symmetry_notes(walk: Walk) -> list[str]:
    """What the trace should say when the reply does not pass the appliances the request passed."""
    request = {m: z for m, z, reply in walk.middleboxes if not reply}
    answer = {m: z for m, z, reply in walk.middleboxes if reply}
    missed = [f"{m} ({z})" for m, z in request.items() if m not in answer]
    other = [f"{m} ({z})" for m, z in answer.items() if m not in request]
    if not missed and not other:
        return []
    if missed and other:
        text = (
            f"the reply passes {', '.join(other)} while the request passed {', '.join(missed)}: the appliances "
            "there never saw the request, and a stateful appliance drops the reply"
        )
    elif missed:
        text = f"the reply does not pass {', '.join(missed)}, which the request passed (asymmetric routing)"
    else:
        text = f"the reply passes {', '.join(other)}, which the request did not: a stateful appliance drops it"
    switched = _switched_attachments(walk)
    if switched:
        text += (
            f"; the transit gateway keeps each direction in the AZ it started in: enable appliance mode on "
            f"{', '.join(switched)} (ApplianceModeSupport) to keep both directions of a flow in one AZ"
        )
    return [text]


def _switched_attachments(walk: Walk) -> list[str]:
    """Attachments without appliance mode that the reply left through in another AZ than the request."""
    found = []
    for (attachment, reply), zone in walk.tgw_zones.items():
        other = walk.tgw_zones.get((attachment, not reply))
        view = next((v for v in walk.topo.tgw_views.values() if v.id == attachment), None)
        if reply and other is not None and other != zone and view is not None and not view.appliance_mode:
            found.append(attachment)
    return found
