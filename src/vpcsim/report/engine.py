"""One report of an estate: every compute subnet's paths to the services it could use, their cost at the volumes,
recommendations with their savings, and the reachability matrix between subnets.

``build_report(tx, volumes)`` reads one snapshot of the state (``tx``) and never writes it: it compiles (or reuses)
the data plane's topology (``control.analysis.run.topology_of``), finds the sources (sources.py), traces their paths
(paths.py), recommends (recommend.py) and traces the matrix (matrix.py). ``progress(phase, done, total)`` is called
as it goes, for a progress bar. The result is plain data; ``document.report_json`` is its JSON form, ``text`` and
``html`` render it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from vpcsim.control.analysis.run import topology_of
from vpcsim.cost import PriceBook, price_book
from vpcsim.dataplane.topology import Topology
from vpcsim.report.matrix import Matrix, Progress, reachability
from vpcsim.report.paths import PathRow, PathTracer
from vpcsim.report.recommend import Recommendation, Uses, billed_interface_endpoints, recommend
from vpcsim.report.sources import Source, compute_sources, names
from vpcsim.report.targets import REST_MIN
from vpcsim.report.volumes import Volumes
from vpcsim.store import Transaction

METHOD = (
    "Sources: each subnet that holds compute (instances and the network interfaces users create; not requester-"
    "managed interfaces) is traced from one representative interface per class of its interfaces (same security "
    "groups, public IPv4 address or not); interfaces of a class differ only by address.",
    "Services: S3, DynamoDB and every interface-endpoint service of the subnet's Region in vpcsim's catalog, by the "
    "name a client uses; the interface endpoints of its VPC to providers' services; and the interface endpoints of "
    "VPCs one peering connection or transit gateway away, by their own DNS names (another Region's services, shared "
    "endpoints).",
    "Services whose names resolve to the same addresses in a subnet's VPC share one trace: the data plane's walk "
    "after DNS depends on the address only (targets.py says why). A subnet's largest such group, from "
    f"{REST_MIN} services, is shown as 'the rest of the catalog'.",
    "Policies are not evaluated on the service paths (no API request is named); resource policies that require an "
    "endpoint are checked with s3:GetObject / dynamodb:GetItem traces.",
    "Latency is the trace's estimate (a sum per hop), not a measurement.",
    "Matrix: TCP to the destination subnet representative's private address; only subnets of VPCs joined by peering "
    "or transit gateways are traced, the others share no connection.",
)


@dataclass(frozen=True)
class Report:
    revision: int
    generated_at: str
    sources: list[Source]
    rows: list[PathRow]
    recommendations: list[Recommendation]
    matrix: Matrix | None
    volumes: Volumes
    book: PriceBook
    topo: Topology
    names: dict[str, str]
    traces: int
    endpoint_use: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def name(self, rid: str) -> str:
        return self.names.get(rid, "")


def build_report(
    tx: Transaction,
    volumes: Volumes | None = None,
    *,
    book: PriceBook | None = None,
    matrix: bool = True,
    port: int = 443,
    jobs: int = 1,
    progress: Progress | None = None,
) -> Report:
    """The report of the state ``tx`` sees (module docstring); ``jobs``: processes tracing the matrix (parallel.py)."""
    volumes = volumes or Volumes()
    book = book or price_book()
    topo = topology_of(tx)
    sources = compute_sources(tx, topo)
    tracer = PathTracer(topo, volumes, book)
    rows = tracer.rows(sources, progress)
    if progress is not None:
        progress("recommendations", 0, 1)
    uses = Uses(topo, sources, rows)
    recommendations = recommend(tx, topo, sources, rows, uses, book)
    found = reachability(topo, sources, port=port, jobs=jobs, progress=progress) if matrix else None
    traces = tracer.traces + uses.traces + (len(found.cells) if found else 0)
    return Report(
        revision=tx.revision,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        sources=sources,
        rows=rows,
        recommendations=recommendations,
        matrix=found,
        volumes=volumes,
        book=book,
        topo=topo,
        names=names(tx),
        traces=traces,
        endpoint_use={e.id: uses.to_json(e.id) for e in billed_interface_endpoints(topo)},
        warnings=_warnings(volumes, topo),
    )


def _warnings(volumes: Volumes, topo: Topology) -> list[str]:
    return [
        f"{line.where}: {line.source} is no subnet or VPC of this state; the line applies to nothing"
        for line in volumes.unmatched([*topo.subnets, *topo.vpcs])
    ]
