// Keys & clients of the caller's org (every org for an operator).
import { listPage } from '../list-page.js';
listPage('keys', [{ title: 'API keys', path: '/admin/v1/keys', name: 'keys' }, { title: 'Clients', path: '/admin/v1/clients', name: 'clients' }]);
