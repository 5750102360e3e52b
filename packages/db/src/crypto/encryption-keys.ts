// Reads the credential encryption keys from REPLY_SYNC_ENCRYPTION_KEYS. A missing or malformed value
// stops the service at start with a sentence that says exactly what to set.

export const ENCRYPTION_KEYS_ENV = 'REPLY_SYNC_ENCRYPTION_KEYS';

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** The active key (first) encrypts; every key, the active one included, can decrypt. */
export interface EncryptionKeys {
  active: EncryptionKey;
  byId: ReadonlyMap<string, Buffer>;
}

export class EncryptionKeyError extends Error {
  readonly code = 'encryption_keys_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'EncryptionKeyError';
  }
}

const HOW_TO_SET =
  'Set it to `k1:` followed by 32 random bytes in base64, e.g. `k1:$(openssl rand -base64 32)`; ' +
  'to rotate, put the new key first and keep the old ones after it, comma-separated (`k2:...,k1:...`).';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseEncryptionKeys(envValue: string | undefined): EncryptionKeys {
  if (envValue === undefined || envValue.trim() === '') {
    throw new EncryptionKeyError(`${ENCRYPTION_KEYS_ENV} is not set. ${HOW_TO_SET}`);
  }
  const byId = new Map<string, Buffer>();
  let active: EncryptionKey | undefined;
  for (const [index, rawEntry] of envValue.split(',').entries()) {
    const entry = rawEntry.trim();
    const position = `entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) {
      throw new EncryptionKeyError(
        `${ENCRYPTION_KEYS_ENV} is malformed: ${position} has no key id (expected \`keyId:base64\`). ${HOW_TO_SET}`,
      );
    }
    const id = entry.slice(0, colon);
    const encoded = entry.slice(colon + 1);
    if (!KEY_ID.test(id)) {
      throw new EncryptionKeyError(
        `${ENCRYPTION_KEYS_ENV} is malformed: ${position} has an invalid key id "${id}" (use letters, digits, - or _). ${HOW_TO_SET}`,
      );
    }
    const key = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : undefined;
    if (!key || key.length !== 32) {
      throw new EncryptionKeyError(
        `${ENCRYPTION_KEYS_ENV} is malformed: key "${id}" must be exactly 32 bytes encoded in base64` +
          `${key ? ` (it decodes to ${key.length} bytes)` : ''}. ${HOW_TO_SET}`,
      );
    }
    if (byId.has(id)) {
      throw new EncryptionKeyError(
        `${ENCRYPTION_KEYS_ENV} is malformed: key id "${id}" appears twice. Give every key its own id. ${HOW_TO_SET}`,
      );
    }
    byId.set(id, key);
    active ??= { id, key };
  }
  if (!active) throw new EncryptionKeyError(`${ENCRYPTION_KEYS_ENV} is not set. ${HOW_TO_SET}`);
  return { active, byId };
}
