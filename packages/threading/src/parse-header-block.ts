// A light header parser for the scan path: raw header fields in, lower-cased names to values out.

import { TextDecoder } from 'node:util';
import { decodeWindows1252 } from './decode-windows-1252';
import { capHeadAndTail, MAX_FIELD_LENGTH } from './header-caps';
import { toStorableText } from './storable-text';

/** Decodes header bytes as UTF-8, failing on invalid sequences so latin1 can take over. */
const utf8 = new TextDecoder('utf-8', { fatal: true });
const EIGHT_BIT = /[\x80-\xff]/;

/**
 * Parses a raw header block (what `BODY.PEEK[HEADER.FIELDS (…)]` returns) into lower-cased field
 * names, each with every occurrence's value in order, unfolded and trimmed. Stops at the first empty
 * line. Tolerates LF-only and bare-CR line ends, 8-bit bytes (UTF-8, or windows-1252 — latin1 as
 * mail means it — where not valid UTF-8), an mbox `From ` line, and garbage lines without a colon (skipped, together with their
 * continuation lines). A value over MAX_FIELD_LENGTH keeps its head and tail; values are storable text (see
 * toStorableText: no NUL). Linear time; never throws.
 */
export function parseHeaderBlock(raw: Buffer | Uint8Array | string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  const text = typeof raw === 'string' ? raw : decodeBlock(raw);
  const n = text.length;
  let name: string | null = null;
  let value = '';
  let pos = 0;
  while (pos < n) {
    let end = pos;
    while (end < n) {
      const c = text.charCodeAt(end);
      if (c === 0x0a || c === 0x0d) break;
      end++;
    }
    const next = text.charCodeAt(end) === 0x0d && text.charCodeAt(end + 1) === 0x0a ? end + 2 : end + 1;
    if (end === pos) break; // the empty line that ends the header block
    const first = text.charCodeAt(pos);
    if (first === 0x20 || first === 0x09) {
      // Continuation: unfolding removes only the line break (RFC 5322 §2.2.3).
      if (name !== null) value += text.slice(pos, end);
    } else {
      if (name !== null) addField(headers, name, value);
      name = null;
      // The colon is looked for within this line only: indexOf(':', pos) would scan past the line
      // end, to the next colon of the block, for every line without one (quadratic).
      let colon = pos;
      while (colon < end && text.charCodeAt(colon) !== 0x3a) colon++;
      if (colon < end) {
        const field = text.slice(pos, colon).trimEnd();
        if (field.length > 0 && isFieldName(field)) {
          name = field.toLowerCase();
          value = text.slice(colon + 1, end);
        }
      }
    }
    pos = next;
  }
  if (name !== null) addField(headers, name, value);
  return headers;
}

function addField(headers: Map<string, string[]>, name: string, value: string): void {
  const capped = value.length > MAX_FIELD_LENGTH ? capHeadAndTail(value, MAX_FIELD_LENGTH / 2, MAX_FIELD_LENGTH / 2)! : value;
  const v = toStorableText(capped).trim();
  const list = headers.get(name);
  if (list) list.push(v);
  else headers.set(name, [v]);
}

/** The first value of a field, or undefined. */
export function firstHeader(headers: Map<string, string[]>, name: string): string | undefined {
  return headers.get(name)?.[0];
}

function isFieldName(field: string): boolean {
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

function decodeBlock(raw: Uint8Array): string {
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const latin = buf.toString('latin1');
  if (!EIGHT_BIT.test(latin)) return latin;
  try {
    return utf8.decode(buf);
  } catch {
    // Mixed blocks happen (a UTF-8 Subject beside a latin1 display name): decide per line.
    let out = '';
    let start = 0;
    for (let i = 0; i <= buf.length; i++) {
      if (i === buf.length || buf[i] === 0x0a) {
        const line = buf.subarray(start, i === buf.length ? i : i + 1);
        try {
          out += utf8.decode(line);
        } catch {
          out += decodeWindows1252(line);
        }
        start = i + 1;
      }
    }
    return out;
  }
}
