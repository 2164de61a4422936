"""The network as a diagram: a layout-ready description of the compiled topology for the UI and scripts.

The shape follows an AWS architecture diagram, outside in: accounts -> regions -> VPCs -> AZ columns -> subnets
(public when their route table sends traffic to an internet gateway) -> the things in them (instances, NAT gateways,
interface endpoints, load balancers, other interfaces, each with its interfaces). What sits on a VPC's edge
(internet gateway, gateway endpoints with the route tables that use them) belongs to the VPC; what joins VPCs
(peering, transit gateways, endpoint services and their consumers) is listed beside the tree, as are the AWS
services endpoints and traces lead to and the on-premises networks VPN connections lead to (diagram_hybrid.py, with
egress-only and virtual private gateways on VPC edges, IPv6 blocks and flow-log scopes). Every item has ``id`` (the
AWS id a trace hop names), ``kind`` (the hop's component kind), ``name`` (its Name tag, or a readable default) and
``key`` (stable across revisions)::

    {"revision": 42, "accounts": [{"id": "111111111111", "regions": [{"name": "eu-west-2", "vpcs": [...]}]}],
     "peerings": [...], "transit_gateways": [...], "on_premises": [...], "endpoint_services": [...],
     "aws_services": [...],
     "filters": {...}, "suggestions": {...}, "count": 57}

Reads the compiled topology (``analysis.topology_of``) and, for what it does not compile, the records (Name tags,
customer gateways, flow logs); never mutates.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from vpcsim.control.analysis import diagram_hybrid as hybrid
from vpcsim.control.analysis.run import topology_of
from vpcsim.dataplane import topology as t
from vpcsim.store import Transaction

Item = dict[str, Any]
# The meta key under which a client of the control plane (the demo) stores the UI's example traces.
EXAMPLES_META = "ui/examples"
_NAMED_KINDS = (
    "vpc",
    "subnet",
    "instance",
    "natgateway",
    "vpc-endpoint",
    "internet-gateway",
    "route-table",
    "vpc-peering-connection",
    "transit-gateway",
    "vpc-endpoint-service",
    "network-interface",
    "egress-only-internet-gateway",
    "vpn-gateway",
    "vpn-connection",
    "customer-gateway",
)
_DEFAULT_SERVICES = ("s3", "dynamodb")  # always drawn for a region on the diagram: what gateway endpoints reach
_SERVICE_NAMES = {"s3": "Amazon S3", "dynamodb": "Amazon DynamoDB", "ec2": "Amazon EC2", "sqs": "Amazon SQS"}


@dataclass(frozen=True)
class Filter:
    """Which part of the network to describe (None: all)."""

    account: str | None = None
    region: str | None = None
    vpc: str | None = None

    def keeps(self, vpc: t.Vpc) -> bool:
        return (
            (self.account is None or vpc.account == self.account)
            and (self.region is None or vpc.region == self.region)
            and (self.vpc is None or vpc.id == self.vpc)
        )


def item(kind: str, rid: str, name: str, **more: Any) -> Item:
    """One drawable thing: ``item("vpc", "vpc-1", "app")`` -> ``{"kind": "vpc", "id": "vpc-1", ...}``."""
    return {"kind": kind, "id": rid, "name": name or rid, "key": f"{kind}:{rid}", **more}


def service_of(service_name: str) -> str:
    """``com.amazonaws.eu-west-2.s3`` -> ``s3``; ``com.amazonaws.eu-west-2.ecr.dkr`` -> ``ecr.dkr``."""
    parts = service_name.split(".")
    return ".".join(parts[3:]) if len(parts) > 3 else parts[-1]


def _names(tx: Transaction) -> dict[str, str]:
    return {r.id: r.tags["Name"] for kind in _NAMED_KINDS for r in tx.scan(kind) if r.tags.get("Name")}


class _Drawer:
    def __init__(self, tx: Transaction, topo: t.Topology) -> None:
        self.topo = topo
        self.names = _names(tx)
        self.is_default = {r.id: bool(r.doc.get("IsDefault")) for r in tx.scan("vpc")}
        self.main_tables = {r.id for r in tx.scan("route-table") if any(a.get("Main") for a in r.doc["Associations"])}
        self.flow_logs = hybrid.flow_logs(tx)
        self.by_subnet = self._contents()

    def name(self, rid: str, fallback: str = "") -> str:
        return self.names.get(rid) or fallback or rid

    # -- what is in each subnet -----------------------------------------------------------------------------------
    def _contents(self) -> dict[str, list[Item]]:
        """Subnet id -> its items; an item groups an owner (instance, NAT, endpoint, NLB) with its interfaces there."""
        groups: dict[tuple[str, str], list[t.Interface]] = defaultdict(list)
        for iface in self.topo.interfaces.values():
            groups[(iface.subnet_id, iface.owner or iface.id)].append(iface)
        found: dict[str, list[Item]] = defaultdict(list)
        for (subnet, owner), interfaces in groups.items():
            found[subnet].append(self._owner_item(owner, interfaces))
        for items in found.values():
            items.sort(key=lambda i: (_ORDER.get(i["kind"], 9), i["name"]))
        return found

    def _owner_item(self, owner: str, interfaces: list[t.Interface]) -> Item:
        enis = [self._eni(i) for i in interfaces]
        first = interfaces[0]
        if owner in self.topo.instances:
            return item("instance", owner, self.name(owner), interfaces=enis, ip=str(first.address))
        if owner in self.topo.nat_gateways:
            return item("nat-gateway", owner, self.name(owner, "NAT gateway"), interfaces=enis, ip=first.public_ip)
        if owner in self.topo.endpoints:
            return self._endpoint_item(self.topo.endpoints[owner], enis)
        if owner in self.topo.load_balancers:
            lb = self.topo.load_balancers[owner]
            return item("load-balancer", owner, lb.name, interfaces=enis, lb_type=lb.kind)
        return item("network-interface", first.id, self.name(first.id, f"ENI {first.address}"), interfaces=enis)

    def _eni(self, iface: t.Interface) -> Item:
        eni: dict[str, Any] = {"id": iface.id, "ip": str(iface.address), "public_ip": iface.public_ip}
        ipv6 = [str(a) for a in iface.addresses if a.version == 6]
        if ipv6:
            eni["ipv6"] = ipv6
        if self.flow_logs.get(iface.id):
            eni["flow_logs"] = self.flow_logs[iface.id]
        return eni

    def _endpoint_item(self, endpoint: t.Endpoint, enis: list[dict[str, Any]]) -> Item:
        service = service_of(endpoint.service_name)
        dns = endpoint.dns[0].name if endpoint.dns else None
        return item(
            "vpc-endpoint",
            endpoint.id,
            self.name(endpoint.id, f"{service} endpoint"),
            endpoint_type=endpoint.kind,
            service=endpoint.service_name,
            state=endpoint.state,
            dns=dns,
            interfaces=enis,
        )

    # -- VPCs -------------------------------------------------------------------------------------------------------
    def vpc(self, vpc: t.Vpc) -> Item:
        subnets = sorted((s for s in self.topo.subnets.values() if s.vpc_id == vpc.id), key=lambda s: str(s.cidr))
        zones: dict[str, list[Item]] = defaultdict(list)
        for subnet in subnets:
            zones[subnet.zone].append(self.subnet(subnet))
        tables = [r for r in self.topo.route_tables.values() if r.vpc_id == vpc.id]
        igw = vpc.internet_gateway
        return item(
            "vpc",
            vpc.id,
            self.name(vpc.id, "default VPC" if self.is_default.get(vpc.id) else ""),
            account=vpc.account,
            region=vpc.region,
            cidrs=[str(c) for c in vpc.cidrs],
            ipv6_cidrs=[str(c) for c in vpc.cidrs if c.version == 6],
            default=self.is_default.get(vpc.id, False),
            internet_gateway=item("internet-gateway", igw, self.name(igw, "internet gateway")) if igw else None,
            egress_only_gateway=hybrid.egress_only_gateway(vpc, self.names),
            vpn_gateway=hybrid.vpn_gateway(self.topo, vpc, self.names),
            flow_logs=self.flow_logs.get(vpc.id, []),
            gateway_endpoints=self.gateway_endpoints(vpc),
            route_tables=[self.route_table(r, subnets) for r in sorted(tables, key=lambda r: r.id)],
            azs=[{"name": z, "key": f"az:{vpc.id}:{z}", "subnets": zones[z]} for z in sorted(zones)],
        )

    def subnet(self, subnet: t.Subnet) -> Item:
        table = self.topo.route_tables.get(subnet.route_table)
        public = table is not None and any(r.target_kind == "igw" for r in table.routes)
        contents = self.by_subnet.get(subnet.id, [])
        return item(
            "subnet",
            subnet.id,
            self.name(subnet.id),
            cidr=str(subnet.cidr),
            ipv6_cidr=str(subnet.ipv6_cidr) if subnet.ipv6_cidr and subnet.ipv6_cidr != subnet.cidr else None,
            zone=subnet.zone,
            public=public,
            route_table=subnet.route_table,
            network_acl=subnet.network_acl,
            flow_logs=self.flow_logs.get(subnet.id, []),
            resources=contents,
        )

    def route_table(self, table: t.RouteTable, subnets: list[t.Subnet]) -> Item:
        routes = [
            {"destination": r.prefix_list or str(r.destination), "target": r.target, "state": r.state}
            for r in table.routes
        ]
        users = [s.id for s in subnets if s.route_table == table.id]
        main = table.id in self.main_tables
        name = self.name(table.id, "main route table" if main else "")
        return item("route-table", table.id, name, main=main, routes=routes, subnets=users)

    def gateway_endpoints(self, vpc: t.Vpc) -> list[Item]:
        found = [e for e in self.topo.endpoints.values() if e.vpc_id == vpc.id and e.kind == "Gateway"]
        return [
            item(
                "vpc-endpoint",
                e.id,
                self.name(e.id, f"{service_of(e.service_name)} gateway endpoint"),
                endpoint_type="Gateway",
                service=e.service_name,
                state=e.state,
                route_tables=list(e.route_tables),
            )
            for e in sorted(found, key=lambda e: e.id)
        ]


_ORDER = {"nat-gateway": 0, "load-balancer": 1, "vpc-endpoint": 2, "instance": 3, "network-interface": 4}


def diagram(tx: Transaction, where: Filter = Filter()) -> dict[str, Any]:
    """The layout-ready description of the network ``tx`` sees (see the module docstring)."""
    topo = topology_of(tx)
    drawer = _Drawer(tx, topo)
    kept = [v for v in sorted(topo.vpcs.values(), key=_vpc_order(drawer)) if where.keeps(v)]
    kept_ids = {v.id for v in kept}
    on_prem = hybrid.on_premises(tx, topo, drawer.names, kept_ids)
    return {
        "revision": tx.revision,
        "accounts": _accounts(drawer, kept),
        "peerings": _peerings(drawer, kept_ids),
        "transit_gateways": _transit_gateways(tx, drawer, kept_ids),
        "on_premises": on_prem,
        "endpoint_services": _endpoint_services(drawer, where),
        "aws_services": _aws_services(topo, kept),
        "filters": _filters(drawer, topo),
        "suggestions": _suggestions(drawer, kept, hybrid.onprem_hosts(on_prem)),
        "count": _count(topo, kept_ids),
        "examples": json.loads(tx.meta(EXAMPLES_META) or "[]"),
    }


def _vpc_order(drawer: _Drawer) -> Any:
    return lambda v: (v.account, v.region, drawer.is_default.get(v.id, False), drawer.name(v.id), v.id)


def _accounts(drawer: _Drawer, vpcs: list[t.Vpc]) -> list[Item]:
    tree: dict[str, dict[str, list[Item]]] = defaultdict(lambda: defaultdict(list))
    for vpc in vpcs:
        tree[vpc.account][vpc.region].append(drawer.vpc(vpc))
    return [
        {
            "id": account,
            "kind": "account",
            "key": f"account:{account}",
            "regions": [{"name": r, "key": f"region:{account}:{r}", "vpcs": v} for r, v in sorted(regions.items())],
        }
        for account, regions in sorted(tree.items())
    ]


def _peerings(drawer: _Drawer, kept: set[str]) -> list[Item]:
    return [
        item(
            "vpc-peering-connection",
            p.id,
            drawer.name(p.id, "peering"),
            status=p.status,
            requester=p.requester.vpc_id,
            accepter=p.accepter.vpc_id,
            inter_region=p.requester.region != p.accepter.region,
        )
        for p in sorted(drawer.topo.peerings.values(), key=lambda p: p.id)
        if p.status in ("active", "pending-acceptance") and {p.requester.vpc_id, p.accepter.vpc_id} & kept
    ]


def _transit_gateways(tx: Transaction, drawer: _Drawer, kept: set[str]) -> list[Item]:
    attached: dict[str, list[dict[str, str | None]]] = defaultdict(list)
    for (gateway, attachment), view in drawer.topo.tgw_views.items():
        if view.kind == "vpc" and view.vpc_id in kept:
            attached[gateway].append({"id": attachment, "vpc": view.vpc_id, "state": view.state})
        elif view.kind == "peering" and view.peer_gateway:
            attached[gateway].append({"id": attachment, "peer_gateway": view.peer_gateway, "state": view.state})
        elif view.kind == "vpn":
            attached[gateway].append({"id": attachment, "vpn_connection": view.vpn_connection, "state": view.state})
    return [
        item(
            "transit-gateway",
            r.id,
            drawer.name(r.id, "transit gateway"),
            account=r.account,
            region=r.region,
            attachments=attached[r.id],
            flow_logs=drawer.flow_logs.get(r.id, []),
        )
        for r in sorted(tx.scan("transit-gateway"), key=lambda r: r.id)
        if attached[r.id] or r.doc.get("State") != "deleted"
    ]


def _endpoint_services(drawer: _Drawer, where: Filter) -> list[Item]:
    consumers: dict[str, list[dict[str, str]]] = defaultdict(list)
    for endpoint in drawer.topo.endpoints.values():
        if endpoint.service_id:
            consumers[endpoint.service_id].append(
                {"endpoint": endpoint.id, "vpc": endpoint.vpc_id, "account": endpoint.account, "state": endpoint.state}
            )
    return [
        item(
            "endpoint-service",
            s.id,
            drawer.name(s.id, s.name),
            service_name=s.name,
            account=s.account,
            region=s.region,
            load_balancers=list(s.load_balancers),
            consumers=consumers[s.id],
        )
        for s in sorted(drawer.topo.endpoint_services.values(), key=lambda s: s.id)
        if where.account in (None, s.account) or any(c["account"] == where.account for c in consumers[s.id])
    ]


def _aws_services(topo: t.Topology, vpcs: list[t.Vpc]) -> list[Item]:
    """The AWS services endpoints lead to, plus S3 and DynamoDB in every region drawn."""
    wanted = {(s, v.region) for v in vpcs for s in _DEFAULT_SERVICES}
    users: dict[tuple[str, str], list[str]] = defaultdict(list)
    kept = {v.id for v in vpcs}
    for endpoint in topo.endpoints.values():
        if endpoint.service_id is None and endpoint.vpc_id in kept:
            key = (service_of(endpoint.service_name), endpoint.service_region)
            wanted.add(key)
            users[key].append(endpoint.id)
    return [
        item(
            "aws-service",
            f"{s}.{r}",
            _SERVICE_NAMES.get(s, f"AWS {s}"),
            service=s,
            region=r,
            hostname=f"{s}.{r}.amazonaws.com",
            endpoints=sorted(users[(s, r)]),
        )
        for s, r in sorted(wanted, key=lambda k: (k[1], k[0]))
    ]


def _filters(drawer: _Drawer, topo: t.Topology) -> dict[str, Any]:
    vpcs = sorted(topo.vpcs.values(), key=_vpc_order(drawer))
    return {
        "accounts": sorted({v.account for v in vpcs}),
        "regions": sorted({v.region for v in vpcs}),
        "vpcs": [
            {
                "id": v.id,
                "name": drawer.name(v.id),
                "account": v.account,
                "region": v.region,
                "default": drawer.is_default.get(v.id, False),
            }
            for v in vpcs
        ],
    }


def _suggestions(drawer: _Drawer, vpcs: list[t.Vpc], onprem: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    """What the trace form offers: sources (instances, then hosts on premises with the VPN connection they come in
    by) and destinations (service names, endpoints, instance IPs, hosts on premises)."""
    topo = drawer.topo
    kept = {v.id for v in vpcs}
    sources, destinations = [], []
    for instance, eni in sorted(topo.instances.items(), key=lambda kv: drawer.name(kv[0])):
        iface = topo.interfaces.get(eni)
        if iface is not None and iface.vpc_id in kept:
            label = f"{drawer.name(instance)} ({instance}, {iface.address}, {iface.region})"
            sources.append({"value": instance, "label": label})
            destinations.append({"value": str(iface.address), "label": f"{drawer.name(instance)} {iface.address}"})
    for region in sorted({v.region for v in vpcs}):
        for service in _DEFAULT_SERVICES:
            host = f"{service}.{region}.amazonaws.com"
            destinations.append({"value": host, "label": _SERVICE_NAMES[service]})
    for bucket in sorted(topo.resources.values(), key=lambda b: b.name):
        if bucket.service == "s3":
            host = f"{bucket.name}.s3.{bucket.region}.amazonaws.com"
            destinations.append({"value": host, "label": f"bucket {bucket.name}"})
    for endpoint in sorted(topo.endpoints.values(), key=lambda e: e.id):
        if endpoint.dns and endpoint.vpc_id in kept:
            destinations.append({"value": endpoint.dns[0].name, "label": drawer.name(endpoint.id)})
    sources.extend(onprem)
    hosts = {h["source"]: h["label"].rsplit(" via ", 1)[0] for h in onprem}
    destinations.extend({"value": host, "label": label} for host, label in hosts.items())
    return {"sources": sources, "destinations": destinations}


def _count(topo: t.Topology, kept: set[str]) -> int:
    """Resources drawn: VPCs, subnets, interfaces and what owns them."""
    subnets = sum(1 for s in topo.subnets.values() if s.vpc_id in kept)
    interfaces = sum(1 for i in topo.interfaces.values() if i.vpc_id in kept)
    return len(kept) + subnets + interfaces
