// The top bar's filters and the topology they ask for: loading it (only the newest answer is drawn when loads
// overlap), and filling from it the filter choices, the cost panel's account and region, and the trace form's
// suggestions and scenarios.

import { topology as getTopology } from "./api.mjs";
import { $, fillSelect } from "./dom.mjs";
import { esc } from "./format.mjs";
import { redraw } from "./diagram.mjs";
import { newest } from "./store.mjs";

function filterChoice() {
  return { account: $("#f-account").value, region: $("#f-region").value, vpc: $("#f-vpc").value };
}

function fillFilters(filters) {
  fillSelect($("#f-account"), filters.accounts, (a) => a, "all");
  fillSelect($("#f-region"), filters.regions, (r) => r, "all");
  const vpcs = filters.vpcs.filter((v) => $("#f-default").checked || !v.default);
  const byId = Object.fromEntries(vpcs.map((v) => [v.id, v]));
  fillSelect($("#f-vpc"), vpcs.map((v) => v.id), (id) => `${byId[id].name} (${byId[id].region}, ${byId[id].account})`, "all");
  fillSelect($("#c-account"), filters.accounts);
  fillSelect($("#c-region"), filters.regions);
}

function fillSuggestions(suggestions, examples = []) {
  const labels = Object.fromEntries(suggestions.sources.map((s) => [s.value, s.label]));
  fillSelect($("#source"), suggestions.sources.map((s) => s.value), (v) => labels[v]);
  $("#destinations").innerHTML = suggestions.destinations.map((d) => `<option value="${esc(d.value)}">${esc(d.label)}</option>`).join("");
  const select = $("#examples");
  const kept = select.value;
  select.innerHTML = '<option value="">choose one of the demo\'s scenarios</option>' +
    examples.map((x, i) => `<option value="${i}">${esc(x.title)}</option>`).join("");
  select.value = kept;
  select.closest("label").hidden = !examples.length;
}

/** Loads the topology for the chosen filters and redraws; false when a newer load overtook this one. */
export async function loadTopology(store) {
  const current = newest(store, "topology");
  const topology = await getTopology(filterChoice());
  if (!current()) return false;
  store.topology = topology;
  fillFilters(topology.filters);
  fillSuggestions(topology.suggestions, topology.examples || []);
  redraw(store);
  return true;
}

export function wireFilters(store) {
  for (const id of ["#f-account", "#f-region", "#f-vpc"]) {
    $(id).onchange = () => {
      store.fitted = false;
      loadTopology(store);
    };
  }
  $("#f-default").onchange = () => {
    store.fitted = false;
    fillFilters(store.topology.filters);
    redraw(store);
  };
}
