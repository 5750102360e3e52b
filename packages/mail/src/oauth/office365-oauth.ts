// Office 365 through @azure/msal-node's confidential client. msal keeps refresh tokens in its token
// cache and never returns them, so each call uses a fresh application (an empty in-memory cache) and
// reads the (rotated) refresh token out of that cache afterwards; the database stays the one store.
import { ConfidentialClientApplication, LogLevel, type AuthenticationResult } from '@azure/msal-node';
import { toOAuthError } from './classify-oauth-error';
import { MsalNetworkClient } from './msal-network-client';
import { OAuthError } from './oauth-error';
import { OFFICE365_IMAP_SCOPE, OFFICE365_SMTP_SCOPE, type Office365Provider } from './oauth-provider';
import type { AuthorizationUrlOptions, ExchangeCodeOptions, ExchangedTokens, RefreshedTokens } from './oauth-tokens';

/** Scopes asked for on every token request (msal adds openid, profile and offline_access). */
const TOKEN_SCOPES = [OFFICE365_IMAP_SCOPE, OFFICE365_SMTP_SCOPE];

function createApp(p: Office365Provider): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: {
      clientId: p.clientId,
      clientSecret: p.clientSecret,
      authority: p.authority,
      ...(p.knownAuthorities.length > 0 ? { knownAuthorities: [...p.knownAuthorities] } : {}),
    },
    system: {
      networkClient: new MsalNetworkClient({ ca: p.ca, timeoutMs: p.timeoutMs }),
      // msal's verbose logs name accounts and endpoints; ours say what happened.
      loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => {} },
    },
  });
}

async function cachedRefreshToken(app: ConfidentialClientApplication): Promise<string | undefined> {
  const cache = JSON.parse(app.getTokenCache().serialize()) as { RefreshToken?: Record<string, { secret?: string }> };
  const entries = Object.values(cache.RefreshToken ?? {});
  return entries.find((e) => typeof e.secret === 'string' && e.secret !== '')?.secret;
}

function grantedScopesOf(result: AuthenticationResult): string[] {
  return result.scopes.filter(Boolean);
}

function requireImapScope(granted: string[]): void {
  if (!granted.some((s) => s.toLowerCase() === OFFICE365_IMAP_SCOPE.toLowerCase())) {
    throw new OAuthError('consent_missing', `The grant does not include ${OFFICE365_IMAP_SCOPE} (granted: ${granted.join(' ') || 'nothing'}).`);
  }
}

export async function office365AuthorizationUrl(p: Office365Provider, options: AuthorizationUrlOptions): Promise<string> {
  try {
    return await createApp(p).getAuthCodeUrl({
      scopes: [...p.scopes],
      redirectUri: options.redirectUri,
      state: options.state,
      // msal drops login_hint under prompt=select_account (Entra refuses the pair): with a hint, the
      // account is pre-filled instead of offering the picker.
      ...(options.loginHint !== undefined ? { loginHint: options.loginHint } : { prompt: 'select_account' }),
      ...(options.codeChallenge !== undefined ? { codeChallenge: options.codeChallenge, codeChallengeMethod: 'S256' } : {}),
    });
  } catch (error) {
    throw toOAuthError(error);
  }
}

export async function office365ExchangeCode(p: Office365Provider, options: ExchangeCodeOptions): Promise<ExchangedTokens> {
  const app = createApp(p);
  let result: AuthenticationResult | null;
  try {
    result = await app.acquireTokenByCode({
      code: options.code,
      scopes: TOKEN_SCOPES,
      redirectUri: options.redirectUri,
      ...(options.codeVerifier !== undefined ? { codeVerifier: options.codeVerifier } : {}),
    });
  } catch (error) {
    throw toOAuthError(error, [options.code, options.codeVerifier ?? '']);
  }
  if (!result?.accessToken) throw new OAuthError('transient', 'Microsoft answered the code exchange without an access token.');
  const grantedScopes = grantedScopesOf(result);
  requireImapScope(grantedScopes);
  const refreshToken = await cachedRefreshToken(app);
  if (!refreshToken) throw new OAuthError('consent_missing', 'Microsoft issued no refresh token (offline_access was not granted).');
  const username = result.account?.username;
  if (!username) throw new OAuthError('config', 'Microsoft answered without the account name (id token missing); openid/profile must be allowed.');
  return {
    refreshToken,
    accessToken: result.accessToken,
    expiresAt: result.expiresOn ?? new Date(Date.now() + 3600_000),
    username,
    grantedScopes,
  };
}

export async function office365RefreshAccessToken(p: Office365Provider, refreshToken: string): Promise<RefreshedTokens> {
  const app = createApp(p);
  let result: AuthenticationResult | null;
  try {
    // forceCache: store the answer although the (empty) cache has no account for it; otherwise msal
    // drops the rotated refresh token on the floor.
    result = await app.acquireTokenByRefreshToken({ refreshToken, scopes: TOKEN_SCOPES, forceCache: true });
  } catch (error) {
    throw toOAuthError(error, [refreshToken]);
  }
  if (!result?.accessToken) throw new OAuthError('transient', 'Microsoft answered the refresh without an access token.');
  const grantedScopes = grantedScopesOf(result);
  requireImapScope(grantedScopes);
  const fromCache = await cachedRefreshToken(app);
  const rotated = fromCache !== undefined && fromCache !== refreshToken;
  return {
    accessToken: result.accessToken,
    expiresAt: result.expiresOn ?? new Date(Date.now() + 3600_000),
    refreshToken: rotated ? fromCache : refreshToken,
    rotated,
    grantedScopes,
  };
}
