// The keys this API process has verified lately, so that a busy key costs one row read per
// API_KEY_TRUSTED_MS instead of one per request. Entries are found by the SHA-256 of the presented text
// (the secret itself is not kept as a map key), hold only keys that were verified (live, secret matched),
// and expire after `trustMs`: a revoke made anywhere (the CLI) reaches this process within that bound.
import { createHash } from 'node:crypto';
import type { ApiKeyInfo } from '@reply-sync/db/system-queries';

/** Enough for every key of a large fleet; past it the oldest entry goes (made-up keys never enter). */
const MAX_ENTRIES = 10_000;

export interface VerifiedKeyCache {
  get(presented: string, now: number): ApiKeyInfo | null;
  set(presented: string, key: ApiKeyInfo, now: number): void;
  /** Drops a key at once (revoked by this process: the console's revoke). */
  forget(keyId: string): void;
}

export function createVerifiedKeyCache(trustMs: number): VerifiedKeyCache {
  const entries = new Map<string, { key: ApiKeyInfo; until: number }>();
  const digest = (presented: string) => createHash('sha256').update(presented, 'utf8').digest('base64');
  return {
    get(presented, now) {
      if (trustMs <= 0) return null;
      const id = digest(presented);
      const entry = entries.get(id);
      if (!entry) return null;
      if (entry.until <= now) {
        entries.delete(id);
        return null;
      }
      return entry.key;
    },
    set(presented, key, now) {
      if (trustMs <= 0) return;
      const id = digest(presented);
      entries.delete(id);
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      entries.set(id, { key, until: now + trustMs });
    },
    forget(keyId) {
      for (const [id, entry] of entries) if (entry.key.id === keyId) entries.delete(id);
    },
  };
}
