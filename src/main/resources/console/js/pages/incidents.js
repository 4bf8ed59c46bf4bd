// Incidents: the switches in force, a form to throw one, a button to lift each (operators; /admin/v1/incidents).
import { get, post, del, itemsOf, showError, clearError } from '../api.js';
import { shell, el } from '../shell.js';

const KINDS = ['block_ip', 'block_key', 'suspend_org', 'disable_route', 'disable_model', 'lockdown'];

await shell('incidents');
const main = document.querySelector('main');
const list = el('section', { 'aria-label': 'Switches in force' }, el('h2', { text: 'Switches in force' }));
const form = el('form', { id: 'throw', 'aria-label': 'Throw a switch' });
const kind = el('select', { id: 'switch', name: 'switch' });
for (const k of KINDS) kind.append(el('option', { value: k, text: k }));
const target = el('input', { id: 'target', name: 'target', autocomplete: 'off' });
const duration = el('input', { id: 'for', name: 'for', value: '1h', autocomplete: 'off' });
const reason = el('input', { id: 'reason', name: 'reason', autocomplete: 'off', required: '' });
form.append(el('h2', { text: 'Throw a switch' }),
  el('label', { for: 'switch', text: 'Switch' }), kind,
  el('label', { for: 'target', text: 'Target (address, key id, org, route or model)' }), target,
  el('label', { for: 'for', text: 'For (e.g. 30m, 1h, 1d)' }), duration,
  el('label', { for: 'reason', text: 'Reason' }), reason,
  el('p', {}, el('button', { type: 'submit', id: 'throw-button', class: 'danger', text: 'Throw switch' })));
main.append(list, form);

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearError();
  const body = { switch: kind.value, for: duration.value, reason: reason.value };
  if (kind.value !== 'lockdown') body.target = target.value;
  try {
    await post('/admin/v1/incidents', body);
    form.reset();
    duration.value = '1h';
    await refresh();
  } catch (e) {
    showError(e);
  }
});

async function refresh() {
  list.querySelector('table, p.notice')?.remove();
  let rows;
  try {
    rows = itemsOf(await get('/admin/v1/incidents'), 'incidents');
  } catch (e) {
    showError(e);
    return;
  }
  if (!rows.length) {
    list.append(el('p', { class: 'notice', id: 'none', text: 'No switch is in force.' }));
    return;
  }
  const cols = ['id', 'switch', 'target', 'reason', 'expires_at'];
  const t = el('table', { id: 'incidents' });
  const head = el('tr');
  for (const c of [...cols, '']) head.append(el('th', { scope: 'col', text: c }));
  t.append(el('thead', {}, head));
  const body = el('tbody');
  for (const r of rows) {
    const tr = el('tr', { 'data-id': r.id });
    for (const c of cols) tr.append(el('td', { text: r[c] == null ? '' : String(r[c]) }));
    const lift = el('button', { type: 'button', class: 'secondary', text: 'Lift', 'aria-label': `Lift ${r.id}` });
    lift.addEventListener('click', async () => {
      clearError();
      try { await del('/admin/v1/incidents/' + encodeURIComponent(r.id)); await refresh(); } catch (e) { showError(e); }
    });
    tr.append(el('td', {}, lift));
    body.append(tr);
  }
  t.append(body);
  list.append(t);
}

await refresh();
