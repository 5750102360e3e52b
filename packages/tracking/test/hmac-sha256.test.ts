// The tracker's HMAC-SHA256 (its own SHA-256 compression over the key's saved states) gives createHmac's
// bytes, for keys shorter than, as long as and longer than the block, and for messages of every length up
// to five blocks (each way the padding can fall) and a click token's longest, with the key's states reused.
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256, hmacSha256Matches } from '../src/hmac-sha256';

describe('hmacSha256', () => {
  it('equals createHmac for keys of 1, 32, 64 and 100 bytes and messages of 0 to 320 bytes and 4,400', () => {
    for (const size of [1, 32, 64, 100]) {
      const secret = randomBytes(size);
      for (const n of [...Array.from({ length: 321 }, (_, i) => i), 4400]) {
        const message = randomBytes(n);
        expect(hmacSha256(secret, message).toString('hex')).toBe(createHmac('sha256', secret).update(message).digest('hex'));
      }
    }
  });

  it('matches RFC 4231 test case 6 (a 131-byte key, hashed first)', () => {
    const message = Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First');
    expect(hmacSha256(Buffer.alloc(131, 0xaa), message).toString('hex')).toBe('60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');
  });

  it('matches RFC 4231 test case 2 (a key shorter than the block)', () => {
    expect(hmacSha256(Buffer.from('Jefe'), Buffer.from('what do ya want for nothing?')).toString('hex')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('hmacSha256Matches: a message followed by the first 16 or 32 bytes of its HMAC, not when any byte differs, with no MAC or 33 bytes', () => {
    const secret = randomBytes(32);
    const message = randomBytes(99);
    const mac = createHmac('sha256', secret).update(message).digest();
    const signed = (tail: Buffer) => Buffer.concat([message, tail]);
    expect(hmacSha256Matches(secret, signed(mac.subarray(0, 16)), message.length)).toBe(true);
    expect(hmacSha256Matches(secret, signed(mac), message.length)).toBe(true);
    for (let i = 0; i < message.length + 16; i++) {
      const changed = signed(mac.subarray(0, 16));
      changed[i]! ^= 0x80;
      expect(hmacSha256Matches(secret, changed, message.length), `byte ${i}`).toBe(false);
    }
    expect(hmacSha256Matches(secret, message, message.length)).toBe(false);
    expect(hmacSha256Matches(secret, signed(Buffer.concat([mac, Buffer.from([0])])), message.length)).toBe(false);
    expect(hmacSha256Matches(randomBytes(32), signed(mac.subarray(0, 16)), message.length)).toBe(false);
  });
});
