// How the dashboard gets and sends a bearer token. /api/auth-config says which way:
//  - open:  a loopback server without authentication; nothing to send.
//  - oidc:  OAuth 2.0 authorization code flow with PKCE (RFC 7636) as a public client: no secret in the page.
//           The verifier and state live in sessionStorage only for the round trip to the identity provider;
//           the access token lives in memory and sessionStorage of this tab, never in a URL or cookie.
//  - token: only API tokens are configured; the user pastes one.
'use strict';

const Login = (() => {
  const KEY = 'biomarker-streams.login';
  let config = { mode: 'open' };
  let token = null;

  function b64url(bytes) {
    let s = '';
    new Uint8Array(bytes).forEach(b => { s += String.fromCharCode(b); });
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function random(n) {
    const a = new Uint8Array(n);
    crypto.getRandomValues(a);
    return b64url(a);
  }

  async function discovery() {
    const r = await fetch(config.issuer.replace(/\/$/, '') + '/.well-known/openid-configuration');
    if (!r.ok) throw new Error('identity provider metadata: ' + r.status);
    return r.json();
  }

  function redirectUri() {
    return location.origin + location.pathname;
  }

  function saved() {
    try {
      return JSON.parse(sessionStorage.getItem(KEY) || '{}');
    } catch (e) {
      return {};
    }
  }

  function save(v) {
    sessionStorage.setItem(KEY, JSON.stringify(v));
  }

  async function startLogin() {
    const meta = await discovery();
    const verifier = random(48);
    const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
    const state = random(16);
    // The fragment (which patient was open) does not survive the round trip: keep it.
    save({ verifier, state, hash: location.hash });
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: config.clientId,
      redirect_uri: redirectUri(),
      scope: 'openid',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    location.assign(meta.authorization_endpoint + '?' + q.toString());
    return new Promise(() => {}); // the page is leaving
  }

  async function finishLogin(params) {
    const s = saved();
    sessionStorage.removeItem(KEY);
    if (!s.state || params.get('state') !== s.state) throw new Error('login state does not match; try again');
    const meta = await discovery();
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code'),
      redirect_uri: redirectUri(),
      client_id: config.clientId,
      code_verifier: s.verifier,
    });
    const r = await fetch(meta.token_endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
    });
    if (!r.ok) throw new Error('token request failed: ' + r.status);
    const t = await r.json();
    token = t.access_token;
    const expires = Date.now() + 1000 * (Number(t.expires_in) || 300);
    sessionStorage.setItem(KEY + '.token', JSON.stringify({ token, expires }));
    // The code must not stay in the address bar or history.
    history.replaceState(null, '', redirectUri() + (s.hash || ''));
  }

  function storedToken() {
    try {
      const t = JSON.parse(sessionStorage.getItem(KEY + '.token') || 'null');
      return t && t.expires > Date.now() + 10000 ? t.token : null;
    } catch (e) {
      return null;
    }
  }

  function askForToken() {
    const t = window.prompt('API token');
    if (t) {
      token = t.trim();
      sessionStorage.setItem(KEY + '.token', JSON.stringify({ token, expires: Date.now() + 8 * 3600 * 1000 }));
    }
  }

  async function init() {
    const r = await fetch('/api/auth-config', { cache: 'no-store' });
    if (r.ok) config = await r.json();
    if (config.mode === 'open') return;
    const params = new URLSearchParams(location.search);
    if (config.mode === 'oidc' && params.has('code')) {
      await finishLogin(params);
      return;
    }
    if (config.mode === 'oidc' && params.has('error')) {
      history.replaceState(null, '', redirectUri());
      throw new Error('login refused by the identity provider');
    }
    token = storedToken();
    if (token) return;
    if (config.mode === 'oidc') await startLogin();
    else askForToken();
  }

  // fetch with the bearer token; a 401 means the token expired or was revoked: log in again.
  async function authorizedFetch(url, options) {
    const opts = Object.assign({ cache: 'no-store' }, options || {});
    if (token) opts.headers = Object.assign({}, opts.headers, { Authorization: 'Bearer ' + token });
    const r = await fetch(url, opts);
    if (r.status === 401 && config.mode !== 'open') {
      sessionStorage.removeItem(KEY + '.token');
      token = null;
      if (config.mode === 'oidc') await startLogin();
      else askForToken();
    }
    return r;
  }

  return { init, fetch: authorizedFetch };
})();
