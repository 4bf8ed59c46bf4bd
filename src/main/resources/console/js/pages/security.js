// Security events: counts for the window (/security/summary: WAF rules, guard detectors, bots, refusals — never
// content) and the audit trail with filters (type, actor, org for operators, time range) and pages.
import { get, showError } from '../api.js';
import { shell, el, isOperator } from '../shell.js';
import { params, setParams, query, iso, field, select, orgOptions, pagedTable, section, bars, tiles, within } from '../views.js';

const s = await shell('security');
const operator = isOperator(s);
const main = document.querySelector('main');
const p = params();

// the trail's filters; from/to are datetime-local inputs read as UTC
const fType = el('input', { id: 'type', value: p.type || '', placeholder: 'e.g. key.* or tenant.cross_attempt', autocomplete: 'off' });
const fActor = el('input', { id: 'actor', value: p.actor || '', autocomplete: 'off' });
const fOrg = operator ? select('org', await orgOptions().catch((e) => { showError(e); return [['', 'every org']]; }), p.org || '') : null;
const local = (v) => (v ? v.replace(/Z$/, '').slice(0, 16) : '');
const fFrom = el('input', { id: 'from', type: 'datetime-local', value: local(p.from) });
const fTo = el('input', { id: 'to', type: 'datetime-local', value: local(p.to) });
const apply = el('button', { type: 'submit', id: 'apply', text: 'Apply' });
const filters = el('form', { class: 'filters', id: 'filters' }, field('Type', fType), field('Actor', fActor));
if (fOrg) filters.append(field('Org', fOrg));
filters.append(field('From (UTC)', fFrom), field('To (UTC)', fTo), apply);
const utc = (v) => (v ? v + ':00Z' : '');
const values = () => ({ type: fType.value.trim(), actor: fActor.value.trim(), org: fOrg ? fOrg.value : '', from: utc(fFrom.value), to: utc(fTo.value) });

const counts = el('div', { id: 'counts' });
const trail = section('trail', 'Audit trail', filters);
main.append(section('summary', 'Security decisions', counts), trail);

const table = pagedTable(trail, {
  id: 'events', path: '/admin/v1/audit/events', filters: values,
  columns: [['time', (e) => e.time], ['type', (e) => e.type], ['severity', (e) => e.severity],
    ['actor', (e) => [e.actor.kind, e.actor.id].filter(Boolean).join(' ')], ['org', (e) => e.actor.org],
    ['action', (e) => e.action], ['target', (e) => e.target], ['result', (e) => e.result], ['reason', (e) => e.reason],
    ['request', (e) => e.request_id]],
  onCursor: () => setParams(values()),
});

async function summary() {
  const v = values();
  const to = v.to ? new Date(v.to) : new Date();
  const from = within(v.from ? new Date(v.from) : to - 86400e3, to); // the counts cover at most a day: its last
  try {
    const a = await get('/admin/v1/security/summary' + query({ from: iso(from), to: iso(to), org: v.org }));
    const refused = Object.values(a.refused_by).reduce((x, y) => x + y, 0);
    counts.replaceChildren(
      tiles([['tile-refused', 'Refused requests', String(refused)], ['tile-cross', 'Cross-org attempts', String(a.cross_tenant_attempts)],
        ['tile-incidents', 'Incident switches', String(a.incidents)]]),
      el('p', { class: 'notice', text: `${a.from} – ${a.to}${a.org ? ', org ' + a.org : ''}` }),
      el('h3', { text: 'WAF decisions by rule' }),
      bars('waf-bars', a.waf, (r) => `${r.rule}${r.paranoia ? ' (PL' + r.paranoia + ')' : ''} · ${r.action}`),
      el('h3', { text: 'Guard decisions by type' }),
      bars('guard-bars', a.guard, (r) => `${r.type} · ${r.part} · ${r.action}`),
      el('h3', { text: 'Refusals by control' }),
      bars('refused-bars', Object.entries(a.refused_by).map(([k, n]) => ({ name: k, count: n })), (r) => r.name),
      el('h3', { text: 'Bots' }),
      bars('bot-bars', a.bots, (r) => r.action));
  } catch (e) {
    showError(e);
  }
}

filters.addEventListener('submit', (event) => { event.preventDefault(); summary(); table.reset(); });
if (fOrg) fOrg.addEventListener('change', () => { summary(); table.reset(); });
await Promise.all([summary(), table.reload()]);
