// API keys of one account (created, listed and revoked by the CLI), and the one cross-account read:
// finding a presented key by its public prefix, which is how the API learns the account.
import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../client';
import type { AccountScope } from '../account-scope';
import { generateApiKey, parseApiKey, secretMatches } from '../api-key-format';
import { DbError } from '../errors';
import { apiKeys, type ApiKeyRow, type ApiKeyScope } from '../schema';

/** A key as listed: everything but the hash. */
export type ApiKeyInfo = Omit<ApiKeyRow, 'secretHash'>;

const info = ({ secretHash: _h, ...rest }: ApiKeyRow): ApiKeyInfo => rest;

/** last_used_at moves at most this often per key: one UPDATE a minute for a busy key, not one per request. */
export const API_KEY_LAST_USED_INTERVAL_MS = 60_000;

/**
 * How long an API process trusts a key it has verified without reading its row again (apps/api
 * authenticate.ts): a revoked key stops working in every API process at most this long after the revoke.
 */
export const API_KEY_TRUSTED_MS = 5_000;

export function apiKeyQueries(db: Db, scope: AccountScope) {
  return {
    /** Creates a key; `key` is the only time its secret exists outside the caller's hands. */
    async create(input: { scopes: ApiKeyScope[]; name?: string | null }): Promise<{ key: string; apiKey: ApiKeyInfo }> {
      const generated = generateApiKey();
      const [row] = await db
        .insert(apiKeys)
        .values({ accountId: scope.accountId, prefix: generated.prefix, secretHash: generated.secretHash, scopes: [...new Set(input.scopes)], name: input.name ?? null })
        .returning();
      return { key: generated.key, apiKey: info(row!) };
    },
    async list(): Promise<ApiKeyInfo[]> {
      const rows = await db.select().from(apiKeys).where(scope.where(apiKeys)).orderBy(desc(apiKeys.createdAt));
      return rows.map(info);
    },
    /** Revokes by id or prefix; revoking a revoked key keeps its first revocation time. */
    async revoke(idOrPrefix: string): Promise<ApiKeyInfo> {
      const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrPrefix);
      const match = byId ? eq(apiKeys.id, idOrPrefix) : eq(apiKeys.prefix, idOrPrefix);
      const [row] = await db
        .update(apiKeys)
        .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
        .where(scope.where(apiKeys, match))
        .returning();
      if (!row) throw new DbError('not_found', `There is no API key ${idOrPrefix} in this account.`);
      return info(row);
    },
  };
}

/**
 * The live (not revoked) key a presented key text names, compared in constant time; null for anything
 * else (malformed, unknown prefix, wrong secret, revoked), so a caller cannot tell which.
 */
export async function findApiKey(db: DbOrTx, presented: string): Promise<ApiKeyInfo | null> {
  const parsed = parseApiKey(presented);
  if (!parsed) return null;
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.prefix, parsed.prefix));
  if (!row || !secretMatches(parsed.secret, row.secretHash) || row.revokedAt) return null;
  return info(row);
}

/** Sets last_used_at to now unless it was set less than a minute ago (the WHERE makes that one cheap statement). */
export async function touchApiKey(db: DbOrTx, keyId: string): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiKeys.id, keyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - make_interval(secs => ${API_KEY_LAST_USED_INTERVAL_MS / 1000})`))));
}
