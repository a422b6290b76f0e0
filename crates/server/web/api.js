// The node's JSON API, the reader's token (this tab only) and who it names.
export const TOKEN_KEY = "truce.token";
export function token() { return sessionStorage.getItem(TOKEN_KEY); }
export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export async function api(path, options) {
  const opts = options || {};
  const headers = {};
  const bearer = opts.token !== undefined ? opts.token : token();
  if (bearer) headers.Authorization = "Bearer " + bearer;
  if (opts.json !== undefined) headers["Content-Type"] = "application/json";
  if (opts.text !== undefined) headers["Content-Type"] = "text/plain; charset=utf-8";
  if (opts.bytes !== undefined) headers["Content-Type"] = opts.contentType || "application/octet-stream";
  const response = await fetch(path, {
    method: opts.method || "GET",
    signal: opts.signal,
    headers,
    body: opts.json !== undefined ? JSON.stringify(opts.json) : opts.bytes !== undefined ? opts.bytes : opts.text,
  });
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) {
    const error = new Error(body && body.error ? body.error : response.statusText);
    error.status = response.status;
    error.body = body;
    throw error;
  }
  return body;
}

// A file that needs the token: fetched rather than followed.
export async function fetchWithToken(path) {
  const response = await fetch(path, { headers: { Authorization: "Bearer " + token() } });
  if (!response.ok) throw new Error((await response.json()).error);
  return response.arrayBuffer();
}

export const session = { access: "public" };
export function setSession(who) {
  for (const k of Object.keys(session)) delete session[k];
  Object.assign(session, who || { access: "public" });
}
export async function loadSession() {
  if (!token()) { setSession(null); return; }
  try { setSession(await api("/api/v1/whoami")); } catch (e) {
    setToken(null);
    setSession(null);
  }
}
