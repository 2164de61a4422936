// Every kind of thing the diagram draws, in one table: kind (as the topology API and a trace hop name it) -> how it
// looks. Adding a kind to the diagram is one entry here (plus, for a new place on the diagram, the topology field
// that holds it: VPC_EDGES and HUB_LISTS in layout.mjs, LINKS in links.mjs). Pure (no DOM).
//
// An entry may have:
//   color   the kind's colour (a CSS value): its icon's fill, its legend swatch, its hub's border, its link's line
//   legend  the label of its swatch in the legend (none: not in the legend)
//   icon    (x, y) -> SVG markup of the small icon of an entry in a subnet's list, centred on (x, y)
//   detail  (item) -> the grey text at the right of that entry (default: its IP address)
//   edge    {icon, cls}: the large icon when it sits on a VPC's edge (cls: extra classes of its group)
//   hub     {label, sub}: (item) -> the two lines of its box when it is drawn as a box (a hub) in a region
// A kind missing from the table is still drawn, as a plain small square with its id: the UI never hides what the
// server sends.

import { plural } from "./format.mjs";

const square = (half, rx) => (x, y) =>
  `<rect class="icon" x="${x - half}" y="${y - half}" width="${2 * half}" height="${2 * half}" rx="${rx}"/>`;
const diamond = (r) => (x, y) => `<path class="icon" d="M${x} ${y - r} L${x + r} ${y} L${x} ${y + r} L${x - r} ${y} Z"/>`;
const nat = (x, y) =>
  `<circle class="icon" cx="${x}" cy="${y}" r="7.5"/><path d="M${x - 4} ${y} h8 m-3 -3 l3 3 l-3 3" stroke="#fff" stroke-width="1.6" fill="none"/>`;
const balancer = (x, y) =>
  `<circle class="icon" cx="${x}" cy="${y}" r="7.5"/><path d="M${x - 4} ${y} h8 M${x} ${y - 4} v8" stroke="#fff" stroke-width="1.6"/>`;
const lock = (x, y) =>
  `<rect class="icon" x="${x - 13}" y="${y - 13}" width="26" height="26" rx="4"/><rect x="${x - 6}" y="${y - 2}" width="12" height="9" fill="#fff"/><path d="M${x - 4} ${y - 2} v-3 a4 4 0 0 1 8 0 v3" stroke="#fff" stroke-width="2" fill="none"/>`;
const upOnly = (x, y) =>
  `<rect class="icon" x="${x - 13}" y="${y - 13}" width="26" height="26" rx="4"/><path d="M${x} ${y + 7} v-13 m-5 5 l5 -5 l5 5" stroke="#fff" stroke-width="2" fill="none"/>`;
const gateway = (x, y) =>
  `<rect class="icon" x="${x - 13}" y="${y - 13}" width="26" height="26" rx="4"/><path d="M${x - 6} ${y + 5} v-7 a6 6 0 0 1 12 0 v7" stroke="#fff" stroke-width="2" fill="none"/>`;

export const KINDS = {
  instance: { color: "var(--instance)", legend: "instance", icon: square(7, 2) },
  "nat-gateway": { color: "var(--nat)", legend: "NAT gateway", icon: nat },
  "vpc-endpoint": {
    color: "var(--endpoint)",
    legend: "VPC endpoint",
    icon: diamond(8),
    detail: (e) => (e.state === "available" ? e.endpoint_type : e.state),
    edge: { icon: diamond(14), cls: "gw-endpoint" },
  },
  "load-balancer": {
    color: "var(--lb)",
    legend: "load balancer",
    icon: balancer,
    detail: (lb) => (lb.lb_type === "network" ? "NLB" : lb.lb_type),
  },
  "network-interface": { color: "#7d8998", icon: square(5, 1) },
  "internet-gateway": { color: "var(--igw)", legend: "internet gateway", edge: { icon: gateway } },
  "egress-only-internet-gateway": { color: "var(--eigw)", legend: "egress-only gateway (IPv6 out)", edge: { icon: upOnly } },
  "vpn-gateway": { color: "var(--vpn)", legend: "VPN gateway", edge: { icon: lock } },
  "vpn-connection": { color: "var(--vpn)" },
  "customer-gateway": {
    color: "var(--onprem)",
    legend: "on-premises network",
    hub: { label: (c) => `On-premises: ${c.name}`, sub: (c) => [c.ip, ...c.prefixes].filter(Boolean).join(" · ") || c.id },
  },
  "transit-gateway": {
    color: "var(--nat)",
    hub: { label: (t) => `Transit gateway: ${t.name}`, sub: (t) => `${t.id}${t.flow_logs?.length ? " · flow log" : ""}` },
  },
  "endpoint-service": {
    color: "var(--endpoint)",
    hub: { label: (s) => `Endpoint service: ${s.name}`, sub: (s) => `${plural(s.consumers.length, "consumer endpoint")} · ${s.id}` },
  },
  "aws-service": { color: "var(--service)", legend: "AWS service", hub: { label: (s) => s.name, sub: (s) => s.hostname } },
  "vpc-peering-connection": { color: "var(--vpc)" },
};

const UNKNOWN = { icon: square(5, 1), edge: { icon: diamond(14) }, hub: { label: (h) => `${h.kind}: ${h.name}`, sub: (h) => h.id } };

/** The table's entry for `kind`, with what it leaves out filled from the entry for an unknown kind. */
export function kindOf(kind) {
  const entry = KINDS[kind] || {};
  return { detail: (item) => item.ip || "", ...UNKNOWN, ...entry };
}

/** The CSS that colours each kind (inserted once at start, after app.css). */
export function kindStyles() {
  return Object.entries(KINDS)
    .filter(([, entry]) => entry.color)
    .map(([kind, { color }]) =>
      `.k-${kind} .icon { fill: ${color}; } .sw.k-${kind} { background: ${color}; } ` +
      `.hub.k-${kind} > rect { stroke: ${color}; } .link.k-${kind} { stroke: ${color}; }`)
    .join("\n");
}

/** The legend's swatches: the two kinds of subnet, then every kind that has a legend label. */
export function legendMarkup() {
  const swatches = [["public", "public subnet"], ["private", "private subnet"]];
  for (const [kind, entry] of Object.entries(KINDS)) if (entry.legend) swatches.push([`k-${kind}`, entry.legend]);
  return swatches.map(([cls, label]) => `<span><i class="sw ${cls}"></i>${label}</span>`).join("");
}
