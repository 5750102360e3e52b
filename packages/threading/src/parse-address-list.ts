// Address lists (From, To, Cc) as clients write them, reduced to normalised addresses and names.

import { decodeHeaderValue } from './decode-header-value';
import { MAX_ADDRESSES_PER_LIST, MAX_WORDS_PER_ENTRY } from './header-caps';
import { normalizeAddress } from './normalize-address';
import { skipComment, skipQuoted } from './parse-message-id-list';
import type { Address } from './types';

/**
 * Parses an address-list header value. Handles display names (quoted, with commas, with RFC 2047
 * encoded words, also inside quotes as many clients write them), comments used as names
 * (`ana@x (Ana)`), comments inside an address (`pete(his account)@silly.test`), groups
 * (`Team: a@x, b@x;`, `undisclosed-recipients:;`), bare addresses, a missing closing `>` and stray
 * colons (`Ana <ana@x.test>: hi`). Entries without an address (`<>`, `<nsb>`, a lone word) are
 * dropped. Addresses are normalised (normalizeAddress: lower case, IDN domains in Unicode).
 *
 * Every step of the scan consumes at least one character and no character is read twice, so the
 * time is linear in the value and the scan always ends. Never throws.
 */
export function parseAddressList(value: string | undefined | null): Address[] {
  const out: Address[] = [];
  if (!value) return out;
  const n = value.length;
  let seg = newSegment();
  let i = 0;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const end = skipQuoted(value, i);
      const closed = end - 1 > i && value.charCodeAt(end - 1) === 0x22;
      const inner = value.slice(i + 1, closed ? end - 1 : end);
      if (seg.words.length < MAX_WORDS_PER_ENTRY) seg.words.push({ text: inner.includes('\\') ? inner.replace(/\\(.)/g, '$1') : inner, quoted: true });
      i = end;
    } else if (c === 0x28 /* ( */) {
      const end = skipComment(value, i);
      const inner = value.slice(i + 1, value.charCodeAt(end - 1) === 0x29 ? end - 1 : end).trim();
      if (inner && seg.comments.length < MAX_WORDS_PER_ENTRY) seg.comments.push(inner);
      i = end;
    } else if (c === 0x3c /* < */) {
      // A second `<…>` without a comma between (`<a@x> <b@y>`) starts the next entry.
      if (seg.angle !== null) {
        pushAddress(out, seg);
        seg = newSegment();
      }
      const angle = readAngle(value, i);
      seg.angle = angle.address;
      seg.wordsBeforeAngle = seg.words.length;
      i = angle.end;
    } else if (c === 0x2c /* , */ || c === 0x3b /* ; */) {
      pushAddress(out, seg);
      seg = newSegment();
      i++;
    } else if (c === 0x3a /* : */) {
      // Before any address, a colon ends a group's display name: drop it, the members follow. After
      // one (`Ana <ana@x.test>: hi`, `a@b c:`) it is junk, skipped like the words around it.
      if (seg.angle === null && !seg.hasBareAt) seg = newSegment();
      i++;
    } else if (isSpace(c)) {
      i++;
    } else {
      const end = wordEnd(value, i);
      const text = value.slice(i, end);
      const bareAt = !seg.hasBareAt && text.includes('@');
      if (bareAt || seg.words.length < MAX_WORDS_PER_ENTRY) seg.words.push({ text, quoted: false });
      if (bareAt) seg.hasBareAt = true;
      i = end;
    }
  }
  pushAddress(out, seg);
  return out;
}

interface Word {
  text: string;
  quoted: boolean;
}

interface Segment {
  words: Word[];
  comments: string[];
  /** The address between `<` and `>`, comments and whitespace removed; null when there was none. */
  angle: string | null;
  /** How many words came before the `<`: those are the display name. */
  wordsBeforeAngle: number;
  /** Whether an unquoted word holds an `@` (a bare address). */
  hasBareAt: boolean;
}

function newSegment(): Segment {
  return { words: [], comments: [], angle: null, wordsBeforeAngle: 0, hasBareAt: false };
}

/**
 * The addr-spec inside `<…>` starting at `start`, and where the scan stopped: after the `>`, or at
 * a `,`, `;` or `<` when the bracket never closes (`Ana <ana@x, Bob <bob@y>`). Comments and
 * whitespace inside are dropped (RFC 5322 allows CFWS around each part); quoted local parts are kept.
 * A comma inside an obsolete source route (`<@r1,@r2:ana@x>`) does not end it.
 */
function readAngle(value: string, start: number): { address: string; end: number } {
  // The common `<ana@x>`: plain characters up to the `>`.
  let k = start + 1;
  while (k < value.length && isPlainInAngle(value.charCodeAt(k))) k++;
  if (k < value.length && value.charCodeAt(k) === 0x3e) {
    return { address: withoutSourceRoute(value.slice(start + 1, k)), end: k + 1 };
  }
  if (k < value.length && value.charCodeAt(k) === 0x3c) return { address: withoutSourceRoute(value.slice(start + 1, k)), end: k };
  // Otherwise: drop comments and whitespace, keep quoted parts, up to `>` or where an unclosed
  // bracket's address must end.
  let address = '';
  let runStart = start + 1;
  let i = start + 1;
  while (i < value.length) {
    const c = value.charCodeAt(i);
    if (c === 0x3e /* > */) break;
    const route = (address.length > 0 ? address.charCodeAt(0) : value.charCodeAt(runStart)) === 0x40;
    if (c === 0x3c || c === 0x3b || (c === 0x2c && !route)) break;
    if (c === 0x28 /* ( */ || isSpace(c)) {
      address += value.slice(runStart, i);
      i = c === 0x28 ? skipComment(value, i) : i + 1;
      runStart = i;
    } else if (c === 0x22 /* " */) {
      i = skipQuoted(value, i);
    } else {
      i++;
    }
  }
  address += value.slice(runStart, Math.min(i, value.length));
  const closed = i < value.length && value.charCodeAt(i) === 0x3e;
  return { address: withoutSourceRoute(address), end: closed ? i + 1 : i };
}

/** An obsolete source route (`<@relay:ana@x>`) is not part of the address. */
function withoutSourceRoute(address: string): string {
  if (address.charCodeAt(0) !== 0x40) return address;
  const colon = address.indexOf(':');
  return colon === -1 ? '' : address.slice(colon + 1);
}

/** End of a bare word starting at `start`; a domain literal (`a@[IPv6:…]`) stays one word, colons and all. */
function wordEnd(value: string, start: number): number {
  let j = start;
  while (j < value.length) {
    const c = value.charCodeAt(j);
    if (c === 0x5b /* [ */) {
      j++;
      while (j < value.length && value.charCodeAt(j) !== 0x5d && !endsLiteral(value.charCodeAt(j))) j++;
      if (j < value.length && value.charCodeAt(j) === 0x5d) j++;
      continue;
    }
    if (endsWord(c)) break;
    j++;
  }
  return j === start ? start + 1 : j;
}

function pushAddress(out: Address[], seg: Segment): void {
  if (out.length >= MAX_ADDRESSES_PER_LIST) return;
  if (seg.angle === '' || (seg.angle === null && !seg.hasBareAt)) return;
  let address: string;
  let nameWords: Word[];
  if (seg.angle !== null) {
    address = seg.angle;
    // The phrase before `<` is the name; words after it are junk, used only when there is no phrase.
    nameWords = seg.wordsBeforeAngle > 0 ? seg.words.slice(0, seg.wordsBeforeAngle) : seg.words;
  } else {
    const spec = bareAddrSpec(seg.words);
    if (spec === null) return;
    address = spec.address;
    nameWords = seg.words.filter((_, k) => k < spec.from || k >= spec.to);
  }
  address = normalizeAddress(address);
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return;
  let name = nameWords.length === 0 ? '' : cleanName(nameWords.map((w) => w.text).join(' '));
  if (!name && seg.comments.length > 0) name = cleanName(seg.comments.join(' '));
  out.push(name ? { address, name } : { address });
}

/**
 * The address among a segment's bare words: the first unquoted word holding an `@`, joined with its
 * neighbour when a comment or space split the addr-spec at the `@` (`pete(his account)@silly.test`
 * reaches here as `pete`, `@silly.test`; `"john doe"@x` as a quoted word and `@x`). Words [from, to).
 */
function bareAddrSpec(words: readonly Word[]): { address: string; from: number; to: number } | null {
  const k = words.findIndex((w) => !w.quoted && w.text.includes('@'));
  if (k === -1) return null;
  let from = k;
  let to = k + 1;
  let address = words[k]!.text;
  if (address.startsWith('@') && k > 0) {
    const local = words[k - 1]!;
    address = local.quoted ? `"${local.text}"${address}` : local.text + address;
    from = k - 1;
  }
  if (address.endsWith('@') && to < words.length && !words[to]!.text.includes('@')) {
    address += words[to]!.text;
    to++;
  }
  return { address, from, to };
}

function cleanName(raw: string): string {
  const decoded = decodeHeaderValue(raw);
  return /\s\s|[\t\r\n]/.test(decoded) ? decoded.replace(/\s+/g, ' ').trim() : decoded.trim();
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/** Characters that end a bare word: whitespace and the specials the list syntax gives meaning to. */
function endsWord(c: number): boolean {
  return isSpace(c) || c === 0x22 || c === 0x28 || c === 0x3c || c === 0x2c || c === 0x3b || c === 0x3a;
}

/** Characters of an addr-spec in brackets that need no special handling. */
function isPlainInAngle(c: number): boolean {
  return c > 0x20 && c !== 0x3e && c !== 0x3c && c !== 0x28 && c !== 0x22 && c !== 0x2c && c !== 0x3b;
}

/** Characters that end an unclosed domain literal: the list separators and brackets. */
function endsLiteral(c: number): boolean {
  return isSpace(c) || c === 0x3c || c === 0x2c || c === 0x3b || c === 0x5b;
}
