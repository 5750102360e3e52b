// The fake consent step both providers share: signs in `login_hint` at once (no consent page) and
// redirects back with a code. `fake_deny_scope` lets a test withhold scopes, as a user unticking them.
import type { ServerResponse } from 'node:http';
import type { FakeProvider, GrantStore } from './grant-store';
import { redirect, sendJson } from './http-util';

export function authorizeAndRedirect(
  store: GrantStore,
  url: URL,
  res: ServerResponse,
  provider: FakeProvider,
  options: { defaultScope: string; echoScope: boolean },
): void {
  const q = url.searchParams;
  const redirectUri = q.get('redirect_uri');
  const user = q.get('login_hint');
  if (!redirectUri || !user) {
    return sendJson(res, 400, { error: 'invalid_request', error_description: 'The fake server needs redirect_uri and login_hint (the user to sign in).' });
  }
  const denied = new Set((q.get('fake_deny_scope') ?? '').split(' ').filter(Boolean));
  const scopes = (q.get('scope') ?? options.defaultScope).split(' ').filter((s) => s && !denied.has(s));
  const grant = store.create({ provider, username: user, scopes, clientId: q.get('client_id') ?? undefined });
  const target = new URL(redirectUri);
  target.searchParams.set('code', store.issueCode(grant));
  if (q.get('state') !== null) target.searchParams.set('state', q.get('state') ?? '');
  // Google reports the granted scopes on the redirect; Microsoft does not.
  if (options.echoScope) target.searchParams.set('scope', scopes.join(' '));
  redirect(res, target.toString());
}
