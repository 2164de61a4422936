"""Reachability Analyzer's API on vpcsim's data plane: network insights paths and analyses [RA; EC2API; CLIEX].

A path names a source (an instance or network interface, an internet gateway standing for the internet beyond it, or
``SourceIp``; or, for traffic from on premises, a virtual private gateway or a transit gateway's VPN attachment, with
``SourceIp`` the address in the customer network [RA "source and destination resources"]) and a destination (an
instance, network interface, VPC endpoint or internet gateway, or ``DestinationIp``; as a vpcsim extension also a
DNS name such as ``s3.eu-west-2.amazonaws.com``). A path to a VPC endpoint ends at the endpoint, not at the service
behind it. Choice named: a path from a gateway without a ``SourceIp`` starts at the first address of the first
customer network its connection carries. StartNetworkInsightsAnalysis traces the path on the state as it is then and
answers ``running``; the analysis is ``succeeded`` from the next call that reads it, with NetworkPathFound,
ForwardPathComponents, Explanations (Reachability Analyzer's codes) and, when FilterInArns is given, found only if
the path traverses every ARN named. Analyses are kept until deleted.
"""

from __future__ import annotations

import re
from typing import Any

from vpcsim.control.analysis import run
from vpcsim.control.core import lifecycle
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.lookup import get
from vpcsim.control.core.tags import tags_for
from vpcsim.dataplane import dns, onprem
from vpcsim.dataplane import trace as tracing
from vpcsim.dataplane.topology import Topology
from vpcsim.dataplane.trace import UnknownSource
from vpcsim.errors import InvalidParameter
from vpcsim.model.arns import ec2_arn
from vpcsim.model.trace import ComponentKind, Header, Hop, Trace, Verdict

PATH, ANALYSIS = "network-insights-path", "network-insights-analysis"

PATHS = Listing(
    kind=PATH,
    page_member="NetworkInsightsPaths",
    ids_member="NetworkInsightsPathIds",
    max_results=(1, 100),
    filters={
        "destination": member("Destination"),
        "destination-ip": member("DestinationIp"),
        "destination-port": member("DestinationPort"),
        "protocol": member("Protocol"),
        "source": member("Source"),
        "source-ip": member("SourceIp"),
        "filter-at-source.source-address": member("FilterAtSource", "SourceAddress"),
    },
)
_SOURCES = ("i-", "eni-", "igw-", "vgw-", "tgw-attach-")
_ONPREM = ("vgw-", "tgw-attach-")  # sources that are gateways from a customer network


def _arn(call: Call, kind: str, rid: str) -> str:
    return ec2_arn(call.region.name, call.account, kind, rid)


# -- paths -----------------------------------------------------------------------------------------------------------
def create_network_insights_path(call: Call, params: Params) -> Result:
    source, destination = params["Source"], params.get("Destination")
    if not source.startswith(_SOURCES):
        raise InvalidParameter(
            "InvalidParameterValue",
            f"vpcsim traces from instances, network interfaces, internet gateways, virtual private gateways and VPN "
            f"attachments; '{source}' is none of them.",
        )
    _check_exists(call, source)
    if source.startswith("tgw-attach-"):
        _check_vpn_attachment(call, source)
    if destination is None and not params.get("DestinationIp"):
        raise InvalidParameter("MissingParameter", "Specify Destination or DestinationIp.")
    if destination and _resource_kind(destination):
        _check_exists(call, destination)
    if destination and destination.startswith("igw-") and not params.get("DestinationIp"):
        raise InvalidParameter(
            "MissingParameter", "A path to an internet gateway needs a DestinationIp on the internet."
        )
    pid = call.new_id("nip", PATH)
    doc = {
        "NetworkInsightsPathId": pid,
        "NetworkInsightsPathArn": _arn(call, "network-insights-path", pid),
        "CreatedDate": call.timestamp(),
        "Source": source,
        "Destination": destination,
        "SourceArn": _resource_arn(call, source),
        "DestinationArn": _resource_arn(call, destination),
        "SourceIp": params.get("SourceIp"),
        "DestinationIp": params.get("DestinationIp"),
        "Protocol": params["Protocol"].lower(),
        "DestinationPort": params.get("DestinationPort"),
    }
    record = call.record(PATH, pid, {k: v for k, v in doc.items() if v is not None})
    record = call.tx.put(record.evolve(tags=tags_for(call, params, "network-insights-path")))
    return {"NetworkInsightsPath": present(record)}


_KINDS = {
    "i-": "instance",
    "eni-": "network-interface",
    "vpce-": "vpc-endpoint",
    "igw-": "internet-gateway",
    "vgw-": "vpn-gateway",
    "tgw-attach-": "transit-gateway-attachment",
}


def _check_vpn_attachment(call: Call, rid: str) -> None:
    attachment = call.tx.find("transit-gateway-attachment", rid)
    if attachment is None or attachment.doc.get("ResourceType") != "vpn":
        raise InvalidParameter(
            "InvalidParameterValue", f"vpcsim traces from a transit gateway's VPN attachments only; {rid} is not one."
        )


def _resource_kind(rid: str) -> str | None:
    """The kind of a resource id (``vpce-0a1b...``); None for anything else, such as a DNS name."""
    return next((k for p, k in _KINDS.items() if re.fullmatch(rf"{p}[0-9a-f]{{8,17}}", rid)), None)


def _check_exists(call: Call, rid: str) -> None:
    get(call, _resource_kind(rid) or "instance", rid)


def _resource_arn(call: Call, rid: str | None) -> str | None:
    if rid is None:
        return None
    kind = _resource_kind(rid)
    return _arn(call, kind, rid) if kind else None


def describe_network_insights_paths(call: Call, params: Params) -> Result:
    return PATHS.run(call, params)


def delete_network_insights_path(call: Call, params: Params) -> Result:
    path = get(call, PATH, params["NetworkInsightsPathId"])
    if any(a.doc["NetworkInsightsPathId"] == path.id for a in call.scan(ANALYSIS)):
        raise InvalidParameter("DependencyViolation", f"The path {path.id} has analyses; delete them first.")
    call.tx.delete(PATH, path.id)
    return {"NetworkInsightsPathId": path.id}


# -- analyses ----------------------------------------------------------------------------------------------------------
def start_network_insights_analysis(call: Call, params: Params) -> Result:
    path = get(call, PATH, params["NetworkInsightsPathId"])
    aid = call.new_id("nia", ANALYSIS)
    topo = run.topology_of(call.tx)
    result = _analyse(topo, path.doc, params.get("FilterInArns") or [])
    doc = {
        "NetworkInsightsAnalysisId": aid,
        "NetworkInsightsAnalysisArn": _arn(call, "network-insights-analysis", aid),
        "NetworkInsightsPathId": path.id,
        "FilterInArns": params.get("FilterInArns") or [],
        "StartDate": call.timestamp(),
        "Status": "running",
    }
    done = {**doc, **result, "Status": "succeeded"}
    transition = lifecycle.begin(call, "running", lifecycle.ANALYSIS)
    record = call.record(ANALYSIS, aid, done, None, running=doc, transition=transition)
    record = call.tx.put(record.evolve(tags=tags_for(call, params, "network-insights-analysis")))
    return {"NetworkInsightsAnalysis": present(_settle(call, record))}


def _settle(call: Call, record: Any) -> Any:
    """The analysis as a reader sees it now: running, without its findings, until it has had its time (core/
    lifecycle.py); the findings were made when it started, on the network as it was then, as AWS's are."""
    if lifecycle.finished(call, record.extra.get("transition")):
        return record
    return record.evolve(doc=dict(record.extra.get("running") or record.doc))


ANALYSES = Listing(
    kind=ANALYSIS,
    page_member="NetworkInsightsAnalyses",
    ids_member="NetworkInsightsAnalysisIds",
    max_results=(1, 100),
    filters={"path-found": member("NetworkPathFound"), "status": member("Status")},
    settle=_settle,
)


def describe_network_insights_analyses(call: Call, params: Params) -> Result:
    ANALYSES.validate_filters(params)
    records = ANALYSES.candidates(call, params)
    wanted = params.get("NetworkInsightsPathId")
    return ANALYSES.run(call, params, [r for r in records if not wanted or r.doc["NetworkInsightsPathId"] == wanted])


def delete_network_insights_analysis(call: Call, params: Params) -> Result:
    record = get(call, ANALYSIS, params["NetworkInsightsAnalysisId"])
    call.tx.delete(ANALYSIS, record.id)
    return {"NetworkInsightsAnalysisId": record.id}


def _analyse(topo: Topology, path: dict[str, Any], filter_in: list[str]) -> dict[str, Any]:
    source, via = path.get("SourceIp") or path["Source"], None
    if path["Source"].startswith(_ONPREM):
        via = path["Source"]
        source = path.get("SourceIp") or _customer_address(topo, via) or ""
    inbound = str(path["Source"]).startswith("igw-")  # from the internet: the destination stands for itself
    destination = str(path.get("DestinationIp") or path.get("Destination")) if inbound else destination_of(topo, path)
    try:
        trace = tracing.trace(
            topo,
            source,
            destination,
            port=path.get("DestinationPort"),
            protocol=path["Protocol"],
            via=via,
            ends_at=_endpoint_destination(path),
        )
    except UnknownSource as error:
        return {"NetworkPathFound": False, "StatusMessage": str(error), "Explanations": []}
    found = trace.verdict is Verdict.REACHABLE
    missing = [a for a in filter_in if a not in {h.component.arn for h in trace.forward}]
    explanations = [explanation(e) for e in trace.explanations]
    if found and missing:
        found = False
        explanations.append({"ExplanationCode": "COMPONENT_FILTER_RESTRICTION", "Component": {"Arn": missing[0]}})
    return {
        "NetworkPathFound": found,
        "ForwardPathComponents": path_components(trace),
        "ReturnPathComponents": path_components(trace, returning=True),
        "Explanations": explanations,
    }


def _endpoint_destination(path: dict[str, Any]) -> str | None:
    """A VPC endpoint named as the destination: the path ends there, at the resource named, and does not go on to
    the service behind it (its load balancer and targets, or the AWS service). UNCERTAIN in AWS's documentation,
    which lists VPC endpoints among the destinations without showing such a path; chosen because every other
    destination resource is where a path ends [RA "source and destination resources"]."""
    destination = str(path.get("Destination") or "")
    return destination if destination.startswith("vpce-") else None


def _customer_address(topo: Topology, via: str) -> str | None:
    """An address in the first customer network a gateway's connection carries (module docstring)."""
    found = onprem.source(topo, "0.0.0.0", via)
    return onprem.default_address(found[1]) if not isinstance(found, str) else None


def destination_of(topo: Topology, path: dict[str, Any]) -> str:
    if path.get("DestinationIp"):
        return str(path["DestinationIp"])
    destination = str(path.get("Destination") or "")
    if destination in topo.instances:
        return str(topo.interfaces[topo.instances[destination]].address)
    if destination in topo.interfaces:
        return str(topo.interfaces[destination].address)
    endpoint = topo.endpoints.get(destination)
    if endpoint is not None and endpoint.interfaces:
        return str(topo.interfaces[endpoint.interfaces[0]].address)
    if endpoint is not None:
        address = dns.service_address(topo, endpoint.region, endpoint.service_name.rsplit(".", 1)[-1])
        return str(address)
    return destination


# -- a trace in Reachability Analyzer's shapes ----------------------------------------------------------------
def _header(header: Header | None) -> dict[str, Any] | None:
    if header is None:
        return None
    shown: dict[str, Any] = {
        "Protocol": header.protocol,
        "SourceAddresses": [header.source],
        "DestinationAddresses": [header.destination],
    }
    if header.destination_port is not None:
        shown["DestinationPortRanges"] = [{"From": header.destination_port, "To": header.destination_port}]
    if header.source_port is not None:  # a reply's: the port the request went to
        shown["SourcePortRanges"] = [{"From": header.source_port, "To": header.source_port}]
    return shown


def path_components(trace: Trace, *, returning: bool = False) -> list[dict[str, Any]]:
    """ForwardPathComponents (the request's hops), or ReturnPathComponents (the reply's, from the destination back to
    the source, with the reply's headers: addresses swapped, from the request's port to the client's ephemeral
    port)."""
    hops = trace.returning if returning else trace.forward
    shown = [hop for hop in hops if hop.component.kind != ComponentKind.DNS]
    return [_component(i, hop) for i, hop in enumerate(shown, 1)]


def _component(sequence: int, hop: Hop) -> dict[str, Any]:
    comp = hop.component
    shown: dict[str, Any] = {"SequenceNumber": sequence, "Component": _ref(comp)}
    for key, header in (("InboundHeader", hop.inbound), ("OutboundHeader", hop.outbound)):
        if header is not None:
            shown[key] = _header(header)
    rule = next((s.rule for s in hop.steps if s.rule), None)
    if rule:
        shown.update(_rule_member(comp.kind, rule))
    if comp.kind == ComponentKind.AWS_SERVICE:
        shown["ServiceName"] = comp.id
    return shown


def _ref(comp: Any) -> dict[str, str]:
    ref = {"Id": comp.id}
    if comp.arn:
        ref["Arn"] = comp.arn
    if comp.name:
        ref["Name"] = comp.name
    return ref


def _rule_member(kind: ComponentKind, rule: dict[str, Any]) -> dict[str, Any]:
    if kind == ComponentKind.NETWORK_ACL:
        ports = rule.get("PortRange")
        acl = {
            "Cidr": rule.get("CidrBlock"),
            "Egress": rule.get("Egress"),
            "Protocol": rule.get("Protocol"),
            "RuleAction": rule.get("RuleAction"),
            "RuleNumber": rule.get("RuleNumber"),
        }
        if ports:
            acl["PortRange"] = {"From": ports.get("From"), "To": ports.get("To")}
        return {"AclRule": {k: v for k, v in acl.items() if v is not None}}
    if kind == ComponentKind.ROUTE_TABLE:
        names = (
            "GatewayId",
            "NatGatewayId",
            "NetworkInterfaceId",
            "InstanceId",
            "TransitGatewayId",
            "VpcPeeringConnectionId",
            "Origin",
            "State",
            "DestinationPrefixListId",
        )
        route = {n: rule[n] for n in names if rule.get(n)}
        if rule.get("DestinationCidrBlock"):
            route["DestinationCidr"] = rule["DestinationCidrBlock"]
        return {"RouteTableRoute": route}
    if "IsEgress" in rule:
        sg = {
            "Cidr": rule.get("CidrIpv4"),
            "Direction": "egress" if rule["IsEgress"] else "ingress",
            "SecurityGroupId": rule.get("GroupId"),
            "PrefixListId": rule.get("PrefixListId"),
            "Protocol": rule.get("IpProtocol"),
            "PortRange": {"From": rule.get("FromPort"), "To": rule.get("ToPort")},
        }
        return {"SecurityGroupRule": {k: v for k, v in sg.items() if v is not None}}
    return {}


_EXPLAINED_AS = {
    ComponentKind.NETWORK_ACL: "Acl",
    ComponentKind.ROUTE_TABLE: "RouteTable",
    ComponentKind.NETWORK_INTERFACE: "NetworkInterface",
    ComponentKind.VPC_ENDPOINT: "VpcEndpoint",
    ComponentKind.INTERNET_GATEWAY: "InternetGateway",
    ComponentKind.NAT_GATEWAY: "NatGateway",
    ComponentKind.VPC_PEERING_CONNECTION: "VpcPeeringConnection",
    ComponentKind.TRANSIT_GATEWAY: "TransitGateway",
    ComponentKind.TRANSIT_GATEWAY_ROUTE_TABLE: "TransitGatewayRouteTable",
    ComponentKind.TRANSIT_GATEWAY_ATTACHMENT: "TransitGatewayAttachment",
    ComponentKind.VPN_GATEWAY: "VpnGateway",
    ComponentKind.VPN_CONNECTION: "VpnConnection",
    ComponentKind.CUSTOMER_GATEWAY: "CustomerGateway",
}


def explanation(e: Any) -> dict[str, Any]:
    shown: dict[str, Any] = {"ExplanationCode": e.code, "Component": _ref(e.component)}
    if e.direction:
        shown["Direction"] = e.direction
    member_name = _EXPLAINED_AS.get(e.component.kind)
    if member_name:
        shown[member_name] = {k: v for k, v in _ref(e.component).items() if k in ("Id", "Arn")}
    if e.component.region:
        shown["ComponentRegion"] = e.component.region
    return shown
