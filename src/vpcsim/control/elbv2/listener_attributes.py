"""Listener attributes: DescribeListenerAttributes, ModifyListenerAttributes.

Design: as for load balancers and target groups, a listener keeps only the values its owner changed
(``extra["attributes"]``) over the defaults of its protocol, and a describe shows the full set; the set follows the
listener's protocol, so a ModifyListener that changes it shows the new protocol's attributes.

Facts [ELBv2 API ListenerAttribute; NLB user guide "Update the TCP idle timeout"; GWLB user guide "Update the TCP
idle timeout"]: ``tcp.idle_timeout.seconds`` is supported by Network and Gateway Load Balancers, "The valid range is
60-6000 seconds. The default is 350 seconds"; on an NLB it is a TCP listener's attribute ("If the listener uses a
protocol other than TCP, this tab is not present"; "The connection idle timeout for TLS listeners is 350 seconds and
can't be modified"); ``send_tcp_reset.on_idle_timeout.enabled`` (default false) is a Gateway Load Balancer
listener's only. Terraform's aws_lb_listener reads the attributes on every refresh (``tcp_idle_timeout_seconds``).

Choices [vpcsim]: an NLB listener of another protocol (TLS, UDP, TCP_UDP) has no attributes to show or change; an
attribute a listener does not have is ``ValidationError`` "... is not recognized", worded as ELBv2 words it for load
balancer attributes (the wording Terraform's provider recognises to drop an unsupported key).
"""

from __future__ import annotations

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.elbv2 import records
from vpcsim.control.elbv2.records import keyed, validation
from vpcsim.control.elbv2.target_groups import check_attribute
from vpcsim.model import Record

IDLE_TIMEOUT = "tcp.idle_timeout.seconds"
IDLE_RANGE = (60, 6000)
_TCP = {IDLE_TIMEOUT: "350"}
_GATEWAY = {IDLE_TIMEOUT: "350", "send_tcp_reset.on_idle_timeout.enabled": "false"}


def _defaults(listener: Record) -> dict[str, str]:
    protocol = listener.doc.get("Protocol")
    if protocol is None:  # a Gateway Load Balancer's listener takes no protocol
        return dict(_GATEWAY)
    return dict(_TCP) if protocol == "TCP" else {}


def attributes_of(listener: Record) -> dict[str, str]:
    defaults = _defaults(listener)
    changed = listener.extra.get("attributes") or {}
    return {**defaults, **{k: v for k, v in changed.items() if k in defaults}}


def _shown(listener: Record) -> Result:
    return {"Attributes": [{"Key": k, "Value": v} for k, v in attributes_of(listener).items()]}


def describe_listener_attributes(call: Call, params: Params) -> Result:
    return _shown(records.get(call, "listener", params["ListenerArn"]))


def _check_idle_timeout(value: str) -> None:
    low, high = IDLE_RANGE
    if not value.isdigit() or not low <= int(value) <= high:
        raise validation(f"The value of '{IDLE_TIMEOUT}' must be an integer between {low} and {high}, got '{value}'")


def modify_listener_attributes(call: Call, params: Params) -> Result:
    listener = records.get(call, "listener", params["ListenerArn"])
    changes = {keyed(a): str(a.get("Value") or "") for a in params["Attributes"]}
    known = _defaults(listener)
    for key, value in changes.items():
        check_attribute(known, key, value, "Listener")
        if key == IDLE_TIMEOUT:
            _check_idle_timeout(value)
    merged = {**(listener.extra.get("attributes") or {}), **changes}
    return _shown(call.tx.put(listener.with_extra(attributes=merged)))


__all__ = ["attributes_of", "describe_listener_attributes", "modify_listener_attributes"]
