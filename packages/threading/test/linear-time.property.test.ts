// No super-linear growth: every parser's time from 32 KB to 128 KB of a hostile input grows like
// the input (see linear-time.ts for how that is measured without flaking). The known shapes that
// were quadratic or endless before issue 9 are checked one by one; random motifs look for new ones.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decide,
  decodeHeaderValue,
  messageFactsFromHeaders,
  normalizeMessageId,
  parseAddressList,
  parseHeaderBlock,
  parseMessageIdList,
  parseQuotedDate,
  stripComments,
  toStorableText,
} from '../src/index';
import { hostileMotif, PROPERTY_TIMEOUT_MS, runs } from './arbitraries';
import { BLOCK_SHAPES, HEADER_FIELD_NAMES, hostileHeaderBlock, repeatTo, singleFieldBlock, VALUE_MOTIFS } from './hostile-inputs';
import { context, place } from './builders';
import { growth, MAX_GROWTH } from './linear-time';

/** What the worker does with each message's header block: facts, then the rules. */
const examine = (block: string) => decide(messageFactsFromHeaders(block, place), context());

/** The parsers that read one header value (the regex-only helpers stripComments and toStorableText run in the random-motif property). */
const VALUE_PARSERS: Record<string, (value: string) => unknown> = {
  parseAddressList,
  parseMessageIdList,
  normalizeMessageId,
  decodeHeaderValue,
  parseQuotedDate: (value) => parseQuotedDate(value, 60),
};

describe('linear time on hostile values', { timeout: PROPERTY_TIMEOUT_MS }, () => {
  for (const [shape, motif] of Object.entries(VALUE_MOTIFS)) {
    it(`each value parser, ${shape}`, () => {
      for (const [name, parse] of Object.entries(VALUE_PARSERS)) {
        expect(growth(parse, (n) => repeatTo(motif, n)), name).toBeLessThanOrEqual(MAX_GROWTH);
      }
    });

    it(`messageFactsFromHeaders + decide, ${shape} in every field`, () => {
      expect(growth(examine, (n) => hostileHeaderBlock(motif, n))).toBeLessThanOrEqual(MAX_GROWTH);
    });
  }

  // The fields whose comments were stripped with `\([^)]*\)`, and the References cut, one at a time.
  it.each(['Content-Type', 'Auto-Submitted', 'Precedence', 'Date', 'References'])('messageFactsFromHeaders + decide, one %s field of "("', (field) => {
    expect(growth(examine, (n) => singleFieldBlock(field, '(', n))).toBeLessThanOrEqual(MAX_GROWTH);
  });

  for (const [shape, make] of Object.entries(BLOCK_SHAPES)) {
    it(`parseHeaderBlock and messageFactsFromHeaders + decide, ${shape}`, () => {
      expect(growth(parseHeaderBlock, make)).toBeLessThanOrEqual(MAX_GROWTH);
      expect(growth(examine, make)).toBeLessThanOrEqual(MAX_GROWTH);
    });
  }

  it('random motifs, in a random field and in every parser', () => {
    fc.assert(
      fc.property(hostileMotif, fc.constantFrom(...HEADER_FIELD_NAMES), (motif, field) => {
        for (const parse of [...Object.values(VALUE_PARSERS), stripComments, toStorableText]) {
          expect(growth(parse, (n) => repeatTo(motif, n))).toBeLessThanOrEqual(MAX_GROWTH);
        }
        expect(growth(examine, (n) => singleFieldBlock(field, motif, n))).toBeLessThanOrEqual(MAX_GROWTH);
      }),
      runs(0.03),
    );
  });
});
