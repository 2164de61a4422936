// The demo world's real API answers, fetched from a live server by tests/ui/test_js.py (run the tests from there:
// `pytest tests/ui/test_js.py`), and the UI modules under test.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const folder = process.env.VPCSIM_UI_FIXTURES;
if (!folder) throw new Error("VPCSIM_UI_FIXTURES is not set: run these through pytest tests/ui/test_js.py");
const load = (name) => JSON.parse(readFileSync(join(folder, name), "utf8"));

/** A fresh copy each call (tests may change it). */
export const topology = () => load("topology.json");
export const traces = () => load("traces.json");
export const whatIf = () => load("what-if.json");
export const onpremTrace = () => load("onprem-trace.json");

/** Every VPC of a topology, with its account and region. */
export function* vpcsOf(topo) {
  for (const account of topo.accounts) for (const region of account.regions) for (const vpc of region.vpcs) yield vpc;
}
