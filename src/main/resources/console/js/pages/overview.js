// Overview: traffic over time (a chart), then the traffic and security summaries.
import { get, itemsOf, showError } from '../api.js';
import { listPage } from '../list-page.js';
import { lineChart } from '../chart.js';
import { el } from '../shell.js';

await listPage('overview', [{ title: 'Traffic', path: '/admin/v1/stats/summary' }, { title: 'Security', path: '/admin/v1/security/summary' }]);
const chart = el('div', { id: 'traffic-chart', role: 'img', 'aria-label': 'Requests over time' });
document.querySelector('main h1').after(el('section', { 'aria-label': 'Traffic over time' }, el('h2', { text: 'Traffic over time' }), chart));
try {
  lineChart(chart, itemsOf(await get('/admin/v1/stats/traffic')), { title: 'Requests' });
} catch (e) {
  showError(e);
}
