// kinds.mjs: the table covers what the demo draws; icons, styles and the legend come from it.
import assert from "node:assert/strict";
import { test } from "node:test";

import { cut, esc, money, plural } from "../../../src/vpcsim/ui/js/format.mjs";
import { KINDS, kindOf, kindStyles, legendMarkup } from "../../../src/vpcsim/ui/js/kinds.mjs";
import { topology, vpcsOf } from "./fixtures.mjs";

test("every kind the demo draws has an entry in the table", () => {
  const topo = topology();
  const vpns = topo.on_premises.flatMap((c) => c.connections);
  const hubs = [...topo.peerings, ...topo.transit_gateways, ...topo.on_premises, ...vpns, ...topo.endpoint_services, ...topo.aws_services];
  const kinds = new Set(hubs.map((i) => i.kind));
  for (const vpc of vpcsOf(topo)) {
    for (const e of [vpc.internet_gateway, vpc.egress_only_gateway, vpc.vpn_gateway, ...vpc.gateway_endpoints].filter(Boolean)) kinds.add(e.kind);
    for (const az of vpc.azs) for (const s of az.subnets) for (const r of s.resources) kinds.add(r.kind);
  }
  assert.ok(kinds.size >= 8);
  for (const kind of kinds) assert.ok(KINDS[kind], `${kind} is not in kinds.mjs`);
});

test("each icon is SVG of class icon centred on its point", () => {
  for (const [kind, entry] of Object.entries(KINDS)) {
    for (const icon of [entry.icon, entry.edge?.icon].filter(Boolean)) {
      const markup = icon(100, 200);
      assert.match(markup, /class="icon"/, kind);
      const xs = [...markup.matchAll(/\s(?:x|cx)="([\d.]+)"/g)].map((m) => Number(m[1]));
      assert.ok(xs.every((x) => x >= 80 && x <= 100), `${kind}: ${markup}`);
    }
  }
});

test("kindStyles colours each coloured kind's icon, swatch, hub and link", () => {
  const css = kindStyles();
  for (const [kind, { color }] of Object.entries(KINDS)) {
    if (!color) continue;
    for (const rule of [`.k-${kind} .icon { fill: ${color}; }`, `.sw.k-${kind} { background: ${color}; }`,
      `.hub.k-${kind} > rect { stroke: ${color}; }`, `.link.k-${kind} { stroke: ${color}; }`]) {
      assert.ok(css.includes(rule), rule);
    }
  }
});

test("the legend lists the subnets, then each kind with a legend label, in table order", () => {
  const labels = [...legendMarkup().matchAll(/<\/i>([^<]+)<\/span>/g)].map((m) => m[1]);
  const kinds = Object.values(KINDS).filter((k) => k.legend).map((k) => k.legend);
  assert.deepEqual(labels, ["public subnet", "private subnet", ...kinds]);
});

test("kindOf fills what an entry leaves out", () => {
  const unknown = kindOf("carrier-gateway");
  assert.match(unknown.icon(0, 0), /class="icon"/);
  assert.equal(unknown.hub.label({ kind: "carrier-gateway", name: "cagw" }), "carrier-gateway: cagw");
  assert.equal(kindOf("instance").detail({ ip: "10.0.0.5" }), "10.0.0.5");
  assert.equal(kindOf("vpc-endpoint").detail({ state: "available", endpoint_type: "Interface" }), "Interface");
  assert.equal(kindOf("vpc-endpoint").detail({ state: "pendingAcceptance", endpoint_type: "Interface" }), "pendingAcceptance");
  assert.equal(kindOf("load-balancer").detail({ lb_type: "network" }), "NLB");
  assert.equal(kindOf("endpoint-service").hub.sub({ id: "vpce-svc-1", consumers: [{}] }), "1 consumer endpoint · vpce-svc-1");
});

test("text helpers escape, shorten and format", () => {
  assert.equal(esc(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  assert.equal(esc(null), "");
  assert.equal(cut("abcdef", 4), "abc…");
  assert.equal(cut("abc", 4), "abc");
  assert.equal(money(0.045, 4), "$0.0450");
  assert.deepEqual([plural(1, "subnet"), plural(0, "subnet")], ["1 subnet", "0 subnets"]);
});
