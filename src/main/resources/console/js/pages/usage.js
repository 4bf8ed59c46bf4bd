// Usage & budgets.
import { listPage } from '../list-page.js';
listPage('usage', [{ title: 'Usage', path: '/admin/v1/usage' }, { title: 'Budgets', path: '/admin/v1/budgets' }]);
