// vpcsim's web view, started by index.html as an ES module: no framework, no build step, nothing fetched from the
// internet (the files ship inside the Python package). One module per idea, all sharing one state object that this
// module creates and passes on (store.mjs); docs/ui.md lists the modules and says how to add a kind of resource.
// Here: the page's styles and legend from the kinds table, the wiring, the first load, live updates.

import { loadCost, wireCost } from "./cost.mjs";
import { $ } from "./dom.mjs";
import { kindStyles, legendMarkup } from "./kinds.mjs";
import { startLive } from "./live.mjs";
import { wirePanZoom } from "./panzoom.mjs";
import { pick } from "./picker.mjs";
import { wireSearch } from "./search.mjs";
import { createStore } from "./store.mjs";
import { loadTopology, wireFilters } from "./topology.mjs";
import { wireTrace } from "./trace.mjs";

function installKinds() {
  const style = document.createElement("style");
  style.id = "kind-styles";
  style.textContent = kindStyles();
  document.head.appendChild(style);
  $("#count").insertAdjacentHTML("beforebegin", legendMarkup());
}

function showTab(store, name) {
  document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t.dataset.tab === name));
  $("#tab-trace").hidden = name !== "trace";
  $("#tab-cost").hidden = name !== "cost";
  if (name === "cost") loadCost(store);
}

async function main() {
  const store = createStore();
  installKinds();
  wirePanZoom(store, (event) => pick(store, event));
  wireSearch(store);
  wireFilters(store);
  wireTrace(store);
  wireCost(store);
  document.querySelectorAll(".tab").forEach((t) => { t.onclick = () => showTab(store, t.dataset.tab); });
  try {
    await loadTopology(store);
  } catch (error) {
    $("#empty").hidden = false;
    $("#empty").textContent = `Cannot load the topology: ${error.message}`;
  }
  startLive(store);
  document.body.dataset.ready = "true";
}

main();
