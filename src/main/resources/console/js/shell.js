// The layout every page shares: navigation, who is logged in, logout. Built with DOM calls only (no innerHTML),
// so nothing from the API is ever parsed as HTML.
import { currentSession, post, showError } from './api.js';

export const PAGES = [
  ['overview', 'Overview'],
  ['usage', 'Usage & budgets'],
  ['keys', 'Keys & clients'],
  ['orgs', 'Orgs & tiers'],
  ['security', 'Security events'],
  ['upstreams', 'Upstreams', true],
  ['incidents', 'Incidents', true],
  ['posture', 'Posture', true],
];

/** Whether the session is a platform operator's (org admins see their org only, and no operator-only action). */
export const isOperator = (s) => s.role === 'operator';

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

/** Renders the layout around the page's <main> and resolves to the session. */
export async function shell(current) {
  const main = document.querySelector('main');
  const nav = el('nav', { class: 'side', 'aria-label': 'Console' }, el('h1', { text: 'Bastion' }));
  const list = el('ul');
  const s = await currentSession();
  for (const [id, title, operatorOnly] of PAGES) {
    if (operatorOnly && !isOperator(s)) continue; // the API would refuse them (403): not offered
    const a = el('a', { href: `/console/${id}.html`, text: title });
    if (id === current) a.setAttribute('aria-current', 'page');
    list.append(el('li', {}, a));
  }
  nav.append(list);
  const layout = el('div', { class: 'layout' }, nav);
  main.replaceWith(layout);
  layout.append(main);
  const error = el('p', { id: 'error', class: 'error', role: 'alert', hidden: '' });
  main.prepend(error);
  const who = el('span', { id: 'who', text: `${s.subject} · ${s.role === 'operator' ? 'operator' : 'admin of ' + s.org}` });
  const logout = el('button', { id: 'logout', class: 'secondary', type: 'button', text: 'Log out' });
  logout.addEventListener('click', async () => {
    try { await post('/console/logout'); location.assign('/console/'); } catch (e) { showError(e); }
  });
  main.prepend(el('header', { class: 'top' }, who, logout));
  if (PAGES.some(([id, , operatorOnly]) => id === current && operatorOnly) && !isOperator(s)) {
    main.append(el('p', { class: 'notice', id: 'operators-only', text: 'This page is for platform operators.' }));
    throw new Error('operators only');
  }
  return s;
}

/** A table of objects: the columns named, each cell as text. */
export function table(rows, columns, id) {
  const t = el('table', id ? { id } : {});
  const head = el('tr');
  for (const c of columns) head.append(el('th', { scope: 'col', text: c }));
  t.append(el('thead', {}, head));
  const body = el('tbody');
  for (const r of rows) {
    const tr = el('tr');
    for (const c of columns) {
      const v = r[c];
      tr.append(el('td', { text: v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v) }));
    }
    body.append(tr);
  }
  t.append(body);
  return t;
}

/** The columns of a list: the keys of its objects, in first-seen order. */
export function columnsOf(rows) {
  const cols = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  return cols;
}
