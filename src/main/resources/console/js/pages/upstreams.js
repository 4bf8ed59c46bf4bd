// Upstreams and their health.
import { listPage } from '../list-page.js';
listPage('upstreams', [{ title: 'Upstreams', path: '/admin/v1/upstreams' }]);
