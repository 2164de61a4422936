"""SVG drawn in Python for the HTML report: bar charts and the network drawing, self-contained (no fonts, no links).

Named choice: the drawing is made here, server-side, rather than by embedding the web view's modules
(``ui/js``): the report must be one file that opens anywhere, including where scripts are blocked, and an estate of
thousands of VPCs is drawn in one pass as plain shapes.

The drawing: VPCs as boxes, grouped in bands by the VPCs that peering connections and transit gateways join
(connections.components), each band's transit gateways as circles with a line to every VPC attached; peering
connections as lines between boxes (dashed across Regions). In a box, each subnet is a square coloured by its path to
S3 (the first source's row), grey when it holds no compute; badges count its internet gateway, NAT gateways and
endpoints. Every shape has a ``<title>`` (a tooltip) naming the resource.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from html import escape
from typing import Any

from vpcsim.dataplane.topology import Topology
from vpcsim.report.connections import components

BAR_COLOURS = ("#d97706", "#2563eb", "#059669", "#7c3aed", "#dc2626", "#0891b2", "#65a30d", "#db2777")
S3_COLOURS = {
    "gateway endpoint": "#059669",
    "NAT gateway": "#d97706",
    "internet gateway": "#2563eb",
    "interface endpoint": "#7c3aed",
    "transit gateway": "#0891b2",
    "stopped": "#dc2626",
    "no compute": "#d1d5db",
}
_BOX_W, _BOX_H, _GAP, _PER_ROW, _LEFT = 230, 112, 24, 6, 120


def _text(x: float, y: float, body: str, **attrs: Any) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(str(v))}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(body)}</text>'


def bar_chart(items: list[tuple[str, float, str]], title: str, *, chart_id: str, width: int = 760) -> str:
    """A horizontal bar chart of (label, value in USD, tooltip), largest first."""
    items = [i for i in items if i[1] > 0][:20]
    height = 40 + 26 * max(len(items), 1)
    top = max((v for _, v, _ in items), default=0.0) or 1.0
    parts = [
        f'<svg id="{chart_id}" class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        _text(0, 18, title, font_weight="bold", font_size=14),
    ]
    if not items:
        parts.append(_text(0, 44, "nothing to show: no cost at these volumes", font_size=12, fill="#6b7280"))
    for n, (label, value, tip) in enumerate(items):
        y = 32 + 26 * n
        length = max(2.0, (width - 400) * value / top)
        colour = BAR_COLOURS[n % len(BAR_COLOURS)]
        parts += [
            _text(0, y + 14, label if len(label) <= 44 else label[:43] + "…", font_size=12),
            f'<rect x="300" y="{y}" width="{length:.1f}" height="18" fill="{colour}">'
            f"<title>{escape(tip)}</title></rect>",
            _text(306 + length, y + 14, f"${value:,.2f}", font_size=12),
        ]
    return "\n".join([*parts, "</svg>"])


def drawing(topo: Topology, rows: list[dict[str, Any]], names: dict[str, str]) -> str:
    """The network drawing (module docstring) from the topology and the JSON path rows (for the subnet colours)."""
    canvas = _Canvas(topo, _subnet_colours(rows), names)
    y = 30.0
    for band, gateways in _bands(topo):
        y = canvas.band(band, gateways, y)
    width = _LEFT + _PER_ROW * (_BOX_W + _GAP)
    head = (
        f'<svg id="network" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y + 60:.0f}" '
        f'viewBox="0 0 {width} {y + 60:.0f}" font-family="sans-serif">'
    )
    return "\n".join([head, _legend(), *canvas.lines, *_peerings(topo, canvas.places), *canvas.parts, "</svg>"])


def _subnet_colours(rows: list[dict[str, Any]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for row in rows:
        if row["service"]["kind"] == "aws" and row["service"]["key"] == "s3" and row["subnet"] not in found:
            path = row["path"]
            kind = (
                "stopped"
                if row["verdict"] != "reachable"
                else next(
                    (
                        k
                        for k in (
                            "gateway endpoint",
                            "interface endpoint",
                            "NAT gateway",
                            "transit gateway",
                            "internet gateway",
                        )
                        if k in path
                    ),
                    "internet gateway",
                )
            )
            found[row["subnet"]] = kind
    return found


def _bands(topo: Topology) -> list[tuple[list[str], list[str]]]:
    """(VPCs, transit gateways) per group of connected VPCs; the unconnected VPCs together, last."""
    attached: dict[str, set[str]] = defaultdict(set)
    for (gateway, _), view in topo.tgw_views.items():
        if view.kind == "vpc" and view.vpc_id:
            attached[view.vpc_id].add(gateway)
    groups = components(topo)
    joined = [g for g in groups if len(g) > 1]
    alone = sorted(v for g in groups if len(g) == 1 for v in g)
    bands = [(g, sorted({t for v in g for t in attached[v]})) for g in joined]
    return bands + ([(alone, sorted({t for v in alone for t in attached[v]}))] if alone else [])


class _Canvas:
    """The shapes drawn so far, and what each VPC box shows (counted once for the whole topology)."""

    def __init__(self, topo: Topology, colours: dict[str, str], names: dict[str, str]) -> None:
        self.topo, self.colours, self.names = topo, colours, names
        self.places: dict[str, tuple[float, float]] = {}
        self.parts: list[str] = []
        self.lines: list[str] = []  # drawn first, under the boxes
        self.subnets: dict[str, list[str]] = defaultdict(list)
        for subnet in topo.subnets.values():
            self.subnets[subnet.vpc_id].append(subnet.id)
        self.badges: dict[str, Counter[str]] = defaultdict(Counter)
        for nat in topo.nat_gateways.values():
            if nat.subnet_id in topo.subnets:
                self.badges[topo.subnets[nat.subnet_id].vpc_id]["NAT"] += 1
        for endpoint in topo.endpoints.values():
            self.badges[endpoint.vpc_id]["GW-EP" if endpoint.kind == "Gateway" else "IF-EP"] += 1
        self.attached: dict[str, list[str]] = defaultdict(list)
        for (gateway, _), view in topo.tgw_views.items():
            if view.kind == "vpc" and view.vpc_id:
                self.attached[gateway].append(view.vpc_id)

    def band(self, vpcs: list[str], gateways: list[str], y: float) -> float:
        rows = (len(vpcs) + _PER_ROW - 1) // _PER_ROW
        height = max(rows * (_BOX_H + _GAP), 50 * len(gateways) + 10)
        self.lines.append(
            f'<rect x="4" y="{y - 8:.1f}" width="{_LEFT + _PER_ROW * (_BOX_W + _GAP) - 8}" '
            f'height="{height + 8:.1f}" fill="#f9fafb" stroke="#e5e7eb" rx="8"/>'
        )
        for n, vpc_id in enumerate(vpcs):
            x, top = _LEFT + (n % _PER_ROW) * (_BOX_W + _GAP), y + (n // _PER_ROW) * (_BOX_H + _GAP)
            self.places[vpc_id] = (x + _BOX_W / 2, top + _BOX_H / 2)
            self.parts.append(self.vpc_box(vpc_id, x, top))
        for n, gateway in enumerate(gateways):
            self.gateway(gateway, 50.0, y + 30 + n * 50)
        return y + height + 30

    def gateway(self, gateway: str, cx: float, cy: float) -> None:
        for vpc_id in self.attached[gateway]:
            if vpc_id in self.places:
                px, py = self.places[vpc_id]
                self.lines.append(
                    f'<line x1="{cx}" y1="{cy}" x2="{px - _BOX_W / 2:.1f}" y2="{py:.1f}" '
                    'stroke="#0891b2" stroke-width="1.2" opacity="0.6"/>'
                )
        label = self.names.get(gateway) or gateway
        self.parts.append(
            f'<circle cx="{cx}" cy="{cy}" r="18" fill="#0891b2"><title>{escape(label)} ({gateway})'
            "</title></circle>" + _text(cx, cy + 4, "TGW", font_size=10, fill="white", text_anchor="middle")
        )

    def vpc_box(self, vpc_id: str, x: float, y: float) -> str:
        vpc = self.topo.vpcs[vpc_id]
        title = self.names.get(vpc_id) or vpc_id
        counts = self.badges[vpc_id]
        badges = " ".join(
            [
                *(["IGW"] if vpc.internet_gateway else []),
                *(f"{k} x{counts[k]}" for k in ("NAT", "GW-EP", "IF-EP") if counts[k]),
            ]
        )
        tip = escape(f"{vpc_id} {title} {vpc.account} {vpc.region} {', '.join(str(c) for c in vpc.cidrs)}")
        parts = [
            f'<g class="vpc" id="draw-{vpc_id}"><rect x="{x}" y="{y}" width="{_BOX_W}" height="{_BOX_H}" '
            f'fill="white" stroke="#6b7280" rx="6"><title>{tip}</title></rect>',
            _text(x + 8, y + 16, title[:30], font_size=12, font_weight="bold"),
            _text(x + 8, y + 30, f"{vpc.region} {vpc.cidrs[0] if vpc.cidrs else ''}", font_size=10, fill="#4b5563"),
            _text(x + 8, y + _BOX_H - 8, badges, font_size=10, fill="#374151"),
        ]
        for n, subnet in enumerate(sorted(self.subnets[vpc_id])[:24]):
            sx, sy = x + 8 + (n % 12) * 18, y + 40 + (n // 12) * 18
            kind = self.colours.get(subnet, "no compute")
            label = f"{subnet} {self.names.get(subnet, '')} {self.topo.subnets[subnet].cidr}: S3 {kind}"
            parts.append(
                f'<rect x="{sx:.1f}" y="{sy:.1f}" width="14" height="14" fill="{S3_COLOURS[kind]}" rx="2">'
                f"<title>{escape(label)}</title></rect>"
            )
        return "".join(parts) + "</g>"


def _peerings(topo: Topology, places: dict[str, tuple[float, float]]) -> list[str]:
    lines = []
    for peering in topo.peerings.values():
        a, b = places.get(peering.requester.vpc_id), places.get(peering.accepter.vpc_id)
        if a is None or b is None or peering.status != "active":
            continue
        dash = ' stroke-dasharray="6 4"' if peering.requester.region != peering.accepter.region else ""
        lines.append(
            f'<line x1="{a[0]:.1f}" y1="{a[1]:.1f}" x2="{b[0]:.1f}" y2="{b[1]:.1f}" stroke="#9333ea" '
            f'stroke-width="2"{dash}><title>{peering.id}</title></line>'
        )
    return lines


def _legend() -> str:
    parts = [_text(10, 16, "Subnet colour: its path to S3", font_size=11, font_weight="bold")]
    for n, (kind, colour) in enumerate(S3_COLOURS.items()):
        x = 210 + n * 120
        parts += [
            f'<rect x="{x}" y="5" width="12" height="12" fill="{colour}"/>',
            _text(x + 16, 16, kind, font_size=11),
        ]
    return "".join(parts)
