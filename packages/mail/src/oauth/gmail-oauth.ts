// Gmail through google-auth-library's OAuth2 client: consent URL with offline access and
// only the mail scope, code exchange (+ the Gmail profile call, the one way to learn the address with
// that scope alone) and refresh.
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
// google-auth-library alone, not googleapis: the OAuth2 client and one REST call are all we use, and
// googleapis costs ~0.7 s of import on every CLI start.
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import { toOAuthError } from './classify-oauth-error';
import { OAuthError } from './oauth-error';
import type { GmailProvider } from './oauth-provider';
import type { AuthorizationUrlOptions, ExchangeCodeOptions, ExchangedTokens, RefreshedTokens } from './oauth-tokens';

function createClient(p: GmailProvider, redirectUri?: string): OAuth2Client {
  const agent = p.ca === undefined ? undefined : new Agent({ ca: [...rootCertificates, p.ca.toString()], keepAlive: false });
  return new OAuth2Client({
    clientId: p.clientId,
    clientSecret: p.clientSecret,
    ...(redirectUri !== undefined ? { redirectUri } : {}),
    endpoints: { oauth2TokenUrl: p.tokenUrl, oauth2AuthBaseUrl: p.authBaseUrl },
    transporterOptions: { timeout: p.timeoutMs, ...(agent ? { agent } : {}) },
  });
}

function scopesOf(scope: string | null | undefined): string[] {
  return (scope ?? '').split(' ').filter(Boolean);
}

function requireMailScope(p: GmailProvider, granted: string[]): void {
  if (!granted.includes(p.imapScope)) {
    throw new OAuthError('consent_missing', `The grant does not include ${p.imapScope} (granted: ${granted.join(' ') || 'nothing'}).`);
  }
}

export function gmailAuthorizationUrl(p: GmailProvider, options: AuthorizationUrlOptions): string {
  return createClient(p, options.redirectUri).generateAuthUrl({
    access_type: 'offline',
    // Always show consent, so Google returns a refresh token even when the user granted access before.
    prompt: 'consent',
    scope: [...p.scopes],
    state: options.state,
    include_granted_scopes: false,
    ...(options.loginHint !== undefined ? { login_hint: options.loginHint } : {}),
    ...(options.codeChallenge !== undefined ? { code_challenge: options.codeChallenge, code_challenge_method: CodeChallengeMethod.S256 } : {}),
  });
}

export async function gmailExchangeCode(p: GmailProvider, options: ExchangeCodeOptions): Promise<ExchangedTokens> {
  const client = createClient(p, options.redirectUri);
  let tokens;
  try {
    ({ tokens } = await client.getToken({
      code: options.code,
      redirect_uri: options.redirectUri,
      ...(options.codeVerifier !== undefined ? { codeVerifier: options.codeVerifier } : {}),
    }));
  } catch (error) {
    throw toOAuthError(error, [options.code, options.codeVerifier ?? '']);
  }
  const secrets = [options.code, tokens.access_token ?? '', tokens.refresh_token ?? ''];
  const grantedScopes = scopesOf(tokens.scope);
  // Google always says which scopes it granted; with granular consent the user may untick Gmail.
  if (tokens.scope !== undefined && tokens.scope !== null) requireMailScope(p, grantedScopes);
  if (!tokens.access_token || !tokens.refresh_token) {
    throw new OAuthError('config', 'Google answered the code exchange without a refresh token; the consent URL must ask for offline access.');
  }
  client.setCredentials(tokens);
  let username: string;
  try {
    // users.getProfile (GET gmail/v1/users/me/profile), as googleapis' gmail client calls it.
    const profile = await client.request<{ emailAddress?: string }>({ url: new URL('gmail/v1/users/me/profile', p.apiRootUrl).toString() });
    if (!profile.data.emailAddress) throw new OAuthError('config', 'The Gmail profile call answered without an address.');
    username = profile.data.emailAddress;
  } catch (error) {
    throw toOAuthError(error, secrets);
  }
  return {
    refreshToken: tokens.refresh_token,
    accessToken: tokens.access_token,
    expiresAt: new Date(tokens.expiry_date ?? Date.now() + 3600_000),
    username,
    grantedScopes,
  };
}

export async function gmailRefreshAccessToken(p: GmailProvider, refreshToken: string): Promise<RefreshedTokens> {
  const client = createClient(p);
  client.setCredentials({ refresh_token: refreshToken });
  // google-auth-library puts the old refresh token back into its credentials after a refresh; the
  // 'tokens' event is the one place a rotated one is visible.
  let rotatedRefreshToken: string | undefined;
  client.on('tokens', (t) => {
    if (t.refresh_token && t.refresh_token !== refreshToken) rotatedRefreshToken = t.refresh_token;
  });
  try {
    await client.getAccessToken();
  } catch (error) {
    throw toOAuthError(error, [refreshToken]);
  }
  const c = client.credentials;
  if (!c.access_token) throw new OAuthError('transient', 'Google answered the refresh without an access token.');
  const grantedScopes = scopesOf(c.scope);
  // A scope the user took away is missing from `scope` (Google answers the refresh nonetheless).
  if (c.scope !== undefined && c.scope !== null) requireMailScope(p, grantedScopes);
  return {
    accessToken: c.access_token,
    expiresAt: new Date(c.expiry_date ?? Date.now() + 3600_000),
    refreshToken: rotatedRefreshToken ?? refreshToken,
    rotated: rotatedRefreshToken !== undefined,
    grantedScopes,
  };
}
