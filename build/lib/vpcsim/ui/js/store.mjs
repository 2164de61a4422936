// The UI's state, in one object that main.mjs creates and passes to every module that reads or changes it (no
// module keeps state of its own). What is on screen is derived from it: a redraw reads `topology` and writes
// `scene` and `size`; pan and zoom write `view`; a trace writes `trace` and `request`; `loads` counts loads.

import { Scene } from "./scene.mjs";

export function createStore() {
  return {
    topology: null, // the last GET /topology answer (for the filters chosen)
    loads: {}, // what -> loads of it asked for (newest below)
    scene: new Scene(), // what is drawn where (scene.mjs), rebuilt by each redraw
    size: { w: 0, h: 0 }, // the drawn world, in diagram units
    view: { x: 20, y: 20, k: 1 }, // the pan/zoom transform of #world
    fitted: false, // false: the next redraw fits the diagram to the window
    trace: null, // the trace on screen, redrawn after each redraw
    request: null, // the request that made it, run again when the state changes
  };
}

/**
 * Starts one load of `what` ("topology", "trace", "cost"); returns a check that stays true until another load of the
 * same thing starts. Answers can arrive out of order (a filter changed twice, a poll's re-run beside a click): only
 * the newest load's answer is shown.
 */
export function newest(store, what) {
  const ticket = (store.loads[what] = (store.loads[what] || 0) + 1);
  return () => store.loads[what] === ticket;
}
