"""AWS semantics, one sub-package per resource family, and the control plane facade every face calls.

A handler is a function named ``xform_name(Action)`` (``create_vpc`` for CreateVpc) in one of the family packages
(``operations.py`` says which module answers which operation), taking the call context and the parsed parameters and
returning the output shape's plain data. Every call runs in
one store transaction: it applies fully or not at all. ``DryRun`` runs the call for real and then discards it,
answering ``DryRunOperation`` only when it would have succeeded.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vpcsim.catalog import find_region
from vpcsim.control.account import defaults
from vpcsim.control.analysis import run
from vpcsim.control.analysis.diagram import Filter, diagram
from vpcsim.control.analysis.policy_judge import ApiRequest
from vpcsim.control.core import principals
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.flowlogs import traffic as flow_traffic
from vpcsim.control.operations import REGIONAL, Operation, OperationTable, operation_table
from vpcsim.control.privatelink import connections, service_dns
from vpcsim.control.quotas import check_defaults
from vpcsim.dataplane.trace import UnknownSource
from vpcsim.errors import ApiError, DryRunOperation, InvalidParameter, Unsupported
from vpcsim.model import IdFactory
from vpcsim.model.trace import Trace
from vpcsim.store import Store, Transaction


class Control:
    """The control plane of one server."""

    def __init__(self, store: Store, ids: IdFactory, *, quotas: Mapping[str, float] | None = None) -> None:
        self.store = store
        self.ids = ids
        self.quotas = check_defaults(quotas or {})  # quota code -> the value every account starts with
        self.operations: OperationTable = operation_table()
        self.flow_logs_dir: Path | None = None  # where flow-log records are delivered (app.py sets it)

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
            return connections.events(tx, account)

    # -- the data plane's faces (JSON API, CLI, UI) ---------------------------------------------------------------
    def trace(
        self,
        source: str,
        destination: str,
        *,
        port: int | None = 443,
        protocol: str = "tcp",
        request: ApiRequest | None = None,
        account: str | None = None,
        via: str | None = None,
        dns_via: str | None = None,
    ) -> Trace:
        """A trace from ``source``; with ``via`` (a VPN connection, virtual private gateway or VPN attachment id),
        ``source`` is an address on premises sending over it (dataplane/onprem.py), whose DNS asks ``dns_via`` (an
        inbound Resolver endpoint, or ``public``; dataplane/resolving.py); with ``account``, only from a source of
        that account."""
        with self.store.snapshot() as tx:
            try:
                return run.run_trace(
                    tx,
                    source,
                    destination,
                    port=port,
                    protocol=protocol,
                    request=request,
                    account=account,
                    via=via or None,
                    dns_via=dns_via or None,
                )
            except UnknownSource as error:
                raise InvalidParameter("InvalidParameterValue", str(error)) from None

    def send_traffic(self, traffic: flow_traffic.Traffic) -> tuple[Trace, dict[str, Any]]:
        """Trace ``traffic`` and write the flow-log records it makes (control/flowlogs/traffic.py)."""
        if not 1 <= traffic.flows <= flow_traffic.MAX_FLOWS:
            raise InvalidParameter("InvalidParameterValue", f"flows must be 1 to {flow_traffic.MAX_FLOWS}.")
        if traffic.bytes < 0 or traffic.response_bytes < 0:
            raise InvalidParameter("InvalidParameterValue", "bytes and response_bytes must not be negative.")
        with self.store.transaction() as tx:  # delivery may create a log group, as the flow logs service does
            try:
                return flow_traffic.send(tx, traffic, self.flow_logs_dir, int(time.time()))
            except UnknownSource as error:
                raise InvalidParameter("InvalidParameterValue", str(error)) from None

    def monthly_cost(self, account: str, region: str) -> dict[str, Any]:
        if find_region(region) is None:
            raise InvalidParameter("InvalidParameterValue", f"Unknown region '{region}'.")
        with self.store.snapshot() as tx:
            return run.monthly_cost(tx, account, region)

    def what_if(self, region: str, volume_gb: float, *, azs: int = 2, service: str = "s3") -> dict[str, Any]:
        if not math.isfinite(volume_gb) or volume_gb < 0:
            raise InvalidParameter("InvalidParameterValue", "The volume must be a finite number of GB, 0 or more.")
        try:
            return run.what_if(region, volume_gb, azs=azs, service=service)
        except (ValueError, LookupError) as error:
            raise InvalidParameter("InvalidParameterValue", str(error)) from None

    def diagram(self, account: str | None = None, region: str | None = None, vpc: str | None = None) -> dict[str, Any]:
        """The network as a layout-ready diagram (analysis/diagram.py), optionally one account, region or VPC."""
        with self.store.snapshot() as tx:
            return diagram(tx, Filter(account or None, region or None, vpc or None))

    def implements(self, scope: str, operation: str) -> bool:
        return self.operations.find(scope, operation) is not None

    def require(self, scope: str, operation: str) -> Operation:
        """The operation's handler, or ``UnsupportedOperation`` for one botocore models and vpcsim does not answer."""
        found = self.operations.find(scope, operation)
        if found is None:
            raise Unsupported(
                "UnsupportedOperation",
                f"vpcsim does not implement the {scope} operation {operation} yet; the call changed nothing.",
            )
        return found

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
        found = self.require(scope, operation)
        where = find_region(region)
        if where is None:
            raise ApiError("InvalidRegion", f"vpcsim does not know the region '{region}'.")

        def run(tx: Transaction) -> Result:  # store.run may run it again when another server wrote first
            call = Call(tx, account, where, request_id, self.ids, principal, quotas=self.quotas, operation=operation)
            if scope in REGIONAL:
                defaults.ensure_scope(call)
            result = found.handler(call, params)
            if params.get("DryRun"):
                raise DryRunOperation()
            return result

        return self.store.run(run)


__all__ = ["Call", "Control", "Params", "Result"]
