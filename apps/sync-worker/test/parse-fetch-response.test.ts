// The lean FETCH reader: what it reads from a header FETCH line, and that it declines (null, so
// imapflow's own parser takes the line) anything else rather than guessing.
import { describe, expect, it } from 'vitest';
import { parseHeaderFetchResponse, parseInternalDate } from '../src/parse-fetch-response';

const FIELDS = 'BODY[HEADER.FIELDS (FROM TO MESSAGE-ID)]';
const headers = Buffer.from('From: ana@client.test\r\nMessage-ID: <a@client.test>\r\n\r\n');
const line = (items: string) => Buffer.from(`* 7 FETCH (${items})`);

describe('parseHeaderFetchResponse', () => {
  it('reads UID, INTERNALDATE, RFC822.SIZE and the header literal, whatever their order, with MODSEQ and FLAGS read past', () => {
    const row = parseHeaderFetchResponse(
      line(`UID 42 MODSEQ (12345) FLAGS (\\Seen $Label) INTERNALDATE "02-Dec-2026 16:41:20 +0100" RFC822.SIZE 8400 ${FIELDS} {${headers.length}}\r\n`),
      [headers],
    );
    expect(row).toEqual({ uid: 42, internalDate: new Date('2026-12-02T15:41:20Z'), size: 8400, headers });
    const reordered = parseHeaderFetchResponse(line(`${FIELDS} {${headers.length}}\r\n UID 42 RFC822.SIZE 8400 INTERNALDATE " 2-Dec-2026 16:41:20 -0030"`), [headers]);
    expect(reordered?.uid).toBe(42);
    expect(reordered?.internalDate?.toISOString()).toBe('2026-12-02T17:11:20.000Z');
  });

  it('reads a quoted header value (escapes removed) and NIL', () => {
    expect(parseHeaderFetchResponse(line(`UID 1 ${FIELDS} "Subject: a \\"quote\\" \\\\ here"`), [])?.headers?.toString()).toBe('Subject: a "quote" \\ here');
    expect(parseHeaderFetchResponse(line(`UID 1 RFC822.SIZE 10 ${FIELDS} NIL`), [])).toEqual({ uid: 1, internalDate: undefined, size: 10, headers: undefined });
  });

  it('declines what the catch-up never asks for, and bytes it does not expect', () => {
    const declined = [
      line('FLAGS (\\Seen)'), // an unsolicited flag change: no UID
      line(`UID 3 BODY[] {${headers.length}}\r\n`), // a full-source FETCH
      line(`UID 3 BODY[HEADER.FIELDS (FROM)]<0> {${headers.length}}\r\n`), // a partial one
      line('UID 3 BODYSTRUCTURE ("text" "plain" NIL NIL NIL "7bit" 10 1)'),
      line(`UID 3 ${FIELDS} {${headers.length + 1}}\r\n`), // a literal of another size than declared
      line(`UID 3 ${FIELDS} {${headers.length}}\r\n`).subarray(0, 30), // cut short
      Buffer.from('* 3 EXPUNGE'),
      Buffer.from('* 12 EXISTS'),
      line('UID 99999999999 RFC822.SIZE 1'), // past a uint32
      Buffer.concat([line('UID 3'), Buffer.from(' trailing')]),
    ];
    for (const payload of declined) expect(parseHeaderFetchResponse(payload, payload.includes('{') ? [headers] : []), payload.toString()).toBeNull();
  });
});

describe('parseInternalDate', () => {
  it('reads RFC 3501 date-times and falls back to Date for anything else', () => {
    expect(parseInternalDate('31-Dec-2026 23:59:59 +0000')?.toISOString()).toBe('2026-12-31T23:59:59.000Z');
    expect(parseInternalDate('not a date')).toBeUndefined();
  });
});
