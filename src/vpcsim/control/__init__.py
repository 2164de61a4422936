"""AWS semantics, one module per resource family; the dispatcher that routes an operation to its handler.

A handler is a function named ``xform_name(Action)`` (``create_vpc`` for CreateVpc) in one of the family modules,
taking the call context and the parsed parameters and returning the output shape's plain data. Every call runs in
one store transaction: it applies fully or not at all. ``DryRun`` runs the call for real and then discards it,
answering ``DryRunOperation`` only when it would have succeeded.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from types import ModuleType
from typing import Any

from botocore import xform_name

from vpcsim.catalog import find_region
from vpcsim.control import (
    accounts,
    acls,
    addresses,
    analysis,
    dynamodb_tables,
    elb_tags,
    endpoint_connections,
    endpoint_modify,
    endpoint_service_configs,
    endpoint_services,
    endpoints,
    gateways,
    insights,
    instance_states,
    instances,
    interface_addresses,
    interfaces,
    listeners,
    load_balancer_config,
    load_balancers,
    nat,
    peering,
    prefix_lists,
    principals,
    regions,
    routes,
    s3_buckets,
    security,
    security_permissions,
    service_dns,
    sts,
    subnets,
    tags,
    target_groups,
    targets,
    transit,
    transit_attachments,
    transit_peering,
    transit_routes,
    vpcs,
)
from vpcsim.control.call import Call, Params, Result
from vpcsim.control.diagram import Filter, diagram
from vpcsim.control.policy_judge import ApiRequest
from vpcsim.dataplane.trace import UnknownSource
from vpcsim.errors import ApiError, DryRunOperation, InvalidParameter, Unsupported
from vpcsim.model import IdFactory
from vpcsim.model.trace import Trace
from vpcsim.store import Store, Transaction

Handler = Callable[[Call, Params], Result]

FAMILIES: dict[str, tuple[ModuleType, ...]] = {
    "ec2": (
        accounts,
        regions,
        vpcs,
        subnets,
        routes,
        gateways,
        addresses,
        nat,
        security,
        security_permissions,
        acls,
        interfaces,
        interface_addresses,
        instances,
        instance_states,
        prefix_lists,
        endpoint_services,
        endpoints,
        endpoint_modify,
        endpoint_service_configs,
        endpoint_connections,
        service_dns,
        insights,
        peering,
        transit,
        transit_attachments,
        transit_peering,
        transit_routes,
        tags,
    ),
    "elasticloadbalancing": (load_balancers, load_balancer_config, target_groups, targets, listeners, elb_tags),
    "sts": (sts,),
    "s3": (s3_buckets,),
    "dynamodb": (dynamodb_tables,),
}
# Services whose calls act inside a region of an account and so see its default VPC.
_REGIONAL = {"ec2", "elasticloadbalancing"}


@cache
def _handler(scope: str, operation: str) -> Handler | None:
    name = xform_name(operation)
    for module in FAMILIES.get(scope, ()):
        found = getattr(module, name, None)
        if callable(found):
            return found  # type: ignore[no-any-return]
    return None


class Control:
    """The control plane of one server."""

    def __init__(self, store: Store, ids: IdFactory) -> None:
        self.store = store
        self.ids = ids

    # -- the admin API's calls (server/admin.py) ------------------------------------------------------------
    def principal_for(self, access_key_id: str) -> str | None:
        """The IAM principal an access key was mapped to, if any."""
        with self.store.snapshot() as tx:
            return principals.find_mapping(tx, access_key_id)

    def map_principal(self, access_key_id: str, arn: str) -> None:
        with self.store.transaction() as tx:
            principals.map_access_key(tx, access_key_id, arn)

    def publish_txt(self, name: str, value: str) -> None:
        with self.store.transaction() as tx:
            service_dns.publish_txt(tx, name, value)

    def notification_events(self, account: str | None) -> list[dict[str, object]]:
        with self.store.snapshot() as tx:
            return endpoint_connections.events(tx, account)

    # -- the data plane's faces (JSON API, CLI, UI) ---------------------------------------------------------------
    def trace(
        self,
        source: str,
        destination: str,
        *,
        port: int | None = 443,
        protocol: str = "tcp",
        request: ApiRequest | None = None,
    ) -> Trace:
        with self.store.snapshot() as tx:
            try:
                return analysis.run_trace(tx, source, destination, port=port, protocol=protocol, request=request)
            except UnknownSource as error:
                raise InvalidParameter("InvalidParameterValue", str(error)) from None

    def monthly_cost(self, account: str, region: str) -> dict[str, Any]:
        if find_region(region) is None:
            raise InvalidParameter("InvalidParameterValue", f"Unknown region '{region}'.")
        with self.store.snapshot() as tx:
            return analysis.monthly_cost(tx, account, region)

    def what_if(self, region: str, volume_gb: float, *, azs: int = 2, service: str = "s3") -> dict[str, Any]:
        try:
            return analysis.what_if(region, volume_gb, azs=azs, service=service)
        except (ValueError, LookupError) as error:
            raise InvalidParameter("InvalidParameterValue", str(error)) from None

    def diagram(self, account: str | None = None, region: str | None = None, vpc: str | None = None) -> dict[str, Any]:
        """The network as a layout-ready diagram (control/diagram.py), optionally one account, region or VPC."""
        with self.store.snapshot() as tx:
            return diagram(tx, Filter(account or None, region or None, vpc or None))

    def implements(self, scope: str, operation: str) -> bool:
        return _handler(scope, operation) is not None

    def handle(
        self,
        scope: str,
        operation: str,
        params: Params,
        *,
        account: str,
        region: str,
        request_id: str,
        principal: str = "",
    ) -> Result:
        handler = _handler(scope, operation)
        if handler is None:
            raise Unsupported(
                "UnsupportedOperation",
                f"vpcsim does not implement the {scope} operation {operation} yet; the call changed nothing.",
            )
        where = find_region(region)
        if where is None:
            raise ApiError("InvalidRegion", f"vpcsim does not know the region '{region}'.")

        def run(tx: Transaction) -> Result:  # store.run may run it again when another server wrote first
            call = Call(tx, account, where, request_id, self.ids, principal)
            if scope in _REGIONAL:
                accounts.ensure_scope(call)
            result = handler(call, params)
            if params.get("DryRun"):
                raise DryRunOperation()
            return result

        return self.store.run(run, writes=not operation.startswith(("Describe", "Get", "List")))


__all__ = ["FAMILIES", "Call", "Control", "Params", "Result"]
