// Microsoft-identity-platform-style endpoints, as @azure/msal-node calls them: the OpenID metadata
// (/{tenant}/v2.0/.well-known/openid-configuration), instance discovery, the authorize redirect and
// /{tenant}/oauth2/v2.0/token with refresh-token rotation. Errors carry AADSTS numbers and texts:
// 50173 (password changed or reset), 65001 (consent missing), 70008 (grant expired or revoked).
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { MICROSOFT_IMAP_SCOPE, MICROSOFT_SMTP_SCOPE, type Grant, type GrantStore } from './grant-store';
import { authorizeAndRedirect, consentAnswered, type AuthorizeOptions } from './authorize';
import { codeBindingProblem } from './code-binding';
import { holdFor } from './google-endpoints';
import { sendJson } from './http-util';

/** Scopes the identity platform adds itself; they need no consent. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);
const FAKE_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';

function aadError(res: ServerResponse, error: string, code: number, text: string, suberror?: string): void {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  sendJson(res, 400, {
    error,
    error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    ...(suberror ? { suberror } : {}),
  });
}

function endedError(res: ServerResponse, grant: Grant): void {
  const issued = grant.createdAt.toISOString();
  const validFrom = (grant.endedAt ?? new Date()).toISOString();
  if (grant.ended === 'password_changed') {
    return aadError(
      res,
      'invalid_grant',
      50173,
      `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${issued}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${validFrom}'.`,
    );
  }
  aadError(
    res,
    'invalid_grant',
    70008,
    'The provided authorization code or refresh token has expired due to inactivity or was revoked. Send a new interactive authorization request for this user and resource.',
  );
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** An unsigned-looking id token: msal-node decodes the claims, it does not check the signature. */
function idToken(grant: Grant, origin: string, tenant: string): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url({ typ: 'JWT', alg: 'RS256', kid: 'fake' });
  const claims = base64url({
    aud: grant.clientId,
    iss: `${origin}/${FAKE_TENANT_ID}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    name: grant.username,
    oid: objectId(grant),
    preferred_username: grant.username,
    sub: objectId(grant),
    tid: tenant === 'common' || tenant === 'organizations' ? FAKE_TENANT_ID : tenant,
    ver: '2.0',
  });
  return `${header}.${claims}.${Buffer.from('fake-signature').toString('base64url')}`;
}

function objectId(grant: Grant): string {
  // Stable per grant, shaped like a GUID.
  const hex = Buffer.from(grant.id).toString('hex').padEnd(32, '0').slice(-32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function missingConsent(grant: Grant, requested: string[]): string[] {
  return requested.filter((s) => !OIDC_SCOPES.has(s) && !grant.scopes.has(s));
}

export async function microsoftToken(
  store: GrantStore,
  tenant: string,
  origin: string,
  fields: Record<string, string>,
  res: ServerResponse,
): Promise<void> {
  if (!fields.client_id) return aadError(res, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
  let grant: Grant | undefined;
  if (fields.grant_type === 'authorization_code') {
    const redeemed = fields.code ? store.redeemCode(fields.code) : undefined;
    grant = redeemed?.grant;
    if (!redeemed || !grant || grant.provider !== 'microsoft') {
      return aadError(res, 'invalid_grant', 70000, "The provided value for the 'code' parameter is not valid.");
    }
    const problem = codeBindingProblem(redeemed.binding, fields);
    if (problem === 'redirect_uri_mismatch') {
      return aadError(res, 'invalid_grant', 500112, `The reply address '${fields.redirect_uri ?? ''}' does not match the reply address '${redeemed.binding.redirectUri ?? ''}' provided when requesting Authorization code.`);
    }
    if (problem !== null) {
      return aadError(res, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
    }
  } else if (fields.grant_type === 'refresh_token') {
    grant = fields.refresh_token ? store.grantOfRefreshToken(fields.refresh_token) : undefined;
    if (!grant || grant.provider !== 'microsoft') {
      return aadError(res, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid. The refresh token is not valid.');
    }
  } else {
    return aadError(res, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${fields.grant_type ?? ''}'.`);
  }
  if (grant.ended) return endedError(res, grant);
  const requested = (fields.scope ?? '').split(' ').filter(Boolean);
  const missing = missingConsent(grant, requested);
  if (missing.length > 0) {
    return aadError(
      res,
      'invalid_grant',
      65001,
      `The user or administrator has not consented to use the application with ID '${grant.clientId}' named 'reply-sync'. Send an interactive authorization request for this user and resource. Missing: ${missing.join(' ')}.`,
      'consent_required',
    );
  }
  if (fields.grant_type === 'refresh_token') {
    await holdFor(grant.refreshDelayMs);
    // The grant may have ended while we held the request.
    if (grant.ended) return endedError(res, grant);
    grant.refreshCount += 1;
  } else {
    grant.codeExchangeCount += 1;
  }
  // Microsoft answers every token request with a new refresh token. Unlike Microsoft, the fake server
  // then refuses the old one when rotation is on, so a client that writes back a stale one is caught.
  const t = store.issueTokens(grant, {
    withRefreshToken: true,
    ...(fields.grant_type === 'refresh_token' && grant.rotateRefreshTokens ? { replacing: fields.refresh_token } : {}),
  });
  const scope = requested.filter((s) => !OIDC_SCOPES.has(s) || s === 'offline_access' || s === 'openid' || s === 'profile');
  sendJson(res, 200, {
    token_type: 'Bearer',
    scope: (scope.length > 0 ? scope : [...grant.scopes]).join(' '),
    expires_in: t.expiresIn,
    ext_expires_in: t.expiresIn,
    access_token: t.accessToken,
    refresh_token: t.refreshToken,
    id_token: idToken(grant, origin, tenant),
    client_info: base64url({ uid: objectId(grant), utid: FAKE_TENANT_ID }),
  });
}

export function microsoftOpenIdConfiguration(tenant: string, origin: string, res: ServerResponse): void {
  const base = `${origin}/${tenant}`;
  sendJson(res, 200, {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${origin}/{tenantid}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${origin}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'oid'],
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
  });
}

/** GET /common/discovery/instance: msal asks this only when the authority is not in knownAuthorities. */
export function microsoftInstanceDiscovery(origin: string, res: ServerResponse): void {
  const host = new URL(origin).host;
  sendJson(res, 200, {
    tenant_discovery_endpoint: `${origin}/{tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
}

const AUTHORIZE: AuthorizeOptions = {
  defaultScope: `${MICROSOFT_IMAP_SCOPE} ${MICROSOFT_SMTP_SCOPE} offline_access`,
  echoScope: false,
  providerTitle: 'Microsoft',
};

/** GET /{tenant}/oauth2/v2.0/authorize: signs in `login_hint` at once, or shows the consent page (authorize.ts). */
export function microsoftAuthorize(store: GrantStore, url: URL, res: ServerResponse): void {
  authorizeAndRedirect(store, url, res, 'microsoft', AUTHORIZE);
}

/** POST /{tenant}/oauth2/v2.0/authorize: the consent page's Allow or Deny. */
export function microsoftConsent(store: GrantStore, fields: URLSearchParams, res: ServerResponse): void {
  consentAnswered(store, fields, res, 'microsoft', AUTHORIZE);
}
