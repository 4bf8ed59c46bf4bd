// The login page: shows why a previous attempt ended, if it did. The IdP button is a plain link to /console/login.
const reason = new URLSearchParams(location.search).get('error');
if (reason === 'not_authorized') document.getElementById('denied').hidden = false;
else if (reason) document.getElementById('failed').hidden = false;
