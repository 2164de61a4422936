// What the last redraw put where: for every AWS id, the points it is drawn at (a trace hop becomes a point of the
// path line: an interface endpoint is drawn once per subnet, so an id can have several, tagged with zone and VPC),
// the item the topology API gave for it (clicks and labels read it), the boxes of VPCs and hubs (lines join them)
// and the words search finds it by. Pure data, filled by draw.mjs and links.mjs.

export class Scene {
  constructor() {
    this.pos = new Map(); // id -> [{x, y, zone?, vpc?}]
    this.meta = new Map(); // id -> topology item
    this.boxes = new Map(); // id -> {x, y, w, h}
    this.index = []; // [{id, text}] in drawing order
  }

  /** One more point where `id` is drawn; `where` may name its zone and VPC. */
  place(id, x, y, where = {}) {
    if (!id) return;
    if (!this.pos.has(id)) this.pos.set(id, []);
    this.pos.get(id).push({ x, y, ...where });
  }

  describe(item) {
    this.meta.set(item.id, item);
  }

  frame(id, box) {
    this.boxes.set(id, box);
  }

  /** Search finds `id` by any of `words` (names, ids, addresses), case-insensitively. */
  searchable(id, ...words) {
    this.index.push({ id, text: words.map((w) => w ?? "").join(" ").toLowerCase() });
  }

  /** The ids whose words contain `query`, in drawing order. */
  find(query) {
    const q = query.trim().toLowerCase();
    return q ? this.index.filter((entry) => entry.text.includes(q)).map((entry) => entry.id) : [];
  }

  /** Where `id` is drawn first, or undefined. */
  point(id) {
    return (this.pos.get(id) || [])[0];
  }
}
