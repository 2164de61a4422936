// draw.mjs and links.mjs on the demo world: everything the topology lists is drawn once with its id and kind,
// every drawn thing is in the scene, and the extension points (an unknown kind, a new VPC edge field) work.
import assert from "node:assert/strict";
import { test } from "node:test";

import { drawWorld } from "../../../src/vpcsim/ui/js/draw.mjs";
import { G, VPC_EDGES, edgeItems, layoutWorld } from "../../../src/vpcsim/ui/js/layout.mjs";
import { LINKS } from "../../../src/vpcsim/ui/js/links.mjs";
import { topology, vpcsOf } from "./fixtures.mjs";

const draw = (topo, showDefault = true) => drawWorld(topo, layoutWorld(topo, { showDefault }));
const kindsOf = (markup, id) => [...markup.matchAll(new RegExp(`data-id="${id}" data-kind="([^"]+)"`, "g"))].map((m) => m[1]);

function listed(topo) {
  const items = [];
  for (const vpc of vpcsOf(topo)) {
    items.push(vpc, ...vpc.route_tables, ...vpc.gateway_endpoints);
    items.push(...[vpc.internet_gateway, vpc.egress_only_gateway, vpc.vpn_gateway].filter(Boolean));
    for (const az of vpc.azs) for (const subnet of az.subnets) items.push(subnet, ...subnet.resources);
  }
  const vpns = topo.on_premises.flatMap((c) => c.connections);
  return [...items, ...topo.peerings, ...topo.transit_gateways, ...topo.on_premises, ...vpns, ...topo.endpoint_services, ...topo.aws_services];
}

test("everything the topology lists is drawn with its data-id and data-kind, and is in the scene", () => {
  const topo = topology();
  const { markup, scene } = draw(topo);
  const items = listed(topo);
  assert.ok(items.length > 40);
  for (const item of items) {
    assert.ok(kindsOf(markup, item.id).includes(item.kind), `${item.kind} ${item.id} not drawn`);
    assert.ok(scene.meta.has(item.id), `${item.id} not in the scene`);
    if (item.kind !== "vpc") assert.ok(scene.point(item.id), `${item.id} has no position`);
  }
  for (const vpc of vpcsOf(topo)) for (const az of vpc.azs) for (const s of az.subnets) for (const r of s.resources) {
    for (const eni of r.kind === "network-interface" ? [] : (r.interfaces || []).slice(0, 3)) {
      assert.deepEqual(kindsOf(markup, eni.id), ["network-interface"]);
      assert.equal(scene.meta.get(eni.id).owner, r.id);
    }
  }
});

test("the markup's groups are balanced and end with the path layer", () => {
  const { markup } = draw(topology());
  assert.equal((markup.match(/<g[ >]/g) || []).length, (markup.match(/<\/g>/g) || []).length);
  assert.ok(markup.endsWith('<g id="path-layer"></g>'));
});

test("entries past the 14 a subnet shows are found by search and placed on the '+ N more' line", () => {
  const topo = topology();
  const subnet = [...vpcsOf(topo)].flatMap((v) => v.azs.flatMap((az) => az.subnets)).find((s) => s.resources.length);
  const model = subnet.resources[0];
  for (let i = subnet.resources.length; i < 17; i++) subnet.resources.push({ ...model, id: `${model.id}-copy${i}`, name: `copy ${i}` });
  const { markup, scene } = draw(topo);
  assert.ok(markup.includes(`+ 3 more (search to find one)`));
  const hidden = subnet.resources.slice(G.maxItems).map((r) => r.id);
  const more = scene.point(hidden[0]);
  for (const id of hidden) {
    assert.deepEqual(kindsOf(markup, id), []);
    assert.deepEqual(scene.find(id.toUpperCase()), [id]);
    assert.deepEqual(scene.point(id), more);
  }
  assert.ok(scene.point(subnet.resources[13].id).y < more.y);
});

test("a kind the table does not know is still drawn, as a plain square", () => {
  const topo = topology();
  const subnet = [...vpcsOf(topo)].flatMap((v) => v.azs.flatMap((az) => az.subnets)).find((s) => s.resources.length);
  const res = subnet.resources[0];
  res.kind = "carrier-gateway";
  const { markup } = draw(topo);
  const drawn = markup.slice(markup.indexOf(`data-id="${res.id}" data-kind="carrier-gateway"`));
  assert.match(drawn.slice(0, drawn.indexOf("</g>")), /<rect class="icon" [^>]*width="10" height="10" rx="1"\/>/);
});

test("a new VPC edge is one field in VPC_EDGES: drawn beside the internet gateway", () => {
  const topo = topology();
  const vpc = [...vpcsOf(topo)].find((v) => v.internet_gateway && !v.default);
  const before = edgeItems(vpc, "top").length;
  vpc.carrier_gateway = { kind: "carrier-gateway", id: "cagw-0123456789abcdef0", name: "cagw" };
  VPC_EDGES.top.push("carrier_gateway");
  try {
    const { markup, scene } = draw(topo);
    const igw = scene.point(vpc.internet_gateway.id), cagw = scene.point("cagw-0123456789abcdef0");
    assert.deepEqual(kindsOf(markup, "cagw-0123456789abcdef0"), ["carrier-gateway"]);
    assert.equal(cagw.y, igw.y);
    assert.equal(igw.x - cagw.x, before * G.edgeGapX);
  } finally {
    VPC_EDGES.top.pop();
  }
});

test("lines join only what is drawn; a peering's mark sits outside every VPC", () => {
  const topo = topology();
  for (const [list] of LINKS) assert.ok(Array.isArray(topo[list]), list);
  const peering = topo.peerings[0];
  const { markup, scene } = draw(topo);
  assert.equal((markup.match(/class="link k-vpc-peering-connection"/g) || []).length, topo.peerings.length);
  const mark = scene.point(peering.id);
  for (const [id, b] of scene.boxes) {
    if (id.startsWith("vpc-")) assert.ok(!(mark.x > b.x && mark.x < b.x + b.w && mark.y > b.y && mark.y < b.y + b.h), id);
  }
  const consumers = topo.endpoint_services.reduce((n, s) => n + s.consumers.length, 0);
  assert.ok(consumers > 0);
  assert.equal((markup.match(/class="link consumer"/g) || []).length, consumers);
  for (const account of topo.accounts) for (const region of account.regions) {
    region.vpcs = region.vpcs.filter((v) => v.id !== peering.accepter);
  }
  const without = draw(topo);
  assert.ok(!without.markup.includes(`data-id="${peering.id}"`) && !without.scene.point(peering.id));
  assert.ok(!without.markup.includes("k-vpc-peering-connection"));
});
