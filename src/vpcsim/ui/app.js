// vpcsim's web view. Plain JavaScript and one SVG, no framework and no build step (it ships inside the package and
// works offline).
//
// Design: GET /_vpcsim/api/topology gives a layout-ready tree (accounts -> regions -> VPCs -> AZs -> subnets ->
// resources, plus peerings, transit gateways, endpoint services and AWS services). `layout*` functions measure and
// place it with simple grid/flow rules (AZ columns inside VPCs, VPCs in a grid inside regions, regions side by side
// inside accounts, accounts stacked, AWS services in a column on the right); `emit*` functions write SVG markup as
// strings (one innerHTML per redraw: fast at 2,000 resources). Every drawn element carries data-id (the AWS id a
// trace hop names) and data-kind; `S.pos` maps an id to where it is drawn, which is how a trace becomes a line.
// Live: GET /_vpcsim/api/revision every 2 s; a new revision reloads the topology and re-runs the shown trace.
"use strict";

const API = "/_vpcsim/api";
const G = {
  subW: 240, itemH: 22, subHead: 38, maxItems: 14, azPad: 8, azHead: 22, azGap: 12,
  vpcPad: 16, vpcHead: 50, rtH: 22, rtW: 210, vpcGapX: 190, vpcGapY: 80,
  regionHead: 40, regionPad: 26, accountHead: 40, accountPad: 20, accountGap: 50,
  hubW: 230, hubH: 52, hubGap: 30, farZoom: 0.3,
};
const S = {
  topo: null, view: { x: 20, y: 20, k: 1 }, size: { w: 0, h: 0 }, pos: new Map(), meta: new Map(),
  boxes: new Map(), index: [], trace: null, request: null, fitted: false, polling: null,
};
const $ = (sel) => document.querySelector(sel);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const cut = (s, n) => (String(s).length > n ? String(s).slice(0, n - 1) + "…" : String(s));
const money = (usd, digits = 2) => "$" + Number(usd).toFixed(digits);

// -- data ------------------------------------------------------------------------------------------------------------
async function getJson(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = body.error || {};
    throw new Error(`${error.code || response.status}: ${error.message || response.statusText}`);
  }
  return body;
}

function topologyQuery() {
  const params = new URLSearchParams();
  for (const [name, id] of [["account", "#f-account"], ["region", "#f-region"], ["vpc", "#f-vpc"]]) {
    if ($(id).value) params.set(name, $(id).value);
  }
  return params.toString();
}

async function loadTopology() {
  const query = topologyQuery();
  S.topo = await getJson(`${API}/topology${query ? "?" + query : ""}`);
  fillFilters(S.topo.filters);
  fillSuggestions(S.topo.suggestions, S.topo.examples);
  draw();
}

// -- layout: measure and place ---------------------------------------------------------------------------------------
function registerPos(id, x, y, extra = {}) {
  if (!id) return;
  if (!S.pos.has(id)) S.pos.set(id, []);
  S.pos.get(id).push({ x, y, ...extra });
}

function subnetHeight(subnet) {
  const n = subnet.resources.length;
  const rows = Math.min(n, G.maxItems) + (n > G.maxItems ? 1 : 0);
  return G.subHead + Math.max(1, rows) * G.itemH + 6;
}

function azHeight(az) {
  return G.azHead + az.subnets.reduce((sum, s) => sum + subnetHeight(s) + 10, 0) + G.azPad - 10;
}

function sortSubnets(subnets) {
  return [...subnets].sort((a, b) => (b.public - a.public) || a.cidr.localeCompare(b.cidr, undefined, { numeric: true }));
}

function measureVpc(vpc) {
  const colW = G.subW + 2 * G.azPad;
  const n = Math.max(1, vpc.azs.length);
  const w = Math.max(320, n * colW + (n - 1) * G.azGap + 2 * G.vpcPad);
  const colH = Math.max(60, ...vpc.azs.map(azHeight));
  const perRow = Math.max(1, Math.floor((w - 2 * G.vpcPad + 8) / (G.rtW + 8)));
  const rtRows = Math.ceil(vpc.route_tables.length / perRow);
  const rtBlock = rtRows ? 20 + rtRows * (G.rtH + 6) : 0;
  const edgeBlock = vpc.gateway_endpoints.length * 46;
  const h = G.vpcHead + colH + 12 + Math.max(rtBlock, edgeBlock) + G.vpcPad;
  return { w, h, colW, colH, perRow };
}

function visibleVpcs(region) {
  const showDefault = $("#f-default").checked || $("#f-vpc").value;
  return region.vpcs.filter((v) => showDefault || !v.default);
}

function hubsFor(account, region) {
  const topo = S.topo;
  const tgws = topo.transit_gateways.filter((t) => t.account === account && t.region === region);
  const services = topo.endpoint_services.filter((s) => s.account === account && s.region === region);
  return [...tgws, ...services];
}

function layoutRegion(account, region) {
  const vpcs = visibleVpcs(region).map((vpc) => ({ vpc, size: measureVpc(vpc) }));
  const hubs = hubsFor(account.id, region.name);
  if (!vpcs.length && !hubs.length) return null;
  const cols = Math.max(1, Math.min(vpcs.length, Math.ceil(Math.sqrt(vpcs.length / 3))));
  const rows = [];
  for (let i = 0; i < vpcs.length; i += cols) rows.push(vpcs.slice(i, i + cols));
  let y = G.regionHead + 20;
  let w = 0;
  for (const row of rows) {
    let x = G.regionPad;
    for (const cell of row) {
      Object.assign(cell, { dx: x, dy: y });
      x += cell.size.w + G.vpcGapX;
    }
    w = Math.max(w, x - G.vpcGapX + G.vpcGapX * 0.8);
    y += Math.max(...row.map((c) => c.size.h)) + G.vpcGapY;
  }
  const bottom = rows.length ? y - G.vpcGapY : y;
  const hubY = bottom + 30;
  hubs.forEach((hub, i) => Object.assign(hub, { dx: G.regionPad + i * (G.hubW + G.hubGap), dy: hubY }));
  w = Math.max(w, G.regionPad + hubs.length * (G.hubW + G.hubGap), 360);
  const h = (hubs.length ? hubY + G.hubH : bottom) + G.regionPad;
  return { region, vpcs, hubs, w, h };
}

function layoutAccount(account) {
  const regions = account.regions.map((r) => layoutRegion(account, r)).filter(Boolean);
  if (!regions.length) return null;
  let x = G.accountPad;
  for (const r of regions) {
    r.dx = x;
    r.dy = G.accountHead;
    x += r.w + 40;
  }
  const h = G.accountHead + Math.max(...regions.map((r) => r.h)) + G.accountPad;
  return { account, regions, w: x - 40 + G.accountPad, h };
}

function layoutWorld(topo) {
  // Accounts flow left to right and wrap, so that the diagram is about as wide as a screen is.
  const accounts = topo.accounts.map(layoutAccount).filter(Boolean);
  const area = accounts.reduce((sum, a) => sum + a.w * a.h, 0);
  const rowW = Math.max(...accounts.map((a) => a.w), Math.sqrt(area) * 1.7, 0);
  let x = 0, y = 0, rowH = 0, w = 0;
  for (const a of accounts) {
    if (x > 0 && x + a.w > rowW) {
      x = 0;
      y += rowH + G.accountGap;
      rowH = 0;
    }
    Object.assign(a, { dx: x, dy: y });
    x += a.w + G.accountGap;
    rowH = Math.max(rowH, a.h);
    w = Math.max(w, x - G.accountGap);
  }
  const services = topo.aws_services;
  const servicesBox = { x: w + 160, y: 0, w: G.hubW + 40, h: 50 + services.length * (G.hubH + 18) + 24 * regionsOf(services).length };
  return { accounts, servicesBox, w: servicesBox.x + servicesBox.w, h: Math.max(y + rowH, servicesBox.h) };
}

function regionsOf(services) {
  return [...new Set(services.map((s) => s.region))];
}

// -- emit: SVG markup ------------------------------------------------------------------------------------------------
function iconMarkup(kind, x, y) {
  if (kind === "instance") return `<rect class="icon" x="${x - 7}" y="${y - 7}" width="14" height="14" rx="2"/>`;
  if (kind === "vpc-endpoint") return `<path class="icon" d="M${x} ${y - 8} L${x + 8} ${y} L${x} ${y + 8} L${x - 8} ${y} Z"/>`;
  if (kind === "nat-gateway") return `<circle class="icon" cx="${x}" cy="${y}" r="7.5"/><path d="M${x - 4} ${y} h8 m-3 -3 l3 3 l-3 3" stroke="#fff" stroke-width="1.6" fill="none"/>`;
  if (kind === "load-balancer") return `<circle class="icon" cx="${x}" cy="${y}" r="7.5"/><path d="M${x - 4} ${y} h8 M${x} ${y - 4} v8" stroke="#fff" stroke-width="1.6"/>`;
  return `<rect class="icon" x="${x - 5}" y="${y - 5}" width="10" height="10" rx="1"/>`;
}

function itemDetail(res) {
  if (res.kind === "vpc-endpoint") return res.state === "available" ? res.endpoint_type : res.state;
  if (res.kind === "load-balancer") return res.lb_type === "network" ? "NLB" : res.lb_type;
  return res.ip || "";
}

function emitResource(out, res, x, y, zone, vpc) {
  const w = G.subW - 8;
  const cy = y + G.itemH / 2 - 1;
  S.meta.set(res.id, res);
  registerPos(res.id, x + 12, cy, { zone, vpc });
  S.index.push({ id: res.id, text: `${res.name} ${res.id} ${res.ip || ""} ${res.dns || ""}`.toLowerCase() });
  out.push(`<g class="res k-${res.kind}" data-id="${esc(res.id)}" data-kind="${res.kind}"><title>${esc(res.kind)} ${esc(res.id)}</title>`,
    `<rect class="bg" x="${x}" y="${y}" width="${w}" height="${G.itemH - 2}" rx="3"/>`, iconMarkup(res.kind, x + 12, cy),
    `<text class="label" x="${x + 26}" y="${cy + 4}">${esc(cut(res.name, 22))}</text>`);
  const enis = res.interfaces || [];
  const badges = res.kind === "network-interface" ? [] : enis.slice(0, 3);
  const ipRight = x + w - 6 - badges.length * 11;
  out.push(`<text class="ip" x="${ipRight}" y="${cy + 4}" text-anchor="end">${esc(cut(itemDetail(res), 16))}</text></g>`);
  badges.forEach((eni, i) => {
    const bx = x + w - 14 - (badges.length - 1 - i) * 11;
    registerPos(eni.id, bx + 4, cy, { zone, vpc });
    S.meta.set(eni.id, { kind: "network-interface", id: eni.id, name: eni.id, ip: eni.ip, owner: res.id });
    out.push(`<rect class="eni" data-id="${esc(eni.id)}" data-kind="network-interface" x="${bx}" y="${cy - 4}" width="8" height="8"><title>${esc(eni.id)} ${esc(eni.ip)}</title></rect>`);
  });
}

function emitSubnet(out, subnet, x, y, vpc) {
  const h = subnetHeight(subnet);
  const side = subnet.public ? "public" : "private";
  S.meta.set(subnet.id, subnet);
  registerPos(subnet.id, x + G.subW / 2, y + 18, { zone: subnet.zone, vpc });
  S.index.push({ id: subnet.id, text: `${subnet.name} ${subnet.id} ${subnet.cidr}`.toLowerCase() });
  out.push(`<g class="subnet ${side}" data-id="${esc(subnet.id)}" data-kind="subnet">`,
    `<rect class="frame" x="${x}" y="${y}" width="${G.subW}" height="${h}" rx="2"/>`,
    `<text class="box-title" x="${x + 8}" y="${y + 16}">${esc(cut(subnet.name, 30))}</text>`,
    `<text class="box-sub" x="${x + 8}" y="${y + 30}">${esc(subnet.cidr)} · ${side} subnet</text></g>`);
  const shown = subnet.resources.slice(0, G.maxItems);
  shown.forEach((res, i) => emitResource(out, res, x + 4, y + G.subHead + i * G.itemH, subnet.zone, vpc));
  const more = subnet.resources.length - shown.length;
  if (more > 0) {
    for (const res of subnet.resources.slice(G.maxItems)) registerPos(res.id, x + G.subW / 2, y + h - 12, { zone: subnet.zone, vpc });
    out.push(`<text class="more" x="${x + 10}" y="${y + h - 8}">+ ${more} more (search to find one)</text>`);
  }
  return h;
}

function emitEdgeIcon(out, item, cx, cy, label, labelX, labelY, anchor, vpc) {
  S.meta.set(item.id, item);
  registerPos(item.id, cx, cy, { vpc });
  S.index.push({ id: item.id, text: `${item.name} ${item.id}`.toLowerCase() });
  const shape = item.kind === "internet-gateway"
    ? `<rect class="icon" x="${cx - 13}" y="${cy - 13}" width="26" height="26" rx="4"/><path d="M${cx - 6} ${cy + 5} v-7 a6 6 0 0 1 12 0 v7" stroke="#fff" stroke-width="2" fill="none"/>`
    : `<path class="icon" d="M${cx} ${cy - 14} L${cx + 14} ${cy} L${cx} ${cy + 14} L${cx - 14} ${cy} Z"/>`;
  const cls = item.kind === "internet-gateway" ? "edge k-internet-gateway" : "edge gw-endpoint k-vpc-endpoint";
  out.push(`<g class="${cls}" data-id="${esc(item.id)}" data-kind="${item.kind}"><title>${esc(item.kind)} ${esc(item.id)}</title>${shape}`,
    `<text class="label" x="${labelX}" y="${labelY}" text-anchor="${anchor}">${esc(cut(label, 30))}</text></g>`);
}

function emitRouteTables(out, vpc, x, y, size) {
  out.push(`<text class="box-sub" x="${x}" y="${y + 12}">Route tables</text>`);
  vpc.route_tables.forEach((rt, i) => {
    const cx = x + (i % size.perRow) * (G.rtW + 8);
    const cy = y + 18 + Math.floor(i / size.perRow) * (G.rtH + 6);
    S.meta.set(rt.id, rt);
    registerPos(rt.id, cx + G.rtW / 2, cy + G.rtH / 2, { vpc: vpc.id });
    S.index.push({ id: rt.id, text: `${rt.name} ${rt.id}`.toLowerCase() });
    const routes = rt.routes.map((r) => `${r.destination} → ${r.target}${r.state === "active" ? "" : " (" + r.state + ")"}`).join("\n");
    const label = `${rt.main ? "main · " : ""}${rt.name}`;
    out.push(`<g class="rt" data-id="${esc(rt.id)}" data-kind="route-table"><title>${esc(rt.id)}\n${esc(routes)}</title>`,
      `<rect x="${cx}" y="${cy}" width="${G.rtW}" height="${G.rtH}" rx="3"/>`,
      `<text class="label" x="${cx + 6}" y="${cy + 15}">${esc(cut(label, 24))} · ${rt.subnets.length} subnet${rt.subnets.length === 1 ? "" : "s"}</text></g>`);
  });
}

function emitVpc(out, cell, x, y) {
  const { vpc, size } = cell;
  S.boxes.set(vpc.id, { x, y, w: size.w, h: size.h });
  S.meta.set(vpc.id, vpc);
  S.index.push({ id: vpc.id, text: `${vpc.name} ${vpc.id} ${vpc.cidrs.join(" ")}`.toLowerCase() });
  out.push(`<g class="vpc${vpc.default ? " default" : ""}" data-id="${esc(vpc.id)}" data-kind="vpc"><title>${esc(vpc.id)}</title>`,
    `<rect class="frame" x="${x}" y="${y}" width="${size.w}" height="${size.h}" rx="4"/>`,
    `<text class="box-title" x="${x + G.vpcPad}" y="${y + 22}">VPC ${esc(cut(vpc.name, 40))}</text>`,
    `<text class="box-sub" x="${x + G.vpcPad}" y="${y + 38}">${esc(vpc.cidrs.join(", "))} · ${esc(vpc.id)}</text></g>`);
  vpc.azs.forEach((az, i) => {
    const ax = x + G.vpcPad + i * (size.colW + G.azGap);
    const ay = y + G.vpcHead;
    out.push(`<g class="az"><rect x="${ax}" y="${ay}" width="${size.colW}" height="${size.colH}" rx="3"/><text x="${ax + 8}" y="${ay + 15}">${esc(az.name)}</text></g>`);
    let sy = ay + G.azHead;
    for (const subnet of sortSubnets(az.subnets)) sy += emitSubnet(out, subnet, ax + G.azPad, sy, vpc.id) + 10;
  });
  const rtY = y + G.vpcHead + size.colH + 12;
  emitRouteTables(out, vpc, x + G.vpcPad, rtY, size);
  if (vpc.internet_gateway) {
    const gx = x + size.w - 70;
    emitEdgeIcon(out, vpc.internet_gateway, gx, y, vpc.internet_gateway.name, gx, y - 20, "middle", vpc.id);
  }
  vpc.gateway_endpoints.forEach((e, i) => {
    const gy = rtY + 20 + i * 46;
    emitEdgeIcon(out, e, x + size.w, gy, e.name, x + size.w + 20, gy + 4, "start", vpc.id);
    for (const rt of e.route_tables) {
      const p = (S.pos.get(rt) || []).find((q) => q.vpc === vpc.id);
      if (p) out.push(`<path class="link rt-link" d="M${x + size.w - 14} ${gy} L${p.x + G.rtW / 2} ${p.y}"/>`);
    }
  });
}

function emitHub(out, hub, x, y) {
  S.meta.set(hub.id, hub);
  registerPos(hub.id, x + G.hubW / 2, y + G.hubH / 2);
  S.boxes.set(hub.id, { x, y, w: G.hubW, h: G.hubH });
  S.index.push({ id: hub.id, text: `${hub.name} ${hub.id} ${hub.service_name || hub.hostname || ""}`.toLowerCase() });
  const title = { "transit-gateway": "Transit gateway", "endpoint-service": "Endpoint service", "aws-service": "AWS service" }[hub.kind];
  const sub = hub.kind === "endpoint-service" ? `${hub.consumers.length} consumer endpoint${hub.consumers.length === 1 ? "" : "s"} · ${hub.id}`
    : hub.kind === "aws-service" ? hub.hostname : hub.id;
  out.push(`<g class="hub k-${hub.kind}" data-id="${esc(hub.id)}" data-kind="${hub.kind}"><title>${esc(hub.kind)} ${esc(hub.id)}</title>`,
    `<rect x="${x}" y="${y}" width="${G.hubW}" height="${G.hubH}" rx="6"/>`,
    `<text class="label" x="${x + 10}" y="${y + 20}">${esc(cut(hub.kind === "aws-service" ? hub.name : `${title}: ${hub.name}`, 32))}</text>`,
    `<text class="sub" x="${x + 10}" y="${y + 38}">${esc(cut(sub, 38))}</text></g>`);
}

function emitServices(out, box, services) {
  out.push(`<g class="services"><rect x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" rx="6"/>`,
    `<text class="box-title" x="${box.x + 14}" y="${box.y + 24}">AWS services (outside your VPCs)</text></g>`);
  let y = box.y + 44;
  for (const region of regionsOf(services)) {
    out.push(`<text class="box-sub" x="${box.x + 20}" y="${y + 12}">${esc(region)}</text>`);
    y += 20;
    for (const service of services.filter((s) => s.region === region)) {
      emitHub(out, service, box.x + 20, y);
      y += G.hubH + 18;
    }
    y += 4;
  }
}

function center(box) {
  return { x: box.x + box.w / 2, y: box.y + box.h / 2 };
}

function emitLinks(links, tops) {
  const topo = S.topo;
  for (const p of topo.peerings) {
    const a = S.boxes.get(p.requester), b = S.boxes.get(p.accepter);
    if (!a || !b) continue;
    const pa = center(a), pb = center(b);
    links.push(`<path class="link k-vpc-peering-connection" d="M${pa.x} ${pa.y} L${pb.x} ${pb.y}"/>`);
    const m = midpointOutside(pa, pb);
    S.meta.set(p.id, p);
    registerPos(p.id, m.x, m.y);
    S.index.push({ id: p.id, text: `${p.name} ${p.id}`.toLowerCase() });
    tops.push(`<g class="pcx-mark" data-id="${esc(p.id)}" data-kind="vpc-peering-connection"><title>${esc(p.id)} ${esc(p.status)}</title>`,
      `<circle class="icon" cx="${m.x}" cy="${m.y}" r="9"/><text class="label" x="${m.x + 13}" y="${m.y + 4}">${esc(cut(p.name, 34))}${p.inter_region ? " (inter-region)" : ""}</text></g>`);
  }
  for (const t of topo.transit_gateways) {
    const hub = S.boxes.get(t.id);
    if (!hub) continue;
    for (const a of t.attachments) {
      const box = S.boxes.get(a.vpc || a.peer_gateway);
      if (box) links.push(`<path class="link k-transit-gateway" d="M${center(hub).x} ${center(hub).y} L${center(box).x} ${center(box).y}"/>`);
    }
  }
  for (const s of topo.endpoint_services) {
    const hub = S.boxes.get(s.id);
    if (!hub) continue;
    for (const c of s.consumers) {
      const box = S.boxes.get(c.vpc);
      if (box) links.push(`<path class="link consumer" d="M${center(hub).x} ${center(hub).y} L${center(box).x} ${center(box).y}"/>`);
    }
  }
  for (const service of topo.aws_services) {
    const hub = S.boxes.get(service.id);
    for (const id of service.endpoints) {
      const from = (S.pos.get(id) || [])[0];
      if (hub && from) links.push(`<path class="link uses" d="M${from.x} ${from.y} C${from.x + 120} ${from.y} ${hub.x - 120} ${center(hub).y} ${hub.x} ${center(hub).y}"/>`);
    }
  }
}

function midpointOutside(a, b) {
  // The middle of the segment that lies outside every VPC box (so the mark is not hidden behind a VPC).
  const inside = (p) => [...S.boxes.values()].some((r) => p.x > r.x && p.x < r.x + r.w && p.y > r.y && p.y < r.y + r.h);
  const pts = [];
  for (let t = 0; t <= 1.0001; t += 0.02) pts.push({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t });
  const out = pts.filter((p) => !inside(p));
  return out.length ? out[Math.floor(out.length / 2)] : pts[25];
}

function draw() {
  S.pos = new Map();
  S.meta = new Map();
  S.boxes = new Map();
  S.index = [];
  const world = layoutWorld(S.topo);
  const frames = [], links = [], vpcs = [], tops = [];
  for (const a of world.accounts) {
    frames.push(`<g class="account" data-id="${a.account.id}" data-kind="account"><rect x="${a.dx}" y="${a.dy}" width="${a.w}" height="${a.h}" rx="6"/>`,
      `<text class="box-title" x="${a.dx + G.accountPad}" y="${a.dy + 26}">AWS account ${esc(a.account.id)}</text></g>`);
    for (const r of a.regions) {
      const rx = a.dx + r.dx, ry = a.dy + r.dy;
      frames.push(`<g class="region" data-kind="region"><rect x="${rx}" y="${ry}" width="${r.w}" height="${r.h}" rx="6"/>`,
        `<text class="box-title" x="${rx + 14}" y="${ry + 24}">Region ${esc(r.region.name)}</text></g>`);
      for (const cell of r.vpcs) emitVpc(vpcs, cell, rx + cell.dx, ry + cell.dy);
      for (const hub of r.hubs) emitHub(tops, hub, rx + hub.dx, ry + hub.dy);
    }
  }
  emitServices(tops, world.servicesBox, S.topo.aws_services);
  emitLinks(links, tops);
  $("#world").innerHTML = frames.join("") + `<g class="links">${links.join("")}</g>` + vpcs.join("") + tops.join("") + '<g id="path-layer"></g>';
  S.size = { w: world.w, h: world.h };
  $("#empty").hidden = world.accounts.length > 0;
  $("#count").textContent = `${S.topo.count} resources · revision ${S.topo.revision}`;
  if (!S.fitted) fit();
  applyView();
  if (S.trace) drawPath(S.trace);
  applySearch();
}

// -- zoom, pan, search -----------------------------------------------------------------------------------------------
function applyView() {
  const { x, y, k } = S.view;
  $("#world").setAttribute("transform", `translate(${x},${y}) scale(${k})`);
  $("#diagram").classList.toggle("far", k < G.farZoom);
}

function fit() {
  const box = $("#diagram").getBoundingClientRect();
  if (!box.width || !S.size.w) return;
  const k = Math.min(1.2, (box.width - 40) / (S.size.w + 40), (box.height - 40) / (S.size.h + 80));
  S.view = { k, x: 20, y: 40 };
  S.fitted = true;
  applyView();
}

function zoomAt(factor, mx, my) {
  const v = S.view;
  const k = Math.min(4, Math.max(0.05, v.k * factor));
  S.view = { k, x: mx - ((mx - v.x) / v.k) * k, y: my - ((my - v.y) / v.k) * k };
  applyView();
}

function centerOn(id) {
  const p = (S.pos.get(id) || [])[0];
  if (!p) return;
  const box = $("#diagram").getBoundingClientRect();
  const k = Math.max(S.view.k, 0.9);
  S.view = { k, x: box.width / 2 - p.x * k, y: box.height / 2 - p.y * k };
  applyView();
}

function applySearch() {
  document.querySelectorAll(".match").forEach((el) => el.classList.remove("match"));
  const q = $("#search").value.trim().toLowerCase();
  if (!q) return [];
  const hits = S.index.filter((entry) => entry.text.includes(q)).map((entry) => entry.id);
  for (const id of hits) selectAll(id).forEach((el) => el.classList.add("match"));
  return hits;
}

function selectAll(id) {
  return document.querySelectorAll(`#world [data-id="${CSS.escape(id)}"]`);
}

function wireCanvas() {
  const svg = $("#diagram");
  let drag = null;
  svg.addEventListener("wheel", (e) => {
    e.preventDefault();
    const box = svg.getBoundingClientRect();
    zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - box.left, e.clientY - box.top);
  }, { passive: false });
  svg.addEventListener("pointerdown", (e) => {
    drag = { x: e.clientX, y: e.clientY, vx: S.view.x, vy: S.view.y, moved: false };
  });
  svg.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    if (!drag.moved) svg.setPointerCapture(e.pointerId);
    drag.moved = true;
    svg.classList.add("dragging");
    S.view = { ...S.view, x: drag.vx + dx, y: drag.vy + dy };
    applyView();
  });
  svg.addEventListener("pointerup", (e) => {
    const wasDrag = drag && drag.moved;
    drag = null;
    svg.classList.remove("dragging");
    if (!wasDrag) pick(e);
  });
  const box = () => svg.getBoundingClientRect();
  $("#zoom-in").onclick = () => zoomAt(1.25, box().width / 2, box().height / 2);
  $("#zoom-out").onclick = () => zoomAt(0.8, box().width / 2, box().height / 2);
  $("#zoom-fit").onclick = fit;
  $("#search").addEventListener("input", applySearch);
  $("#search").addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      const hits = applySearch();
      if (hits.length) centerOn(hits[0]);
    }
  });
}

// -- choosing a source and a destination -----------------------------------------------------------------------------
function destinationOf(item) {
  if (item.kind === "aws-service") return item.hostname;
  if (item.kind === "vpc-endpoint" && item.dns) return item.dns;
  if (item.ip) return item.ip;
  const eni = (item.interfaces || [])[0];
  return eni ? eni.ip : null;
}

function pick(e) {
  const el = e.target.closest && e.target.closest("[data-id]");
  if (!el) return;
  const item = S.meta.get(el.dataset.id);
  if (!item) return;
  if (e.shiftKey) {
    const value = destinationOf(item);
    if (value) $("#destination").value = value;
    return;
  }
  const source = item.kind === "network-interface" ? item.owner && S.meta.get(item.owner)?.kind === "instance" ? item.owner : item.id : item.id;
  if ([...$("#source").options].some((o) => o.value === source)) {
    $("#source").value = source;
  } else if (item.kind === "network-interface") {
    addOption($("#source"), source, `${source} (${item.ip})`);
    $("#source").value = source;
  } else {
    const value = destinationOf(item);
    if (value) $("#destination").value = value;
  }
}

function addOption(select, value, label) {
  const option = document.createElement("option");
  option.value = value;
  option.textContent = label;
  select.appendChild(option);
}

function fillSelect(select, values, labelOf = (v) => v, first = null) {
  const kept = select.value;
  select.innerHTML = "";
  if (first !== null) addOption(select, "", first);
  for (const v of values) addOption(select, v, labelOf(v));
  if ([...select.options].some((o) => o.value === kept)) select.value = kept;
}

function fillFilters(filters) {
  fillSelect($("#f-account"), filters.accounts, (a) => a, "all");
  fillSelect($("#f-region"), filters.regions, (r) => r, "all");
  const vpcs = filters.vpcs.filter((v) => $("#f-default").checked || !v.default);
  const byId = Object.fromEntries(vpcs.map((v) => [v.id, v]));
  fillSelect($("#f-vpc"), vpcs.map((v) => v.id), (id) => `${byId[id].name} (${byId[id].region}, ${byId[id].account})`, "all");
  fillSelect($("#c-account"), filters.accounts);
  fillSelect($("#c-region"), filters.regions);
}

function fillSuggestions(suggestions, examples) {
  fillSelect($("#source"), suggestions.sources.map((s) => s.value), (v) => suggestions.sources.find((s) => s.value === v).label);
  $("#destinations").innerHTML = suggestions.destinations.map((d) => `<option value="${esc(d.value)}">${esc(d.label)}</option>`).join("");
  const select = $("#examples");
  const kept = select.value;
  select.innerHTML = '<option value="">choose one of the demo\'s scenarios</option>' +
    (examples || []).map((x, i) => `<option value="${i}">${esc(x.title)}</option>`).join("");
  select.value = kept;
  select.closest("label").hidden = !(examples || []).length;
}

// -- traces ----------------------------------------------------------------------------------------------------------
function traceRequest() {
  const request = { source: $("#source").value, destination: $("#destination").value.trim(), protocol: $("#protocol").value };
  const port = $("#port").value;
  request.port = port === "" ? null : Number(port);
  if ($("#action").value.trim()) {
    request.action = $("#action").value.trim();
    request.resource = $("#resource").value.trim() || "*";
  }
  return request;
}

async function runTrace(request, quiet = false) {
  $("#trace-error").hidden = true;
  try {
    const trace = await getJson(`${API}/trace`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(request) });
    S.trace = trace;
    S.request = request;
    showTrace(trace);
    const points = drawPath(trace);
    if (!quiet) fitPoints(points);
  } catch (error) {
    $("#trace-error").textContent = error.message;
    $("#trace-error").hidden = false;
  }
}

function stopId(trace) {
  if (trace.verdict === "reachable") return null;
  const first = (trace.explanations || [])[0];
  if (first && first.component && first.component.id) return first.component.id;
  const hops = trace.hops || [];
  return hops.length ? hops[hops.length - 1].component.id : null;
}

function showTrace(trace) {
  $("#trace-result").hidden = false;
  const verdict = $("#verdict");
  verdict.textContent = trace.verdict;
  verdict.className = `verdict ${trace.verdict}`;
  $("#internet").textContent = trace.internet ? "yes" : "no";
  $("#cost-per-gb").textContent = money(trace.usd_per_gb, 4);
  $("#endpoint-used").textContent = trace.endpoint || "none";
  $("#latency").textContent = `${trace.latency_ms} ms`;
  $("#explanations").innerHTML = (trace.explanations || []).map((x) =>
    `<p><span class="code">${esc(x.code)}</span> at ${esc(x.component.id)}: ${esc(x.detail)}</p>`).join("");
  $("#charges").innerHTML = (trace.charges || []).map((c) => `<p>${money(c.usd_per_gb, 4)}/GB · ${esc(c.item)}</p>`).join("");
  const stop = stopId(trace);
  $("#hops tbody").innerHTML = trace.hops.map((h, i) => {
    const c = h.component;
    const label = S.meta.get(c.id)?.name || c.name || "";
    const what = h.steps.map((s) => esc(s.detail)).join("<br>");
    return `<tr data-id="${esc(c.id)}" class="${c.id === stop ? "stop" : ""}"><td>${i + 1}</td><td><span class="kind">${esc(c.kind)}</span>${esc(cut(label && label !== c.id ? label : c.id, 28))}</td><td>${what}</td></tr>`;
  }).join("");
  $("#notes").innerHTML = (trace.notes || []).map((n) => `<li>${esc(n)}</li>`).join("");
}

function nearest(candidates, zone, prev) {
  const inZone = zone ? candidates.filter((c) => c.zone === zone) : [];
  const pool = inZone.length ? inZone : candidates;
  if (!prev) return pool[0];
  return pool.reduce((best, c) => (Math.hypot(c.x - prev.x, c.y - prev.y) < Math.hypot(best.x - prev.x, best.y - prev.y) ? c : best));
}

function drawPath(trace) {
  document.querySelectorAll("#world .on-path").forEach((el) => el.classList.remove("on-path", "stop"));
  const stop = stopId(trace);
  const points = [];
  let prev = null;
  trace.hops.forEach((hop, i) => {
    const c = hop.component;
    selectAll(c.id).forEach((el) => el.classList.add("on-path"));
    const candidates = S.pos.get(c.id);
    if (!candidates) return;
    const p = nearest(candidates, c.zone, prev);
    if (!prev || p.x !== prev.x || p.y !== prev.y) points.push({ ...p, n: i + 1, stop: c.id === stop });
    prev = p;
  });
  if (stop) selectAll(stop).forEach((el) => el.classList.add("on-path", "stop"));
  const line = points.map((p) => `${p.x},${p.y}`).join(" ");
  const blocked = trace.verdict === "reachable" ? "" : " blocked";
  $("#path-layer").innerHTML = (points.length > 1 ? `<polyline class="path-line${blocked}" points="${line}" marker-end="url(#arrow)"/>` : "") +
    points.map((p) => `<circle class="path-dot${p.stop ? " stop" : ""}" cx="${p.x}" cy="${p.y}" r="8"/><text class="path-num" x="${p.x}" y="${p.y}">${p.n}</text>`).join("");
  return points;
}

function fitPoints(points) {
  // Bring the whole path into view, as close as it fits (never closer than 1.1).
  if (!points.length) return;
  const xs = points.map((p) => p.x), ys = points.map((p) => p.y);
  const box = $("#diagram").getBoundingClientRect();
  const pad = 160;
  const w = Math.max(...xs) - Math.min(...xs) + 2 * pad, h = Math.max(...ys) - Math.min(...ys) + 2 * pad;
  const k = Math.min(1.1, box.width / w, box.height / h);
  const cx = (Math.max(...xs) + Math.min(...xs)) / 2, cy = (Math.max(...ys) + Math.min(...ys)) / 2;
  S.view = { k, x: box.width / 2 - cx * k, y: box.height / 2 - cy * k };
  applyView();
}

function clearTrace() {
  S.trace = null;
  S.request = null;
  $("#trace-result").hidden = true;
  $("#path-layer").innerHTML = "";
  document.querySelectorAll("#world .on-path").forEach((el) => el.classList.remove("on-path", "stop"));
}

function useExample() {
  const example = (S.topo.examples || [])[Number($("#examples").value)];
  if (!$("#examples").value || !example) return;
  $("#source").value = example.source;
  $("#destination").value = example.destination;
  $("#port").value = example.port ?? "";
  $("#action").value = example.action || "";
  $("#resource").value = example.resource || "";
  $("#action").closest("details").open = Boolean(example.action);
  runTrace(traceRequest());
}

// -- costs -----------------------------------------------------------------------------------------------------------
async function loadCost() {
  const account = $("#c-account").value, region = $("#c-region").value;
  if (!account || !region) return;
  try {
    const cost = await getJson(`${API}/cost?account=${encodeURIComponent(account)}&region=${encodeURIComponent(region)}`);
    $("#cost-total").textContent = `· ${money(cost.total_usd)} a month`;
    $("#cost-items tbody").innerHTML = cost.items.map((i) =>
      `<tr title="${esc(i.source)}"><td>${esc(i.item)}${i.resource_id ? ` <span class="kind">${esc(i.resource_id)}</span>` : ""}${i.uncertain ? " *" : ""}</td><td class="num">${money(i.usd)}</td></tr>`).join("") ||
      '<tr><td colspan="2">No priced network resources in this region.</td></tr>';
  } catch (error) {
    $("#cost-items tbody").innerHTML = `<tr><td colspan="2" class="error">${esc(error.message)}</td></tr>`;
  }
  await loadWhatIf(region);
}

async function loadWhatIf(region) {
  const max = Math.max(100, Number($("#w-max").value) || 2000);
  const volumes = Array.from({ length: 11 }, (_, i) => Math.round((max * i) / 10));
  const query = (v) => `${API}/what-if?region=${encodeURIComponent(region)}&volume_gb=${v}&service=${$("#w-service").value}&azs=${Number($("#w-azs").value) || 2}`;
  try {
    const answers = await Promise.all(volumes.map((v) => getJson(query(v))));
    drawChart(volumes, answers, max);
  } catch (error) {
    $("#break-even").textContent = error.message;
  }
}

function drawChart(volumes, answers, max) {
  const W = 440, H = 280, L = 56, R = 14, T = 44, B = 40;
  const names = answers[0].paths.filter((p) => p.applicable).map((p) => p.path);
  const series = names.map((name) => volumes.map((v, i) => ({ v, usd: answers[i].paths.find((p) => p.path === name).monthly_usd })));
  const top = Math.max(1, ...series.flat().map((p) => p.usd)) * 1.1;
  const sx = (v) => L + (v / max) * (W - L - R);
  const sy = (usd) => H - B - (usd / top) * (H - T - B);
  const out = [];
  for (let i = 0; i <= 5; i++) {
    const usd = (top * i) / 5, v = (max * i) / 5;
    out.push(`<line class="grid" x1="${L}" x2="${W - R}" y1="${sy(usd)}" y2="${sy(usd)}"/><text class="tick" x="${L - 4}" y="${sy(usd) + 3}" text-anchor="end">${money(usd, 0)}</text>`,
      `<text class="tick" x="${sx(v)}" y="${H - B + 14}" text-anchor="middle">${Math.round(v).toLocaleString()}</text>`);
  }
  out.push(`<line class="axis" x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}"/><line class="axis" x1="${L}" x2="${L}" y1="${T}" y2="${H - B}"/>`,
    `<text class="tick" x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle">GB a month</text>`,
    `<text class="tick" x="${L - 4}" y="${T - 8}" text-anchor="end">USD/month</text>`);
  series.forEach((points, i) => {
    out.push(`<polyline class="series ${names[i]}" data-path="${names[i]}" points="${points.map((p) => `${sx(p.v)},${sy(p.usd)}`).join(" ")}"/>`,
      `<text class="key ${names[i]}" x="${L + i * 125}" y="16">■ ${names[i].replace("-", " ")}</text>`);
  });
  const even = answers[0].break_even_gb;
  if (even !== null && even <= max) {
    out.push(`<line class="break-even" x1="${sx(even)}" x2="${sx(even)}" y1="${T}" y2="${H - B}"/>`,
      `<text class="break-even-label" x="${sx(even) + 4}" y="${T + 12}">break-even ${Math.round(even).toLocaleString()} GB</text>`);
  }
  $("#whatif-chart").innerHTML = out.join("");
  $("#break-even").textContent = `${answers[0].break_even_note || ""} At ${max.toLocaleString()} GB a month the cheapest is ${answers[answers.length - 1].cheapest}.`;
}

// -- live updates and wiring -----------------------------------------------------------------------------------------
async function poll() {
  try {
    const { revision } = await getJson(`${API}/revision`);
    $("#live").classList.remove("stale");
    $("#live").textContent = "live";
    if (S.topo && revision !== S.topo.revision) {
      await loadTopology();
      if (S.request) await runTrace(S.request, true);
      if (!$("#tab-cost").hidden) await loadCost();
    }
  } catch {
    $("#live").classList.add("stale");
    $("#live").textContent = "offline";
  }
}

function showTab(name) {
  document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t.dataset.tab === name));
  $("#tab-trace").hidden = name !== "trace";
  $("#tab-cost").hidden = name !== "cost";
  if (name === "cost") loadCost();
}

function wirePanel() {
  document.querySelectorAll(".tab").forEach((t) => { t.onclick = () => showTab(t.dataset.tab); });
  $("#trace-form").addEventListener("submit", (e) => {
    e.preventDefault();
    runTrace(traceRequest());
  });
  $("#clear-button").onclick = clearTrace;
  $("#examples").onchange = useExample;
  $("#hops tbody").addEventListener("click", (e) => {
    const row = e.target.closest("tr");
    if (row) centerOn(row.dataset.id);
  });
  for (const id of ["#f-account", "#f-region", "#f-vpc"]) $(id).onchange = () => { S.fitted = false; loadTopology(); };
  $("#f-default").onchange = () => { S.fitted = false; fillFilters(S.topo.filters); draw(); };
  for (const id of ["#c-account", "#c-region", "#w-service", "#w-azs", "#w-max"]) $(id).onchange = loadCost;
  window.addEventListener("resize", () => applyView());
}

async function main() {
  wireCanvas();
  wirePanel();
  try {
    await loadTopology();
  } catch (error) {
    $("#empty").hidden = false;
    $("#empty").textContent = `Cannot load the topology: ${error.message}`;
  }
  S.polling = setInterval(poll, 2000);
  document.body.dataset.ready = "true";
}

main();
