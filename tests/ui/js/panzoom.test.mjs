// panzoom.mjs's view arithmetic: the point under the pointer stays put, zoom is clamped, fit and framing show all,
// and a wheel notch zooms alike in pixel and line mode.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ZOOM, centred, fitted, framing, wheelFactor, zoomed } from "../../../src/vpcsim/ui/js/panzoom.mjs";
import { layoutWorld } from "../../../src/vpcsim/ui/js/layout.mjs";
import { topology } from "./fixtures.mjs";

const near = (a, b, eps = 1e-6) => Math.abs(a - b) <= eps * Math.max(1, Math.abs(a), Math.abs(b));
const toWorld = (view, sx, sy) => ({ x: (sx - view.x) / view.k, y: (sy - view.y) / view.k });
const toScreen = (view, p) => ({ x: view.x + p.x * view.k, y: view.y + p.y * view.k });
const box = { width: 1000, height: 700 };

test("zooming keeps the diagram point under the pointer still", () => {
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let i = 0; i < 500; i++) {
    const view = { x: random() * 800 - 400, y: random() * 800 - 400, k: 0.1 + random() * 2 };
    const mx = random() * 1000, my = random() * 700, factor = 0.5 + random();
    const after = zoomed(view, factor, mx, my);
    if (after.k === ZOOM.min || after.k === ZOOM.max) continue;
    const before = toWorld(view, mx, my), now = toWorld(after, mx, my);
    assert.ok(near(before.x, now.x) && near(before.y, now.y));
    assert.ok(near(after.k, view.k * factor));
  }
});

test("zoom stays between ZOOM.min and ZOOM.max", () => {
  assert.equal(zoomed({ x: 0, y: 0, k: 3 }, 10, 0, 0).k, ZOOM.max);
  assert.equal(zoomed({ x: 0, y: 0, k: 0.1 }, 0.01, 0, 0).k, ZOOM.min);
});

test("a wheel notch zooms alike in pixels (Chromium) and lines (Firefox); down zooms out", () => {
  const pixels = wheelFactor({ deltaY: 100, deltaMode: 0 }), lines = wheelFactor({ deltaY: 3, deltaMode: 1 });
  assert.ok(pixels < 1 && Math.abs(pixels - lines) < 0.01);
  assert.ok(wheelFactor({ deltaY: -1, deltaMode: 2 }) > 1.5);
  assert.equal(wheelFactor({ deltaY: 0 }), 1);
});

test("fit shows the whole demo diagram", () => {
  const world = layoutWorld(topology());
  const view = fitted({ w: world.w, h: world.h }, box);
  for (const corner of [{ x: 0, y: 0 }, { x: world.w, y: world.h }]) {
    const p = toScreen(view, corner);
    assert.ok(p.x >= 0 && p.x <= box.width && p.y >= 0 && p.y <= box.height, JSON.stringify(p));
  }
  assert.equal(fitted({ w: 0, h: 0 }, box), null);
  assert.equal(fitted({ w: 10, h: 10 }, box).k, ZOOM.fitMax);
});

test("framing shows every point; centred puts one in the middle", () => {
  const points = [{ x: 100, y: 50 }, { x: 2400, y: 900 }, { x: 1300, y: 1700 }];
  const view = framing(points, box);
  for (const p of points.map((q) => toScreen(view, q))) assert.ok(p.x > 0 && p.x < box.width && p.y > 0 && p.y < box.height);
  assert.equal(framing([], box), null);
  const c = toScreen(centred({ x: 0, y: 0, k: 0.2 }, { x: 500, y: 400 }, box), { x: 500, y: 400 });
  assert.ok(near(c.x, 500) && near(c.y, 350));
  assert.equal(centred({ x: 0, y: 0, k: 0.2 }, { x: 0, y: 0 }, box).k, ZOOM.focusMin);
});
