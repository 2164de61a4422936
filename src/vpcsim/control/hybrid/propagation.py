"""Route propagation from a virtual private gateway into VPC route tables: Enable/DisableVgwRoutePropagation.

Design: the route table records the gateways that propagate to it (``PropagatingVgws``); the routes themselves are
derived whenever the table is read (``core.vpn_routes.propagated_routes``), from the connections that end on the
gateway as they are then.

Facts [EC2API EnableVgwRoutePropagation; VPCUG23 route tables]: the gateway must be attached to the route table's
VPC; propagated routes show ``Origin: EnableVgwRoutePropagation`` and lose to static routes of the same prefix.
Choices named: a gateway not attached to the table's VPC is ``Gateway.NotAttached`` (the code AWS uses for a gateway
that is not attached); enabling twice, or disabling what is not enabled, changes nothing and succeeds.
"""

from __future__ import annotations

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.lookup import get
from vpcsim.control.core.vpn_routes import is_attached
from vpcsim.control.hybrid import vpn_gateways
from vpcsim.errors import ApiError
from vpcsim.model import Record


def _table_and_gateway(call: Call, params: Params) -> tuple[Record, Record]:
    table = get(call, "route-table", params["RouteTableId"])
    gateway = get(call, vpn_gateways.KIND, params["GatewayId"])
    return table, gateway


def enable_vgw_route_propagation(call: Call, params: Params) -> Result:
    table, gateway = _table_and_gateway(call, params)
    vpc_id = table.doc["VpcId"]
    if not is_attached(call.tx, gateway.id, vpc_id):
        raise ApiError("Gateway.NotAttached", f"resource {gateway.id} is not attached to network {vpc_id}")
    current = table.doc.get("PropagatingVgws") or []
    if all(p["GatewayId"] != gateway.id for p in current):
        call.tx.put(table.with_doc(PropagatingVgws=[*current, {"GatewayId": gateway.id}]))
    return {}


def disable_vgw_route_propagation(call: Call, params: Params) -> Result:
    table, gateway = _table_and_gateway(call, params)
    current = table.doc.get("PropagatingVgws") or []
    call.tx.put(table.with_doc(PropagatingVgws=[p for p in current if p["GatewayId"] != gateway.id]))
    return {}


__all__: list[str] = []
