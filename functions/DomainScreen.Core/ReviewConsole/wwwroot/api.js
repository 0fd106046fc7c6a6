// The one way the console talks to the service: same-origin fetch of /api/…, with the API key (local sign-in) from
// session storage in the Authorization header, or the App Service session cookie in Azure. Errors carry the API's
// {code, message} and the HTTP status.

const KEY = 'ds.apiKey';

export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

export function apiKey() {
  try { return sessionStorage.getItem(KEY); } catch { return null; }
}

export function setApiKey(value) {
  try {
    if (value) sessionStorage.setItem(KEY, value);
    else sessionStorage.removeItem(KEY);
  } catch { /* storage refused: the key then lives only in this page */ }
}

/** fetch an API path; returns {status, body, headers} or throws ApiError for 4xx/5xx. */
export async function api(path, { method = 'GET', body, headers = {}, accept } = {}) {
  const h = { Accept: accept ?? 'application/json', ...headers };
  const key = apiKey();
  if (key) h.Authorization = `Bearer ${key}`;
  let payload;
  if (body !== undefined) {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers: h, body: payload, credentials: 'same-origin', cache: 'no-store', redirect: 'error' });
  const type = response.headers.get('Content-Type') ?? '';
  const data = response.status === 204 ? null : type.includes('json') ? await response.json().catch(() => null) : await response.text();
  if (!response.ok) {
    throw new ApiError(response.status, data?.code, data?.message ?? (typeof data === 'string' ? data : ''), data);
  }
  return { status: response.status, body: data, headers: response.headers };
}

/** A query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
