// The `state` of a web sign-in: who asked (account, user or inbox), for which provider, where to send the
// browser afterwards, a nonce and an expiry, signed with HMAC-SHA256 (API_OAUTH_STATE_KEY). It travels
// through the browser and the provider, so it holds no secret: the PKCE verifier stays in Redis under
// the nonce (sign-in-store.ts), which also makes the state single-use. Pure: no I/O.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { OAuthProviderName } from '@reply-sync/mail';

export interface SignInState {
  accountId: string;
  provider: OAuthProviderName;
  /** Owner of the inbox to connect; for a reconnect, the inbox's owner (or null for a team inbox). */
  userId: string | null;
  /** Set for a reconnect: the inbox whose tokens are replaced. */
  inboxId: string | null;
  /** The login the provider must sign in (the reconnected inbox's); another is refused. */
  expectUsername: string | null;
  successUrl: string | null;
  nonce: string;
  /** Unix seconds. */
  expiresAt: number;
}

export type StateRefusal = 'oauth_state_missing' | 'oauth_state_invalid' | 'oauth_state_expired';

const VERSION = 'v1';

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

function mac(key: Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(`${VERSION}.${body}`).digest();
}

export function signState(state: SignInState, key: Buffer): string {
  const body = Buffer.from(JSON.stringify(state)).toString('base64url');
  return `${VERSION}.${body}.${mac(key, body).toString('base64url')}`;
}

const isStringOrNull = (v: unknown) => v === null || typeof v === 'string';

function isSignInState(v: unknown): v is SignInState {
  const s = v as Partial<SignInState> | null;
  return (
    s !== null &&
    typeof s === 'object' &&
    typeof s.accountId === 'string' &&
    (s.provider === 'gmail' || s.provider === 'office365') &&
    isStringOrNull(s.userId) &&
    isStringOrNull(s.inboxId) &&
    isStringOrNull(s.expectUsername) &&
    isStringOrNull(s.successUrl) &&
    typeof s.nonce === 'string' &&
    typeof s.expiresAt === 'number'
  );
}

/** The state if it is ours, intact and unexpired; otherwise why not. Replay is the store's to tell. */
export function verifyState(token: string | undefined, key: Buffer, nowMs: number): { ok: true; state: SignInState } | { ok: false; refusal: StateRefusal } {
  if (!token) return { ok: false, refusal: 'oauth_state_missing' };
  const [version, body, signature, ...rest] = token.split('.');
  if (version !== VERSION || !body || !signature || rest.length > 0) return { ok: false, refusal: 'oauth_state_invalid' };
  const expected = mac(key, body);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, refusal: 'oauth_state_invalid' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, refusal: 'oauth_state_invalid' };
  }
  if (!isSignInState(parsed)) return { ok: false, refusal: 'oauth_state_invalid' };
  if (parsed.expiresAt * 1000 <= nowMs) return { ok: false, refusal: 'oauth_state_expired' };
  return { ok: true, state: parsed };
}
