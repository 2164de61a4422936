// path.mjs on the demo's real traces: the line goes through the drawn hops in order, the stop is marked.
import assert from "node:assert/strict";
import { test } from "node:test";

import { drawWorld } from "../../../src/vpcsim/ui/js/draw.mjs";
import { layoutWorld } from "../../../src/vpcsim/ui/js/layout.mjs";
import { pathMarkup, pathPoints, stopId } from "../../../src/vpcsim/ui/js/path.mjs";
import { Scene } from "../../../src/vpcsim/ui/js/scene.mjs";
import { topology, traces } from "./fixtures.mjs";

const topo = topology();
const { scene } = drawWorld(topo, layoutWorld(topo));

for (const { title, answer } of traces()) {
  test(`the path of "${title}" goes through its drawn hops in order`, () => {
    const points = pathPoints(answer, scene);
    assert.ok(points.length >= 2, `${points.length} points`);
    const stop = stopId(answer);
    let last = 0;
    for (const [i, p] of points.entries()) {
      assert.ok(p.n > last);
      last = p.n;
      const hop = answer.hops[p.n - 1].component;
      assert.ok(scene.pos.get(hop.id).some((q) => q.x === p.x && q.y === p.y), hop.id);
      assert.equal(p.stop, hop.id === stop);
      if (i) assert.ok(p.x !== points[i - 1].x || p.y !== points[i - 1].y);
    }
    const markup = pathMarkup(points, answer.verdict);
    assert.equal(markup.includes('class="path-line blocked"'), answer.verdict !== "reachable");
    assert.equal((markup.match(/<circle/g) || []).length, points.length);
  });
}

test("the demo's traces include a blocked one whose stop is drawn", () => {
  const blocked = traces().map((t) => t.answer).filter((a) => a.verdict !== "reachable");
  assert.ok(blocked.length > 0);
  assert.ok(blocked.some((a) => pathPoints(a, scene).some((p) => p.stop)));
  for (const a of traces().map((t) => t.answer)) assert.equal(stopId(a) === null, a.verdict === "reachable");
});

test("a component drawn in several subnets is passed in its hop's zone, else nearest the hop before", () => {
  const s = new Scene();
  s.place("i-1", 0, 0, { zone: "a" });
  s.place("vpce-1", 100, 0, { zone: "a" });
  s.place("vpce-1", 900, 0, { zone: "b" });
  const hop = (id, zone) => ({ component: { id, zone, kind: "x" }, steps: [] });
  const ids = (trace) => pathPoints(trace, s).map((p) => p.x);
  assert.deepEqual(ids({ verdict: "reachable", hops: [hop("i-1", "a"), hop("vpce-1", "b")] }), [0, 900]);
  assert.deepEqual(ids({ verdict: "reachable", hops: [hop("i-1", "a"), hop("vpce-1")] }), [0, 100]);
  assert.deepEqual(ids({ verdict: "reachable", hops: [hop("i-1"), hop("i-1"), hop("unknown")] }), [0]);
});
