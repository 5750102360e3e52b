import { describe, expect, it } from 'vitest';
import { decodeHeaderValue, parseHeaderBlock } from '../src/index';

describe('parseHeaderBlock: raw header fields to lower-cased names and every value', () => {
  it('lower-cases names and keeps every occurrence in order', () => {
    const h = parseHeaderBlock('Received: one\r\nSUBJECT: Hi\r\nreceived: two\r\n\r\n');
    expect(h.get('subject')).toEqual(['Hi']);
    expect(h.get('received')).toEqual(['one', 'two']);
  });

  it('unfolds continuation lines by removing only the line break', () => {
    const h = parseHeaderBlock('References: <a@x>\r\n <b@y>\r\n\t<c@z>\r\nSubject: a\r\n  long one\r\n');
    expect(h.get('references')).toEqual(['<a@x> <b@y>\t<c@z>']);
    expect(h.get('subject')).toEqual(['a  long one']);
  });

  it('accepts LF-only and bare CR line ends', () => {
    expect(parseHeaderBlock('A: 1\nB: 2\n folded\n\nC: body').get('b')).toEqual(['2 folded']);
    expect(parseHeaderBlock('A: 1\rB: 2\r').get('b')).toEqual(['2']);
    expect(parseHeaderBlock('A: 1\nC: body').get('c')).toEqual(['body']);
  });

  it('stops at the empty line that ends the header block', () => {
    expect(parseHeaderBlock('A: 1\r\n\r\nB: 2\r\n').has('b')).toBe(false);
  });

  it('skips garbage lines without a colon, with their continuations, and an mbox From line', () => {
    const h = parseHeaderBlock('From ana@x Tue Jun  3 09:14:27 2025\nthis is junk\n still junk\nbad name: x\nSubject: ok\n');
    expect([...h.keys()]).toEqual(['subject']);
    expect(h.get('subject')).toEqual(['ok']);
  });

  it('tolerates a space before the colon and an empty value', () => {
    const h = parseHeaderBlock('Subject : hi\nX-Empty:\n');
    expect(h.get('subject')).toEqual(['hi']);
    expect(h.get('x-empty')).toEqual(['']);
  });

  it('decodes 8-bit bytes as UTF-8, and as latin1 where they are not UTF-8', () => {
    const utf8 = Buffer.from('Subject: Olá\r\n', 'utf8');
    expect(parseHeaderBlock(utf8).get('subject')).toEqual(['Olá']);
    const mixed = Buffer.concat([Buffer.from('Subject: Olá\r\nFrom: ', 'utf8'), Buffer.from('José <j@x>\r\nX-Price: ', 'latin1'), Buffer.from([0x80, 0x0d, 0x0a])]);
    const h = parseHeaderBlock(mixed);
    expect(h.get('subject')).toEqual(['Olá']);
    expect(h.get('from')).toEqual(['José <j@x>']);
    expect(h.get('x-price')).toEqual(['€']);
  });

  it('never throws on random bytes', () => {
    let seed = 7;
    for (let n = 0; n < 200; n++) {
      const bytes = Buffer.alloc(300);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff;
      expect(() => parseHeaderBlock(bytes)).not.toThrow();
    }
  });
});

describe('decodeHeaderValue: RFC 2047 encoded words for Subject', () => {
  it('decodes Q and B words, in any case', () => {
    expect(decodeHeaderValue('=?UTF-8?Q?Re:_Caf=C3=A9?=')).toBe('Re: Café');
    expect(decodeHeaderValue('=?utf-8?b?UHJvcG9zdGE=?=')).toBe('Proposta');
    expect(decodeHeaderValue('=?ISO-8859-1?Q?Jos=E9?=')).toBe('José');
  });

  it('drops whitespace between adjacent encoded words but keeps it around plain text', () => {
    expect(decodeHeaderValue('=?utf-8?Q?a?= =?utf-8?Q?b?=')).toBe('ab');
    expect(decodeHeaderValue('Re: =?utf-8?Q?a?= and =?utf-8?Q?b?=')).toBe('Re: a and b');
  });

  it('joins a multi-byte character split across two words', () => {
    // "é" is C3 A9; here split between two B words.
    expect(decodeHeaderValue('=?utf-8?B?w6==?= =?utf-8?Q?=A9t=C3=A9?=')).not.toContain('\ufffd\ufffd\ufffd');
    expect(decodeHeaderValue('=?utf-8?Q?=C3?= =?utf-8?Q?=A9?=')).toBe('é');
  });

  it('decodes other charsets and falls back to latin1 for unknown ones', () => {
    expect(decodeHeaderValue('=?windows-1252?Q?=80_5?=')).toBe('€ 5');
    expect(decodeHeaderValue('=?koi8-r?B?8NLJ18XU?=')).toBe('Привет');
    expect(decodeHeaderValue('=?x-unknown?Q?caf=E9?=')).toBe('café');
    // iso-8859-1 in mail is windows-1252 in practice (and in WHATWG): 0x93/0x94 are curly quotes.
    expect(decodeHeaderValue('=?iso-8859-1?Q?=93Hi=94?=')).toBe('“Hi”');
    expect(decodeHeaderValue('=?utf-8*en?Q?hi?=')).toBe('hi');
  });

  it('leaves malformed words and plain text as written', () => {
    expect(decodeHeaderValue('=?utf-8?X?abc?=')).toBe('=?utf-8?X?abc?=');
    expect(decodeHeaderValue('Plain = text ?=')).toBe('Plain = text ?=');
    expect(decodeHeaderValue(undefined)).toBe('');
  });
});
