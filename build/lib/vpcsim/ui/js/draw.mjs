// Drawing: the placed diagram (layout.mjs) as SVG markup, and the scene (scene.mjs) that says what is where. Markup
// is built as strings and written with one innerHTML per redraw (fast at 2,000 resources); every drawn element
// carries data-id (the AWS id a trace hop names) and data-kind. How each kind looks comes from kinds.mjs; the lines
// between boxes from links.mjs. Pure (no DOM): `drawWorld(topo, layoutWorld(topo))` -> `{markup, scene}`.

import { cut, esc, plural } from "./format.mjs";
import { kindOf } from "./kinds.mjs";
import { G, edgeItems, regionsOf, sortSubnets, subnetHeight } from "./layout.mjs";
import { drawLinks } from "./links.mjs";
import { Scene } from "./scene.mjs";

function drawResource(out, scene, res, x, y, where) {
  const w = G.subW - 8;
  const cy = y + G.itemH / 2 - 1;
  const kind = kindOf(res.kind);
  scene.describe(res);
  scene.place(res.id, x + 12, cy, where);
  scene.searchable(res.id, res.name, res.id, res.ip, res.dns);
  out.push(`<g class="res k-${res.kind}" data-id="${esc(res.id)}" data-kind="${res.kind}"><title>${esc(res.kind)} ${esc(res.id)}</title>`,
    `<rect class="bg" x="${x}" y="${y}" width="${w}" height="${G.itemH - 2}" rx="3"/>`, kind.icon(x + 12, cy),
    `<text class="label" x="${x + 26}" y="${cy + 4}">${esc(cut(res.name, 22))}</text>`);
  const badges = res.kind === "network-interface" ? [] : (res.interfaces || []).slice(0, 3);
  const ipRight = x + w - 6 - badges.length * 11;
  out.push(`<text class="ip" x="${ipRight}" y="${cy + 4}" text-anchor="end">${esc(cut(kind.detail(res), 16))}</text></g>`);
  badges.forEach((eni, i) => {
    const bx = x + w - 14 - (badges.length - 1 - i) * 11;
    scene.place(eni.id, bx + 4, cy, where);
    scene.describe({ kind: "network-interface", id: eni.id, name: eni.id, ip: eni.ip, owner: res.id });
    out.push(`<rect class="eni" data-id="${esc(eni.id)}" data-kind="network-interface" x="${bx}" y="${cy - 4}" width="8" height="8"><title>${esc(eni.id)} ${esc(eni.ip)}</title></rect>`);
  });
}

function drawSubnet(out, scene, subnet, x, y, vpc) {
  const h = subnetHeight(subnet);
  const side = subnet.public ? "public" : "private";
  const where = { zone: subnet.zone, vpc };
  scene.describe(subnet);
  scene.place(subnet.id, x + G.subW / 2, y + 18, where);
  scene.searchable(subnet.id, subnet.name, subnet.id, subnet.cidr);
  out.push(`<g class="subnet ${side}" data-id="${esc(subnet.id)}" data-kind="subnet">`,
    `<rect class="frame" x="${x}" y="${y}" width="${G.subW}" height="${h}" rx="2"/>`,
    `<text class="box-title" x="${x + 8}" y="${y + 16}">${esc(cut(subnet.name, 30))}</text>`,
    `<text class="box-sub" x="${x + 8}" y="${y + 30}">${esc(subnet.cidr)} · ${side} subnet</text></g>`);
  const shown = subnet.resources.slice(0, G.maxItems);
  shown.forEach((res, i) => drawResource(out, scene, res, x + 4, y + G.subHead + i * G.itemH, where));
  const hidden = subnet.resources.slice(G.maxItems);
  if (hidden.length) {
    // Not drawn one by one, but found by search and traced to: they are where the "+ N more" line is.
    for (const res of hidden) {
      scene.describe(res);
      scene.place(res.id, x + G.subW / 2, y + h - 12, where);
      scene.searchable(res.id, res.name, res.id, res.ip, res.dns);
    }
    out.push(`<text class="more" x="${x + 10}" y="${y + h - 8}">+ ${hidden.length} more (search to find one)</text>`);
  }
  return h;
}

function drawEdgeItem(out, scene, item, cx, cy, label, vpc) {
  const edge = kindOf(item.kind).edge;
  scene.describe(item);
  scene.place(item.id, cx, cy, { vpc });
  scene.searchable(item.id, item.name, item.id);
  const cls = ["edge", edge.cls, `k-${item.kind}`].filter(Boolean).join(" ");
  out.push(`<g class="${cls}" data-id="${esc(item.id)}" data-kind="${item.kind}"><title>${esc(item.kind)} ${esc(item.id)}</title>${edge.icon(cx, cy)}`,
    `<text class="label" x="${label.x}" y="${label.y}" text-anchor="${label.anchor}">${esc(cut(item.name, 30))}</text></g>`);
}

function drawRouteTables(out, scene, vpc, x, y, size) {
  out.push(`<text class="box-sub" x="${x}" y="${y + 12}">Route tables</text>`);
  vpc.route_tables.forEach((rt, i) => {
    const cx = x + (i % size.perRow) * (G.rtW + 8);
    const cy = y + 18 + Math.floor(i / size.perRow) * (G.rtH + 6);
    scene.describe(rt);
    scene.place(rt.id, cx + G.rtW / 2, cy + G.rtH / 2, { vpc: vpc.id });
    scene.searchable(rt.id, rt.name, rt.id);
    const routes = rt.routes.map((r) => `${r.destination} → ${r.target}${r.state === "active" ? "" : " (" + r.state + ")"}`).join("\n");
    const label = `${rt.main ? "main · " : ""}${rt.name}`;
    out.push(`<g class="rt" data-id="${esc(rt.id)}" data-kind="route-table"><title>${esc(rt.id)}\n${esc(routes)}</title>`,
      `<rect x="${cx}" y="${cy}" width="${G.rtW}" height="${G.rtH}" rx="3"/>`,
      `<text class="label" x="${cx + 6}" y="${cy + 15}">${esc(cut(label, 24))} · ${plural(rt.subnets.length, "subnet")}</text></g>`);
  });
}

function drawEdges(out, scene, vpc, x, y, size, rtY) {
  // Top: gateways to the outside, from the right-hand corner leftwards, labelled above.
  edgeItems(vpc, "top").forEach((item, i) => {
    const gx = x + size.w - 70 - i * G.edgeGapX;
    drawEdgeItem(out, scene, item, gx, y, { x: gx, y: y - 20, anchor: "middle" }, vpc.id);
  });
  // Right: gateway endpoints level with the route tables, joined to the tables that route to them.
  edgeItems(vpc, "right").forEach((item, i) => {
    const gy = rtY + 20 + i * G.edgeGapY;
    drawEdgeItem(out, scene, item, x + size.w, gy, { x: x + size.w + 20, y: gy + 4, anchor: "start" }, vpc.id);
    for (const rt of item.route_tables || []) {
      const p = (scene.pos.get(rt) || []).find((q) => q.vpc === vpc.id);
      if (p) out.push(`<path class="link rt-link" d="M${x + size.w - 14} ${gy} L${p.x + G.rtW / 2} ${p.y}"/>`);
    }
  });
}

function drawVpc(out, scene, cell, x, y) {
  const { vpc, size } = cell;
  scene.frame(vpc.id, { x, y, w: size.w, h: size.h });
  scene.describe(vpc);
  scene.searchable(vpc.id, vpc.name, vpc.id, vpc.cidrs.join(" "));
  out.push(`<g class="vpc${vpc.default ? " default" : ""}" data-id="${esc(vpc.id)}" data-kind="vpc"><title>${esc(vpc.id)}</title>`,
    `<rect class="frame" x="${x}" y="${y}" width="${size.w}" height="${size.h}" rx="4"/>`,
    `<text class="box-title" x="${x + G.vpcPad}" y="${y + 22}">VPC ${esc(cut(vpc.name, 40))}</text>`,
    `<text class="box-sub" x="${x + G.vpcPad}" y="${y + 38}">${esc(vpc.cidrs.join(", "))} · ${esc(vpc.id)}</text></g>`);
  vpc.azs.forEach((az, i) => {
    const ax = x + G.vpcPad + i * (size.colW + G.azGap);
    const ay = y + G.vpcHead;
    out.push(`<g class="az"><rect x="${ax}" y="${ay}" width="${size.colW}" height="${size.colH}" rx="3"/><text x="${ax + 8}" y="${ay + 15}">${esc(az.name)}</text></g>`);
    let sy = ay + G.azHead;
    for (const subnet of sortSubnets(az.subnets)) sy += drawSubnet(out, scene, subnet, ax + G.azPad, sy, vpc.id) + 10;
  });
  const rtY = y + G.vpcHead + size.colH + 12;
  drawRouteTables(out, scene, vpc, x + G.vpcPad, rtY, size);
  drawEdges(out, scene, vpc, x, y, size, rtY);
}

function drawHub(out, scene, hub, x, y) {
  const { label, sub } = kindOf(hub.kind).hub;
  scene.describe(hub);
  scene.place(hub.id, x + G.hubW / 2, y + G.hubH / 2);
  scene.frame(hub.id, { x, y, w: G.hubW, h: G.hubH });
  scene.searchable(hub.id, hub.name, hub.id, hub.service_name || hub.hostname || "");
  out.push(`<g class="hub k-${hub.kind}" data-id="${esc(hub.id)}" data-kind="${hub.kind}"><title>${esc(hub.kind)} ${esc(hub.id)}</title>`,
    `<rect x="${x}" y="${y}" width="${G.hubW}" height="${G.hubH}" rx="6"/>`,
    `<text class="label" x="${x + 10}" y="${y + 20}">${esc(cut(label(hub), 32))}</text>`,
    `<text class="sub" x="${x + 10}" y="${y + 38}">${esc(cut(sub(hub), 38))}</text></g>`);
}

function drawServices(out, scene, box, services) {
  out.push(`<g class="services"><rect x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" rx="6"/>`,
    `<text class="box-title" x="${box.x + 14}" y="${box.y + 24}">AWS services (outside your VPCs)</text></g>`);
  let y = box.y + 44;
  for (const region of regionsOf(services)) {
    out.push(`<text class="box-sub" x="${box.x + 20}" y="${y + 12}">${esc(region)}</text>`);
    y += 20;
    for (const service of services.filter((s) => s.region === region)) {
      drawHub(out, scene, service, box.x + 20, y);
      y += G.hubH + 18;
    }
    y += 4;
  }
}

function drawFrames(out, a) {
  out.push(`<g class="account" data-id="${esc(a.account.id)}" data-kind="account"><rect x="${a.dx}" y="${a.dy}" width="${a.w}" height="${a.h}" rx="6"/>`,
    `<text class="box-title" x="${a.dx + G.accountPad}" y="${a.dy + 26}">AWS account ${esc(a.account.id)}</text></g>`);
  for (const r of a.regions) {
    const rx = a.dx + r.dx, ry = a.dy + r.dy;
    out.push(`<g class="region" data-kind="region"><rect x="${rx}" y="${ry}" width="${r.w}" height="${r.h}" rx="6"/>`,
      `<text class="box-title" x="${rx + 14}" y="${ry + 24}">Region ${esc(r.region.name)}</text></g>`);
  }
}

/** The SVG markup of the placed diagram `world` and the scene it draws. */
export function drawWorld(topo, world) {
  const scene = new Scene();
  // Layers, back to front: account and region frames, lines between boxes, VPCs, hubs and marks, the trace path.
  const frames = [], links = [], vpcs = [], tops = [];
  for (const a of world.accounts) {
    drawFrames(frames, a);
    for (const r of a.regions) {
      const rx = a.dx + r.dx, ry = a.dy + r.dy;
      for (const cell of r.vpcs) drawVpc(vpcs, scene, cell, rx + cell.dx, ry + cell.dy);
      for (const cell of r.hubs) drawHub(tops, scene, cell.hub, rx + cell.dx, ry + cell.dy);
    }
  }
  drawServices(tops, scene, world.servicesBox, topo.aws_services);
  drawLinks(topo, scene, links, tops);
  const markup = frames.join("") + `<g class="links">${links.join("")}</g>` + vpcs.join("") + tops.join("") + '<g id="path-layer"></g>';
  return { markup, scene };
}
