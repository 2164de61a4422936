// The diagram on screen: a redraw lays out store.topology (layout.mjs), draws it (draw.mjs) into #world, keeps the
// scene in the store, then puts back what sits on top of a drawing: the view, the trace's path, the search's
// matches. #diagram's data-revision names the state revision drawn (tests wait for it).

import { $ } from "./dom.mjs";
import { drawWorld } from "./draw.mjs";
import { layoutWorld } from "./layout.mjs";
import { applyView, fit } from "./panzoom.mjs";
import { drawPath } from "./path.mjs";
import { applySearch } from "./search.mjs";

/** Whether default VPCs are drawn: when ticked, or when one VPC is chosen (it may be a default one). */
export const showDefault = () => $("#f-default").checked || Boolean($("#f-vpc").value);

export function redraw(store) {
  const topo = store.topology;
  const world = layoutWorld(topo, { showDefault: showDefault() });
  const { markup, scene } = drawWorld(topo, world);
  $("#world").innerHTML = markup;
  store.scene = scene;
  store.size = { w: world.w, h: world.h };
  $("#empty").hidden = world.accounts.length > 0;
  $("#count").textContent = `${topo.count} resources · revision ${topo.revision}`;
  if (!store.fitted) fit(store);
  applyView(store);
  if (store.trace) drawPath(store);
  applySearch(store);
  $("#diagram").dataset.revision = topo.revision;
}
