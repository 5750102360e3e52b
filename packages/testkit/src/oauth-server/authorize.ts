// The fake authorize step both providers share. GET either signs the user in at once (the paste-the-code
// CLI flow: `login_hint` given and no PKCE, or `fake_auto=1`) or shows a real consent page (a browser
// flow: PKCE sent, no login_hint, or `fake_auto=0`). The page's form POSTs back here: Allow redirects
// with `code` + `state` (and only the ticked scopes granted), Deny with `error=access_denied`. Codes are
// bound to the redirect_uri and the PKCE challenge, which the token endpoints check.
// `fake_deny_scope` (auto mode) still withholds scopes, as a user unticking them.
import type { ServerResponse } from 'node:http';
import { consentPageHtml, sendHtml } from './consent-page';
import type { FakeProvider, GrantStore } from './grant-store';
import { redirect, sendJson } from './http-util';

export interface AuthorizeOptions {
  defaultScope: string;
  /** Google reports the granted scopes on the redirect; Microsoft does not. */
  echoScope: boolean;
  providerTitle: string;
}

const words = (s: string | null | undefined) => (s ?? '').split(' ').filter(Boolean);

/** True when GET should sign `login_hint` in without a page. */
function autoConsent(q: URLSearchParams): boolean {
  const forced = q.get('fake_auto');
  if (forced === '1') return true;
  if (forced === '0') return false;
  return q.get('login_hint') !== null && q.get('code_challenge') === null;
}

function redirectBack(
  store: GrantStore,
  res: ServerResponse,
  provider: FakeProvider,
  options: AuthorizeOptions,
  input: { params: URLSearchParams; username: string; scopes: string[] },
): void {
  const q = input.params;
  const grant = store.create({ provider, username: input.username, scopes: input.scopes, clientId: q.get('client_id') ?? undefined });
  const target = new URL(q.get('redirect_uri')!);
  target.searchParams.set(
    'code',
    store.issueCode(grant, {
      redirectUri: q.get('redirect_uri') ?? undefined,
      codeChallenge: q.get('code_challenge') ?? undefined,
      codeChallengeMethod: q.get('code_challenge_method') ?? undefined,
    }),
  );
  if (q.get('state') !== null) target.searchParams.set('state', q.get('state') ?? '');
  if (options.echoScope) target.searchParams.set('scope', input.scopes.join(' '));
  redirect(res, target.toString());
}

/** GET: auto sign-in or the consent page. */
export function authorizeAndRedirect(store: GrantStore, url: URL, res: ServerResponse, provider: FakeProvider, options: AuthorizeOptions): void {
  const q = url.searchParams;
  if (!q.get('redirect_uri')) {
    return sendJson(res, 400, { error: 'invalid_request', error_description: 'The fake server needs redirect_uri.' });
  }
  if (q.get('code_challenge') !== null && (q.get('code_challenge_method') ?? 'plain') !== 'S256') {
    return sendJson(res, 400, { error: 'invalid_request', error_description: 'code_challenge_method must be S256.' });
  }
  const requested = words(q.get('scope') ?? options.defaultScope);
  if (!autoConsent(q)) {
    return sendHtml(res, 200, consentPageHtml({ providerTitle: options.providerTitle, action: url.pathname, params: q, scopes: requested }));
  }
  const user = q.get('login_hint');
  if (!user) return sendJson(res, 400, { error: 'invalid_request', error_description: 'Auto sign-in (fake_auto=1) needs login_hint (the user to sign in).' });
  const denied = new Set(words(q.get('fake_deny_scope')));
  redirectBack(store, res, provider, options, { params: q, username: user, scopes: requested.filter((s) => !denied.has(s)) });
}

/** POST: the consent form's answer. */
export function consentAnswered(store: GrantStore, fields: URLSearchParams, res: ServerResponse, provider: FakeProvider, options: AuthorizeOptions): void {
  const redirectUri = fields.get('redirect_uri');
  if (!redirectUri) return sendJson(res, 400, { error: 'invalid_request', error_description: 'The consent form lost redirect_uri.' });
  if (fields.get('decision') !== 'allow') {
    const target = new URL(redirectUri);
    target.searchParams.set('error', 'access_denied');
    target.searchParams.set('error_description', 'The user denied access to the app.');
    if (fields.get('state') !== null) target.searchParams.set('state', fields.get('state') ?? '');
    return redirect(res, target.toString());
  }
  const username = (fields.get('username') ?? '').trim();
  if (!username) return sendJson(res, 400, { error: 'invalid_request', error_description: 'The consent form needs the account (username).' });
  const requested = new Set(words(fields.get('scope') ?? options.defaultScope));
  // Only scopes that were asked for can be granted, whatever the form says.
  const granted = fields.getAll('granted_scope').filter((s) => requested.has(s));
  redirectBack(store, res, provider, options, { params: fields, username, scopes: granted });
}
