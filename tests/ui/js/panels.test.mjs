// The panels' pure parts: the what-if chart on real answers, and what a click on the diagram picks.
import assert from "node:assert/strict";
import { test } from "node:test";

import { chartMarkup, latencyNote } from "../../../src/vpcsim/ui/js/cost.mjs";
import { drawWorld } from "../../../src/vpcsim/ui/js/draw.mjs";
import { layoutWorld } from "../../../src/vpcsim/ui/js/layout.mjs";
import { destinationOf, sourceOf } from "../../../src/vpcsim/ui/js/picker.mjs";
import { topology, whatIf } from "./fixtures.mjs";

test("the what-if chart has one line per applicable path, inside the chart, and the break-even when in range", () => {
  const { volumes, answers } = whatIf();
  const max = volumes[volumes.length - 1];
  const markup = chartMarkup(volumes, answers, max);
  const applicable = answers[0].paths.filter((p) => p.applicable).map((p) => p.path);
  assert.deepEqual([...markup.matchAll(/data-path="([^"]+)"/g)].map((m) => m[1]), applicable);
  for (const m of markup.matchAll(/points="([^"]+)"/g)) {
    for (const xy of m[1].split(" ")) {
      const [x, y] = xy.split(",").map(Number);
      assert.ok(x >= 56 && x <= 426 && y >= 44 && y <= 240, xy);
    }
  }
  const even = answers[0].break_even_gb;
  assert.equal(markup.includes('class="break-even"'), even !== null && even <= max);
  assert.equal(chartMarkup(volumes, answers, 0.5 * (even ?? 0)).includes('class="break-even"'), false);
});

test("the what-if note gives each applicable path's estimated round trip, the gateway endpoint's the shortest", () => {
  const [answer] = whatIf().answers;
  const note = latencyNote(answer);
  const applicable = answer.paths.filter((p) => p.applicable);
  assert.equal(applicable.length, 3);
  for (const p of applicable) assert.ok(note.includes(`${p.path.replace("-", " ")} ${p.latency_ms} ms`), note);
  const rtt = Object.fromEntries(applicable.map((p) => [p.path, p.latency_ms]));
  assert.ok(rtt["gateway-endpoint"] < rtt["nat-gateway"] && rtt["gateway-endpoint"] < rtt["interface-endpoint"]);
});

test("a click picks an instance (or an interface's instance) as source and an address or name as destination", () => {
  const topo = topology();
  const { scene } = drawWorld(topo, layoutWorld(topo, { showDefault: true }));
  const items = [...scene.meta.values()];
  const instance = items.find((i) => i.kind === "instance");
  const eni = items.find((i) => i.kind === "network-interface" && i.owner === instance.id);
  const natEni = items.find((i) => i.kind === "network-interface" && scene.meta.get(i.owner)?.kind === "nat-gateway");
  assert.equal(sourceOf(eni, scene), instance.id);
  assert.equal(sourceOf(natEni, scene), natEni.id);
  assert.equal(destinationOf(instance), instance.ip);
  const service = items.find((i) => i.kind === "aws-service");
  assert.equal(destinationOf(service), service.hostname);
  const endpoint = items.find((i) => i.kind === "vpc-endpoint" && i.dns);
  assert.equal(destinationOf(endpoint), endpoint.dns);
  assert.equal(destinationOf(items.find((i) => i.kind === "subnet")), null);
});

test("only the newest load of a thing is current", async () => {
  const { createStore, newest } = await import("../../../src/vpcsim/ui/js/store.mjs");
  const store = createStore();
  const first = newest(store, "cost");
  const trace = newest(store, "trace");
  assert.ok(first() && trace());
  const second = newest(store, "cost");
  assert.deepEqual([first(), second(), trace()], [false, true, true]);
});
