// Address lists (From, To, Cc) as clients write them, reduced to lower-cased addresses and names.

import { decodeHeaderValue } from './decode-header-value';
import { skipComment, skipQuoted } from './parse-message-id-list';
import type { Address } from './types';

/**
 * Parses an address-list header value. Handles display names (quoted, with commas, with RFC 2047
 * encoded words, also inside quotes as many clients write them), comments used as names
 * (`ana@x (Ana)`), groups (`Team: a@x, b@x;`, `undisclosed-recipients:;`), bare addresses and a
 * missing closing `>`. Entries without an address (`<>`, a lone word) are dropped. Never throws.
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
      seg.words.push(inner.includes('\\') ? inner.replace(/\\(.)/g, '$1') : inner);
      seg.quoted = true;
      i = end;
    } else if (c === 0x28 /* ( */) {
      const end = skipComment(value, i);
      const inner = value.slice(i + 1, value.charCodeAt(end - 1) === 0x29 ? end - 1 : end).trim();
      if (inner) seg.comments.push(inner);
      i = end;
    } else if (c === 0x3c /* < */) {
      let j = i + 1;
      while (j < n && value.charCodeAt(j) !== 0x3e && value.charCodeAt(j) !== 0x2c) j++;
      seg.angle = value.slice(i + 1, j);
      i = j < n && value.charCodeAt(j) === 0x3e ? j + 1 : j;
    } else if (c === 0x2c /* , */ || c === 0x3b /* ; */) {
      pushAddress(out, seg);
      seg = newSegment();
      i++;
    } else if (c === 0x3a /* : */ && seg.angle === null && seg.bareAt === -1) {
      // A group's display name: drop it, the members follow.
      seg = newSegment();
      i++;
    } else if (isSpace(c)) {
      i++;
    } else {
      let j = i;
      let hasAt = false;
      while (j < n && !endsWord(value.charCodeAt(j))) {
        if (value.charCodeAt(j) === 0x40) hasAt = true;
        j++;
      }
      // A colon inside a word that already holds an @ is part of it (`a@[IPv6:…]`).
      if (hasAt && j < n && value.charCodeAt(j) === 0x3a) {
        while (j < n && !isSpace(value.charCodeAt(j)) && value.charCodeAt(j) !== 0x2c && value.charCodeAt(j) !== 0x3b) j++;
      }
      if (hasAt && seg.bareAt === -1) seg.bareAt = seg.words.length;
      seg.words.push(value.slice(i, j));
      i = j;
    }
  }
  pushAddress(out, seg);
  return out;
}

interface Segment {
  words: string[];
  comments: string[];
  angle: string | null;
  /** Index in words of the first unquoted word holding an `@`, or -1. */
  bareAt: number;
  quoted: boolean;
}

function newSegment(): Segment {
  return { words: [], comments: [], angle: null, bareAt: -1, quoted: false };
}

function pushAddress(out: Address[], seg: Segment): void {
  let address: string;
  let nameWords = seg.words;
  if (seg.angle !== null) {
    address = seg.angle;
    // Drop stray whitespace and an obsolete source route (`<@relay:ana@x>`).
    if (/\s/.test(address)) address = address.replace(/\s+/g, '');
    if (address.charCodeAt(0) === 0x40) address = address.replace(/^@[^:]*:/, '');
  } else {
    if (seg.bareAt === -1) return;
    address = seg.words[seg.bareAt]!;
    nameWords = seg.words.slice();
    nameWords.splice(seg.bareAt, 1);
  }
  address = address.toLowerCase();
  if (address.length === 0) return;
  let name = nameWords.length === 0 ? '' : nameWords.length === 1 ? nameWords[0]! : nameWords.join(' ');
  if (name) name = cleanName(name);
  if (!name && seg.comments.length > 0) name = cleanName(seg.comments.join(' '));
  out.push(name ? { address, name } : { address });
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
