// What the list and figure pages share: the view's filters in the URL's query (so a view can be linked; never a
// secret), a paged table driven by next_cursor, count bars and tiles. DOM calls only: every value is text.
import { get, showError, clearError, errorText } from './api.js';
import { el } from './shell.js';

/** The page's query parameters as an object. */
export function params() {
  return Object.fromEntries(new URLSearchParams(location.search));
}

/** Replaces the page's query with these filters (empty ones dropped), without a reload. */
export function setParams(p) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  history.replaceState(null, '', location.pathname + (s ? '?' + s : ''));
}

/** A query string for an admin API path from the non-empty values. */
export function query(p) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

/** RFC 3339 UTC, to the second. */
export const iso = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A window start for the totals' endpoints (at most a day of minutes, counted from the minute `from` falls in):
 *  no earlier than a day before `to`, rounded up to the minute. */
export function within(from, to) {
  return new Date(Math.ceil(Math.max(from, to - 86400e3) / 60e3) * 60e3);
}

export const RANGES = { '1h': 3600e3, '24h': 86400e3, '7d': 7 * 86400e3 };

/** A labelled control; the id is the element's. */
export function field(label, control) {
  return el('span', { class: 'field' }, el('label', { for: control.id, text: label }), control);
}

export function select(id, options, value) {
  const s = el('select', { id, name: id });
  for (const o of options) {
    const [v, t] = Array.isArray(o) ? o : [o, o === '' ? 'any' : o];
    s.append(el('option', { value: v, text: t }));
  }
  if (value !== undefined && [...s.options].some((o) => o.value === value)) s.value = value; // else the first option
  return s;
}

/** The orgs an operator may pick from (first 500), as select options with "every org" first. */
export async function orgOptions() {
  const answer = await get('/admin/v1/orgs?limit=500');
  return [['', 'every org'], ...answer.items.map((o) => [o.id, o.id])];
}

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** A cell's text (times as 'YYYY-MM-DD HH:MM:SSZ'): scalars as they are, lists joined, objects as JSON, null as empty. */
export function text(v) {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string' && TIME.test(v)) return v.slice(0, 10) + ' ' + v.slice(11, 19) + 'Z'; // to the second, one line
  if (Array.isArray(v)) return v.join(', ');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/**
 * A table of one list endpoint with previous/next through next_cursor. The cursor is part of the view's URL (it is
 * opaque, never a secret); the cursors of the pages before it are remembered for "previous".
 * @param opts {id, path, filters: () => object, columns: [[title, row => value]], actions: row => [elements], onCursor}
 */
export function pagedTable(section, opts) {
  const box = el('div', { class: 'paged' });
  const prev = el('button', { type: 'button', class: 'secondary', id: opts.id + '-prev', text: '← Previous' });
  const next = el('button', { type: 'button', class: 'secondary', id: opts.id + '-next', text: 'Next →' });
  const where = el('span', { class: 'notice', id: opts.id + '-page' });
  section.append(box, el('p', { class: 'pager' }, prev, ' ', where, ' ', next));
  const before = [];
  let cursor = opts.cursor || '';
  let following = null;

  async function load() {
    clearError();
    let answer;
    try {
      answer = await get(opts.path + query({ ...opts.filters(), cursor }));
    } catch (e) {
      box.replaceChildren(el('p', { class: 'error', text: errorText(e) }));
      showError(e);
      return;
    }
    const rows = answer.items || [];
    following = answer.next_cursor || null;
    box.replaceChildren(rows.length ? rowsTable(rows, opts) : el('p', { class: 'notice', id: opts.id + '-none', text: 'Nothing to show.' }));
    prev.disabled = before.length === 0 && !cursor;
    next.disabled = !following;
    where.textContent = `page ${before.length + 1} · ${rows.length} shown`;
    if (opts.onCursor) opts.onCursor(cursor);
  }
  prev.addEventListener('click', () => { cursor = before.pop() || ''; load(); });
  next.addEventListener('click', () => { if (following) { before.push(cursor); cursor = following; load(); } });
  return {
    reload: load,
    /** Back to the first page (after a filter changed). */
    reset() { before.length = 0; cursor = ''; return load(); },
  };
}

function rowsTable(rows, { id, columns, actions }) {
  const t = el('table', { id });
  const head = el('tr');
  for (const [title] of columns) head.append(el('th', { scope: 'col', text: title }));
  if (actions) head.append(el('th', { scope: 'col', text: '' }));
  t.append(el('thead', {}, head));
  const body = el('tbody');
  for (const r of rows) {
    const tr = el('tr', r.id ? { 'data-id': r.id } : {});
    for (const [, value] of columns) tr.append(el('td', { text: text(value(r)) }));
    if (actions) tr.append(el('td', { class: 'actions' }, ...actions(r)));
    body.append(tr);
  }
  t.append(body);
  return t;
}

/** Counts as horizontal bars (a <meter> per row, so no inline style is needed under the CSP). */
export function bars(id, rows, label) {
  if (!rows.length) return el('p', { class: 'notice', id: id + '-none', text: 'None in this window.' });
  const max = Math.max(...rows.map((r) => r.count), 1);
  const t = el('table', { id, class: 'bars' });
  const body = el('tbody');
  for (const r of [...rows].sort((a, b) => b.count - a.count)) {
    const name = label(r);
    body.append(el('tr', {}, el('th', { scope: 'row', text: name }),
      el('td', {}, el('meter', { min: '0', max: String(max), value: String(r.count), 'aria-label': name })),
      el('td', { class: 'num', text: String(r.count) })));
  }
  t.append(body);
  return t;
}

/** Header tiles: [[id, label, value]]. */
export function tiles(items) {
  const box = el('div', { class: 'tiles' });
  for (const [id, label, value] of items) {
    box.append(el('div', { class: 'tile' }, el('span', { class: 'label', text: label }), el('strong', { id, text: value })));
  }
  return box;
}

export const percent = (x) => (x === null || x === undefined ? '—' : (x * 100).toFixed(1) + '%');
export const ms = (x) => (x === null || x === undefined ? '—' : Math.round(x) + ' ms');

/** A section with a heading; the children follow it. */
export function section(id, title, ...children) {
  return el('section', { id, 'aria-label': title }, el('h2', { text: title }), ...children);
}

/** Runs an action that changes something, showing its error; resolves to whether it succeeded. */
export async function act(fn) {
  clearError();
  try { await fn(); return true; } catch (e) { showError(e); return false; }
}
