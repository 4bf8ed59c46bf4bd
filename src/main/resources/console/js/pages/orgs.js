// Orgs & tiers: the orgs (an org admin sees their own), created and moved between tiers by operators; the tiers with
// their limits and how many orgs and keys are on each.
import { get, post, call, showError } from '../api.js';
import { shell, el, isOperator } from '../shell.js';
import { params, setParams, field, select, pagedTable, section, act } from '../views.js';

const s = await shell('orgs');
const operator = isOperator(s);
const main = document.querySelector('main');
const p = params();
const tiers = await get('/admin/v1/tiers?limit=500').then((a) => a.items).catch((e) => { showError(e); return []; });

const orgs = section('orgs', 'Orgs');
const fTier = select('org-tier', ['', ...tiers.map((t) => t.name)], p.tier || '');
if (operator) orgs.append(el('form', { class: 'filters' }, field('Tier', fTier)));
const filters = () => ({ tier: operator ? fTier.value : '' });
const orgTable = pagedTable(orgs, {
  id: 'org-list', path: '/admin/v1/orgs', filters,
  columns: [['org', (o) => o.id], ['tier', (o) => o.tier ?? '(default)'], ['created', (o) => o.created_at]],
  actions: operator ? (o) => {
    const tier = select('tier-' + o.id, [['default', '(default)'], ...tiers.map((t) => [t.name, t.name])], o.tier || 'default');
    tier.setAttribute('aria-label', `Tier of ${o.id}`);
    tier.addEventListener('change', async () => {
      if (await act(() => call('PATCH', '/admin/v1/orgs/' + encodeURIComponent(o.id), { tier: tier.value }))) orgTable.reload();
    });
    const keys = el('a', { href: '/console/keys.html?org=' + encodeURIComponent(o.id), text: 'keys' });
    return [tier, keys];
  } : null,
  onCursor: () => setParams(filters()),
});
fTier.addEventListener('change', () => orgTable.reset());

if (operator) {
  const form = el('form', { class: 'inline-form', id: 'create-org', 'aria-label': 'Create an org' }, el('h3', { text: 'Create an org' }));
  const id = el('input', { id: 'new-org-id', required: '', pattern: '[A-Za-z0-9][A-Za-z0-9_\\-]{0,62}', autocomplete: 'off' });
  const tier = select('new-org-tier', [['', '(default)'], ...tiers.map((t) => [t.name, t.name])], '');
  form.append(field('Id', id), field('Tier', tier), el('button', { type: 'submit', id: 'create-org-button', text: 'Create org' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (await act(() => post('/admin/v1/orgs', { id: id.value, tier: tier.value || null }))) { form.reset(); orgTable.reset(); }
  });
  orgs.append(form);
}

const tierSection = section('tiers', 'Tiers');
const tierTable = pagedTable(tierSection, {
  id: 'tier-list', path: '/admin/v1/tiers', filters: () => ({}),
  columns: [['tier', (t) => t.name + (t.default ? ' (default)' : '')],
    ['limits', (t) => t.limits.map((l) => (l.name ? l.name + ': ' : '') + l.rate + (l.burst ? ' burst ' + l.burst : '')).join('; ')],
    ['orgs', (t) => t.orgs], ['keys', (t) => t.keys]],
});
main.append(orgs, tierSection);
await Promise.all([orgTable.reload(), tierTable.reload()]);
