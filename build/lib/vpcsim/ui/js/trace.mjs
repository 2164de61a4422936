// The trace panel: the form (source, destination, port, protocol, an optional API call), the demo's scenarios, the
// answer (verdict, explanation codes, internet, endpoint, cost per GB, latency, the hops as a table whose rows
// centre the diagram on their component) and the path drawn on the diagram (path.mjs).

import { trace as postTrace } from "./api.mjs";
import { $ } from "./dom.mjs";
import { cut, esc, money } from "./format.mjs";
import { clearPath, drawPath, stopId } from "./path.mjs";
import { centerOn, showPoints } from "./panzoom.mjs";
import { newest } from "./store.mjs";

/** The API request the form describes. */
export function traceRequest() {
  const request = { source: $("#source").value, destination: $("#destination").value.trim(), protocol: $("#protocol").value };
  const port = $("#port").value;
  request.port = port === "" ? null : Number(port);
  if ($("#action").value.trim()) {
    request.action = $("#action").value.trim();
    request.resource = $("#resource").value.trim() || "*";
  }
  return request;
}

/** Runs a trace and shows it; `quiet` keeps the view where it is (a re-run after a change). */
export async function runTrace(store, request, quiet = false) {
  const current = newest(store, "trace");
  store.request = request; // what a change of state re-runs, even while this one is still on its way
  $("#trace-error").hidden = true;
  try {
    const trace = await postTrace(request);
    if (!current()) return;
    store.trace = trace;
    showTrace(store, trace);
    const points = drawPath(store);
    if (!quiet) showPoints(store, points);
  } catch (error) {
    if (!current()) return;
    $("#trace-error").textContent = error.message;
    $("#trace-error").hidden = false;
  }
}

function hopRow(store, hop, i, stop) {
  const c = hop.component;
  const label = store.scene.meta.get(c.id)?.name || c.name || "";
  const what = hop.steps.map((s) => esc(s.detail)).join("<br>");
  return `<tr data-id="${esc(c.id)}" class="${c.id === stop ? "stop" : ""}"><td>${i + 1}</td><td><span class="kind">${esc(c.kind)}</span>${esc(cut(label && label !== c.id ? label : c.id, 28))}</td><td>${what}</td></tr>`;
}

function showTrace(store, trace) {
  $("#trace-result").hidden = false;
  const verdict = $("#verdict");
  verdict.textContent = trace.verdict;
  verdict.className = `verdict ${trace.verdict}`;
  $("#internet").textContent = trace.internet ? "yes" : "no";
  const unpriced = trace.unpriced || [];
  $("#cost-per-gb").textContent = (unpriced.length ? "at least " : "") + money(trace.usd_per_gb, 4) +
    (unpriced.length ? ` (${unpriced.length} unpriced)` : "");
  $("#endpoint-used").textContent = trace.endpoint || "none";
  $("#latency").textContent = `${trace.latency_ms} ms`;
  $("#explanations").innerHTML = (trace.explanations || []).map((x) =>
    `<p><span class="code">${esc(x.code)}</span> at ${esc(x.component.id)}: ${esc(x.detail)}</p>`).join("");
  $("#charges").innerHTML = [
    ...(trace.charges || []).map((c) => `<p>${money(c.usd_per_gb, 4)}/GB · ${esc(c.item)}</p>`),
    ...unpriced.map((u) => `<p class="unpriced" title="${esc(u.reason)}">unpriced · ${esc(u.item)} (${esc(u.region)})</p>`),
  ].join("");
  const stop = stopId(trace);
  $("#hops tbody").innerHTML = trace.hops.map((hop, i) => hopRow(store, hop, i, stop)).join("");
  $("#notes").innerHTML = (trace.notes || []).map((n) => `<li>${esc(n)}</li>`).join("");
}

export function clearTrace(store) {
  newest(store, "trace"); // a trace still running is not shown
  store.trace = null;
  store.request = null;
  $("#trace-result").hidden = true;
  clearPath();
}

function useExample(store) {
  const example = (store.topology.examples || [])[Number($("#examples").value)];
  if (!$("#examples").value || !example) return;
  $("#source").value = example.source;
  $("#destination").value = example.destination;
  $("#port").value = example.port ?? "";
  $("#action").value = example.action || "";
  $("#resource").value = example.resource || "";
  $("#action").closest("details").open = Boolean(example.action);
  runTrace(store, traceRequest());
}

export function wireTrace(store) {
  $("#trace-form").addEventListener("submit", (e) => {
    e.preventDefault();
    runTrace(store, traceRequest());
  });
  $("#clear-button").onclick = () => clearTrace(store);
  $("#examples").onchange = () => useExample(store);
  $("#hops tbody").addEventListener("click", (e) => {
    const row = e.target.closest("tr");
    if (row) centerOn(store, row.dataset.id);
  });
}
