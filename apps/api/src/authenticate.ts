// Who is calling: the API key in `Authorization: Bearer <key>`, found by its public prefix and compared in
// constant time (packages/db api-keys), and the account it belongs to. A verified key is trusted for
// API_KEY_TRUSTED_MS without reading its row again (verified-key-cache.ts), so a revoke takes effect within
// that bound. last_used_at is refreshed at most once a minute per key and process, without delaying the request.
import { API_KEY_LAST_USED_INTERVAL_MS, API_KEY_TRUSTED_MS, findApiKey, touchApiKey, type ApiKeyInfo } from '@reply-sync/db/system-queries';
import { scoped, type Db, type Scoped } from '@reply-sync/db';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { ApiProblem } from './problem';
import { createVerifiedKeyCache } from './verified-key-cache';

export interface AuthContext {
  key: ApiKeyInfo;
  /** The key's account: every query a route makes goes through it. */
  scope: Scoped;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
  }
}

const HOW_TO_GET_A_KEY = "Send the account's API key as `Authorization: Bearer <key>`; keys are made on the server by an operator (the CLI's `api-key create --account ID --scopes read`).";

/** `trustMs`: how long a verified key is trusted without a row read (0: read it on every request). */
export function createAuthenticator(db: Db, log: FastifyBaseLogger, trustMs: number = API_KEY_TRUSTED_MS) {
  const touchedAt = new Map<string, number>();
  const verified = createVerifiedKeyCache(trustMs);
  const authenticate = async function authenticate(request: FastifyRequest): Promise<AuthContext> {
    const header = request.headers.authorization;
    if (!header) throw new ApiProblem(401, 'api_key_missing', `This request needs an API key. ${HOW_TO_GET_A_KEY}`);
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    let now = Date.now();
    let key = m ? verified.get(m[1]!, now) : null;
    if (m && !key) {
      key = await findApiKey(db, m[1]!);
      now = Date.now();
      if (key) verified.set(m[1]!, key, now);
    }
    // One answer for malformed, unknown, wrong and revoked keys: nothing to learn by trying.
    if (!key) throw new ApiProblem(401, 'api_key_invalid', `The API key is not valid: it is mistyped, unknown or revoked. ${HOW_TO_GET_A_KEY}`);
    const { id, prefix } = key;
    if (now - (touchedAt.get(id) ?? 0) >= API_KEY_LAST_USED_INTERVAL_MS) {
      touchedAt.set(id, now);
      touchApiKey(db, id).catch((error: unknown) => log.warn({ err: error, keyPrefix: prefix }, 'could not record the API key as used'));
    }
    return { key, scope: scoped(db, key.accountId) };
  };
  /** A key this process revoked stops working here at once (other processes: within trustMs). */
  return Object.assign(authenticate, { forgetKey: (keyId: string) => verified.forget(keyId) });
}

/** The caller of a route declared with scoped(): always set, since the access hook authenticated it. */
export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new Error(`${request.method} ${request.url} ran without authentication: it must be declared with scoped()`);
  return request.auth;
}
