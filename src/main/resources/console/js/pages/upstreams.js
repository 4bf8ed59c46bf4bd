// Upstreams: every upstream and model deployment, its breaker, requests, errors and latency over a window.
import { get, showError, clearError } from '../api.js';
import { shell, el } from '../shell.js';
import { params, setParams, query, iso, RANGES, field, select, section, ms, within } from '../views.js';

await shell('upstreams');
const main = document.querySelector('main');
const p = params();
const range = select('range', [['1h', 'last hour'], ['24h', 'last 24 hours']], p.range === '24h' ? '24h' : '1h');
const box = el('div', { id: 'upstream-box' });
main.append(el('form', { class: 'filters' }, field('Window', range)), section('upstreams', 'Upstreams and deployments', box));

const errorsText = (x) => String(x.errors) + (Object.keys(x.errors_by_code).length
  ? ' (' + Object.entries(x.errors_by_code).map(([c, n]) => `${c}: ${n}`).join(', ') + ')' : '');

async function load() {
  clearError();
  setParams({ range: range.value === '1h' ? '' : range.value });
  const to = new Date();
  try {
    const answer = await get('/admin/v1/upstreams' + query({ from: iso(within(to - RANGES[range.value], to)), to: iso(to) }));
    const t = el('table', { id: 'upstream-list' });
    const head = el('tr');
    for (const c of ['upstream / deployment', 'kind', 'host', 'routes', 'breaker', 'requests', 'errors', 'p50', 'p99']) head.append(el('th', { scope: 'col', text: c }));
    t.append(el('thead', {}, head));
    const body = el('tbody');
    const row = (cls, cells) => {
      const tr = el('tr', { class: cls });
      for (const c of cells) tr.append(el('td', { text: c ?? '' }));
      return tr;
    };
    for (const u of answer.items) {
      body.append(row('upstream', [u.name, u.kind, u.host, u.routes.join(', '), '', String(u.requests), errorsText(u), ms(u.latency_ms.p50), ms(u.latency_ms.p99)]));
      for (const d of u.deployments) {
        const tr = row('deployment', ['↳ ' + d.id, '', '', '', d.breaker, String(d.requests), errorsText(d), ms(d.latency_ms.p50), ms(d.latency_ms.p99)]);
        tr.children[4].className = d.breaker === 'closed' ? '' : 'sev-fail';
        body.append(tr);
      }
    }
    t.append(body);
    box.replaceChildren(answer.items.length ? t : el('p', { class: 'notice', text: 'No upstream is configured.' }));
  } catch (e) {
    showError(e);
  }
}
range.addEventListener('change', load);
await load();
