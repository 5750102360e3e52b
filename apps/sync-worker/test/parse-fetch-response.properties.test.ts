// The lean FETCH reader on bytes it was not written for: the server's line and literals are read as they
// come (a header literal holds whatever a stranger wrote), so no input may throw; it reads what it
// recognises exactly and declines (null: imapflow's parser takes the line) the rest.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHeaderFetchResponse } from '../src/parse-fetch-response';

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
/** Lines made of the reader's own tokens, shuffled and cut: closer to its edges than random bytes. */
const tokens = fc
  .array(fc.constantFrom('* ', '7 ', 'FETCH ', '(', ')', 'UID ', '42 ', 'RFC822.SIZE ', 'INTERNALDATE ', '"02-Dec-2026 16:41:20 +0100" ', 'BODY[HEADER.FIELDS (FROM TO)] ', '{5}\r\n', '{99999999999}\r\n', 'NIL ', '"a\\"b" ', 'MODSEQ (1) ', 'FLAGS (\\Seen) ', '<0>', ' '), { maxLength: 20 })
  .map((parts) => Buffer.from(parts.join(''), 'latin1'));

describe('parseHeaderFetchResponse on any bytes', () => {
  it('never throws, on random bytes or on its own tokens in any order, and what it reads is well formed', () => {
    fc.assert(
      fc.property(fc.oneof(bytes(300), tokens), fc.array(bytes(64), { maxLength: 3 }), (line, literals) => {
        const row = parseHeaderFetchResponse(line, literals);
        if (row === null) return;
        expect(Number.isInteger(row.uid) && row.uid >= 0).toBe(true);
        expect(Number.isInteger(row.size) && row.size >= 0).toBe(true);
        if (row.headers !== undefined) expect(Buffer.isBuffer(row.headers)).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });

  it('reads back any UID, size and header bytes it is given in the catch-up FETCH shape', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 2 ** 31 }), bytes(500), (uid, size, headers) => {
        const line = Buffer.from(`* 3 FETCH (UID ${uid} RFC822.SIZE ${size} BODY[HEADER.FIELDS (FROM TO MESSAGE-ID)] {${headers.length}}\r\n)`);
        expect(parseHeaderFetchResponse(line, [headers])).toEqual({ uid, internalDate: undefined, size, headers });
      }),
      { numRuns: 1_000 },
    );
  });
});
