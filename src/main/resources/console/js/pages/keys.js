// Keys & clients: filtered, paged lists; create (the secret shown once, kept in no storage and no URL), revoke or
// disable with a confirm, set a key's tier (operators). ?key=ID shows one key (the unknown-object view when it is
// not the caller's to see).
import { get, post, call, showError, ApiError } from '../api.js';
import { shell, el, isOperator } from '../shell.js';
import { params, setParams, field, select, orgOptions, pagedTable, section, act } from '../views.js';

const s = await shell('keys');
const operator = isOperator(s);
const main = document.querySelector('main');
const p = params();

if (p.key) {
  await oneKey(p.key);
} else {
  await lists();
}

async function oneKey(id) {
  const box = section('key', 'API key');
  main.append(box, el('p', {}, el('a', { href: '/console/keys.html', text: '← All keys' })));
  try {
    const k = await get('/admin/v1/keys/' + encodeURIComponent(id));
    const dl = el('dl', { id: 'key-detail' });
    for (const [t, v] of [['id', k.id], ['org', k.org], ['name', k.name], ['scopes', k.scopes.join(', ')], ['tier', k.tier],
      ['status', k.status], ['created', k.created_at], ['expires', k.expires_at]]) dl.append(el('dt', { text: t }), el('dd', { text: v ?? '' }));
    box.append(dl);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) box.append(el('p', { class: 'notice', id: 'not-found', text: 'No such key.' }));
    else showError(e);
  }
}

/** The one place a new secret is shown: a read-only field with a copy button; gone when the page is left. */
function secretBox(what, id, secret) {
  const input = el('input', { id: 'new-secret', readonly: '', value: secret, 'aria-label': 'The new secret', autocomplete: 'off' });
  const copy = el('button', { type: 'button', class: 'secondary', id: 'copy-secret', text: 'Copy' });
  copy.addEventListener('click', async () => {
    input.select();
    try { await navigator.clipboard.writeText(secret); copy.textContent = 'Copied'; } catch { copy.textContent = 'Select and copy'; }
  });
  const done = el('button', { type: 'button', id: 'secret-done', text: 'I have stored it' });
  const box = el('div', { class: 'secret', id: 'secret', role: 'status' },
    el('p', {}, el('strong', { text: `The ${what}'s secret (${id}). ` }), 'You will not see it again: store it now.'),
    input, el('p', {}, copy, ' ', done));
  done.addEventListener('click', () => box.remove());
  return box;
}

const scopesOf = (input) => input.value.split(',').map((x) => x.trim()).filter(Boolean);

/** A creation form: POSTs its body, shows the answer's secret once above the form, then refreshes the list. */
function created(form, path, what, body, after) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await act(async () => {
      const made = await post(path, body());
      document.getElementById('secret')?.remove();
      form.before(secretBox(what, made[what].id, made.secret));
      form.reset();
      await after();
    });
  });
}

async function lists() {
  const orgs = operator ? await orgOptions().catch((e) => { showError(e); return [['', 'every org']]; }) : null;
  const tiers = await get('/admin/v1/tiers?limit=500').then((a) => a.items.map((t) => t.name)).catch(() => []);

  // --- keys
  const keyFilters = el('form', { class: 'filters', id: 'key-filters' });
  const fOrg = operator ? select('key-org', orgs, p.org || '') : null;
  const fStatus = select('key-status', ['', 'active', 'revoked', 'expired'], p.status || '');
  const fTier = select('key-tier', ['', ...tiers], p.tier || '');
  if (fOrg) keyFilters.append(field('Org', fOrg));
  keyFilters.append(field('Status', fStatus), field('Tier', fTier));
  const keys = section('keys', 'API keys', keyFilters);
  const filterValues = () => ({ org: fOrg ? fOrg.value : '', status: fStatus.value, tier: fTier.value });
  const keyTable = pagedTable(keys, {
    id: 'key-list', path: '/admin/v1/keys', filters: filterValues,
    columns: [['id', (k) => k.id], ['org', (k) => k.org], ['name', (k) => k.name], ['scopes', (k) => k.scopes], ['tier', (k) => k.tier],
      ['status', (k) => k.status], ['created', (k) => k.created_at], ['expires', (k) => k.expires_at]],
    actions: (k) => keyActions(k),
    onCursor: () => setParams(filterValues()),
  });
  for (const f of [fOrg, fStatus, fTier]) if (f) f.addEventListener('change', () => keyTable.reset());

  function keyActions(k) {
    const out = [];
    if (k.status === 'active') {
      const revoke = el('button', { type: 'button', class: 'danger', text: 'Revoke', 'aria-label': `Revoke ${k.id}` });
      revoke.addEventListener('click', async () => {
        if (!confirm(`Revoke key ${k.id}? Every node refuses it from now on.`)) return;
        if (await act(() => post('/admin/v1/keys/' + encodeURIComponent(k.id) + '/revoke'))) keyTable.reload();
      });
      out.push(revoke);
    }
    if (operator && k.status !== 'revoked') {
      const tier = select('tier-' + k.id, [['default', '(default)'], ...tiers.map((t) => [t, t])], k.tier || 'default');
      tier.setAttribute('aria-label', `Tier of ${k.id}`);
      tier.addEventListener('change', async () => {
        if (await act(() => call('PATCH', '/admin/v1/keys/' + encodeURIComponent(k.id), { tier: tier.value }))) keyTable.reload();
      });
      out.push(tier);
    }
    return out;
  }

  // create a key
  const form = el('form', { class: 'inline-form', id: 'create-key', 'aria-label': 'Create a key' }, el('h3', { text: 'Create a key' }));
  const kOrg = operator ? select('new-key-org', orgs.filter(([v]) => v), p.org || '') : null;
  const kName = el('input', { id: 'new-key-name', required: '', maxlength: '128', autocomplete: 'off' });
  const kScopes = el('input', { id: 'new-key-scopes', value: 'invoke', required: '', autocomplete: 'off' });
  const kTier = operator ? select('new-key-tier', [['', '(default)'], ...tiers.map((t) => [t, t])], '') : null;
  const kExpiry = el('input', { id: 'new-key-expiry', type: 'date' });
  if (kOrg) form.append(field('Org', kOrg));
  form.append(field('Name', kName), field('Scopes (comma-separated)', kScopes));
  if (kTier) form.append(field('Tier', kTier));
  form.append(field('Expires (end of day, UTC)', kExpiry), el('button', { type: 'submit', id: 'create-key-button', text: 'Create key' }));
  keyFilters.before(form); // above the list, which can be long
  created(form, '/admin/v1/keys', 'key', () => {
    const body = { name: kName.value, scopes: scopesOf(kScopes) };
    if (kOrg) body.org = kOrg.value;
    if (kTier && kTier.value) body.tier = kTier.value;
    if (kExpiry.value) body.expires_at = kExpiry.value + 'T23:59:59Z';
    return body;
  }, () => { kScopes.value = 'invoke'; return keyTable.reset(); });

  // --- clients
  const clients = section('clients', 'Machine clients');
  const cOrgFilter = operator ? select('client-org', orgs, p.client_org || '') : null;
  if (cOrgFilter) clients.append(el('form', { class: 'filters' }, field('Org', cOrgFilter)));
  const clientFilters = () => ({ org: cOrgFilter ? cOrgFilter.value : '' });
  const clientTable = pagedTable(clients, {
    id: 'client-list', path: '/admin/v1/clients', filters: clientFilters,
    columns: [['id', (c) => c.id], ['org', (c) => c.org], ['name', (c) => c.name], ['scopes', (c) => c.scopes],
      ['created', (c) => c.created_at], ['status', (c) => (c.disabled ? 'disabled' : 'active')]],
    actions: (c) => {
      if (c.disabled) return [];
      const off = el('button', { type: 'button', class: 'danger', text: 'Disable', 'aria-label': `Disable ${c.id}` });
      off.addEventListener('click', async () => {
        if (!confirm(`Disable client ${c.id}? Its tokens are refused on every node.`)) return;
        if (await act(() => post('/admin/v1/clients/' + encodeURIComponent(c.id) + '/disable'))) clientTable.reload();
      });
      return [off];
    },
    onCursor: () => setParams({ ...filterValues(), client_org: clientFilters().org }),
  });
  if (cOrgFilter) cOrgFilter.addEventListener('change', () => clientTable.reset());
  const cForm = el('form', { class: 'inline-form', id: 'create-client', 'aria-label': 'Create a client' }, el('h3', { text: 'Create a client' }));
  const cOrg = operator ? select('new-client-org', orgs.filter(([v]) => v), '') : null;
  const cName = el('input', { id: 'new-client-name', required: '', maxlength: '128', autocomplete: 'off' });
  const cScopes = el('input', { id: 'new-client-scopes', value: 'invoke', required: '', autocomplete: 'off' });
  if (cOrg) cForm.append(field('Org', cOrg));
  cForm.append(field('Name', cName), field('Scopes (comma-separated)', cScopes), el('button', { type: 'submit', id: 'create-client-button', text: 'Create client' }));
  clients.querySelector('h2').after(cForm);
  created(cForm, '/admin/v1/clients', 'client', () => {
    const body = { name: cName.value, scopes: scopesOf(cScopes) };
    if (cOrg) body.org = cOrg.value;
    return body;
  }, () => { cScopes.value = 'invoke'; return clientTable.reset(); });

  main.append(keys, clients);
  await Promise.all([keyTable.reload(), clientTable.reload()]);
}
