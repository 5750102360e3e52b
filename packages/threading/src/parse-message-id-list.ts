// Message-IDs as real clients write them in Message-ID, In-Reply-To and References, reduced to one
// comparable form.
//
// The normalised form is the id without its angle brackets, lower-cased, and without whitespace,
// `<`, `>` or control characters (see toIdentifierText), so it is safe to store and to compare. RFC 5322 makes the
// local part of a Message-ID case-sensitive, but CRMs and Gmail compare ids case-insensitively in
// practice, and some gateways rewrite the case of the domain. A false merge would need two different
// messages whose ids are equal but for case, which generators (random or counter local parts) do not
// produce; a missed reply because a relay changed case is the likelier failure, so we fold case.
// Quotes inside an id (`"john doe"@host`) are kept, the space inside them is not: both sides of a
// comparison go through this same function, so consistency matters more than RFC equivalence.

import { decodeEncodedWords } from './decode-header-value';
import { toIdentifierText } from './storable-text';

/**
 * Ids longer than a header line may be (998 octets, RFC 5322 §2.1.1) are garbage, not ids. Counted in
 * UTF-8 octets, not characters: PostgreSQL's btree index on the normalised id refuses a value over
 * ~2,700 bytes, which 998 characters of a non-Latin script exceed.
 */
const MAX_ID_OCTETS = 998;

function fitsIdLength(id: string): boolean {
  if (id.length === 0) return false;
  // Each UTF-16 code unit is at most 3 UTF-8 octets: most ids are decided without counting.
  return id.length * 3 <= MAX_ID_OCTETS || (id.length <= MAX_ID_OCTETS && Buffer.byteLength(id, 'utf8') <= MAX_ID_OCTETS);
}
/** Only bracketed ids separated by whitespace or commas. */
const SIMPLE_LIST = /^[\s,]*(?:<[^<>()"\s]+>[\s,]*)+$/;
const BRACKETED = /<([^<>]+)>/g;

/**
 * Every Message-ID in a header value, normalised, duplicates removed (first occurrence wins), in
 * header order. Accepts folded lines, comments `(…)`, junk phrases around ids (`Your message of …`),
 * ids whose angle brackets are missing (a bare token containing `@`), and RFC 2047 encoded words
 * that some mailers wrap around the whole value. Linear time; never throws.
 */
export function parseMessageIdList(raw: string | undefined | null): string[] {
  const out: string[] = [];
  if (!raw) return out;
  if (SIMPLE_LIST.test(raw)) {
    // The common shape (`<a@x> <b@y>`, folded or not): no comments, quotes or bare ids to consider.
    BRACKETED.lastIndex = 0;
    for (let m = BRACKETED.exec(raw); m !== null; m = BRACKETED.exec(raw)) {
      const id = toIdentifierText(m[1]!).toLowerCase();
      if (fitsIdLength(id)) out.push(id);
    }
    return dedupe(out);
  }
  const tokens = scanTokens(raw);
  for (let i = 0; i < tokens.length; i += 2) {
    const token = tokens[i]!;
    // Outside brackets only a token with an `@` is an id; words of a phrase are junk.
    if (tokens[i + 1] === '' && !token.includes('@')) continue;
    const id = normalizeToken(token);
    if (id !== null) out.push(id);
  }
  return dedupe(out);
}

/**
 * The one Message-ID in a Message-ID header value, normalised; null when there is none. A bare token
 * without `@` is accepted here (some mailers write `Message-ID: 12345.67890`) because the field holds
 * exactly one id.
 */
export function normalizeMessageId(raw: string): string | null {
  if (typeof raw !== 'string' || raw.length === 0) return null;
  const tokens = scanTokens(raw);
  let bare: string | null = null;
  let bareCount = 0;
  for (let i = 0; i < tokens.length; i += 2) {
    const token = tokens[i]!;
    if (tokens[i + 1] !== '' || token.includes('@')) {
      const id = normalizeToken(token);
      if (id !== null) return id;
    } else {
      bareCount++;
      bare = token;
    }
  }
  return bareCount === 1 && bare !== null ? normalizeToken(bare) : null;
}

/** Puts the angle brackets back on a normalised id, for writing headers. */
export function formatMessageId(norm: string): string {
  return `<${norm}>`;
}

/** Removes repeats, keeping each id's first position; in place when there are none. */
function dedupe(ids: string[]): string[] {
  if (ids.length < 2) return ids;
  const seen = new Set(ids);
  if (seen.size === ids.length) return ids;
  seen.clear();
  const out: string[] = [];
  for (const id of ids) {
    if (!seen.has(id)) {
      seen.add(id);
      out.push(id);
    }
  }
  return out;
}

/**
 * scanIds, with RFC 2047 encoded words outside brackets decoded and scanned in their place
 * (`=?utf-8?q?=3Ca=40x=3E?=` → the id `a@x`). Inside `<…>` nothing is decoded, so a normalised id
 * stays a fixed point. What the words decode to is scanned once, never decoded again (linear).
 */
function scanTokens(raw: string): string[] {
  const tokens: string[] = [];
  scanIds(raw, tokens);
  if (!raw.includes('=?')) return tokens;
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += 2) {
    const token = tokens[i]!;
    const decoded = tokens[i + 1] === '' && token.includes('=?') ? decodeEncodedWords(token) : token;
    if (decoded === token) out.push(token, tokens[i + 1]!);
    else scanIds(decoded, out);
  }
  return out;
}

function normalizeToken(token: string): string | null {
  // Folding inside an id (seen from broken clients) leaves whitespace that is not part of it; a
  // bracket or control character is never part of an id either.
  const id = toIdentifierText(token);
  if (!fitsIdLength(id)) return null;
  return id.toLowerCase();
}

/**
 * Walks a header value once and collects each candidate token as a pair in `tokens`: the token, then
 * 'b' for the content of `<…>` or '' for a bare whitespace/comma separated word outside brackets.
 * Comments are skipped (nested, with escapes); quoted strings outside brackets stay part of their word.
 */
function scanIds(value: string, tokens: string[]): void {
  const n = value.length;
  let i = 0;
  let wordStart = -1;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (c === 0x28 /* ( */) {
      if (wordStart !== -1 && wordStart < i) tokens.push(value.slice(wordStart, i), '');
      wordStart = -1;
      i = skipComment(value, i);
      continue;
    }
    if (c === 0x3c /* < */) {
      if (wordStart !== -1 && wordStart < i) tokens.push(value.slice(wordStart, i), '');
      wordStart = -1;
      const close = findBracketClose(value, i + 1);
      if (close === -1) {
        // Unclosed bracket: take the rest up to whitespace or the next bracket as the id (truncated
        // header, or `<a@x<b@y>`).
        let j = i + 1;
        while (j < n && !isSpace(value.charCodeAt(j)) && value.charCodeAt(j) !== 0x3c) j++;
        const inner = value.slice(i + 1, j);
        if (inner.length > 0) tokens.push(inner, 'b');
        i = j;
      } else {
        const inner = value.slice(i + 1, close);
        if (inner.trim().length > 0) tokens.push(inner, 'b');
        i = close + 1;
      }
      continue;
    }
    if (c === 0x22 /* " */) {
      if (wordStart === -1) wordStart = i;
      i = skipQuoted(value, i);
      continue;
    }
    if (isSpace(c) || c === 0x2c /* , */ || c === 0x3b /* ; */ || c === 0x3e /* stray > */) {
      if (wordStart !== -1 && wordStart < i) tokens.push(value.slice(wordStart, i), '');
      wordStart = -1;
      i++;
      continue;
    }
    if (wordStart === -1) wordStart = i;
    i++;
  }
  if (wordStart !== -1 && wordStart < i) tokens.push(value.slice(wordStart, i), '');
}

/** Index of the `>` closing a bracket opened before `from`, or -1; a new `<` means the first never closed. */
function findBracketClose(value: string, from: number): number {
  let i = from;
  while (i < value.length) {
    const c = value.charCodeAt(i);
    if (c === 0x3e) return i;
    if (c === 0x3c) return -1;
    if (c === 0x22) {
      i = skipQuoted(value, i);
      continue;
    }
    i++;
  }
  return -1;
}

/** Index just after the comment starting at `start` (which is `(`), honouring nesting and `\`. */
export function skipComment(value: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < value.length) {
    const c = value.charCodeAt(i);
    if (c === 0x5c /* \ */) {
      i += 2;
      continue;
    }
    if (c === 0x28) depth++;
    else if (c === 0x29 && --depth === 0) return i + 1;
    i++;
  }
  return value.length;
}

/** Index just after the quoted string starting at `start` (which is `"`), honouring `\`. */
export function skipQuoted(value: string, start: number): number {
  let i = start + 1;
  while (i < value.length) {
    const c = value.charCodeAt(i);
    if (c === 0x5c) {
      i += 2;
      continue;
    }
    if (c === 0x22) return i + 1;
    i++;
  }
  return value.length;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}
