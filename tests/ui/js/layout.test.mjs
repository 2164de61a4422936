// layout.mjs on the demo world: boxes nest and never overlap, default VPCs only when asked, subnet heights.
import assert from "node:assert/strict";
import { test } from "node:test";

import { G, layoutWorld, measureVpc, sortSubnets, subnetHeight } from "../../../src/vpcsim/ui/js/layout.mjs";
import { topology, vpcsOf } from "./fixtures.mjs";

const inside = (a, b) => a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h;
const overlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** Every box of a placed world in diagram coordinates: [{what, box, parent}]. */
function boxes(world) {
  const found = [];
  for (const a of world.accounts) {
    const account = { x: a.dx, y: a.dy, w: a.w, h: a.h };
    found.push({ what: `account ${a.account.id}`, box: account, level: "account" });
    for (const r of a.regions) {
      const region = { x: account.x + r.dx, y: account.y + r.dy, w: r.w, h: r.h };
      found.push({ what: `region ${r.region.name}`, box: region, parent: account, level: "region" });
      for (const c of r.vpcs) {
        found.push({ what: c.vpc.id, box: { x: region.x + c.dx, y: region.y + c.dy, w: c.size.w, h: c.size.h }, parent: region, level: "inner" });
      }
      for (const c of r.hubs) {
        found.push({ what: c.hub.id, box: { x: region.x + c.dx, y: region.y + c.dy, w: G.hubW, h: G.hubH }, parent: region, level: "inner" });
      }
    }
  }
  return found;
}

for (const showDefault of [false, true]) {
  test(`boxes nest and do not overlap (default VPCs ${showDefault ? "shown" : "hidden"})`, () => {
    const world = layoutWorld(topology(), { showDefault });
    const all = boxes(world);
    assert.ok(all.filter((b) => b.level === "inner").length >= 6);
    for (const b of all) if (b.parent) assert.ok(inside(b.box, b.parent), `${b.what} outside its parent`);
    for (const level of ["account", "region", "inner"]) {
      const same = all.filter((b) => b.level === level);
      for (let i = 0; i < same.length; i++) {
        for (let j = i + 1; j < same.length; j++) assert.ok(!overlap(same[i].box, same[j].box), `${same[i].what} overlaps ${same[j].what}`);
      }
    }
    for (const b of all) assert.ok(b.box.x + b.box.w <= world.servicesBox.x, `${b.what} reaches into the services column`);
    assert.ok(world.w >= world.servicesBox.x + world.servicesBox.w && world.h >= world.servicesBox.h);
  });
}

test("default VPCs are placed only when asked", () => {
  const topo = topology();
  const defaults = [...vpcsOf(topo)].filter((v) => v.default).map((v) => v.id);
  assert.ok(defaults.length > 0, "the demo has default VPCs");
  const placed = (showDefault) => boxes(layoutWorld(topo, { showDefault })).map((b) => b.what);
  assert.deepEqual(defaults.filter((id) => placed(false).includes(id)), []);
  assert.deepEqual(defaults.filter((id) => placed(true).includes(id)), defaults);
});

test("a subnet grows by one row per entry up to 14, then one '+ N more' row", () => {
  const subnet = (n) => ({ resources: Array.from({ length: n }, (_, i) => ({ id: `r${i}` })) });
  assert.equal(subnetHeight(subnet(0)), subnetHeight(subnet(1)));
  assert.equal(subnetHeight(subnet(5)) - subnetHeight(subnet(4)), G.itemH);
  assert.equal(subnetHeight(subnet(15)), subnetHeight(subnet(14)) + G.itemH);
  assert.equal(subnetHeight(subnet(200)), subnetHeight(subnet(15)));
});

test("an AZ column holds its subnets and the VPC holds its route tables", () => {
  for (const vpc of vpcsOf(topology())) {
    const size = measureVpc(vpc);
    for (const az of vpc.azs) {
      const needed = G.azHead + az.subnets.reduce((sum, s) => sum + subnetHeight(s) + 10, 0) - 10;
      assert.ok(size.colH >= needed, vpc.id);
    }
    const rows = Math.ceil(vpc.route_tables.length / size.perRow);
    assert.ok(size.h >= G.vpcHead + size.colH + rows * G.rtH, vpc.id);
  }
});

test("public subnets first, then by CIDR in numeric order", () => {
  const sorted = sortSubnets([
    { public: false, cidr: "10.0.10.0/24" }, { public: false, cidr: "10.0.2.0/24" }, { public: true, cidr: "10.0.20.0/24" },
  ]);
  assert.deepEqual(sorted.map((s) => s.cidr), ["10.0.20.0/24", "10.0.2.0/24", "10.0.10.0/24"]);
});
