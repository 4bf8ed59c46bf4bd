// Usage & budgets: tokens and cost over time per org, key or model (/usage, groups paged), and each budget rule's
// burn-down with its projected end of period and its limit (/budgets).
import { get, showError, clearError } from '../api.js';
import { shell, el, isOperator } from '../shell.js';
import { seriesChart, secondsOf } from '../chart.js';
import { params, setParams, query, iso, RANGES, field, select, orgOptions, section, text } from '../views.js';

const s = await shell('usage');
const operator = isOperator(s);
const main = document.querySelector('main');
const p = params();
const WINDOWS = { '24h': ['1h', RANGES['24h']], '7d': ['1h', RANGES['7d']], '30d': ['1d', 30 * 86400e3] };

const range = select('range', [['24h', 'last 24 hours'], ['7d', 'last 7 days'], ['30d', 'last 30 days']], WINDOWS[p.range] ? p.range : '24h');
const group = select('group_by', [['model', 'model'], ['org', 'org'], ['key', 'key']], ['org', 'key'].includes(p.group_by) ? p.group_by : 'model');
const orgs = operator ? await orgOptions().catch((e) => { showError(e); return [['', 'every org']]; }) : null;
const org = operator ? select('org', orgs, p.org || '') : null;
const filters = el('form', { class: 'filters', id: 'filters' }, field('Range', range), field('Group by', group));
if (org) filters.append(field('Org', org));

const tokensChart = el('div', { id: 'tokens-chart', role: 'img', 'aria-label': 'Tokens over time' });
const costChart = el('div', { id: 'cost-chart', role: 'img', 'aria-label': 'Cost over time' });
const totals = el('div', { id: 'usage-totals' });
const prev = el('button', { type: 'button', class: 'secondary', id: 'usage-prev', text: '← Previous groups' });
const next = el('button', { type: 'button', class: 'secondary', id: 'usage-next', text: 'Next groups →' });
const budgets = el('div', { id: 'budget-list' });
main.append(filters, section('usage', 'Tokens and cost', tokensChart, costChart, totals, el('p', { class: 'pager' }, prev, next)),
  section('budgets', 'Budgets', budgets));

const before = [];
let cursor = '';
let following = null;

async function usage() {
  clearError();
  const [step, span] = WINDOWS[range.value];
  const to = new Date();
  setParams({ range: range.value === '24h' ? '' : range.value, group_by: group.value === 'model' ? '' : group.value, org: org ? org.value : '' });
  try {
    const a = await get('/admin/v1/usage' + query({ from: iso(new Date(to - span)), to: iso(to), step, group_by: group.value, org: org ? org.value : '', limit: 8, cursor }));
    following = a.next_cursor;
    prev.disabled = !before.length;
    next.disabled = !following;
    const times = [...new Set(a.series.flatMap((x) => x.points.map((q) => q.t)))].sort();
    const at = (series, f) => times.map((t) => { const q = series.points.find((x) => x.t === t); return q ? f(q) : 0; });
    tokensChart.replaceChildren();
    costChart.replaceChildren();
    if (!a.series.length) {
      totals.replaceChildren(el('p', { class: 'notice', id: 'usage-none', text: 'No LLM usage in this window.' }));
      return;
    }
    const secs = times.map(secondsOf);
    seriesChart(tokensChart, secs, a.series.map((x) => ({ label: x.group, values: at(x, (q) => q.tokens_in + q.tokens_out) })), { title: 'Tokens (in + out)', stacked: true });
    seriesChart(costChart, secs, a.series.map((x) => ({ label: x.group, values: at(x, (q) => Number(q.cost)) })), { title: 'Cost', stacked: true });
    const t = el('table', { id: 'usage-table' });
    const head = el('tr');
    for (const c of [a.group_by, 'requests', 'tokens in', 'tokens out', 'cost']) head.append(el('th', { scope: 'col', text: c }));
    t.append(el('thead', {}, head));
    const body = el('tbody');
    for (const x of a.series) {
      const sum = (f) => x.points.reduce((n, q) => n + f(q), 0);
      body.append(el('tr', {}, el('td', { text: x.group }), el('td', { class: 'num', text: String(sum((q) => q.requests)) }),
        el('td', { class: 'num', text: String(sum((q) => q.tokens_in)) }), el('td', { class: 'num', text: String(sum((q) => q.tokens_out)) }),
        el('td', { class: 'num', text: sum((q) => Number(q.cost)).toFixed(6).replace(/\.?0+$/, '') })));
    }
    t.append(body);
    totals.replaceChildren(t);
  } catch (e) {
    showError(e);
  }
}

const amount = (x) => (x.tokens != null ? x.tokens + ' tokens' : x.cost != null ? x.cost : x.tool_calls != null ? x.tool_calls + ' tool calls' : '');
const valueOf = (x) => (x.tokens != null ? x.tokens : x.cost != null ? Number(x.cost) : x.tool_calls);

async function budgetList() {
  // an operator's budgets are one org's: the org filter's, else the first org
  const chosen = org ? (org.value || (orgs[1] && orgs[1][0]) || '') : '';
  try {
    const a = await get('/admin/v1/budgets' + query({ org: chosen, limit: 20 }));
    const out = [el('p', { class: 'notice', text: `Budgets of org ${a.org}.` })];
    if (!a.items.length) out.push(el('p', { class: 'notice', id: 'budgets-none', text: 'No budget rule applies.' }));
    a.items.forEach((b, i) => {
      const box = el('div', { class: 'budget', id: 'budget-' + i });
      box.append(el('h3', { text: `${b.rule} · ${b.per} ${b.subject} · ${b.period}` }),
        el('p', {}, `Used ${amount(b.used)} of ${amount(b.limit)} (${b.percent.toFixed(1)}%), projected ${amount(b.projected)} by ${b.period_end}.`));
      const chart = el('div', { class: 'burn', role: 'img', 'aria-label': `Burn-down of ${b.rule}` });
      box.append(chart);
      out.push(box);
      // cumulative use, the straight line from now to the projected end, and the limit
      const useCost = b.limit.tokens == null && b.limit.cost != null;
      const pts = b.burn_down.map((q) => [secondsOf(q.t), useCost ? Number(q.cost) : q.tokens]);
      const end = secondsOf(b.period_end);
      const times = [secondsOf(b.period_start), ...pts.map((x) => x[0]), end];
      const used = [0, ...pts.map((x) => x[1]), null];
      const last = pts.length ? pts[pts.length - 1] : [secondsOf(b.period_start), 0];
      const projected = times.map((t) => (t === end ? valueOf(b.projected) : t === last[0] ? last[1] : null));
      const limit = times.map(() => valueOf(b.limit));
      requestAnimationFrame(() => seriesChart(chart, times, [
        { label: 'used', values: used }, { label: 'projected', values: projected, dash: [6, 4], spanGaps: true }, { label: 'limit', values: limit, dash: [2, 3] }], { height: 180 }));
    });
    budgets.replaceChildren(...out);
  } catch (e) {
    budgets.replaceChildren(el('p', { class: 'notice', text: text(e.message) }));
    showError(e);
  }
}

prev.addEventListener('click', () => { cursor = before.pop() || ''; usage(); });
next.addEventListener('click', () => { if (following) { before.push(cursor); cursor = following; usage(); } });
const restart = () => { before.length = 0; cursor = ''; usage(); };
range.addEventListener('change', restart);
group.addEventListener('change', restart);
if (org) org.addEventListener('change', () => { restart(); budgetList(); });
await Promise.all([usage(), budgetList()]);
