// The bootstrap link's page: the token is in the URL fragment, which browsers never send to a server (nor to its
// logs). It is posted once, then removed from the address bar and history.
const token = location.hash.slice(1);
history.replaceState(null, '', location.pathname);
const problem = document.getElementById('problem');
const status = document.getElementById('status');
if (!token) {
  status.hidden = true;
  problem.textContent = 'This link has no token. Make a new one with `bastion console bootstrap`.';
  problem.hidden = false;
} else {
  const res = await fetch('/console/bootstrap', {
    method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token })
  });
  if (res.ok) {
    location.replace((await res.json()).next);
  } else {
    let err = {};
    try { err = (await res.json()).error || {}; } catch { /* not JSON */ }
    status.hidden = true;
    problem.textContent = (err.message || 'The login failed.') + (err.request_id ? ` (request ${err.request_id})` : '');
    problem.hidden = false;
  }
}
