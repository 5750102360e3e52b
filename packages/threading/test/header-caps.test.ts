// What one message can cost is bounded: fields are cut before parsing (header-caps.ts), decision
// details are short, the charset decoder cache stays small.
import { describe, expect, it } from 'vitest';
import {
  decide,
  decodeHeaderValue,
  MAX_ADDRESS_LIST_LENGTH,
  MAX_ADDRESSES_PER_LIST,
  MAX_CACHED_DECODERS,
  MAX_DETAIL_LENGTH,
  MAX_RULE_FIELD_LENGTH,
  messageFactsFromHeaders,
  parseAddressList,
} from '../src/index';
import { cachedCharsetCount } from '../src/decode-header-value';

import { context, place } from './builders';


describe('header caps', () => {
  it('keeps the root and the newest references of a References field of a megabyte', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `<ref-${i}@long-thread.example>`);
    const f = messageFactsFromHeaders(`References: ${ids.join('\r\n ')}\r\n`, place);
    expect(f.references).toHaveLength(50);
    expect(f.references[0]).toBe('ref-0@long-thread.example');
    expect(f.references[49]).toBe('ref-19999@long-thread.example');
    // The cut lands between ids: no shortened id is taken for a real one.
    for (const id of f.references) expect(id).toMatch(/^ref-\d+@long-thread\.example$/);
  });

  it('reads at most MAX_ADDRESS_LIST_LENGTH of To, and at most MAX_ADDRESSES_PER_LIST addresses', () => {
    const to = Array.from({ length: 30_000 }, (_, i) => `p${i}@x.test`).join(', ');
    const f = messageFactsFromHeaders(`To: ${to}\r\n`, place);
    expect(f.to.length).toBeLessThanOrEqual(MAX_ADDRESSES_PER_LIST);
    expect(f.to.length).toBeGreaterThan(1000);
    expect(f.to.map((a) => a.address).join(', ').length).toBeLessThanOrEqual(MAX_ADDRESS_LIST_LENGTH);
    expect(parseAddressList(to)).toHaveLength(MAX_ADDRESSES_PER_LIST);
  });

  it('keeps rule header values to MAX_RULE_FIELD_LENGTH', () => {
    const f = messageFactsFromHeaders(`Content-Type: text/plain; x=${'a'.repeat(100_000)}\r\n`, place);
    expect(f.headers['content-type']!.length).toBe(MAX_RULE_FIELD_LENGTH);
  });

  it('truncates a decision detail that quotes a hostile header to MAX_DETAIL_LENGTH', () => {
    const f = messageFactsFromHeaders(`X-Failed-Recipients: ${'gone@example.com, '.repeat(5000)}\r\n`, place);
    const d = decide(f, context());
    expect(d.reason).toBe('bounce');
    expect(d.action === 'skip' && d.detail!.length).toBe(MAX_DETAIL_LENGTH);
    expect(d.action === 'skip' && d.detail!.endsWith('…')).toBe(true);
  });

  it('caches at most MAX_CACHED_DECODERS known and as many unknown charset labels', () => {
    for (let i = 0; i < 500; i++) decodeHeaderValue(`=?x-made-up-${i}?q?a?= =?iso-8859-${(i % 16) + 1}?q?b?= =?windows-${1250 + (i % 9)}?q?c?=`);
    expect(cachedCharsetCount()).toBeLessThanOrEqual(2 * MAX_CACHED_DECODERS);
    // Unknown charsets still decode (as windows-1252), cached or not.
    expect(decodeHeaderValue('=?x-made-up-999?q?Jos=E9?=')).toBe('José');
  });
});
