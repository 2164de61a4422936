// Pan and zoom: the view is `store.view = {x, y, k}`, the transform of #world (translate then scale). Wheel zooms
// about the pointer, a drag pans (a press that moves less than 4 px is a click, handed to `onClick`), the buttons
// zoom about the centre and fit the whole diagram. The view arithmetic is pure and exported (tests/ui/js/); the
// rest wires it to the SVG. Hand-rolled on purpose: docs/ui.md weighs it against d3-zoom.

import { $ } from "./dom.mjs";

export const ZOOM = { min: 0.05, max: 4, far: 0.3, step: 1.25, perPixel: 0.0015, fitMax: 1.2, focusMin: 0.9, pathMax: 1.1, pathPad: 160 };
// A wheel event counts in pixels, lines or pages (WheelEvent.deltaMode 0, 1, 2). Chromium sends 100 px a notch,
// Firefox (in line mode) 3 lines: 33 px a line zooms the same per notch in both; a page counts as 800 px.
const PIXELS_PER = [1, 33, 800];
const CLICK_SLOP = 4; // px a press may move and still be a click

/** The zoom factor of one wheel event: below 1 zooms out. */
export function wheelFactor({ deltaY, deltaMode = 0 }) {
  return Math.exp(-deltaY * (PIXELS_PER[deltaMode] ?? 1) * ZOOM.perPixel);
}

/** `view` zoomed by `factor` (clamped to ZOOM.min..max) about the screen point (mx, my), which stays put. */
export function zoomed(view, factor, mx, my) {
  const k = Math.min(ZOOM.max, Math.max(ZOOM.min, view.k * factor));
  return { k, x: mx - ((mx - view.x) / view.k) * k, y: my - ((my - view.y) / view.k) * k };
}

/** The view that shows a world of `size` whole in a screen `box` (never closer than ZOOM.fitMax), or null. */
export function fitted(size, box) {
  if (!box.width || !size.w) return null;
  const k = Math.min(ZOOM.fitMax, (box.width - 40) / (size.w + 40), (box.height - 40) / (size.h + 80));
  return { k, x: 20, y: 40 };
}

/** The view centred on world point `p`, at least as close as ZOOM.focusMin. */
export function centred(view, p, box) {
  const k = Math.max(view.k, ZOOM.focusMin);
  return { k, x: box.width / 2 - p.x * k, y: box.height / 2 - p.y * k };
}

/** The view that frames every point with a margin, as close as it fits (never closer than ZOOM.pathMax), or null. */
export function framing(points, box) {
  if (!points.length) return null;
  const xs = points.map((p) => p.x), ys = points.map((p) => p.y);
  const w = Math.max(...xs) - Math.min(...xs) + 2 * ZOOM.pathPad, h = Math.max(...ys) - Math.min(...ys) + 2 * ZOOM.pathPad;
  const k = Math.min(ZOOM.pathMax, box.width / w, box.height / h);
  const cx = (Math.max(...xs) + Math.min(...xs)) / 2, cy = (Math.max(...ys) + Math.min(...ys)) / 2;
  return { k, x: box.width / 2 - cx * k, y: box.height / 2 - cy * k };
}

const screen = () => $("#diagram").getBoundingClientRect();

/** Writes store.view to the SVG (and hides labels when zoomed far out). */
export function applyView(store) {
  const { x, y, k } = store.view;
  $("#world").setAttribute("transform", `translate(${x},${y}) scale(${k})`);
  $("#diagram").classList.toggle("far", k < ZOOM.far);
}

function setView(store, view) {
  if (!view) return;
  store.view = view;
  applyView(store);
}

export function fit(store) {
  const view = fitted(store.size, screen());
  if (view) store.fitted = true;
  setView(store, view);
}

export function zoomBy(store, factor) {
  const box = screen();
  setView(store, zoomed(store.view, factor, box.width / 2, box.height / 2));
}

/** Centres the diagram on where `id` is drawn first (nothing if it is not drawn). */
export function centerOn(store, id) {
  const p = store.scene.point(id);
  if (p) setView(store, centred(store.view, p, screen()));
}

/** Brings every point (a trace's path) into view. */
export function showPoints(store, points) {
  setView(store, framing(points, screen()));
}

export function wirePanZoom(store, onClick) {
  const svg = $("#diagram");
  let drag = null;
  const stop = () => {
    drag = null;
    svg.classList.remove("dragging");
  };
  svg.addEventListener("wheel", (e) => {
    e.preventDefault();
    const box = svg.getBoundingClientRect();
    setView(store, zoomed(store.view, wheelFactor(e), e.clientX - box.left, e.clientY - box.top));
  }, { passive: false });
  svg.addEventListener("pointerdown", (e) => {
    drag = { x: e.clientX, y: e.clientY, vx: store.view.x, vy: store.view.y, moved: false };
  });
  svg.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < CLICK_SLOP) return;
    if (!drag.moved) svg.setPointerCapture(e.pointerId);
    drag.moved = true;
    svg.classList.add("dragging");
    setView(store, { ...store.view, x: drag.vx + dx, y: drag.vy + dy });
  });
  svg.addEventListener("pointerup", (e) => {
    const wasDrag = drag && drag.moved;
    stop();
    if (!wasDrag) onClick(e);
  });
  svg.addEventListener("pointercancel", stop);
  $("#zoom-in").onclick = () => zoomBy(store, ZOOM.step);
  $("#zoom-out").onclick = () => zoomBy(store, 1 / ZOOM.step);
  $("#zoom-fit").onclick = () => fit(store);
  window.addEventListener("resize", () => applyView(store));
}
