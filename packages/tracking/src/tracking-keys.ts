// The tracking tokens' signing keys: a list with key ids, so keys rotate (the first signs, every one verifies).

export interface TrackingKey {
  /** 1–16 characters [A-Za-z0-9_-]; written in the clear in every token to pick the key. */
  kid: string;
  secret: Buffer;
}

/** Newest first: keys[0] signs new tokens; older keys still verify the tokens already in people's mail. */
export type TrackingKeyring = readonly TrackingKey[];

export class TrackingKeysError extends Error {
  readonly code = 'tracking_keys_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'TrackingKeysError';
  }
}

const KID = /^[A-Za-z0-9_-]{1,16}$/;
const HOW = 'Set TRACKING_KEYS to `kid:secret` pairs separated by commas, newest first, each secret at least 32 random bytes as hex or base64 (e.g. `k2:$(openssl rand -hex 32),k1:<the old secret>`).';

/** Parses `kid:secret,kid:secret` (newest first). Throws TrackingKeysError naming what to fix. */
export function parseTrackingKeys(value: string | undefined): TrackingKeyring {
  const parts = (value ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new TrackingKeysError(`No tracking key is set. ${HOW}`);
  const seen = new Set<string>();
  return parts.map((part) => {
    const colon = part.indexOf(':');
    const kid = colon < 0 ? '' : part.slice(0, colon);
    const encoded = colon < 0 ? '' : part.slice(colon + 1);
    if (!KID.test(kid)) throw new TrackingKeysError(`A tracking key's id must be 1–16 letters, digits, _ or - before a colon; "${kid || part.slice(0, 8) + '…'}" is not. ${HOW}`);
    if (seen.has(kid)) throw new TrackingKeysError(`The tracking key id ${kid} appears twice; give each key its own id. ${HOW}`);
    seen.add(kid);
    const secret = /^[0-9a-f]+$/i.test(encoded) && encoded.length % 2 === 0 ? Buffer.from(encoded, 'hex') : Buffer.from(encoded, 'base64');
    if (secret.length < 32) throw new TrackingKeysError(`The tracking key ${kid} is shorter than 32 bytes. ${HOW}`);
    return { kid, secret };
  });
}
