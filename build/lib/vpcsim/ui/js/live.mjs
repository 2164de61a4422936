// Live updates: the state's revision is polled every 2 s (GET /revision is one integer); a new one reloads the
// topology, re-runs the trace on screen and reloads the cost panel if it is open. Each poll is scheduled when the
// one before has finished, so a slow redraw on a loaded machine never stacks polls. The pill in the top bar says
// "live", or "offline" while the server does not answer.

import { revision as getRevision } from "./api.mjs";
import { $ } from "./dom.mjs";
import { loadCost } from "./cost.mjs";
import { loadTopology } from "./topology.mjs";
import { runTrace } from "./trace.mjs";

export const POLL_MS = 2000;

function showLive(online) {
  $("#live").classList.toggle("stale", !online);
  $("#live").textContent = online ? "live" : "offline";
}

/** Brings the page up to date with the state at `revision`, if it is not already. */
async function follow(store, revision) {
  if (!store.topology || revision === store.topology.revision) return;
  await loadTopology(store);
  if (store.request) await runTrace(store, store.request, true);
  if (!$("#tab-cost").hidden) await loadCost(store);
}

export async function poll(store) {
  try {
    const { revision } = await getRevision();
    showLive(true);
    await follow(store, revision);
  } catch {
    showLive(false);
  }
}

export function startLive(store, every = POLL_MS) {
  const next = () => setTimeout(async () => {
    await poll(store);
    next();
  }, every);
  next();
}
