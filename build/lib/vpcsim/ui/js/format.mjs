// Text helpers shared by every module that writes markup: escaping, shortening, money. Pure (no DOM), so node's
// test runner can load them (tests/ui/js/).

const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** `esc('a<b')` -> `'a&lt;b'`: safe inside element text and attribute values; null and undefined become "". */
export const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c]);

/** `cut("abcdef", 4)` -> `"abc…"`: at most n characters. */
export const cut = (s, n) => (String(s).length > n ? String(s).slice(0, n - 1) + "…" : String(s));

/** `money(1.5)` -> `"$1.50"`; `money(null)` -> `"unpriced"` (a price the book does not have is not $0). */
export const money = (usd, digits = 2) => (usd === null || usd === undefined ? "unpriced" : "$" + Number(usd).toFixed(digits));

/** `plural(1, "subnet")` -> `"1 subnet"`, `plural(2, "subnet")` -> `"2 subnets"`. */
export const plural = (n, noun) => `${n} ${noun}${n === 1 ? "" : "s"}`;
