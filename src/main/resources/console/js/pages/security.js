// Security events: the audit trail.
import { listPage } from '../list-page.js';
listPage('security', [{ title: 'Events', path: '/admin/v1/audit/events' }]);
