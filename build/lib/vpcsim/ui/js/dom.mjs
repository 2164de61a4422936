// The few DOM helpers the panel modules share: one element by selector, the diagram's elements for an AWS id, and
// filling a <select> while keeping its choice.

/** The first element matching `selector`. */
export const $ = (selector) => document.querySelector(selector);

/** Every drawn element of one AWS id (a resource and, for an ENI, its badge; the trace path marks them). */
export const drawn = (id) => document.querySelectorAll(`#world [data-id="${CSS.escape(id)}"]`);

export function addOption(select, value, label) {
  const option = document.createElement("option");
  option.value = value;
  option.textContent = label;
  select.appendChild(option);
}

/** Replaces a select's options; the chosen value stays chosen if it is still offered. */
export function fillSelect(select, values, labelOf = (v) => v, first = null) {
  const kept = select.value;
  select.innerHTML = "";
  if (first !== null) addOption(select, "", first);
  for (const v of values) addOption(select, v, labelOf(v));
  if ([...select.options].some((o) => o.value === kept)) select.value = kept;
}
