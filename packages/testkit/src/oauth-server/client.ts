// Tests talk to the stack's fake OAuth server through this: create a grant for a test user, then
// revoke it, change the password, expire its access tokens or take a scope away.
import { stack } from '../stack-config';
import type { CreateGrantInput, FakeProvider } from './grant-store';

export interface FakeGrant {
  grantId: string;
  provider: FakeProvider;
  username: string;
  scopes: string[];
  ended: 'revoked' | 'password_changed' | null;
  rotateRefreshTokens: boolean;
  accessTokenTtlSeconds: number;
  refreshCount: number;
  codeExchangeCount: number;
}

export interface CreatedGrant extends FakeGrant {
  /** A single-use authorization code for exchangeCode(). */
  code: string;
  refreshToken: string;
  accessToken: string;
  expiresIn: number;
}

/** What the admin API's POST /admin/grants takes: the grant store's own input. */
export type CreateGrantOptions = CreateGrantInput;

export interface OAuthServerUrls {
  /** http://127.0.0.1:51080: introspection and the admin API. */
  http: string;
  /** https://127.0.0.1:51443: token endpoints (the stack's self-signed certificate). */
  https: string;
  googleTokenUrl: string;
  googleAuthBaseUrl: string;
  /** Root for googleapis (`rootUrl`), e.g. the Gmail profile call. */
  googleApiRoot: string;
  /** msal-node authority for a tenant (default `common`). */
  microsoftAuthority(tenant?: string): string;
  /** The host[:port] to list in msal's knownAuthorities. */
  microsoftKnownAuthority: string;
  introspect: string;
}

function urls(): OAuthServerUrls {
  const http = `http://127.0.0.1:${stack.oauth.httpPort}`;
  const httpsPort = Number(process.env.STACK_OAUTH_HTTPS_PORT || 51443);
  const https = `https://127.0.0.1:${httpsPort}`;
  return {
    http,
    https,
    googleTokenUrl: `${https}/token`,
    googleAuthBaseUrl: `${https}/o/oauth2/v2/auth`,
    googleApiRoot: `${https}/`,
    microsoftAuthority: (tenant = 'common') => `${https}/${tenant}`,
    microsoftKnownAuthority: `127.0.0.1:${httpsPort}`,
    introspect: `${http}/introspect`,
  };
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${oauthServer.urls.http}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`fake OAuth server: ${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export const oauthServer = {
  urls: urls(),
  /** A grant for `username`, with a fresh code, refresh token and access token. */
  createGrant: (options: CreateGrantOptions) => call<CreatedGrant>('POST', '/admin/grants', options),
  grant: (grantId: string) => call<FakeGrant>('GET', `/admin/grants/${grantId}`),
  /** The user removed the app's access: refresh and access tokens stop working at once. */
  revoke: (grantId: string) => call<FakeGrant>('POST', `/admin/grants/${grantId}/revoke`),
  /** Microsoft's password change/reset: refresh tokens fail with AADSTS50173 (access tokens live on). */
  passwordChanged: (grantId: string) => call<FakeGrant>('POST', `/admin/grants/${grantId}/password-changed`),
  expireAccessTokens: (grantId: string) => call<FakeGrant>('POST', `/admin/grants/${grantId}/expire-access-tokens`),
  /** Takes a granted scope away (consent withdrawn by the user or an admin). */
  removeScope: (grantId: string, scope: string) => call<FakeGrant>('POST', `/admin/grants/${grantId}/remove-scope`, { scope }),
  settings: (grantId: string, settings: { refreshDelayMs?: number; accessTokenTtlSeconds?: number; rotateRefreshTokens?: boolean }) =>
    call<FakeGrant>('POST', `/admin/grants/${grantId}/settings`, settings),
  newCode: async (grantId: string) => (await call<{ code: string }>('POST', `/admin/grants/${grantId}/code`)).code,
  newAccessToken: async (grantId: string) => (await call<{ accessToken: string }>('POST', `/admin/grants/${grantId}/access-token`)).accessToken,
  /** What Dovecot sees for a token. */
  introspect: async (token: string): Promise<{ active: boolean; username?: string; scope?: string }> => {
    const res = await fetch(oauthServer.urls.introspect, { method: 'POST', body: new URLSearchParams({ token }) });
    return (await res.json()) as { active: boolean; username?: string; scope?: string };
  },
  /** True when the stack's fake OAuth server answers. */
  async isUp(): Promise<boolean> {
    try {
      return (await fetch(`${oauthServer.urls.http}/healthz`)).ok;
    } catch {
      return false;
    }
  },
};
