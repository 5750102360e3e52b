// Properties every parser of the package keeps on any input: it returns (no exception, no endless
// loop), and what it returns is safe to store and to compare.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decide,
  decodeHeaderValue,
  MAX_DETAIL_LENGTH,
  messageFactsFromHeaders,
  normalizeAddress,
  normalizeMessageId,
  parseAddressList,
  parseHeaderBlock,
  parseMessageIdList,
  parseQuotedDate,
  stripComments,
  toStorableText,
  type MessageFacts,
} from '../src/index';
import { addressListText, encodedWordText, headerBlock, headerishText, idListText, PROPERTY_TIMEOUT_MS, runs, subjectText } from './arbitraries';
import { context, place } from './builders';

/** What a normalised id or address never contains. */
const NOT_IN_IDENTIFIER = /[\s<>\x00-\x1f\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** What storable text never contains (PostgreSQL refuses NUL; controls and lone surrogates are garbage). */
const UNSTORABLE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;


function expectIdentifier(value: string): void {
  expect(value).not.toMatch(NOT_IN_IDENTIFIER);
  expect(value.length).toBeGreaterThan(0);
}

/** Date lines as clients, broken clients and attackers write them: real words, numbers, zones and noise in any order. */
const DATE_PIECES = ['Mon,', 'lun.', 'pon.,', 'segunda-feira,', 'mar', '30', '31', '29', '12', '13', '0', '2026', '26', '226', 'Nov', 'november', 'listopada', 'paź', 'März', 'de', 'at', 'om', 'à(s)', 'a las', 'alle ore', 'o', 'um', 'Uhr', '10:15', '10:15:08', '12:05', '24:00', '9:31', 'AM', 'p.m.', 'a. m.', '+0100', '-05:00', 'UTC+1', 'GMT-5', 'CET', 'IST', 'z', '(CET)', '(', ')', '30/11/2026', '11/30/2026', '10/11/26', '2026-11-30', '30.11.2026', ',', '.', '\u202f', '\u00a0', '\t', '\r\n'];
const dateText = fc.array(fc.constantFrom(...DATE_PIECES), { maxLength: 14 }).chain((pieces) => fc.constantFrom(pieces.join(' '), pieces.join('')));

/** Every string anywhere in `value`. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object' && !(value instanceof Date)) for (const v of Object.values(value)) strings(v, out);
  return out;
}

function expectStorableFacts(f: MessageFacts): void {
  for (const s of strings(f)) expect(s).not.toMatch(UNSTORABLE);
  for (const id of [...(f.messageId ? [f.messageId] : []), ...f.inReplyTo, ...f.references]) expectIdentifier(id);
  for (const a of [...(f.from ? [f.from] : []), ...f.to, ...f.cc]) {
    expectIdentifier(a.address);
    expect(a.address).toContain('@');
  }
}

describe('parsers on any input', { timeout: PROPERTY_TIMEOUT_MS }, () => {
  it('parseAddressList returns normalised addresses and storable names, for lists and for noise', () => {
    fc.assert(
      fc.property(fc.oneof(addressListText, headerishText(200), fc.string()), (value) => {
        for (const a of parseAddressList(value)) {
          expectIdentifier(a.address);
          expect(a.address).toBe(normalizeAddress(a.address));
          if (a.name !== undefined) expect(a.name).not.toMatch(UNSTORABLE);
        }
      }),
      runs(),
    );
  });

  it('parseMessageIdList and normalizeMessageId return ids without whitespace, brackets or controls', () => {
    fc.assert(
      fc.property(fc.oneof(idListText, headerishText(200), fc.string()), (value) => {
        const ids = parseMessageIdList(value);
        for (const id of ids) expectIdentifier(id);
        expect(new Set(ids).size).toBe(ids.length);
        const one = normalizeMessageId(value);
        if (one !== null) expectIdentifier(one);
      }),
      runs(),
    );
  });

  it('a normalised id is a fixed point: normalising it again changes nothing', () => {
    fc.assert(
      fc.property(idListText, (value) => {
        for (const id of parseMessageIdList(value)) expect(normalizeMessageId(`<${id}>`)).toBe(id);
      }),
      runs(),
    );
  });

  it('decodeHeaderValue returns storable text for encoded words, well-formed or not', () => {
    fc.assert(
      fc.property(fc.oneof(subjectText, fc.array(encodedWordText, { maxLength: 6 }).map((w) => w.join(' ')), fc.string()), (value) => {
        expect(decodeHeaderValue(value)).not.toMatch(UNSTORABLE);
      }),
      runs(),
    );
  });

  it('toStorableText and stripComments are total, and toStorableText is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(headerishText(200), fc.string({ unit: 'binary' })), (value) => {
        const stored = toStorableText(value);
        expect(stored).not.toMatch(UNSTORABLE);
        expect(toStorableText(stored)).toBe(stored);
        expect(typeof stripComments(value)).toBe('string');
      }),
      runs(),
    );
  });

  it('normalizeAddress is idempotent and never yields whitespace, brackets or controls', () => {
    fc.assert(
      fc.property(fc.oneof(fc.emailAddress(), headerishText(80), fc.string({ unit: 'binary' })), (value) => {
        const once = normalizeAddress(value);
        expect(once).not.toMatch(NOT_IN_IDENTIFIER);
        expect(normalizeAddress(once)).toBe(once);
      }),
      runs(),
    );
  });

  it('parseHeaderBlock keeps storable values, for text and for raw bytes', () => {
    fc.assert(
      fc.property(fc.oneof(headerBlock, fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b))), (block) => {
        for (const [name, values] of parseHeaderBlock(block)) {
          expect(name).toBe(name.toLowerCase());
          for (const v of values) expect(v).not.toMatch(UNSTORABLE);
        }
      }),
      runs(),
    );
  });

  it('parseQuotedDate returns a valid Date or null, never an exception, at any fallback offset', () => {
    fc.assert(
      fc.property(fc.oneof(dateText, headerishText(220), fc.string({ unit: 'binary', maxLength: 220 })), fc.option(fc.integer({ min: -900, max: 900 })), (value, fallback) => {
        const date = parseQuotedDate(value, fallback)?.at ?? null;
        if (date !== null) {
          expect(date).toBeInstanceOf(Date);
          expect(Number.isNaN(date.getTime())).toBe(false);
          expect(date.getUTCFullYear()).toBeGreaterThanOrEqual(1969);
          expect(date.getUTCFullYear()).toBeLessThanOrEqual(2200);
        }
      }),
      runs(),
    );
  });

  it('messageFactsFromHeaders and decide() on whole header blocks: no exception, storable facts, capped details', () => {
    fc.assert(
      fc.property(headerBlock, (block) => {
        const facts = messageFactsFromHeaders(block, place);
        expectStorableFacts(facts);
        const decision = decide(facts, context({ thread: null }));
        if (decision.action === 'skip' && decision.detail !== undefined) {
          expect(decision.detail.length).toBeLessThanOrEqual(MAX_DETAIL_LENGTH);
          expect(decision.detail).not.toMatch(UNSTORABLE);
        }
      }),
      runs(),
    );
  });
});
