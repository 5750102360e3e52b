// The tracker's HMAC-SHA256 gives createHmac's bytes, for keys shorter than, as long as and longer than
// the block, and for messages of every length around it, with the key's blocks reused across calls.
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256 } from '../src/hmac-sha256';

describe('hmacSha256', () => {
  it('equals createHmac for keys of 32, 64 and 100 bytes and messages of 0 to 300 bytes', () => {
    for (const size of [32, 64, 100]) {
      const secret = randomBytes(size);
      for (let n = 0; n <= 300; n += 7) {
        const message = randomBytes(n);
        expect(hmacSha256(secret, message).toString('hex')).toBe(createHmac('sha256', secret).update(message).digest('hex'));
      }
    }
  });

  it('matches RFC 4231 test case 2 (a key shorter than the block)', () => {
    expect(hmacSha256(Buffer.from('Jefe'), Buffer.from('what do ya want for nothing?')).toString('hex')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
});
