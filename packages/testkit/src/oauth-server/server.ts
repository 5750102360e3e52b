// The fake OAuth server: one request handler served over HTTP (Dovecot's introspection and the admin
// API, loopback only) and HTTPS (the token endpoints; msal-node insists on HTTPS). State is in memory;
// every grant belongs to one test user, so parallel tests never see each other's grants.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { GrantStore, type CreateGrantInput, type FakeProvider, type Grant } from './grant-store';
import { gmailProfile, googleAuthorize, googleConsent, googleToken } from './google-endpoints';
import { originOf, parseFields, parseJson, readBody, sendJson } from './http-util';
import { microsoftAuthorize, microsoftConsent, microsoftInstanceDiscovery, microsoftOpenIdConfiguration, microsoftToken } from './microsoft-endpoints';

export interface OAuthServerOptions {
  /** 0 picks a free port. */
  httpPort: number;
  httpsPort: number;
  host?: string;
  tls: { cert: string | Buffer; key: string | Buffer };
  /** One line per request (method, path, status); never bodies, codes or tokens. */
  log?: (line: string) => void;
}

export interface RunningOAuthServer {
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly store: GrantStore;
  close(): Promise<void>;
}

/** What the admin API says about a grant (no tokens). */
export function grantSummary(grant: Grant) {
  return {
    grantId: grant.id,
    provider: grant.provider,
    username: grant.username,
    scopes: [...grant.scopes],
    ended: grant.ended,
    rotateRefreshTokens: grant.rotateRefreshTokens,
    accessTokenTtlSeconds: grant.accessTokenTtlSeconds,
    refreshCount: grant.refreshCount,
    codeExchangeCount: grant.codeExchangeCount,
  };
}

function introspect(store: GrantStore, fields: Record<string, string>, req: IncomingMessage, res: ServerResponse): void {
  const token = fields.token ?? /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const live = token ? store.liveAccessToken(token) : undefined;
  if (!live) return sendJson(res, 200, { active: false });
  sendJson(res, 200, {
    active: true,
    username: live.grant.username,
    scope: live.info.scopes.join(' '),
    client_id: live.grant.clientId,
    token_type: 'Bearer',
    exp: Math.floor(live.info.expiresAt / 1000),
  });
}

async function admin(store: GrantStore, method: string, parts: string[], body: string, res: ServerResponse): Promise<void> {
  // parts: ['admin', 'grants', id?, action?]
  if (parts[1] !== 'grants') return sendJson(res, 404, { error: 'not_found' });
  const id = parts[2];
  if (id === undefined) {
    if (method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed' });
    const input = parseJson(body) as Partial<CreateGrantInput>;
    if (typeof input.username !== 'string' || input.username === '') return sendJson(res, 400, { error: 'username is required' });
    const provider: FakeProvider = input.provider === 'microsoft' ? 'microsoft' : 'google';
    const grant = store.create({ ...input, provider, username: input.username });
    const tokens = store.issueTokens(grant, { withRefreshToken: true });
    return sendJson(res, 201, {
      ...grantSummary(grant),
      code: store.issueCode(grant),
      refreshToken: tokens.refreshToken,
      accessToken: tokens.accessToken,
      expiresIn: tokens.expiresIn,
    });
  }
  const grant = store.get(id);
  if (!grant) return sendJson(res, 404, { error: `no grant ${id}` });
  const action = parts[3];
  if (action === undefined && method === 'GET') return sendJson(res, 200, grantSummary(grant));
  if (method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed' });
  const input = parseJson(body);
  switch (action) {
    case 'revoke':
      store.revoke(grant);
      break;
    case 'password-changed':
      store.passwordChanged(grant);
      break;
    case 'expire-access-tokens':
      store.expireAccessTokens(grant);
      break;
    case 'remove-scope':
      if (typeof input.scope !== 'string') return sendJson(res, 400, { error: 'scope is required' });
      grant.scopes.delete(input.scope);
      break;
    case 'code':
      return sendJson(res, 200, { ...grantSummary(grant), code: store.issueCode(grant) });
    case 'access-token': {
      const t = store.issueTokens(grant, { withRefreshToken: false });
      return sendJson(res, 200, { ...grantSummary(grant), accessToken: t.accessToken, expiresIn: t.expiresIn });
    }
    case 'settings':
      if (typeof input.refreshDelayMs === 'number') grant.refreshDelayMs = input.refreshDelayMs;
      if (typeof input.accessTokenTtlSeconds === 'number') grant.accessTokenTtlSeconds = input.accessTokenTtlSeconds;
      if (typeof input.rotateRefreshTokens === 'boolean') grant.rotateRefreshTokens = input.rotateRefreshTokens;
      break;
    default:
      return sendJson(res, 404, { error: `unknown action ${action ?? ''}` });
  }
  sendJson(res, 200, grantSummary(grant));
}

/** The routes; `secure` says whether the request came over HTTPS (discovery documents name it). */
export function createHandler(store: GrantStore, secure: boolean, log: (line: string) => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake');
    res.on('finish', () => log(`${secure ? 'https' : 'http'} ${method} ${url.pathname} ${res.statusCode} ${Date.now() - started}ms`));
    try {
      const body = method === 'POST' ? await readBody(req) : '';
      const parts = url.pathname.split('/').filter(Boolean);
      const origin = originOf(req, secure);
      if (method === 'GET' && url.pathname === '/healthz') return sendJson(res, 200, { ok: true });
      if (parts[0] === 'admin') {
        // The admin API changes state for tests: never over the token endpoints' HTTPS listener.
        if (secure) return sendJson(res, 404, { error: 'not_found' });
        return await admin(store, method, parts, body, res);
      }
      if (method === 'POST' && url.pathname === '/introspect') return introspect(store, parseFields(req, body), req, res);
      if (method === 'POST' && url.pathname === '/token') return await googleToken(store, parseFields(req, body), res);
      if (method === 'GET' && url.pathname === '/o/oauth2/v2/auth') return googleAuthorize(store, url, res);
      if (method === 'POST' && url.pathname === '/o/oauth2/v2/auth') return googleConsent(store, new URLSearchParams(body), res);
      if (method === 'GET' && url.pathname === '/gmail/v1/users/me/profile') return gmailProfile(store, req, res);
      const tenant = parts[0];
      if (tenant !== undefined) {
        const rest = parts.slice(1).join('/');
        if (method === 'POST' && rest === 'oauth2/v2.0/token') return await microsoftToken(store, tenant, origin, parseFields(req, body), res);
        if (method === 'GET' && rest === 'oauth2/v2.0/authorize') return microsoftAuthorize(store, url, res);
        if (method === 'POST' && rest === 'oauth2/v2.0/authorize') return microsoftConsent(store, new URLSearchParams(body), res);
        if (method === 'GET' && (rest === 'v2.0/.well-known/openid-configuration' || rest === '.well-known/openid-configuration')) {
          return microsoftOpenIdConfiguration(tenant, origin, res);
        }
        if (method === 'GET' && rest === 'discovery/instance') return microsoftInstanceDiscovery(origin, res);
        if (method === 'GET' && rest === 'discovery/v2.0/keys') return sendJson(res, 200, { keys: [] });
      }
      sendJson(res, 404, { error: 'not_found', error_description: `${method} ${url.pathname} is not served by the fake OAuth server` });
    } catch (error) {
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: (error as Error).message });
      else res.destroy();
    }
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startOAuthServer(options: OAuthServerOptions): Promise<RunningOAuthServer> {
  const store = new GrantStore();
  const log = options.log ?? (() => {});
  const host = options.host ?? '127.0.0.1';
  const https = createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, createHandler(store, true, log));
  const http = createHttpServer(createHandler(store, false, log));
  // HTTPS first: the stack script waits for the HTTP port, so once that accepts, both do.
  const httpsPort = await listen(https, options.httpsPort, host);
  const httpPort = await listen(http, options.httpPort, host).catch(async (error: unknown) => {
    await closeServer(https);
    throw error;
  });
  return {
    httpPort,
    httpsPort,
    store,
    close: async () => {
      await Promise.all([closeServer(http), closeServer(https)]);
    },
  };
}
