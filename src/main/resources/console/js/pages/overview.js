// Overview: the traffic and security summaries.
import { listPage } from '../list-page.js';
listPage('overview', [{ title: 'Traffic', path: '/admin/v1/stats/summary' }, { title: 'Security', path: '/admin/v1/security/summary' }]);
