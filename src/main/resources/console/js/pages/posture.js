// Posture: the running config's findings, failures first, each with its severity, ASVS mapping and fix.
import { get, showError } from '../api.js';
import { shell, el } from '../shell.js';
import { tiles, section } from '../views.js';

const ORDER = { FAIL: 0, WARN: 1 };

await shell('posture');
const main = document.querySelector('main');
try {
  const answer = await get('/admin/v1/posture');
  const counts = Object.entries(answer.summary || {});
  main.append(tiles(counts.map(([k, v]) => ['tile-' + k.toLowerCase(), k, String(v)])));
  const rows = [...answer.findings].sort((a, b) => (ORDER[a.severity.toUpperCase()] ?? 2) - (ORDER[b.severity.toUpperCase()] ?? 2) || a.id.localeCompare(b.id));
  if (!rows.length) {
    main.append(el('p', { class: 'notice', id: 'posture-none', text: 'No finding: nothing to fix.' }));
  } else {
    const t = el('table', { id: 'findings' });
    const head = el('tr');
    for (const c of ['severity', 'id', 'finding', 'where', 'ASVS 5.0', 'checklist', 'fix']) head.append(el('th', { scope: 'col', text: c }));
    t.append(el('thead', {}, head));
    const body = el('tbody');
    for (const f of rows) {
      body.append(el('tr', { 'data-id': f.id },
        el('td', { class: 'sev-' + f.severity.toLowerCase(), text: f.severity }), el('td', { text: f.id }), el('td', { text: f.title }),
        el('td', { text: f.where ?? '' }), el('td', { text: f.asvs ?? '' }), el('td', { text: f.seed ?? '' }), el('td', { text: f.fix })));
    }
    t.append(body);
    main.append(section('findings-section', 'Findings', t));
  }
} catch (e) {
  showError(e);
}
