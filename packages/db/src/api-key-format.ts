// An API key's text: `rsk_<prefix>_<secret>`. The prefix (8 random bytes, hex) is public: it is shown by
// `api-key list` and finds the key's row. The secret (32 random bytes, base64url) is shown once and
// stored only as its SHA-256. A fast hash is right here, unlike for passwords: 256 random bits cannot be
// guessed however fast each guess is, and a slow hash (argon2, ~50 ms) on every request would be a
// CPU cost per request that anyone could trigger with made-up keys.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_PATTERN = /^rsk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKeySecret {
  /** The whole key, to show once. */
  key: string;
  prefix: string;
  secretHash: Buffer;
}

export function generateApiKey(): NewApiKeySecret {
  const prefix = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { key: `rsk_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

/** The prefix and secret of a presented key; null when it does not have a key's shape. */
export function parseApiKey(text: string): { prefix: string; secret: string } | null {
  const m = KEY_PATTERN.exec(text);
  return m ? { prefix: m[1]!, secret: m[2]! } : null;
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Constant-time comparison of a presented secret with the stored hash (both 32 bytes). */
export function secretMatches(secret: string, storedHash: Buffer): boolean {
  const presented = hashSecret(secret);
  return storedHash.length === presented.length && timingSafeEqual(presented, storedHash);
}
