// Choosing a trace's ends on the diagram: a click sets the source, shift+click the destination. What a clicked
// thing stands for: an instance (or the instance behind its interface) as a source, an address or a name as a
// destination (`destinationOf`, pure).

import { $, addOption } from "./dom.mjs";

/** What to put in the destination box for a clicked item, or null. */
export function destinationOf(item) {
  if (item.kind === "aws-service") return item.hostname;
  if (item.kind === "customer-gateway") return (item.hosts || [])[0] || null;
  if (item.kind === "vpc-endpoint" && item.dns) return item.dns;
  if (item.ip) return item.ip;
  const eni = (item.interfaces || [])[0];
  return eni ? eni.ip : null;
}

/** The source a click on `item` picks: an interface's instance; for a customer network, the first offered host of
 * it (`offered`: the form's source values, "192.168.0.10 via vpn-..." for hosts on premises); else the item itself. */
export function sourceOf(item, scene, offered = []) {
  if (item.kind === "customer-gateway") {
    const ids = item.connections.map((c) => ` via ${c.id}`);
    return offered.find((v) => ids.some((id) => v.endsWith(id))) || item.id;
  }
  if (item.kind !== "network-interface") return item.id;
  return item.owner && scene.meta.get(item.owner)?.kind === "instance" ? item.owner : item.id;
}

/** Handles a click (pointerup that was no drag) on the diagram. */
export function pick(store, event) {
  const el = event.target.closest && event.target.closest("[data-id]");
  const item = el && store.scene.meta.get(el.dataset.id);
  if (!item) return;
  const values = [...$("#source").options].map((o) => o.value);
  const source = sourceOf(item, store.scene, values);
  const offered = values.includes(source);
  // Shift+click, or a click on what cannot be a source (a subnet, a service, a gateway): the destination.
  if (event.shiftKey || (!offered && item.kind !== "network-interface")) {
    const value = destinationOf(item);
    if (value) $("#destination").value = value;
    return;
  }
  if (!offered) addOption($("#source"), source, `${source} (${item.ip})`); // any interface can be a source
  $("#source").value = source;
}
