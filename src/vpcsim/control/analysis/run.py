"""Run the data plane over the state: the topology cache, the policy judge and prices, and a trace's JSON form.

The topology is compiled once per state revision and kept with the store's indexes (principle 6); a call that has
written nothing yet reuses it, a reset or another store never does. ``run_trace`` is what the Reachability Analyzer
API, the JSON API, the CLI and the UI all call.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import UTC, datetime
from typing import Any

from vpcsim.control.analysis import assumed
from vpcsim.control.analysis.policy_judge import ApiRequest, check_request, judge_for, request_bucket
from vpcsim.control.analysis.topology import compile_topology
from vpcsim.cost import compare_paths, monthly_fixed, monthly_summary, price_book, price_path
from vpcsim.dataplane import trace as tracing
from vpcsim.dataplane.topology import Topology
from vpcsim.model.trace import Trace
from vpcsim.store import Transaction


def topology_of(tx: Transaction) -> Topology:
    """The compiled topology of the state ``tx`` sees (kept per revision when ``tx`` has written nothing)."""
    return tx.cached("topology", compile_topology, fresh=_fresh)


def _fresh(topo: Topology) -> bool:
    """A compiled topology stays right until its revision changes or a lifecycle under way when it was compiled ends."""
    return topo.settles_at is None or datetime.now(UTC) < topo.settles_at


def run_trace(
    tx: Transaction,
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
    """Trace a request, judge the API call it makes (if named) against the policies on its path, price it per GB.
    With ``account``, the source must be that account's (a caller sees only its own network); ``dns_via``: the
    inbound Resolver endpoint (or ``public``) an on-premises source's DNS asks."""
    topo = topology_of(tx)
    if account is not None and via is None and tracing.find_source(topo, source).account not in ("", account):
        # Choice named: internet and on-premises sources belong to no account and stay open to every caller.
        raise tracing.UnknownSource(f"'{source}' is not an instance, network interface or IP address of {account}")
    judge = judge_for(topo, check_request(request)) if request is not None else None
    bucket = request_bucket(request) if request is not None else None
    found = tracing.trace(
        topo, source, destination, port=port, protocol=protocol, judge=judge, via=via, dns_via=dns_via, bucket=bucket
    )
    assumptions = assumed.notes_for(tx, assumed.vpcs_on(topo, (h.component.id for h in found.hops)))
    if assumptions:  # an imported estate's gaps the trace crossed (control/analysis/assumed.py)
        found = replace(found, notes=(*found.notes, *assumptions))
    if request is None:
        found = replace(found, notes=(*found.notes, "policies not evaluated: name the API request (action, resource)"))
    return priced(found)


def priced(found: Trace) -> Trace:
    """The trace with its per-GB charges; charges the price book cannot price are listed as unpriced, never as $0."""
    path = price_path(found, price_book())
    return replace(found, charges=path.charges, unpriced=path.unpriced)


def trace_json(trace: Trace) -> dict[str, Any]:
    """A trace as plain JSON data (the JSON API's and ``vpcsim trace --json``'s form)."""
    data = asdict(trace)
    data["latency_ms"] = trace.latency_ms
    data["usd_per_gb"] = trace.usd_per_gb
    data["priced_completely"] = not trace.unpriced
    return data


def monthly_cost(tx: Transaction, account: str, region: str) -> dict[str, Any]:
    """A region's monthly fixed network cost for an account, by item."""
    items = monthly_fixed(tx, account, region, price_book())
    return {
        "account": account,
        "region": region,
        "items": [i.to_json() for i in items],
        **monthly_summary(items),
    }


def what_if(
    region: str, volume_gb: float, *, azs: int = 2, service: str = "s3", nat_gateways: int = 1
) -> dict[str, Any]:
    """NAT gateway vs gateway endpoint vs interface endpoint for ``volume_gb`` a month to ``service`` in ``region``."""
    comparison = compare_paths(volume_gb, region, price_book(), azs=azs, service=service, nat_gateways=nat_gateways)
    return comparison.to_json()
