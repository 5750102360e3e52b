// Nothing the package returns holds a character PostgreSQL refuses (NUL) or that support should
// never see (other controls, lone surrogates); toStorableText is the one helper for that.
import { describe, expect, it } from 'vitest';
import { decide, decodeHeaderValue, messageFactsFromHeaders, parseHeaderBlock, toStorableText } from '../src/index';
import { context, place } from './builders';


describe('toStorableText', () => {
  it('removes NUL and replaces other controls and lone surrogates, keeping tab, CR and LF', () => {
    expect(toStorableText('a\x00b')).toBe('ab');
    expect(toStorableText('a\x01b\x1b[31m\x7f')).toBe('a\ufffdb\ufffd[31m\ufffd');
    expect(toStorableText('line\r\n\tnext')).toBe('line\r\n\tnext');
    expect(toStorableText('\ud83d\ude00 \ud83d x \ude00')).toBe('\ud83d\ude00 \ufffd x \ufffd');
    const clean = 'Proposta comercial Q3 — ok';
    expect(toStorableText(clean)).toBe(clean);
  });
});

describe('decodeHeaderValue on raw Unicode inside a Q-encoded word (found by npm run fuzz)', () => {
  it('keeps an emoji and replaces a lone surrogate instead of throwing a RangeError', () => {
    expect(decodeHeaderValue('=?utf-8?q?😀😀_\ud800?=')).toBe('😀😀 \ufffd');
    expect(decodeHeaderValue('=?utf-8?q?caf=C3=A9_😀?=')).toBe('café 😀');
  });
});

describe('no NUL reaches what is stored', () => {
  it('a NUL from an encoded word (=?utf-8?q?a=00?=) is dropped from the subject', () => {
    expect(decodeHeaderValue('=?utf-8?q?a=00b?=')).toBe('ab');
    expect(messageFactsFromHeaders('Subject: =?utf-8?q?Re=3A_a=00?=\r\n', place).subject).toBe('Re: a');
  });

  it('raw NUL bytes in any field are dropped from facts, header values and decision details', () => {
    const block = Buffer.from(
      'From: An\x00a <ana@example.com>\r\nSubject: hi\x00 there\r\nMessage-ID: <id\x00@x>\r\nX-Failed-Recipients: gone\x00@example.com\r\nContent-Type: text/plain\x00\r\n',
      'latin1',
    );
    const f = messageFactsFromHeaders(block, place);
    expect(JSON.stringify(f)).not.toContain('\\u0000');
    expect(f.from).toEqual({ address: 'ana@example.com', name: 'Ana' });
    expect(f.messageId).toBe('id@x');
    expect(f.headers['x-failed-recipients']).toBe('gone@example.com');
    expect(decide(f, context())).toMatchObject({ reason: 'bounce', detail: 'X-Failed-Recipients: gone@example.com' });
    expect([...parseHeaderBlock(block).values()].flat().join('')).not.toContain('\x00');
  });
});
