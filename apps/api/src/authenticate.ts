// Who is calling: the API key in `Authorization: Bearer <key>`, found by its public prefix and compared in
// constant time (packages/db api-keys), and the account it belongs to. last_used_at is refreshed at most
// once a minute per key and process, without delaying the request.
import { API_KEY_LAST_USED_INTERVAL_MS, findApiKey, touchApiKey, type ApiKeyInfo } from '@reply-sync/db/system-queries';
import { scoped, type Db, type Scoped } from '@reply-sync/db';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { ApiProblem } from './problem';

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

export function createAuthenticator(db: Db, log: FastifyBaseLogger) {
  const touchedAt = new Map<string, number>();
  return async function authenticate(request: FastifyRequest): Promise<AuthContext> {
    const header = request.headers.authorization;
    if (!header) throw new ApiProblem(401, 'api_key_missing', `This request needs an API key. ${HOW_TO_GET_A_KEY}`);
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const key = m ? await findApiKey(db, m[1]!) : null;
    // One answer for malformed, unknown, wrong and revoked keys: nothing to learn by trying.
    if (!key) throw new ApiProblem(401, 'api_key_invalid', `The API key is not valid: it is mistyped, unknown or revoked. ${HOW_TO_GET_A_KEY}`);
    const now = Date.now();
    if (now - (touchedAt.get(key.id) ?? 0) >= API_KEY_LAST_USED_INTERVAL_MS) {
      touchedAt.set(key.id, now);
      touchApiKey(db, key.id).catch((error: unknown) => log.warn({ err: error, keyPrefix: key.prefix }, 'could not record the API key as used'));
    }
    return { key, scope: scoped(db, key.accountId) };
  };
}

/** The caller of a route declared with scoped(): always set, since the access hook authenticated it. */
export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new Error(`${request.method} ${request.url} ran without authentication: it must be declared with scoped()`);
  return request.auth;
}
