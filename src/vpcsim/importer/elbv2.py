"""Network and Gateway Load Balancers, target groups, listeners, attributes and registered targets, into the records
the control plane's ELBv2 family writes (ids are ARNs; the account and Region are the ARN's).

A load balancer's nodes are the interfaces AWS placed for it (description ``ELB net/<name>/<id>``), found among the
imported and stored interfaces (``extra["interfaces"]``, AZ -> interface). Registered targets come from
``describe-target-health`` (Batfish's LoadBalancerTargetHealth.json names its target group; the AWS CLI's output does
not, so its file name must contain the target group's name or id). Their health is not kept: vpcsim derives it from
the targets as they are (a running instance is healthy), as it does for targets registered through the API.
Application and classic load balancers are not modelled (vpcsim emulates NLBs and GWLBs): they are counted.
"""

from __future__ import annotations

from typing import Any

from vpcsim.importer.batch import Batch, Doc, ImportFailed, Scope, Source, items, need, record
from vpcsim.importer.validate import is_target
from vpcsim.model.arns import parse_arn

_TYPES = ("network", "gateway")
# TargetHealth.State -> the registration's state as the control plane keeps it (elbv2/targets.py).
_REGISTRATION = {"initial": "registering", "draining": "draining"}


def _scope(arn: str, fallback: Scope) -> Scope:
    parsed = parse_arn(arn)
    if parsed is None or not parsed.region or not parsed.account:
        return fallback
    return Scope(parsed.account, parsed.region)


def load_balancers(batch: Batch, source: Source) -> None:
    for item in items(source, "LoadBalancers"):
        need(source, item, "LoadBalancerArn", "LoadBalancerName", "Type", "VpcId")
        if item["Type"] not in _TYPES:
            batch.unmodelled[f"{item['Type']} load balancers (describe-load-balancers)"] += 1
            continue
        doc = {"AvailabilityZones": [], "IpAddressType": "ipv4", "State": {"Code": "active"}, **item}
        scope = _scope(item["LoadBalancerArn"], source.scope)
        batch.put(record("load-balancer", item["LoadBalancerArn"], scope, doc, item["VpcId"]))


def target_groups(batch: Batch, source: Source) -> None:
    for item in items(source, "TargetGroups"):
        need(source, item, "TargetGroupArn", "TargetGroupName")
        if not item.get("VpcId"):
            batch.unmodelled["Lambda target groups (describe-target-groups)"] += 1
            continue
        doc = {"LoadBalancerArns": [], "TargetType": "instance", "HealthCheckPort": "traffic-port", **item}
        scope = _scope(item["TargetGroupArn"], source.scope)
        batch.put(record("target-group", item["TargetGroupArn"], scope, doc, item["VpcId"]))


def listeners(batch: Batch, source: Source) -> None:
    for item in items(source, "Listeners"):
        _listener(batch, source, item)


def batfish_listeners(batch: Batch, source: Source) -> None:
    """Batfish's LoadBalancerListeners.json: describe-listeners per load balancer."""
    for entry in items(source, "LoadBalancerListeners"):
        for item in entry.get("Listeners") or []:
            _listener(batch, source, item)


def _listener(batch: Batch, source: Source, item: Doc) -> None:
    need(source, item, "ListenerArn", "LoadBalancerArn")
    lb = batch.find("load-balancer", item["LoadBalancerArn"])
    if lb is None:
        batch.drop(
            f"{source.path}: listener {item['ListenerArn']} of a load balancer vpcsim does not have "
            "(not in the import or the state, or not a network or gateway load balancer)"
        )
        return
    scope = _scope(item["ListenerArn"], source.scope)
    batch.put(record("listener", item["ListenerArn"], scope, dict(item), lb.id))


def batfish_attributes(batch: Batch, source: Source) -> None:
    """Batfish's LoadBalancerAttributes.json: describe-load-balancer-attributes per load balancer."""
    for entry in items(source, "LoadBalancerAttributes"):
        need(source, entry, "LoadBalancerArn")
        lb_attributes(batch, source, entry["LoadBalancerArn"], entry.get("Attributes") or [])


def lb_attributes(batch: Batch, source: Source, arn: str, attributes: list[Doc]) -> None:
    lb = batch.find("load-balancer", arn)
    if lb is None:
        batch.dangle(f"{source.path}: attributes of {arn}, a load balancer vpcsim does not have")
        return
    given = {str(a["Key"]): str(a.get("Value", "")) for a in attributes if a.get("Key")}
    batch.amend(lb.with_extra(attributes={**lb.extra.get("attributes", {}), **given}))


def batfish_target_health(batch: Batch, source: Source) -> None:
    """Batfish's LoadBalancerTargetHealth.json: describe-target-health per target group."""
    for entry in items(source, "LoadBalancerTargetHealth"):
        need(source, entry, "TargetGroupArn")
        registered(batch, source, entry["TargetGroupArn"], entry.get("TargetHealthDescriptions") or [])


def registered(batch: Batch, source: Source, arn: str, descriptions: list[Doc]) -> None:
    group = batch.find("target-group", arn)
    if group is None:
        batch.dangle(f"{source.path}: targets of {arn}, a target group neither the import nor the state has")
        return
    entries: list[dict[str, Any]] = []
    for description in descriptions:
        target = description.get("Target") or {}
        if not target.get("Id"):
            continue
        if not is_target(target["Id"]):
            raise ImportFailed(f"{source.path}: {arn}: Target.Id {target['Id']!r} is not an instance id or IP address")
        state = (description.get("TargetHealth") or {}).get("State", "")
        entry: dict[str, Any] = {"Id": target["Id"], "Port": int(target.get("Port") or group.doc.get("Port") or 0)}
        if target.get("AvailabilityZone"):
            entry["AvailabilityZone"] = target["AvailabilityZone"]
        entries.append({**entry, "State": _REGISTRATION.get(state, "registered")})
    batch.amend(group.with_extra(targets=entries))


def finish_load_balancers(batch: Batch) -> None:
    """Each load balancer's nodes (its interfaces by AZ), target groups' defaults, and the LB ARNs groups list."""
    nodes: dict[str, dict[str, str]] = {}
    for eni in batch.scan("network-interface"):
        description = str(eni.doc.get("Description") or "")
        if description.startswith("ELB ") and eni.doc.get("InterfaceType") in _NODE_TYPES:
            nodes.setdefault(description[4:], {})[eni.doc.get("AvailabilityZone") or ""] = eni.id
    for lb in batch.imported("load-balancer"):
        arn = parse_arn(lb.id)
        resource = arn.resource.removeprefix("loadbalancer/") if arn else ""
        found = nodes.get(resource, {})
        if not found:
            batch.dangle(
                f"{lb.doc['LoadBalancerName']}: none of its network interfaces (ELB {resource}) is in the "
                "import or the state; traces to it find no node"
            )
        batch.amend(lb.with_extra(interfaces=found, attributes=lb.extra.get("attributes", {})))
    for group in batch.imported("target-group"):
        defaults: dict[str, Any] = {k: v for k, v in (("targets", []), ("attributes", {})) if k not in group.extra}
        if defaults:
            batch.amend(group.with_extra(**defaults))


_NODE_TYPES = ("network_load_balancer", "gateway_load_balancer", "interface")
