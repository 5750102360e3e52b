// AES-256-GCM encryption of inbox credentials. Stored as the self-describing string
// `v1:<keyId>:<iv b64>:<tag b64>:<ciphertext b64>` so a key can be rotated: the key id says which
// key decrypts it, and reencrypt() moves a value to the active key.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ENCRYPTION_KEYS_ENV, type EncryptionKeys } from './encryption-keys';

const VERSION = 'v1';
const IV_BYTES = 12;

export class CredentialsDecryptError extends Error {
  readonly code: 'unknown_key_id' | 'malformed' | 'tampered';
  constructor(code: CredentialsDecryptError['code'], message: string) {
    super(message);
    this.name = 'CredentialsDecryptError';
    this.code = code;
  }
}

/** The key id a stored value was encrypted with, or null when the value is not ours. */
export function credentialsKeyId(stored: string): string | null {
  const parts = stored.split(':');
  return parts.length === 5 && parts[0] === VERSION ? (parts[1] ?? null) : null;
}

export function encryptCredentials(value: unknown, keys: EncryptionKeys): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keys.active.key, iv);
  // The key id is authenticated too, so a value cannot be relabelled to another key.
  cipher.setAAD(Buffer.from(`${VERSION}:${keys.active.id}`));
  const plaintext = Buffer.from(JSON.stringify(value), 'utf8');
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, keys.active.id, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
}

export function decryptCredentials<T = unknown>(stored: string, keys: EncryptionKeys): T {
  const parts = stored.split(':');
  const [version, keyId, ivB64, tagB64, dataB64] = parts;
  if (parts.length !== 5 || version !== VERSION || !keyId || !ivB64 || !tagB64 || dataB64 === undefined) {
    throw new CredentialsDecryptError(
      'malformed',
      'The stored credentials are not in the expected `v1:<keyId>:<iv>:<tag>:<ciphertext>` format; reconnect the inbox to store them again.',
    );
  }
  const key = keys.byId.get(keyId);
  if (!key) {
    throw new CredentialsDecryptError(
      'unknown_key_id',
      `The credentials were encrypted with key "${keyId}", which is not in ${ENCRYPTION_KEYS_ENV}. ` +
        `Add "${keyId}:<its base64 key>" to ${ENCRYPTION_KEYS_ENV} (after the active key), or reconnect the inbox.`,
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivB64, 'base64'));
    decipher.setAAD(Buffer.from(`${VERSION}:${keyId}`));
    decipher.setAuthTag(Buffer.from(tagB64, 'base64'));
    const plaintext = Buffer.concat([decipher.update(Buffer.from(dataB64, 'base64')), decipher.final()]);
    return JSON.parse(plaintext.toString('utf8')) as T;
  } catch {
    throw new CredentialsDecryptError(
      'tampered',
      `The stored credentials could not be decrypted with key "${keyId}" (wrong key material or altered data); ` +
        `check ${ENCRYPTION_KEYS_ENV} or reconnect the inbox.`,
    );
  }
}

/** Re-encrypts a stored value with the active key; returns it unchanged when it already uses it. */
export function reencrypt(stored: string, keys: EncryptionKeys): string {
  if (credentialsKeyId(stored) === keys.active.id) return stored;
  return encryptCredentials(decryptCredentials(stored, keys), keys);
}
