// The console's one way to the admin API: the session cookie (same origin), the CSRF header on every change,
// JSON errors turned into an ApiError carrying the request id, and a 401 sending the browser to the login page.
let session = null;

export class ApiError extends Error {
  constructor(status, code, message, requestId) {
    super(message);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

/** Who is logged in, and the CSRF token (read once per page, from JSON: never from the HTML). */
export async function currentSession() {
  if (!session) session = await call('GET', '/console/session');
  return session;
}

export async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') {
    headers['X-CSRF-Token'] = (await currentSession()).csrf_token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401) {
    location.assign('/console/');
    throw new ApiError(401, 'session_invalid', 'The session has ended.', res.headers.get('X-Request-Id'));
  }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!res.ok) {
    const e = (json && json.error) || {};
    throw new ApiError(res.status, e.code || 'http_' + res.status, e.message || res.statusText, e.request_id || res.headers.get('X-Request-Id'));
  }
  return json;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body);
export const del = (path) => call('DELETE', path);

/** The items of a list answer: {items, next_cursor} everywhere; older endpoints name their list. */
export function itemsOf(answer, name) {
  if (!answer) return [];
  if (Array.isArray(answer.items)) return answer.items;
  if (name && Array.isArray(answer[name])) return answer[name];
  return Array.isArray(answer) ? answer : [answer];
}

/** An error as one line, with the request id the operator can quote. */
export function errorText(err) {
  return err instanceof ApiError
    ? `${err.message} (${err.code}${err.requestId ? ', request ' + err.requestId : ''})`
    : String(err.message || err);
}

/** Shows an error in the page's alert region. */
export function showError(err) {
  const box = document.getElementById('error');
  if (!box) return;
  box.textContent = errorText(err);
  box.hidden = false;
}

export function clearError() {
  const box = document.getElementById('error');
  if (box) box.hidden = true;
}
