// The diagram beyond a VPC's subnets, on the demo world plus what tests/ui/test_js.py adds to it with boto3 (an IPv6
// block, an egress-only gateway, a virtual private gateway with a VPN to "head office", flow logs on a subnet and an
// interface): each drawn where the topology API says, with its id and kind, so that a traced path lights it up.
import assert from "node:assert/strict";
import { test } from "node:test";

import { drawWorld } from "../../../src/vpcsim/ui/js/draw.mjs";
import { legendMarkup } from "../../../src/vpcsim/ui/js/kinds.mjs";
import { G, layoutWorld, subnetHead } from "../../../src/vpcsim/ui/js/layout.mjs";
import { pathPoints } from "../../../src/vpcsim/ui/js/path.mjs";
import { destinationOf, sourceOf } from "../../../src/vpcsim/ui/js/picker.mjs";
import { sourceFields } from "../../../src/vpcsim/ui/js/trace.mjs";
import { onpremTrace, topology, vpcsOf } from "./fixtures.mjs";

const draw = (topo) => drawWorld(topo, layoutWorld(topo, { showDefault: true }));
const kindsOf = (markup, id) => [...markup.matchAll(new RegExp(`data-id="${id}" data-kind="([^"]+)"`, "g"))].map((m) => m[1]);
const subnetsOf = (topo) => [...vpcsOf(topo)].flatMap((v) => v.azs.flatMap((az) => az.subnets));

test("a customer network is a box in its region, joined to the VPN gateway on its VPC's left edge", () => {
  const topo = topology();
  const { markup, scene } = draw(topo);
  const office = topo.on_premises.find((c) => c.name === "head office");
  assert.ok(office, JSON.stringify(topo.on_premises));
  assert.deepEqual(office.prefixes, ["192.168.0.0/16"]);
  assert.equal(office.ip, "203.0.113.10");
  assert.deepEqual(kindsOf(markup, office.id), ["customer-gateway"]);
  assert.ok(markup.includes("On-premises: head office") && markup.includes("203.0.113.10 · 192.168.0.0/16"));
  const vpc = [...vpcsOf(topo)].find((v) => v.vpn_gateway);
  const [connection] = office.connections;
  assert.equal(connection.gateway, vpc.vpn_gateway.id);
  assert.deepEqual(vpc.vpn_gateway.connections, [connection.id]);
  assert.deepEqual(kindsOf(markup, vpc.vpn_gateway.id), ["vpn-gateway"]);
  assert.deepEqual(kindsOf(markup, connection.id), ["vpn-connection"]);
  assert.equal(scene.point(vpc.vpn_gateway.id).x, scene.boxes.get(vpc.id).x);
  const connections = topo.on_premises.reduce((n, c) => n + c.connections.length, 0);
  assert.equal((markup.match(/class="link k-vpn-connection"/g) || []).length, connections);
  const mark = scene.point(connection.id);
  for (const [id, b] of scene.boxes) {
    if (id.startsWith("vpc-")) assert.ok(!(mark.x > b.x && mark.x < b.x + b.w && mark.y > b.y && mark.y < b.y + b.h), id);
  }
});

test("without the VPC it joins, a VPN connection is not drawn", () => {
  const topo = topology();
  const vpc = [...vpcsOf(topo)].find((v) => v.vpn_gateway);
  for (const account of topo.accounts) for (const region of account.regions) region.vpcs = region.vpcs.filter((v) => v !== vpc && v.id !== vpc.id);
  const { markup } = draw(topo);
  assert.ok(!markup.includes("k-vpn-connection"));
});

test("the egress-only gateway sits beside the internet gateway; IPv6 blocks are written under the IPv4 ones", () => {
  const topo = topology();
  const { markup, scene } = draw(topo);
  const vpc = [...vpcsOf(topo)].find((v) => v.egress_only_gateway);
  const igw = scene.point(vpc.internet_gateway.id), eigw = scene.point(vpc.egress_only_gateway.id);
  assert.deepEqual(kindsOf(markup, vpc.egress_only_gateway.id), ["egress-only-internet-gateway"]);
  assert.equal(eigw.y, igw.y);
  assert.equal(igw.x - eigw.x, G.edgeGapX);
  assert.equal(vpc.ipv6_cidrs.length, 1);
  assert.ok(vpc.cidrs.includes(vpc.ipv6_cidrs[0]));
  const subnet = subnetsOf(topo).find((s) => s.ipv6_cidr);
  assert.ok(subnet.ipv6_cidr.startsWith(vpc.ipv6_cidrs[0].split("::")[0].slice(0, 9)), subnet.ipv6_cidr);
  assert.ok(markup.includes(`IPv6 ${subnet.ipv6_cidr}</text>`));
  assert.equal(subnetHead(subnet), G.subHead + 13);
  const plain = subnetsOf(topo).find((s) => !s.ipv6_cidr);
  assert.equal(subnetHead(plain), G.subHead);
  // The first entry of the IPv6 subnet sits under the extra line.
  const frame = scene.point(subnet.id), first = scene.point(subnet.resources[0].id);
  assert.equal(first.y - frame.y, subnetHead(subnet) - 18 + G.itemH / 2 - 1);
});

test("flow logs are marked on the VPCs, subnets and interfaces they cover", () => {
  const topo = topology();
  const { markup } = draw(topo);
  const logged = [...vpcsOf(topo)].filter((v) => v.flow_logs.length);
  assert.ok(logged.length >= 2);
  for (const vpc of logged) {
    const text = vpc.flow_logs.map((f) => `${f.traffic_type} → ${f.destination_type}`).join(", ");
    assert.ok(markup.includes(`flow log: ${text}`), text);
  }
  const subnet = subnetsOf(topo).find((s) => s.flow_logs.length);
  assert.deepEqual(subnet.flow_logs.map((f) => f.traffic_type), ["REJECT"]);
  assert.ok(markup.includes(`${subnet.cidr} · ${subnet.public ? "public" : "private"} subnet · flow log`));
  const enis = subnetsOf(topo).flatMap((s) => s.resources.flatMap((r) => r.interfaces || [])).filter((e) => e.flow_logs);
  assert.equal(enis.length, 1);
  assert.ok(markup.includes(`<rect class="eni logged" data-id="${enis[0].id}"`));
  assert.equal((markup.match(/class="eni logged"/g) || []).length, 1);
});

test("the legend names the new kinds", () => {
  const legend = legendMarkup();
  for (const label of ["egress-only gateway (IPv6 out)", "VPN gateway", "on-premises network"]) assert.ok(legend.includes(label), label);
});

test("the trace form offers a host on premises with its VPN connection; a click on the box picks it", async () => {
  const topo = topology();
  const { scene } = draw(topo);
  const { offered, request } = onpremTrace();
  const office = topo.on_premises.find((c) => c.name === "head office");
  assert.deepEqual(office.hosts, ["192.168.0.10"]);
  assert.deepEqual(offered, {
    value: `192.168.0.10 via ${office.connections[0].id}`, source: "192.168.0.10", via: office.connections[0].id,
    label: `head office 192.168.0.10 via ${office.connections[0].id}`,
  });
  assert.ok(topo.suggestions.sources.some((s) => s.value === offered.value));
  assert.ok(topo.suggestions.destinations.some((d) => d.value === "192.168.0.10" && d.label === "head office 192.168.0.10"));
  const values = topo.suggestions.sources.map((s) => s.value);
  assert.equal(sourceOf(scene.meta.get(office.id), scene, values), offered.value);
  assert.equal(sourceOf(scene.meta.get(office.id), scene, []), office.id);
  assert.equal(destinationOf(office), "192.168.0.10");
  assert.deepEqual(sourceFields(offered.value), { source: request.source, via: request.via });
  assert.deepEqual(sourceFields("i-0123"), { source: "i-0123" });
});

test("a trace from on premises is drawn through the customer network, its VPN connection and the VPN gateway", () => {
  const topo = topology();
  const { scene } = draw(topo);
  const { answer } = onpremTrace();
  const ids = pathPoints(answer, scene).map((p) => answer.hops[p.n - 1].component.id);
  const office = topo.on_premises.find((c) => c.name === "head office");
  const vgw = [...vpcsOf(topo)].find((v) => v.vpn_gateway).vpn_gateway.id;
  const wanted = [office.connections[0].id, vgw];
  for (const id of wanted) assert.ok(ids.includes(id), `${id} not on the drawn path ${ids}`);
  assert.ok(ids.indexOf(wanted[0]) < ids.indexOf(wanted[1]));
});
