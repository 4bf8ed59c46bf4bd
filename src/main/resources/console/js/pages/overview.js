// Overview: the window's tiles (/stats/summary) and its charts over time (/stats/traffic): requests and errors,
// refusals by control (stacked), latency percentiles. A range picker and, for operators, an org filter; both in the URL.
import { get, showError, clearError } from '../api.js';
import { shell, el, isOperator } from '../shell.js';
import { seriesChart, secondsOf } from '../chart.js';
import { params, setParams, query, iso, RANGES, field, select, orgOptions, tiles, percent, ms, section, within } from '../views.js';

const STEPS = { '1h': '1m', '24h': '5m', '7d': '1h' };

const s = await shell('overview');
const main = document.querySelector('main');
const p = params();
const range = select('range', [['1h', 'last hour'], ['24h', 'last 24 hours'], ['7d', 'last 7 days']], RANGES[p.range] ? p.range : '1h');
const filters = el('form', { class: 'filters', id: 'filters' }, field('Range', range));
let org = null;
if (isOperator(s)) {
  org = select('org', await orgOptions().catch((e) => { showError(e); return [['', 'every org']]; }), p.org || '');
  filters.append(field('Org', org));
}
const tileBox = el('div', { id: 'tiles' });
const windowNote = el('p', { class: 'notice', id: 'window' });
const charts = {
  requests: el('div', { id: 'requests-chart', role: 'img', 'aria-label': 'Requests and errors over time' }),
  refusals: el('div', { id: 'refusals-chart', role: 'img', 'aria-label': 'Refusals by control over time' }),
  latency: el('div', { id: 'latency-chart', role: 'img', 'aria-label': 'Latency percentiles over time' }),
};
main.append(filters, tileBox, windowNote,
  section('traffic', 'Requests and errors', charts.requests),
  section('refusals', 'Refusals by control', charts.refusals),
  section('latency', 'Latency (p50, p95, p99)', charts.latency));

async function load() {
  clearError();
  const chosen = range.value;
  const orgValue = org ? org.value : '';
  setParams({ range: chosen === '1h' ? '' : chosen, org: orgValue });
  const to = new Date();
  const from = new Date(to - RANGES[chosen]);
  // the summary covers at most a day: a week's tiles are its last day
  const summaryFrom = within(from, to);
  try {
    const [summary, traffic] = await Promise.all([
      get('/admin/v1/stats/summary' + query({ from: iso(summaryFrom), to: iso(to), org: orgValue })),
      get('/admin/v1/stats/traffic' + query({ from: iso(from), to: iso(to), step: STEPS[chosen], org: orgValue })),
    ]);
    tileBox.replaceChildren(tiles([
      ['tile-requests', 'Requests', String(summary.requests)],
      ['tile-error-rate', 'Error rate (5xx)', percent(summary.error_rate)],
      ['tile-refusal-rate', 'Refusal rate', percent(summary.refusal_rate)],
      ['tile-p95', 'Latency p95', ms(summary.latency_ms.p95)],
      ['tile-orgs', 'Active orgs', String(summary.active_orgs)],
      ['tile-keys', 'Active keys', String(summary.active_keys)],
    ]));
    windowNote.textContent = `Tiles: ${summary.from} – ${summary.to}${summary.org ? ', org ' + summary.org : ''}. Charts: one point per ${traffic.step}.`;
    draw(traffic.points);
  } catch (e) {
    showError(e);
  }
}

function draw(points) {
  const times = points.map((x) => secondsOf(x.t));
  for (const c of Object.values(charts)) c.replaceChildren();
  seriesChart(charts.requests, times, [
    { label: 'requests', values: points.map((x) => x.requests) },
    { label: 'errors (5xx)', values: points.map((x) => x.errors) },
  ]);
  const controls = [...new Set(points.flatMap((x) => Object.keys(x.refused)))].sort();
  if (controls.length) {
    seriesChart(charts.refusals, times, controls.map((c) => ({ label: c, values: points.map((x) => x.refused[c] || 0) })), { stacked: true });
  } else {
    charts.refusals.append(el('p', { class: 'notice', text: 'No refusals in this window.' }));
  }
  seriesChart(charts.latency, times, ['p50', 'p95', 'p99'].map((q) => ({ label: q + ' ms', values: points.map((x) => x.latency_ms[q]) })));
}

range.addEventListener('change', load);
if (org) org.addEventListener('change', load);
await load();
