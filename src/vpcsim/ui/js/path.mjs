// A trace drawn on the diagram: the components on its path outlined (the one that stops it in red), and a line
// through them numbered as the hops table is. Which point of a component the line goes through is pure and
// exported (`pathPoints`): the one in the hop's zone, else the nearest to the previous hop.

import { $, drawn } from "./dom.mjs";

/** The id of the component that stops a trace (null when it is reachable): its first explanation's, else its last hop's. */
export function stopId(trace) {
  if (trace.verdict === "reachable") return null;
  const first = (trace.explanations || [])[0];
  if (first && first.component && first.component.id) return first.component.id;
  const hops = trace.hops || [];
  return hops.length ? hops[hops.length - 1].component.id : null;
}

const distance = (a, b) => Math.hypot(a.x - b.x, a.y - b.y);

function nearest(candidates, zone, prev) {
  const inZone = zone ? candidates.filter((c) => c.zone === zone) : [];
  const pool = inZone.length ? inZone : candidates;
  if (!prev) return pool[0];
  return pool.reduce((best, c) => (distance(c, prev) < distance(best, prev) ? c : best));
}

/** The line's points: one per hop that is drawn (a hop at the same point as the one before adds none). */
export function pathPoints(trace, scene) {
  const stop = stopId(trace);
  const points = [];
  let prev = null;
  trace.hops.forEach((hop, i) => {
    const c = hop.component;
    const candidates = scene.pos.get(c.id);
    if (!candidates) return;
    const p = nearest(candidates, c.zone, prev);
    if (!prev || p.x !== prev.x || p.y !== prev.y) points.push({ ...p, n: i + 1, stop: c.id === stop });
    prev = p;
  });
  return points;
}

export function pathMarkup(points, verdict) {
  const line = points.map((p) => `${p.x},${p.y}`).join(" ");
  const blocked = verdict === "reachable" ? "" : " blocked";
  return (points.length > 1 ? `<polyline class="path-line${blocked}" points="${line}" marker-end="url(#arrow)"/>` : "") +
    points.map((p) => `<circle class="path-dot${p.stop ? " stop" : ""}" cx="${p.x}" cy="${p.y}" r="8"/><text class="path-num" x="${p.x}" y="${p.y}">${p.n}</text>`).join("");
}

export function clearPath() {
  $("#path-layer").innerHTML = "";
  document.querySelectorAll("#world .on-path").forEach((el) => el.classList.remove("on-path", "stop"));
}

/** Draws store.trace on the diagram; returns the line's points. */
export function drawPath(store) {
  const trace = store.trace;
  clearPath();
  for (const hop of trace.hops) drawn(hop.component.id).forEach((el) => el.classList.add("on-path"));
  const stop = stopId(trace);
  if (stop) drawn(stop).forEach((el) => el.classList.add("on-path", "stop"));
  const points = pathPoints(trace, store.scene);
  $("#path-layer").innerHTML = pathMarkup(points, trace.verdict);
  return points;
}
