// Google-style endpoints: the consent screen (auto-approved for `login_hint`, or a form: authorize.ts), POST /token with the
// authorization_code and refresh_token grants, and the Gmail API profile call used to learn the address.
// Error bodies are Google's: {"error":"invalid_grant","error_description":"Token has been expired or revoked."}.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GOOGLE_MAIL_SCOPE, type GrantStore } from './grant-store';
import { authorizeAndRedirect, consentAnswered, type AuthorizeOptions } from './authorize';
import { codeBindingProblem } from './code-binding';
import { bearerOf, sendJson } from './http-util';

const EXPIRED_OR_REVOKED = 'Token has been expired or revoked.';

function tokenError(res: ServerResponse, error: string, description: string, status = 400): void {
  sendJson(res, status, { error, error_description: description });
}

export async function googleToken(store: GrantStore, fields: Record<string, string>, res: ServerResponse): Promise<void> {
  if (!fields.client_id) return tokenError(res, 'invalid_request', 'Could not determine client ID from request.');
  if (fields.grant_type === 'authorization_code') {
    const redeemed = fields.code ? store.redeemCode(fields.code) : undefined;
    const grant = redeemed?.grant;
    if (!redeemed || !grant || grant.provider !== 'google') return tokenError(res, 'invalid_grant', 'Malformed auth code.');
    const problem = codeBindingProblem(redeemed.binding, fields);
    if (problem === 'redirect_uri_mismatch') return tokenError(res, 'redirect_uri_mismatch', 'Bad Request');
    if (problem === 'code_verifier_missing') return tokenError(res, 'invalid_grant', 'Missing code verifier.');
    if (problem !== null) return tokenError(res, 'invalid_grant', 'Invalid code verifier.');
    if (grant.ended) return tokenError(res, 'invalid_grant', EXPIRED_OR_REVOKED);
    grant.codeExchangeCount += 1;
    const t = store.issueTokens(grant, { withRefreshToken: true });
    return sendJson(res, 200, { access_token: t.accessToken, expires_in: t.expiresIn, scope: t.scope, token_type: 'Bearer', refresh_token: t.refreshToken });
  }
  if (fields.grant_type === 'refresh_token') {
    const grant = fields.refresh_token ? store.grantOfRefreshToken(fields.refresh_token) : undefined;
    if (!grant || grant.provider !== 'google' || grant.ended) return tokenError(res, 'invalid_grant', EXPIRED_OR_REVOKED);
    await holdFor(grant.refreshDelayMs);
    grant.refreshCount += 1;
    const t = store.issueTokens(grant, { withRefreshToken: grant.rotateRefreshTokens, replacing: fields.refresh_token });
    // Like Google: a scope the user took away is simply missing from `scope`.
    return sendJson(res, 200, {
      access_token: t.accessToken,
      expires_in: t.expiresIn,
      scope: t.scope,
      token_type: 'Bearer',
      ...(t.refreshToken ? { refresh_token: t.refreshToken } : {}),
    });
  }
  return tokenError(res, 'unsupported_grant_type', `Invalid grant_type: ${fields.grant_type ?? ''}`);
}

const AUTHORIZE: AuthorizeOptions = { defaultScope: GOOGLE_MAIL_SCOPE, echoScope: true, providerTitle: 'Google' };

/** GET /o/oauth2/v2/auth: signs in `login_hint` at once, or shows the consent page (authorize.ts). */
export function googleAuthorize(store: GrantStore, url: URL, res: ServerResponse): void {
  authorizeAndRedirect(store, url, res, 'google', AUTHORIZE);
}

/** POST /o/oauth2/v2/auth: the consent page's Allow or Deny. */
export function googleConsent(store: GrantStore, fields: URLSearchParams, res: ServerResponse): void {
  consentAnswered(store, fields, res, 'google', AUTHORIZE);
}

/** GET /gmail/v1/users/me/profile: the address behind an access token. */
export function gmailProfile(store: GrantStore, req: IncomingMessage, res: ServerResponse): void {
  const token = bearerOf(req);
  const live = token ? store.liveAccessToken(token) : undefined;
  if (!live) {
    return sendJson(res, 401, {
      error: { code: 401, message: 'Request had invalid authentication credentials. Expected OAuth 2 access token.', status: 'UNAUTHENTICATED' },
    });
  }
  if (!live.info.scopes.includes(GOOGLE_MAIL_SCOPE)) {
    return sendJson(res, 403, { error: { code: 403, message: 'Request had insufficient authentication scopes.', status: 'PERMISSION_DENIED' } });
  }
  sendJson(res, 200, { emailAddress: live.grant.username, messagesTotal: 0, threadsTotal: 0, historyId: '1' });
}

export function holdFor(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
