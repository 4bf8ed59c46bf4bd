// Orgs & tiers.
import { listPage } from '../list-page.js';
listPage('orgs', [{ title: 'Orgs', path: '/admin/v1/orgs' }, { title: 'Tiers', path: '/admin/v1/tiers' }]);
