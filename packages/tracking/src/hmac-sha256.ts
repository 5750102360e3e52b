// HMAC-SHA256 (RFC 2104) over two one-shot crypto.hash calls, with the key's padded blocks made once per
// key: what a tracker request verifies. createHmac builds an OpenSSL HMAC context per call, which under
// the tracker's load cost about as much as the rest of a redirect (bench `tracker`); the result is the
// same bytes (tested against createHmac).
import { hash } from 'node:crypto';

const BLOCK = 64;

export interface HmacKey {
  /** The key XOR ipad (the message is appended to a copy). */
  inner: Buffer;
  /** The key XOR opad, then room for the inner digest (written in place: the call is synchronous). */
  outer: Buffer;
}

const keys = new WeakMap<Buffer, HmacKey>();

/** The padded blocks of a secret, made on first use and kept while the secret is. */
function keyOf(secret: Buffer): HmacKey {
  let key = keys.get(secret);
  if (!key) {
    const k = secret.length > BLOCK ? hash('sha256', secret, 'buffer') : secret;
    const inner = Buffer.alloc(BLOCK, 0x36);
    const outer = Buffer.alloc(BLOCK + 32, 0);
    outer.fill(0x5c, 0, BLOCK);
    for (let i = 0; i < k.length; i++) {
      inner[i]! ^= k[i]!;
      outer[i]! ^= k[i]!;
    }
    key = { inner, outer };
    keys.set(secret, key);
  }
  return key;
}

/** HMAC-SHA256 of `message` under `secret` (32 bytes). */
export function hmacSha256(secret: Buffer, message: Buffer): Buffer {
  const key = keyOf(secret);
  const innerDigest = hash('sha256', Buffer.concat([key.inner, message], BLOCK + message.length), 'buffer');
  innerDigest.copy(key.outer, BLOCK);
  return hash('sha256', key.outer, 'buffer');
}
