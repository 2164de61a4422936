"""What to change, with what it saves a month, from the paths traced and the price book.

Four kinds (``Kind``), each computed from rows the data plane traced, never from a second reading of the network:

- ``add-gateway-endpoint``: subnets whose path to S3 or DynamoDB of their own Region crosses a NAT gateway (in their
  VPC, or a central one reached over a transit gateway). A gateway endpoint on their route tables is free and keeps
  the traffic in the VPC: it saves the whole per-GB cost of those paths at their volumes (NAT processing, and the
  transit gateway processing and AZ crossings on the way). The NAT gateway's hours stay (it carries other traffic).
- ``remove-unused-interface-endpoint``: an interface endpoint (billed in every state but deleted and failed) that no
  traced path goes through, neither by a service's name nor by the endpoint's own DNS name from a connected VPC
  (``Uses`` traces that on demand, from one subnet per connected VPC): saves its hours (per AZ-hour, one AZ per
  endpoint network interface).
- ``consolidate-interface-endpoints``: N interface endpoints of one AWS service in one Region in VPCs already joined
  by a transit gateway: keep one (the one in the most AZs) as the shared endpoint, remove N-1. Saves the N-1
  endpoints' hours minus the transit gateway data processing the moved traffic then pays (the volumes of the paths
  that went through the removed endpoints). Only offered when that is a saving; whether the subnets whose traffic
  moves reach the kept endpoint today is traced and said. Sharing also needs the kept
  endpoint's private DNS answered in the other VPCs (a Route 53 private hosted zone associated with them): stated.
- ``policy-requires-endpoint``: an S3 bucket or DynamoDB table whose resource policy denies requests that do not come
  through a given endpoint or VPC (``aws:SourceVpce`` / ``aws:SourceVpc``), and the subnets of its own account and
  Region (the ones meant to use it; another account's are refused anyway without a grant) whose path
  does not: traced with the policy judge (``s3:GetObject`` on ``bucket/*``, ``dynamodb:GetItem`` on the table, as
  the source's account) and denied by a statement with that condition. No saving: it is a request that fails.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from vpcsim.catalog import find_service
from vpcsim.control.analysis.policy_judge import ApiRequest
from vpcsim.control.analysis.run import run_trace
from vpcsim.cost import PriceBook
from vpcsim.cost.monthly import hourly_line
from vpcsim.dataplane.topology import Endpoint, ResourcePolicyHolder, Topology
from vpcsim.model.arns import bucket_arn
from vpcsim.model.explanations import ExplanationCode
from vpcsim.model.trace import ComponentKind, Trace, Verdict
from vpcsim.report.connections import neighbours, transit_groups
from vpcsim.report.paths import PathRow, path_label, trace_to
from vpcsim.report.sources import Source
from vpcsim.report.targets import TargetKind, endpoint_host
from vpcsim.store import Transaction

_BILLED_NOT = frozenset({"deleted", "failed"})  # an endpoint bills in every other state [PLPR] (cost/monthly.py)
_SERVICE_NAMES = {"s3": "S3", "dynamodb": "DynamoDB"}
_ARTICLES = {"s3": "an", "dynamodb": "a"}
_CONDITION_KEYS = ("aws:sourcevpce", "aws:sourcevpc")
_VPCE = ComponentKind.VPC_ENDPOINT


class Kind(StrEnum):
    GATEWAY_ENDPOINT = "add-gateway-endpoint"
    UNUSED_ENDPOINT = "remove-unused-interface-endpoint"
    CONSOLIDATE = "consolidate-interface-endpoints"
    POLICY_ENDPOINT = "policy-requires-endpoint"


@dataclass(frozen=True, slots=True)
class Recommendation:
    kind: Kind
    title: str
    detail: str
    account: str
    region: str
    saving_usd: float | None  # a month; None: no saving (a policy finding) or not priced
    complete: bool  # every figure in the saving was priced
    resources: dict[str, Any] = field(default_factory=dict)  # the ids it is about
    basis: dict[str, Any] = field(default_factory=dict)  # the figures the saving comes from

    def to_json(self) -> dict[str, Any]:
        saving = None if self.saving_usd is None else round(self.saving_usd, 2)
        return {
            "kind": str(self.kind),
            "title": self.title,
            "detail": self.detail,
            "account": self.account,
            "region": self.region,
            "saving_usd": saving,
            "complete": self.complete,
            "resources": self.resources,
            "basis": self.basis,
        }


def money(usd: float | None, complete: bool = True) -> str:
    if usd is None:
        return "unpriced"
    return f"${usd:,.2f}" if complete else f"at least ${usd:,.2f}"


def recommend(
    tx: Transaction, topo: Topology, sources: list[Source], rows: list[PathRow], uses: Uses, book: PriceBook
) -> list[Recommendation]:
    found = [
        *gateway_endpoints(topo, rows),
        *unused_endpoints(topo, uses, book),
        *consolidations(topo, uses, book),
        *policy_findings(tx, topo, sources),
    ]
    return sorted(found, key=lambda r: (-(r.saving_usd or 0.0), str(r.kind), r.title))


# -- S3 and DynamoDB through a NAT gateway -----------------------------------------------------------------------------
def gateway_endpoints(topo: Topology, rows: list[PathRow]) -> list[Recommendation]:
    crossing: dict[tuple[str, str], list[PathRow]] = defaultdict(list)
    for row in rows:
        target = row.targets[0]
        own = target.kind is TargetKind.AWS and target.key in _SERVICE_NAMES and target.region == row.source.region
        if own and row.reachable and "NAT gateway" in row.through:
            crossing[(row.source.vpc, target.key)].append(row)
    return [
        _gateway_endpoint(topo, vpc, key, members)
        for (vpc, key), members in sorted(crossing.items())
        if find_service(members[0].source.region, f"com.amazonaws.{members[0].source.region}.{key}", "Gateway")
    ]


def _gateway_endpoint(topo: Topology, vpc: str, key: str, rows: list[PathRow]) -> Recommendation:
    source = rows[0].source
    tables = sorted({r.source.route_table for r in rows})
    nats = sorted(
        {h.component.id for r in rows for h in r.trace.forward if h.component.kind is ComponentKind.NAT_GATEWAY}
    )
    gb = sum(r.volume.gb for r in rows)
    saving = sum(r.cost.usd for r in rows)
    complete = all(not line.unpriced for r in rows for line in r.cost.lines)
    existing = [
        e.id
        for e in topo.endpoints.values()
        if e.vpc_id == vpc
        and e.kind == "Gateway"
        and e.service_name == f"com.amazonaws.{source.region}.{key}"
        and e.state not in _BILLED_NOT
    ]
    service = _SERVICE_NAMES[key]
    what = (
        f"Add route tables {', '.join(tables)} to the {service} gateway endpoint {existing[0]}"
        if existing
        else f"Add {_ARTICLES[key]} {service} gateway endpoint to route tables {', '.join(tables)}"
    )
    subnets = sorted({r.source.subnet for r in rows})
    detail = (
        f"{len(subnets)} subnet(s) of {vpc} send {gb:,.0f} GB a month to {service} through NAT gateway "
        f"{', '.join(nats)}; through a gateway endpoint it is free and private: saves {money(saving, complete)} "
        "a month (the per-GB charges of those paths; the NAT gateway's hours stay)."
    )
    return Recommendation(
        Kind.GATEWAY_ENDPOINT,
        f"{what} ({vpc})",
        detail,
        source.account,
        source.region,
        saving,
        complete,
        {
            "vpc": vpc,
            "service": f"com.amazonaws.{source.region}.{key}",
            "route_tables": tables,
            "subnets": subnets,
            "nat_gateways": nats,
            "existing_endpoint": existing[0] if existing else None,
        },
        {"gb_per_month": gb, "usd_per_gb": sorted({round(r.trace.usd_per_gb, 6) for r in rows})},
    )


# -- interface endpoints no path uses ----------------------------------------------------------------------------------
class Uses:
    """Which rows go through each endpoint, and, for an interface endpoint no row goes through, whether a subnet of a
    connected VPC reaches it by its own DNS name: traced on demand from one source per connected VPC, first found."""

    def __init__(self, topo: Topology, sources: list[Source], rows: list[PathRow]) -> None:
        self.topo = topo
        self.rows: dict[str, list[PathRow]] = defaultdict(list)
        for row in rows:
            for endpoint in dict.fromkeys(h.component.id for h in row.trace.forward if h.component.kind is _VPCE):
                self.rows[endpoint].append(row)
        self.first: dict[str, Source] = {}
        for source in sources:
            self.first.setdefault(source.vpc, source)
        self.near = neighbours(topo)
        self.reached: dict[str, str | None] = {}
        self.traces = 0

    def by_name(self, endpoint: str) -> list[PathRow]:
        return [r for r in self.rows.get(endpoint, ()) if r.targets[0].kind is not TargetKind.CONNECTED]

    def reached_from(self, endpoint: Endpoint) -> str | None:
        """A connected VPC whose subnet's path to the endpoint's DNS name goes through it (traced), if any."""
        if endpoint.id not in self.reached:
            self.reached[endpoint.id] = None
            host = endpoint_host(endpoint)
            for vpc in sorted(self.near.get(endpoint.vpc_id, ())):
                if host is not None and vpc in self.first:
                    self.traces += 1
                    found = trace_to(self.topo, self.first[vpc], host)
                    if any(h.component.id == endpoint.id for h in found.forward):
                        self.reached[endpoint.id] = vpc
                        break
        return self.reached[endpoint.id]

    def to_json(self, endpoint: str) -> dict[str, Any]:
        rows = self.rows.get(endpoint, [])
        connected = sum(1 for r in rows if r.targets[0].kind is TargetKind.CONNECTED)
        return {"by_name": len(rows) - connected, "by_endpoint_name": connected,
                "reached_from": self.reached.get(endpoint)}  # fmt: skip


def billed_interface_endpoints(topo: Topology) -> list[Endpoint]:
    return [e for e in topo.endpoints.values() if e.kind == "Interface" and e.state not in _BILLED_NOT]


def unused_endpoints(topo: Topology, uses: Uses, book: PriceBook) -> list[Recommendation]:
    found = []
    for endpoint in billed_interface_endpoints(topo):
        if uses.rows.get(endpoint.id) or uses.reached_from(endpoint) is not None:
            continue
        azs = len(endpoint.interfaces)
        line = hourly_line("interface endpoint", "interface_endpoint_hour", endpoint.region, azs, book, endpoint.id)
        detail = (f"No traced path goes through {endpoint.id} ({endpoint.service_name}, {endpoint.state}, {azs} AZ) "
                  f"in {endpoint.vpc_id}: not by a service's name from its VPC, nor by its own DNS name from a "
                  f"connected VPC. Deleting it saves its hours: {azs} AZ x {book.hours_per_month:g} h = "
                  f"{money(line.usd)} a month.")  # fmt: skip
        found.append(Recommendation(
            Kind.UNUSED_ENDPOINT, f"Delete the unused interface endpoint {endpoint.id} ({endpoint.vpc_id})", detail,
            endpoint.account, endpoint.region, line.usd, line.usd is not None,
            {"endpoint": endpoint.id, "vpc": endpoint.vpc_id, "service": endpoint.service_name},
            {"azs": azs, "hours": book.hours_per_month, "usd_per_az_hour": line.unit_usd},
        ))  # fmt: skip
    return found


# -- one shared endpoint instead of N ----------------------------------------------------------------------------------
def consolidations(topo: Topology, uses: Uses, book: PriceBook) -> list[Recommendation]:
    found = []
    for gateways, vpcs in transit_groups(topo):
        members = set(vpcs)
        same: dict[tuple[str, str], list[Endpoint]] = defaultdict(list)
        for endpoint in billed_interface_endpoints(topo):
            if endpoint.vpc_id in members and endpoint.service_id is None:
                same[(endpoint.region, endpoint.service_name)].append(endpoint)
        for (region, service), endpoints in sorted(same.items()):
            if len({e.vpc_id for e in endpoints}) > 1:
                made = _consolidation(topo, gateways, region, service, endpoints, uses, book)
                if made is not None:
                    found.append(made)
    return found


def _consolidation(topo: Topology, gateways: tuple[str, ...], region: str, service: str, endpoints: list[Endpoint],
                   uses: Uses, book: PriceBook) -> Recommendation | None:  # fmt: skip
    keep = max(endpoints, key=lambda e: (len(e.interfaces), e.id))
    removed = [e for e in endpoints if e is not keep]
    lines = [hourly_line("interface endpoint", "interface_endpoint_hour", region, len(e.interfaces), book, e.id)
             for e in removed]  # fmt: skip
    moved = [r for e in removed for r in uses.by_name(e.id) if r.reachable]
    gb = sum(r.volume.gb for r in moved)
    tgw = book.find(region, "tgw_gb")
    hours = sum(line.usd or 0.0 for line in lines)
    added = gb * tgw.usd if tgw is not None else 0.0
    complete = tgw is not None and all(line.usd is not None for line in lines)
    saving = hours - added
    if complete and saving <= 0:
        return None
    reach = _reachable_now(topo, moved, keep)
    rate = f"${tgw.usd:g}/GB" if tgw is not None else f"unpriced in {region}"
    figure = money(saving) if complete else f"unpriced (at most {money(hours)}: not every figure is in the price book)"
    detail = (
        f"{len(endpoints)} interface endpoints of {service} in VPCs joined by transit gateway "
        f"{', '.join(gateways)}: keep {keep.id} ({keep.vpc_id}, {len(keep.interfaces)} AZ) as the shared "
        f"endpoint and delete {', '.join(e.id for e in removed)}. Saves {money(hours)} of endpoint hours minus "
        f"transit gateway processing for the {gb:,.0f} GB a month that moves ({rate}) = {figure} a month. "
        f"{reach} Clients keep using the service's name only if the kept endpoint's private DNS is answered in "
        "their VPCs (a Route 53 private hosted zone associated with them)."
    )
    return Recommendation(
        Kind.CONSOLIDATE,
        f"Share one {service} interface endpoint across {len(endpoints)} VPCs ({keep.vpc_id})",
        detail,
        keep.account,
        region,
        saving if complete else None,
        complete,
        {
            "keep": keep.id,
            "remove": [e.id for e in removed],
            "vpcs": sorted({e.vpc_id for e in endpoints}),
            "transit_gateways": list(gateways),
            "service": service,
        },
        {
            "endpoint_hours_usd": round(hours, 6),
            "moved_gb_per_month": gb,
            "tgw_usd_per_gb": tgw.usd if tgw else None,
            "added_tgw_usd": round(added, 6),
        },
    )


def _reachable_now(topo: Topology, moved: list[PathRow], keep: Endpoint) -> str:
    """Whether the subnets whose traffic moves reach the kept endpoint by its DNS name today (traced)."""
    sources = list({r.source.key: r.source for r in moved}.values())
    host = endpoint_host(keep)
    if not sources or host is None:
        return "No traced path went through the endpoints removed."
    reaching = sum(1 for s in sources if trace_to(topo, s, host).verdict is Verdict.REACHABLE)
    return (
        f"{reaching} of the {len(sources)} subnets whose traffic moves reach {keep.id} by its DNS name today (traced)."
    )


# -- resource policies that need an endpoint ---------------------------------------------------------------------------
def condition_values(policy: str) -> dict[str, list[str]]:
    """aws:SourceVpce / aws:SourceVpc values named in a policy's conditions ({} when it names neither)."""
    try:
        document = json.loads(policy)
    except ValueError:
        return {}
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    found: dict[str, list[str]] = defaultdict(list)
    for statement in statements if isinstance(statements, list) else [statements]:
        for operator in (statement.get("Condition") or {}).values() if isinstance(statement, dict) else ():
            for key, values in operator.items() if isinstance(operator, dict) else ():
                if key.lower() in _CONDITION_KEYS:
                    found[key].extend(values if isinstance(values, list) else [values])
    return dict(found)


def policy_findings(tx: Transaction, topo: Topology, sources: list[Source]) -> list[Recommendation]:
    found = []
    for holder in sorted(topo.resources.values(), key=lambda h: h.arn):
        required = condition_values(holder.policy or "")
        if not required:
            continue
        mine = [s for s in sources if (s.account, s.region) == (holder.account, holder.region)]
        denied = [(s, t) for s in mine if (t := _denied(tx, holder, s)) is not None]
        if denied:
            found.append(_policy_finding(holder, required, denied))
    return found


def _request(holder: ResourcePolicyHolder) -> tuple[str, ApiRequest]:
    if holder.service == "s3":
        return f"{holder.name}.s3.{holder.region}.amazonaws.com", ApiRequest(
            "s3:GetObject", bucket_arn(f"{holder.name}/*")
        )
    return f"dynamodb.{holder.region}.amazonaws.com", ApiRequest("dynamodb:GetItem", holder.arn)


def _denied(tx: Transaction, holder: ResourcePolicyHolder, source: Source) -> Trace | None:
    host, request = _request(holder)
    found = run_trace(tx, source.interface, host, request=request)
    if found.verdict is not Verdict.BLOCKED or found.explanations[0].code is not ExplanationCode.RESOURCE_POLICY_DENY:
        return None
    rule = next((s.rule for h in found.hops for s in h.steps if s.explanation_code is not None), {})
    return found if any(k in json.dumps(rule).lower() for k in _CONDITION_KEYS) else None


def _policy_finding(
    holder: ResourcePolicyHolder, required: dict[str, list[str]], denied: list[tuple[Source, Trace]]
) -> Recommendation:
    wants = "; ".join(f"{k} {', '.join(sorted(set(v)))}" for k, v in sorted(required.items()))
    subnets = sorted({s.subnet for s, _ in denied})
    paths = sorted({f"{s.subnet}: {path_label(t)}" + (f" via {t.endpoint}" if t.endpoint else "") for s, t in denied})
    kind = "bucket" if holder.service == "s3" else "table"
    detail = (
        f"The {kind} policy of {holder.name} denies requests that do not come through {wants}. "
        f"{len(subnets)} subnet(s) of {holder.region} do not route through it and are denied (traced with "
        f"{_request(holder)[1].action}): {'; '.join(paths)}. Route them through the endpoint (or a VPC it allows), "
        "or widen the policy."
    )
    return Recommendation(
        Kind.POLICY_ENDPOINT,
        f"The {kind} policy of {holder.name} requires an endpoint {len(subnets)} subnet(s) do not route to",
        detail,
        holder.account,
        holder.region,
        None,
        True,
        {"resource": holder.arn, "requires": required, "subnets": subnets},
        {},
    )
