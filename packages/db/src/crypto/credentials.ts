// AES-256-GCM encryption of inbox credentials, bound to the row that holds them. Stored as the
// self-describing string `v2:<keyId>:<inboxId>:<iv b64>:<tag b64>:<ciphertext b64>`:
// - the key id says which key decrypts it, so keys can be rotated (reencrypt() moves a value to the
//   active key);
// - the additional authenticated data is the version, key id, account id, inbox id and field, so a
//   value copied into another inbox's (or account's) row, or into another encrypted field, does not
//   decrypt there; the inbox id in clear only lets the error say which inbox the value belongs to;
// - tags are 16 bytes and nothing shorter is accepted (GCM would otherwise verify a truncated tag).
// v1 values (`v1:<keyId>:<iv>:<tag>:<ct>`, additional data only `v1:<keyId>`) still decrypt, so rows
// written before v2 keep working; the queries re-encrypt them to v2 on first read.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ENCRYPTION_KEYS_ENV, type EncryptionKeys } from './encryption-keys';
import { withNextStep, type NextStep } from '../next-step';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The encrypted fields: an inbox's login secret (password or OAuth tokens, by auth kind) and a webhook
 * endpoint's signing secret (bound to the endpoint's id, passed as `inboxId`: the row's id). A new
 * encrypted column gets its own name here, so a value cannot be moved from one field to another.
 */
export type CredentialsField = 'inbox_login' | 'webhook_secret';

/** The row (and field) a value is encrypted for; decrypting anywhere else fails. */
export interface CredentialsBinding {
  accountId: string;
  inboxId: string;
  field?: CredentialsField;
}

export type CredentialsDecryptErrorCode = 'unknown_key_id' | 'malformed' | 'tampered' | 'bound_to_other_inbox';

export class CredentialsDecryptError extends Error {
  readonly code: CredentialsDecryptErrorCode;
  /** The sentence without the next step (the message has it in the CLI's words). */
  readonly sentence: string;
  readonly nextStep: NextStep;
  constructor(code: CredentialsDecryptErrorCode, sentence: string, inboxId: string) {
    const nextStep: NextStep = { step: 'reconnect_inbox', inboxId };
    super(withNextStep(sentence, nextStep, 'cli'));
    this.name = 'CredentialsDecryptError';
    this.code = code;
    this.sentence = sentence;
    this.nextStep = nextStep;
  }
}

interface Parsed {
  version: 'v1' | 'v2';
  keyId: string;
  /** v2 only: the inbox the value says it was encrypted for (not authenticated by itself). */
  inboxId?: string;
  iv: string;
  tag: string;
  data: string;
}

function parse(stored: string): Parsed | null {
  const parts = stored.split(':');
  if (parts.some((p, i) => p === '' && i < parts.length - 1)) return null;
  if (parts[0] === 'v2' && parts.length === 6) {
    const [, keyId, inboxId, iv, tag, data] = parts as [string, string, string, string, string, string];
    return { version: 'v2', keyId, inboxId, iv, tag, data };
  }
  if (parts[0] === 'v1' && parts.length === 5) {
    const [, keyId, iv, tag, data] = parts as [string, string, string, string, string];
    return { version: 'v1', keyId, iv, tag, data };
  }
  return null;
}

function aad(version: 'v1' | 'v2', keyId: string, binding: CredentialsBinding | null): Buffer {
  if (version === 'v1' || !binding) return Buffer.from(`v1:${keyId}`);
  // JSON, so no id can be crafted to shift the boundaries between the parts.
  return Buffer.from(JSON.stringify(['reply-sync-credentials', 'v2', keyId, binding.accountId, binding.inboxId, binding.field ?? 'inbox_login']));
}

const RECONNECT = 'reconnect the inbox to store its credentials again';

/** The key id a stored value was encrypted with, or null when the value is not ours. */
export function credentialsKeyId(stored: string): string | null {
  return parse(stored)?.keyId ?? null;
}

/** True when the value is v2 under the active key: nothing to re-encrypt. */
export function isCurrentCredentials(stored: string, keys: EncryptionKeys): boolean {
  const parsed = parse(stored);
  return parsed?.version === 'v2' && parsed.keyId === keys.active.id;
}

/** True for a value written before v2 (not bound to its row); the queries upgrade these on read. */
export function isLegacyCredentials(stored: string): boolean {
  return parse(stored)?.version === 'v1';
}

export function encryptCredentials(value: unknown, keys: EncryptionKeys, binding: CredentialsBinding): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keys.active.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad('v2', keys.active.id, binding));
  const plaintext = Buffer.from(JSON.stringify(value), 'utf8');
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();
  return ['v2', keys.active.id, binding.inboxId, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
}

export function decryptCredentials<T = unknown>(stored: string, keys: EncryptionKeys, binding: CredentialsBinding): T {
  const parsed = parse(stored);
  if (!parsed || ![parsed.iv, parsed.tag, parsed.data].every((p) => BASE64.test(p))) {
    throw new CredentialsDecryptError(
      'malformed',
      `The stored credentials of inbox ${binding.inboxId} are not in the expected \`v2:<keyId>:<inboxId>:<iv>:<tag>:<ciphertext>\` format; ${RECONNECT}.`,
      binding.inboxId,
    );
  }
  if (parsed.inboxId !== undefined && parsed.inboxId !== binding.inboxId) {
    throw new CredentialsDecryptError(
      'bound_to_other_inbox',
      `The stored credentials of inbox ${binding.inboxId} were encrypted for another inbox (${parsed.inboxId}) and were copied into this row, ` +
        `so reply-sync refuses them; ${RECONNECT}.`,
      binding.inboxId,
    );
  }
  const key = keys.byId.get(parsed.keyId);
  if (!key) {
    throw new CredentialsDecryptError(
      'unknown_key_id',
      `The credentials of inbox ${binding.inboxId} were encrypted with key "${parsed.keyId}", which is not in ${ENCRYPTION_KEYS_ENV}. ` +
        `Add "${parsed.keyId}:<its base64 key>" to ${ENCRYPTION_KEYS_ENV} (after the active key), or reconnect the inbox.`,
      binding.inboxId,
    );
  }
  const tag = Buffer.from(parsed.tag, 'base64');
  if (tag.length !== TAG_BYTES) {
    throw new CredentialsDecryptError(
      'tampered',
      `The stored credentials of inbox ${binding.inboxId} carry a ${tag.length}-byte authentication tag where ${TAG_BYTES} bytes are required (the value was altered); ${RECONNECT}.`,
      binding.inboxId,
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parsed.iv, 'base64'), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(parsed.version, parsed.keyId, binding));
    decipher.setAuthTag(tag);
    const plaintext = Buffer.concat([decipher.update(Buffer.from(parsed.data, 'base64')), decipher.final()]);
    return JSON.parse(plaintext.toString('utf8')) as T;
  } catch {
    throw new CredentialsDecryptError(
      'tampered',
      `The stored credentials of inbox ${binding.inboxId} could not be decrypted with key "${parsed.keyId}": the key material is wrong, ` +
        `or the value was altered or belongs to another account, inbox or field. Check ${ENCRYPTION_KEYS_ENV}; if it is right, ${RECONNECT}.`,
      binding.inboxId,
    );
  }
}

/** Re-encrypts a stored value as v2 with the active key; returns it unchanged when it already is. */
export function reencrypt(stored: string, keys: EncryptionKeys, binding: CredentialsBinding): string {
  if (isCurrentCredentials(stored, keys)) return stored;
  return encryptCredentials(decryptCredentials(stored, keys, binding), keys, binding);
}
