"""Listeners of Network and Gateway Load Balancers: CreateListener, DescribeListeners, ModifyListener, DeleteListener.

A listener is a ``listener`` record (id: its ARN ``...:listener/net/<lb name>/<lb hex>/<16 hex>``, parent: its load
balancer's ARN) whose doc is ELBv2's ``Listener``. Every change re-derives the forwarded target groups'
``LoadBalancerArns`` in the same transaction (``target_groups.sync_load_balancers``).

Facts [ELBv2 API CreateListener member docs; NLB user guide]: NLB listener protocols TCP, TLS, UDP, TCP_UDP; a
Gateway Load Balancer listener takes no protocol or port; a TCP_UDP listener needs a TCP_UDP target group; a target
group of an NLB serves one load balancer (``TargetGroupAssociationLimit``); one listener per port
(``DuplicateListener``; an identical repeat is answered with the existing listener: "This operation is idempotent");
50 listeners per NLB [ELB quotas]. Real dump (LoadBalancerListeners.json): actions show Order, TargetGroupArn, Type.

Choices [vpcsim]: listeners forward only (other action types: ``InvalidLoadBalancerAction``), to one target group;
a second GWLB listener is ``DuplicateListener``; a target group of another VPC is ``InvalidConfigurationRequest``;
TLS listeners accept any certificate ARN (there is no ACM) and default to the ``ELBSecurityPolicy-2016-08`` policy.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.elbv2 import records, target_groups
from vpcsim.control.elbv2.load_balancers import get_load_balancer, lb_kind
from vpcsim.control.elbv2.records import configuration, validation
from vpcsim.control.quotas import quota
from vpcsim.errors import ApiError, LimitExceeded
from vpcsim.model import Record

_DEFAULT_TLS_POLICY = "ELBSecurityPolicy-2016-08"
# listener protocol -> target group protocols it can forward to [NLB user guide, listeners]
_COMPATIBLE = {
    "TCP": ("TCP", "TCP_UDP"),
    "UDP": ("UDP", "TCP_UDP"),
    "TCP_UDP": ("TCP_UDP",),
    "TLS": ("TCP", "TLS"),
    None: ("GENEVE",),
}


# -- validation shared by create and modify ---------------------------------------------------------------------------
def _listener_settings(call: Call, lb: Record, params: Params) -> dict[str, Any]:
    """Port, Protocol, TLS members and DefaultActions as the doc shows them, checked against ``lb``."""
    if lb.doc["Type"] == "gateway":
        if params.get("Protocol") or params.get("Port"):
            raise validation("A protocol and a port cannot be specified for Gateway Load Balancer listeners")
        settings: dict[str, Any] = {}
    else:
        settings = _network_settings(params)
    group = _forward_target(call, lb, params["DefaultActions"], settings.get("Protocol"))
    order = params["DefaultActions"][0].get("Order") or 1
    settings["DefaultActions"] = [_forward_action(group.id, order)]
    return settings


def _network_settings(params: Params) -> dict[str, Any]:
    protocol, port = params.get("Protocol"), params.get("Port")
    if not protocol or port is None:
        raise validation("A protocol and a port must be specified for Network Load Balancer listeners")
    if protocol not in _COMPATIBLE:
        raise ApiError(
            "UnsupportedProtocol", f"Protocol '{protocol}' is not supported by Network Load Balancer listeners"
        )
    if not 1 <= port <= 65535:
        raise validation(f"Port '{port}' must be between 1 and 65535")
    settings: dict[str, Any] = {"Port": port, "Protocol": protocol}
    if protocol == "TLS":
        if not params.get("Certificates"):
            raise validation("A certificate must be specified for TLS listeners")
        settings["Certificates"] = [{"CertificateArn": c["CertificateArn"]} for c in params["Certificates"]]
        settings["SslPolicy"] = params.get("SslPolicy") or _DEFAULT_TLS_POLICY
        settings["AlpnPolicy"] = params.get("AlpnPolicy") or ["None"]
    return settings


def _forward_target(call: Call, lb: Record, actions: list[dict[str, Any]], protocol: str | None) -> Record:
    if len(actions) != 1:
        raise LimitExceeded("TooManyActions", "A Network or Gateway Load Balancer listener takes one default action")
    action = actions[0]
    if action.get("Type") != "forward":
        raise ApiError("InvalidLoadBalancerAction", f"The action type '{action.get('Type')}' is not supported here")
    arns = target_groups.forwarded_groups({"DefaultActions": [action]})
    if len(arns) != 1:
        raise validation("A forward action of this load balancer must name exactly one target group")
    group = records.get(call, "target-group", arns[0])
    _check_group(lb, group, protocol)
    return group


def _check_group(lb: Record, group: Record, protocol: str | None) -> None:
    if group.doc["VpcId"] != lb.doc["VpcId"]:
        raise configuration(f"The target group '{group.id}' is not in the VPC of the load balancer '{lb.id}'")
    if group.doc["Protocol"] not in _COMPATIBLE[protocol]:
        raise ApiError(
            "IncompatibleProtocols",
            f"Listener protocol '{protocol or 'GENEVE'}' is not supported with a target group with the target-group "
            f"protocol '{group.doc['Protocol']}'",
        )
    others = [arn for arn in group.doc["LoadBalancerArns"] if arn != lb.id]
    if others:
        raise ApiError(
            "TargetGroupAssociationLimit",
            f"The following target groups cannot be associated with more than one load balancer: {group.id}",
        )


def _forward_action(group_arn: str, order: int) -> dict[str, Any]:
    return {
        "Type": "forward",
        "TargetGroupArn": group_arn,
        "Order": order,
        "ForwardConfig": {
            "TargetGroups": [{"TargetGroupArn": group_arn, "Weight": 1}],
            "TargetGroupStickinessConfig": {"Enabled": False},
        },
    }


def _same_port(call: Call, lb: Record, settings: dict[str, Any], own: str | None = None) -> Record | None:
    """The other listener of ``lb`` on the port ``settings`` asks for (GWLBs: any other listener)."""
    for listener in call.tx.children("listener", lb.id):
        if listener.id != own and listener.doc.get("Port") == settings.get("Port"):
            return listener
    return None


def _duplicate(lb: Record) -> ApiError:
    return ApiError("DuplicateListener", f"A listener already exists on this port for this load balancer '{lb.id}'")


# -- handlers ------------------------------------------------------------------------------------------------------
def create_listener(call: Call, params: Params) -> Result:
    lb = get_load_balancer(call, params["LoadBalancerArn"])
    settings = _listener_settings(call, lb, params)
    existing = _same_port(call, lb, settings)
    if existing is not None:
        if any(existing.doc.get(k) != v for k, v in settings.items()):
            raise _duplicate(lb)
        return {"Listeners": [existing.doc]}
    limit = quota(call, "L-57A373D6")  # listeners per Network Load Balancer
    if sum(1 for _ in call.tx.children("listener", lb.id)) >= limit:
        raise LimitExceeded("TooManyListeners", f"A load balancer can have at most {limit} listeners")
    tags = records.tag_dict(params.get("Tags"))
    records.check_tag_count(tags, "listener")
    name, lb_suffix = lb.id.rsplit("/", 2)[1:]
    arn = records.arn(call, f"listener/{lb_kind(lb)}/{name}/{lb_suffix}/{records.new_suffix(call)}")
    doc = {"ListenerArn": arn, "LoadBalancerArn": lb.id, **settings}
    listener = call.tx.put(call.record("listener", arn, doc, lb.id).evolve(tags=tags))
    target_groups.sync_load_balancers(call, settings["DefaultActions"][0]["TargetGroupArn"])
    return {"Listeners": [listener.doc]}


def describe_listeners(call: Call, params: Params) -> Result:
    if params.get("ListenerArns"):
        found = records.get_many(call, "listener", params["ListenerArns"])
    elif params.get("LoadBalancerArn"):
        lb = get_load_balancer(call, params["LoadBalancerArn"])
        found = list(call.tx.children("listener", lb.id))
    else:
        raise validation("You must specify either listener ARNs or a load balancer ARN")
    shown, marker = records.page(found, params)
    return records.with_marker({"Listeners": [listener.doc for listener in shown]}, marker)


def modify_listener(call: Call, params: Params) -> Result:
    listener = records.get(call, "listener", params["ListenerArn"])
    lb = get_load_balancer(call, listener.doc["LoadBalancerArn"])
    merged = {**listener.doc, **{k: v for k, v in params.items() if v is not None and k != "ListenerArn"}}
    if merged.get("Protocol") != "TLS":
        merged = {k: v for k, v in merged.items() if k not in ("Certificates", "SslPolicy", "AlpnPolicy")}
    settings = _listener_settings(call, lb, merged)
    if lb.doc["Type"] == "network" and _same_port(call, lb, settings, own=listener.id) is not None:
        raise _duplicate(lb)
    before = target_groups.forwarded_groups(listener.doc)
    doc = {"ListenerArn": listener.id, "LoadBalancerArn": lb.id, **settings}
    updated = call.tx.put(listener.evolve(doc=doc))
    for arn in dict.fromkeys([*before, *target_groups.forwarded_groups(doc)]):
        target_groups.sync_load_balancers(call, arn)
    return {"Listeners": [updated.doc]}


def delete_listener(call: Call, params: Params) -> Result:
    listener = records.get(call, "listener", params["ListenerArn"])
    target_groups.remove_listener(call, listener)
    return {}


__all__ = ["create_listener", "delete_listener", "describe_listeners", "modify_listener"]
