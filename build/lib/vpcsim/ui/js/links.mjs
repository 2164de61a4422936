// Lines between boxes: what joins VPCs, hubs and services, as a table of the topology API's lists. Each rule reads
// one list and joins ids drawn earlier (scene.boxes, scene.pos), so a line is drawn only when both ends are on the
// diagram (a filter may hide one). A new kind of join (a VPN connection to an on-premises box, a hosted zone's VPC
// associations) is one more rule. Pure (no DOM).

import { cut, esc } from "./format.mjs";

const center = (box) => ({ x: box.x + box.w / 2, y: box.y + box.h / 2 });
const line = (cls, a, b) => `<path class="${cls}" d="M${a.x} ${a.y} L${b.x} ${b.y}"/>`;

/** The middle of the segment a-b that lies outside every box, so that a mark there is not hidden behind a VPC. */
export function midpointOutside(a, b, boxes) {
  const inside = (p) => boxes.some((r) => p.x > r.x && p.x < r.x + r.w && p.y > r.y && p.y < r.y + r.h);
  const pts = [];
  for (let t = 0; t <= 1.0001; t += 0.02) pts.push({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t });
  const out = pts.filter((p) => !inside(p));
  return out.length ? out[Math.floor(out.length / 2)] : pts[25];
}

function peering(p, scene, links, marks) {
  const a = scene.boxes.get(p.requester), b = scene.boxes.get(p.accepter);
  if (!a || !b) return;
  const pa = center(a), pb = center(b);
  links.push(line(`link k-${p.kind}`, pa, pb));
  const m = midpointOutside(pa, pb, [...scene.boxes.values()]);
  scene.describe(p);
  scene.place(p.id, m.x, m.y);
  scene.searchable(p.id, p.name, p.id);
  marks.push(`<g class="pcx-mark" data-id="${esc(p.id)}" data-kind="${p.kind}"><title>${esc(p.id)} ${esc(p.status)}</title>`,
    `<circle class="icon" cx="${m.x}" cy="${m.y}" r="9"/><text class="label" x="${m.x + 13}" y="${m.y + 4}">${esc(cut(p.name, 34))}${p.inter_region ? " (inter-region)" : ""}</text></g>`);
}

/** A rule joining a hub's box to the boxes of the ids `ends(hub)` names. */
const hubTo = (cls, ends) => (hub, scene, links) => {
  const from = scene.boxes.get(hub.id);
  if (!from) return;
  for (const id of ends(hub)) {
    const to = scene.boxes.get(id);
    if (to) links.push(line(cls, center(from), center(to)));
  }
};

function serviceUse(service, scene, links) {
  // A curve from each endpoint that reaches the service to the service's box in the right-hand column.
  const hub = scene.boxes.get(service.id);
  for (const id of service.endpoints) {
    const from = scene.point(id);
    if (hub && from) links.push(`<path class="link uses" d="M${from.x} ${from.y} C${from.x + 120} ${from.y} ${hub.x - 120} ${center(hub).y} ${hub.x} ${center(hub).y}"/>`);
  }
}

// [topology list, rule(item, scene, links, marks)], drawn in this order.
export const LINKS = [
  ["peerings", peering],
  ["transit_gateways", hubTo("link k-transit-gateway", (t) => t.attachments.map((a) => a.vpc || a.peer_gateway))],
  ["endpoint_services", hubTo("link consumer", (s) => s.consumers.map((c) => c.vpc))],
  ["aws_services", serviceUse],
];

/** Appends the lines to `links` and the marks on them (peering) to `marks`. */
export function drawLinks(topo, scene, links, marks) {
  for (const [list, rule] of LINKS) for (const item of topo[list] || []) rule(item, scene, links, marks);
}
