// The posture check's findings.
import { listPage } from '../list-page.js';
listPage('posture', [{ title: 'Findings', path: '/admin/v1/posture', name: 'findings' }]);
