// The cost panel: an account's region's monthly network cost by item (GET /cost), and the what-if chart comparing
// a NAT gateway, a gateway endpoint and an interface endpoint over traffic volume (GET /what-if at 11 volumes),
// with the break-even point when there is one. The chart's markup is pure and exported (`chartMarkup`).

import { cost as getCost, whatIf } from "./api.mjs";
import { $ } from "./dom.mjs";
import { esc, money } from "./format.mjs";
import { newest } from "./store.mjs";

const CHART = { W: 440, H: 280, L: 56, R: 14, T: 44, B: 40 }; // the SVG's viewBox and its margins

function costRow(i) {
  const resource = i.resource_id ? ` <span class="kind">${esc(i.resource_id)}</span>` : "";
  return `<tr title="${esc(i.source)}"><td>${esc(i.item)}${resource}${i.uncertain ? " *" : ""}</td><td class="num">${money(i.usd)}</td></tr>`;
}

/** Loads both parts for the account and region chosen in the panel (only the newest load's answers are shown). */
export async function loadCost(store) {
  const account = $("#c-account").value, region = $("#c-region").value;
  if (!account || !region) return;
  const current = newest(store, "cost");
  try {
    const cost = await getCost(account, region);
    if (!current()) return;
    $("#cost-total").textContent = `· ${cost.complete === false ? "at least " : ""}${money(cost.total_usd)} a month`;
    $("#cost-items tbody").innerHTML = cost.items.map(costRow).join("") ||
      '<tr><td colspan="2">No priced network resources in this region.</td></tr>';
  } catch (error) {
    if (!current()) return;
    $("#cost-items tbody").innerHTML = `<tr><td colspan="2" class="error">${esc(error.message)}</td></tr>`;
  }
  await loadWhatIf(region, current);
}

async function loadWhatIf(region, current) {
  const max = Math.max(100, Number($("#w-max").value) || 2000);
  const volumes = Array.from({ length: 11 }, (_, i) => Math.round((max * i) / 10));
  const params = { region, service: $("#w-service").value, azs: Number($("#w-azs").value) || 2 };
  try {
    const answers = await Promise.all(volumes.map((v) => whatIf({ ...params, volume_gb: v })));
    if (!current()) return;
    $("#whatif-chart").innerHTML = chartMarkup(volumes, answers, max);
    $("#break-even").textContent = `${answers[0].break_even_note || ""} At ${max.toLocaleString()} GB a month the cheapest is ${answers[answers.length - 1].cheapest}.`;
  } catch (error) {
    if (current()) $("#break-even").textContent = error.message;
  }
}

/** The chart: one line per applicable path over `volumes` (GB a month, up to `max`), axes, and the break-even. */
export function chartMarkup(volumes, answers, max) {
  const { W, H, L, R, T, B } = CHART;
  const names = answers[0].paths.filter((p) => p.applicable).map((p) => p.path);
  const series = names.map((name) => volumes.map((v, i) => ({ v, usd: answers[i].paths.find((p) => p.path === name).monthly_usd })));
  const top = Math.max(1, ...series.flat().map((p) => p.usd)) * 1.1;
  const sx = (v) => L + (v / max) * (W - L - R);
  const sy = (usd) => H - B - (usd / top) * (H - T - B);
  const out = [];
  for (let i = 0; i <= 5; i++) {
    const usd = (top * i) / 5, v = (max * i) / 5;
    out.push(`<line class="grid" x1="${L}" x2="${W - R}" y1="${sy(usd)}" y2="${sy(usd)}"/><text class="tick" x="${L - 4}" y="${sy(usd) + 3}" text-anchor="end">${money(usd, 0)}</text>`,
      `<text class="tick" x="${sx(v)}" y="${H - B + 14}" text-anchor="middle">${Math.round(v).toLocaleString()}</text>`);
  }
  out.push(`<line class="axis" x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}"/><line class="axis" x1="${L}" x2="${L}" y1="${T}" y2="${H - B}"/>`,
    `<text class="tick" x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle">GB a month</text>`,
    `<text class="tick" x="${L - 4}" y="${T - 8}" text-anchor="end">USD/month</text>`);
  series.forEach((points, i) => {
    out.push(`<polyline class="series ${names[i]}" data-path="${names[i]}" points="${points.map((p) => `${sx(p.v)},${sy(p.usd)}`).join(" ")}"/>`,
      `<text class="key ${names[i]}" x="${L + i * 125}" y="16">■ ${names[i].replace("-", " ")}</text>`);
  });
  const even = answers[0].break_even_gb;
  if (even !== null && even <= max) {
    out.push(`<line class="break-even" x1="${sx(even)}" x2="${sx(even)}" y1="${T}" y2="${H - B}"/>`,
      `<text class="break-even-label" x="${sx(even) + 4}" y="${T + 12}">break-even ${Math.round(even).toLocaleString()} GB</text>`);
  }
  return out.join("");
}

export function wireCost(store) {
  for (const id of ["#c-account", "#c-region", "#w-service", "#w-azs", "#w-max"]) $(id).onchange = () => loadCost(store);
}
