// Search: the box in the top bar outlines every drawn thing whose name, id or address contains the text; Enter
// centres the first. The words come from the scene (scene.mjs), so search finds what the last redraw drew.

import { $, drawn } from "./dom.mjs";
import { centerOn } from "./panzoom.mjs";

/** Outlines the matches of the search box's text; returns their ids. */
export function applySearch(store) {
  document.querySelectorAll(".match").forEach((el) => el.classList.remove("match"));
  const hits = store.scene.find($("#search").value);
  for (const id of hits) drawn(id).forEach((el) => el.classList.add("match"));
  return hits;
}

export function wireSearch(store) {
  $("#search").addEventListener("input", () => applySearch(store));
  $("#search").addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    const hits = applySearch(store);
    if (hits.length) centerOn(store, hits[0]);
  });
}
