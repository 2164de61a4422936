// The JSON API client: one function per endpoint the UI uses (docs/api.md, GET /_vpcsim/api/openapi.json). An
// error answer becomes an Error whose message is "<code>: <message>", the AWS-style body the server sends.

const BASE = "/_vpcsim/api";

async function getJson(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = body.error || {};
    throw new Error(`${error.code || response.status}: ${error.message || response.statusText}`);
  }
  return body;
}

const query = (params) => new URLSearchParams(params).toString();

/** The diagram as data; `filter` holds account, region, vpc (empty ones are left out). */
export function topology(filter = {}) {
  const q = query(Object.entries(filter).filter(([, v]) => v));
  return getJson(`${BASE}/topology${q ? "?" + q : ""}`);
}

export const revision = () => getJson(`${BASE}/revision`);

export const trace = (request) =>
  getJson(`${BASE}/trace`, {
    method: "POST",
    // The header a page of another origin cannot send (server/guard.py); the trace itself only reads.
    headers: { "Content-Type": "application/json", "X-Vpcsim-Request": "1" },
    body: JSON.stringify(request),
  });

export const cost = (account, region) => getJson(`${BASE}/cost?${query({ account, region })}`);

/** One what-if answer: `{region, volume_gb, service, azs}`. */
export const whatIf = (params) => getJson(`${BASE}/what-if?${query(params)}`);
