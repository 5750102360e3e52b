// HMAC-SHA256 (RFC 2104) with the key's two padded blocks compressed once per key, as RFC 2104 section 4
// suggests: a call then compresses only the message's blocks and the outer digest's one block (3 for a
// click token, against 5), with no OpenSSL context, no call into C++ and no allocation but the result. This
// is what a tracker request verifies. Node's crypto cannot resume from a saved state, so the SHA-256
// compression function (FIPS 180-4) is written out here; it is tested against createHmac for every message
// length around the block boundaries and against RFC 4231. The control flow depends on the message's length
// only, never on the key or the bytes.
import { hash } from 'node:crypto';

const BLOCK = 64;

// FIPS 180-4 section 4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
// Section 5.3.3: the initial hash value.
const IV = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

// Scratch space of this module (the calls are synchronous, so one set serves every call of the thread).
const W = new Int32Array(64);
const STATE = new Int32Array(8);
const LAST = new Uint8Array(BLOCK * 2);
/** A digest's bytes: the inner one (what the outer hash takes), then, when a MAC is checked, the result. */
const DIGEST = new Uint8Array(32);

/** One SHA-256 compression (section 6.2.2) of the 64 bytes of `bytes` at `offset` into `state`. */
function compress(state: Int32Array, bytes: Uint8Array, offset: number): void {
  for (let i = 0, o = offset; i < 16; i++, o += 4) W[i] = (bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!;
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15]!;
    const w2 = W[i - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  // Two rounds per turn, the second written with the roles the first leaves (its new a in d, its new e in
  // h), so the eight working variables move once per two rounds instead of every round.
  for (let i = 0; i < 64; i += 2) {
    let t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
    let t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = (d + t1) | 0;
    d = (t1 + t2) | 0;
    t1 = (g + (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^ ((h >>> 25) | (h << 7))) + ((h & e) ^ (~h & f)) + K[i + 1]! + W[i + 1]!) | 0;
    t2 = ((((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10))) + ((d & a) ^ (d & b) ^ (a & b))) | 0;
    g = (c + t1) | 0;
    c = (t1 + t2) | 0;
    // After the two rounds the variables a..h hold what the standard names c, d, a, b, g, h, e, f.
    const oldA = a;
    const oldB = b;
    const oldE = e;
    const oldF = f;
    a = c;
    b = d;
    c = oldA;
    d = oldB;
    e = g;
    f = h;
    g = oldE;
    h = oldF;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

/**
 * Runs the first `length` bytes of `message` through `state` (which has already taken one 64-byte block:
 * the padded key) with SHA-256's padding, leaving the digest's words in `state`.
 */
function finish(state: Int32Array, message: Uint8Array, length: number): void {
  let o = 0;
  for (; o + BLOCK <= length; o += BLOCK) compress(state, message, o);
  const rest = length - o;
  // The tail, 0x80, zeros and the length in bits (of the key block and the message) fill one block or two.
  const blocks = rest + 9 <= BLOCK ? 1 : 2;
  const end = blocks * BLOCK;
  LAST.fill(0, 0, end);
  for (let i = 0; i < rest; i++) LAST[i] = message[o + i]!;
  LAST[rest] = 0x80;
  const bits = (BLOCK + length) * 8;
  LAST[end - 5] = Math.floor(bits / 2 ** 32);
  LAST[end - 4] = bits >>> 24;
  LAST[end - 3] = bits >>> 16;
  LAST[end - 2] = bits >>> 8;
  LAST[end - 1] = bits;
  compress(state, LAST, 0);
  if (blocks === 2) compress(state, LAST, BLOCK);
}

function writeWords(state: Int32Array, out: Uint8Array): void {
  for (let i = 0; i < 8; i++) {
    const v = state[i]!;
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = v >>> 16;
    out[i * 4 + 2] = v >>> 8;
    out[i * 4 + 3] = v;
  }
}

export interface HmacKey {
  /** The state after compressing the key XOR ipad. */
  inner: Int32Array;
  /** The state after compressing the key XOR opad. */
  outer: Int32Array;
}

const keys = new WeakMap<Buffer, HmacKey>();

/** The key's two compressed blocks, made on first use and kept while the secret is. */
function keyOf(secret: Buffer): HmacKey {
  let key = keys.get(secret);
  if (!key) {
    const k = secret.length > BLOCK ? hash('sha256', secret, 'buffer') : secret;
    const padded = (pad: number) => {
      const block = new Uint8Array(BLOCK).fill(pad);
      for (let i = 0; i < k.length; i++) block[i]! ^= k[i]!;
      const state = IV.slice();
      compress(state, block, 0);
      return state;
    };
    key = { inner: padded(0x36), outer: padded(0x5c) };
    keys.set(secret, key);
  }
  return key;
}

/** Leaves HMAC-SHA256 of the first `length` bytes of `message` under `secret` in STATE, as eight words. */
function hmacIntoState(secret: Buffer, message: Uint8Array, length: number): void {
  const key = keyOf(secret);
  STATE.set(key.inner);
  finish(STATE, message, length);
  writeWords(STATE, DIGEST);
  STATE.set(key.outer);
  finish(STATE, DIGEST, DIGEST.length);
}

/** HMAC-SHA256 of `message` under `secret`: 32 bytes. */
export function hmacSha256(secret: Buffer, message: Uint8Array): Buffer {
  hmacIntoState(secret, message, message.length);
  const out = Buffer.allocUnsafe(32);
  writeWords(STATE, out);
  return out;
}

/**
 * Whether `signed` is a message (its first `messageLength` bytes) followed by the start of its HMAC-SHA256
 * under `secret` (the rest: 1 to 32 bytes). Every byte of the MAC is compared whatever the others are (the
 * time does not say how much of a forged MAC was right), and nothing is allocated: what a tracker request
 * checks its token with.
 */
export function hmacSha256Matches(secret: Buffer, signed: Uint8Array, messageLength: number): boolean {
  const macLength = signed.length - messageLength;
  if (messageLength < 0 || macLength < 1 || macLength > 32) return false;
  hmacIntoState(secret, signed, messageLength);
  writeWords(STATE, DIGEST);
  let difference = 0;
  for (let i = 0; i < macLength; i++) difference |= DIGEST[i]! ^ signed[messageLength + i]!;
  return difference === 0;
}
