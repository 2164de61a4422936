// Layout: measure and place the topology tree, outside in, as an AWS architecture diagram is drawn: AZ columns
// inside a VPC, VPCs in a grid inside a region (hubs: transit gateways and endpoint services, in a row under them),
// regions side by side inside an account, accounts flowing left to right and wrapping, the AWS services in a column
// on the right. Simple grid and flow rules, computed in one pass: a few milliseconds at 2,000 resources (docs/ui.md
// says why no graph layout library). Pure (no DOM): positions are offsets (dx, dy) from the parent box.

export const G = {
  subW: 240, itemH: 22, subHead: 38, maxItems: 14, azPad: 8, azHead: 22, azGap: 12,
  vpcPad: 16, vpcHead: 50, rtH: 22, rtW: 210, vpcGapX: 190, vpcGapY: 80, edgeGapX: 110, edgeGapY: 46,
  regionHead: 40, regionPad: 26, accountHead: 40, accountPad: 20, accountGap: 50,
  hubW: 230, hubH: 52, hubGap: 30,
};

// What sits on a VPC's edge, by side, as the topology API's fields of a VPC (one item or a list). A new edge kind
// (an egress-only internet gateway, a virtual private gateway) is its field added here and its entry in kinds.mjs.
export const VPC_EDGES = { top: ["internet_gateway"], right: ["gateway_endpoints"] };

// The topology API's lists of hubs: boxes drawn in a row under their region's VPCs (each item has account, region).
export const HUB_LISTS = ["transit_gateways", "endpoint_services"];

/** The items on one side of a VPC's edge. */
export function edgeItems(vpc, side) {
  return VPC_EDGES[side].flatMap((field) => [vpc[field]].flat()).filter(Boolean);
}

export function subnetHeight(subnet) {
  const n = subnet.resources.length;
  const rows = Math.min(n, G.maxItems) + (n > G.maxItems ? 1 : 0);
  return G.subHead + Math.max(1, rows) * G.itemH + 6;
}

function azHeight(az) {
  return G.azHead + az.subnets.reduce((sum, s) => sum + subnetHeight(s) + 10, 0) + G.azPad - 10;
}

/** Public subnets first, then by CIDR. */
export function sortSubnets(subnets) {
  return [...subnets].sort((a, b) => (b.public - a.public) || a.cidr.localeCompare(b.cidr, undefined, { numeric: true }));
}

export function measureVpc(vpc) {
  const colW = G.subW + 2 * G.azPad;
  const n = Math.max(1, vpc.azs.length);
  const w = Math.max(320, n * colW + (n - 1) * G.azGap + 2 * G.vpcPad);
  const colH = Math.max(60, ...vpc.azs.map(azHeight));
  const perRow = Math.max(1, Math.floor((w - 2 * G.vpcPad + 8) / (G.rtW + 8)));
  const rtRows = Math.ceil(vpc.route_tables.length / perRow);
  const rtBlock = rtRows ? 20 + rtRows * (G.rtH + 6) : 0;
  const edgeBlock = edgeItems(vpc, "right").length * G.edgeGapY;
  const h = G.vpcHead + colH + 12 + Math.max(rtBlock, edgeBlock) + G.vpcPad;
  return { w, h, colW, colH, perRow };
}

function hubsFor(topo, account, region) {
  return HUB_LISTS.flatMap((list) => topo[list].filter((hub) => hub.account === account && hub.region === region));
}

function layoutRegion(topo, account, region, showDefault) {
  const vpcs = region.vpcs.filter((v) => showDefault || !v.default).map((vpc) => ({ vpc, size: measureVpc(vpc) }));
  const hubs = hubsFor(topo, account.id, region.name).map((hub) => ({ hub }));
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
  hubs.forEach((cell, i) => Object.assign(cell, { dx: G.regionPad + i * (G.hubW + G.hubGap), dy: hubY }));
  w = Math.max(w, G.regionPad + hubs.length * (G.hubW + G.hubGap), 360);
  const h = (hubs.length ? hubY + G.hubH : bottom) + G.regionPad;
  return { region, vpcs, hubs, w, h };
}

function layoutAccount(topo, account, showDefault) {
  const regions = account.regions.map((r) => layoutRegion(topo, account, r, showDefault)).filter(Boolean);
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

/** The regions of a list of AWS services, in first-seen order. */
export function regionsOf(services) {
  return [...new Set(services.map((s) => s.region))];
}

/**
 * The whole diagram placed: `{accounts: [{account, dx, dy, w, h, regions: [{region, dx, dy, w, h, vpcs: [{vpc,
 * size, dx, dy}], hubs: [{hub, dx, dy}]}]}], servicesBox, w, h}`. Default VPCs are left out unless `showDefault`.
 */
export function layoutWorld(topo, { showDefault = false } = {}) {
  // Accounts flow left to right and wrap, so that the diagram is about as wide as a screen is.
  const accounts = topo.accounts.map((a) => layoutAccount(topo, a, showDefault)).filter(Boolean);
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
  const servicesH = 50 + services.length * (G.hubH + 18) + 24 * regionsOf(services).length;
  const servicesBox = { x: w + 160, y: 0, w: G.hubW + 40, h: servicesH };
  return { accounts, servicesBox, w: servicesBox.x + servicesBox.w, h: Math.max(y + rowH, servicesBox.h) };
}
