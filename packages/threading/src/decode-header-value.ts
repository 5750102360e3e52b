// RFC 2047 encoded words (`=?utf-8?Q?Ana_Mar=C3=ADa?=`) decoded to text, for Subject and display names.

import { TextDecoder } from 'node:util';
import { decodeWindows1252, WINDOWS_1252_LABELS } from './decode-windows-1252';
import { toStorableText } from './storable-text';

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?]*)\?=/g;
const ONLY_WHITESPACE = /^[ \t\r\n]*$/;
/**
 * Decoders for the charsets TextDecoder knows, by label. Only labels it accepts are kept, and at most
 * this many: charset names come from senders, so an unbounded cache is a memory leak one message
 * with many made-up names can trigger. Real mail uses a dozen charsets at most.
 */
export const MAX_CACHED_DECODERS = 64;
const decoders = new Map<string, TextDecoder>();
/** Labels TextDecoder refused, so a message repeating one made-up name pays for one exception. */
const unknownLabels = new Set<string>();
/** The longest label in the WHATWG encoding standard is 26 characters. */
const MAX_LABEL_LENGTH = 40;

/**
 * Decodes every encoded word in an (unfolded) header value. Whitespace between two adjacent encoded
 * words is dropped (RFC 2047 §6.2); adjacent words in the same charset are joined as bytes before
 * decoding, so a multi-byte character split across two words survives. Unknown charsets fall back to
 * windows-1252 (latin1 as mail means it); malformed words are left as written. The result is
 * storable text (no NUL: an encoded `=00` is dropped). Linear time; never throws.
 */
export function decodeHeaderValue(value: string | undefined | null): string {
  if (!value) return '';
  return toStorableText(value.includes('=?') ? decodeEncodedWords(value) : value);
}

/** decodeHeaderValue before toStorableText, for callers that clean the result their own way (Message-IDs). */
export function decodeEncodedWords(value: string): string {
  let out = '';
  let last = 0;
  let charset = '';
  let chunks: Buffer[] = [];
  ENCODED_WORD.lastIndex = 0;
  for (let m = ENCODED_WORD.exec(value); m !== null; m = ENCODED_WORD.exec(value)) {
    const between = value.slice(last, m.index);
    const wordCharset = m[1]!.split('*')[0]!.toLowerCase();
    const bytes = m[2] === 'B' || m[2] === 'b' ? Buffer.from(m[3]!, 'base64') : qBytes(m[3]!);
    const adjacent = chunks.length > 0 && ONLY_WHITESPACE.test(between);
    if (!adjacent || wordCharset !== charset) {
      if (chunks.length > 0) out += decodeChunks(charset, chunks);
      chunks = [];
      if (!adjacent) out += between;
      charset = wordCharset;
    }
    chunks.push(bytes);
    last = m.index + m[0].length;
  }
  if (chunks.length > 0) out += decodeChunks(charset, chunks);
  return out + value.slice(last);
}

function decodeChunks(charset: string, chunks: Buffer[]): string {
  return decodeBytes(charset, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
}

function decodeBytes(charset: string, bytes: Buffer): string {
  if (charset === 'utf-8' || charset === 'utf8') return bytes.toString('utf8');
  if (WINDOWS_1252_LABELS.has(charset)) return decodeWindows1252(bytes);
  const decoder = decoderFor(charset);
  if (decoder === null) return decodeWindows1252(bytes);
  try {
    return decoder.decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

function decoderFor(charset: string): TextDecoder | null {
  const cached = decoders.get(charset);
  if (cached !== undefined) return cached;
  if (charset.length > MAX_LABEL_LENGTH || unknownLabels.has(charset)) return null;
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    if (unknownLabels.size < MAX_CACHED_DECODERS) unknownLabels.add(charset);
    return null;
  }
  if (decoders.size < MAX_CACHED_DECODERS) decoders.set(charset, decoder);
  return decoder;
}

/** How many charset labels are cached, known and unknown (for the test that the cache stays bounded). */
export function cachedCharsetCount(): number {
  return decoders.size + unknownLabels.size;
}

/** Q encoding: `_` is a space, `=XX` a byte; anything else is taken as written (as UTF-8). */
function qBytes(text: string): Buffer {
  if (!text.includes('=') && !text.includes('_')) return Buffer.from(text, 'utf8');
  // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair, two units, is 4), so this never
  // overflows: sizing it by Buffer.byteLength did, for a lone surrogate (3 bytes, not 2).
  const bytes = Buffer.allocUnsafe(text.length * 3);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5f /* _ */) bytes[n++] = 0x20;
    else if (c === 0x3d /* = */ && isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2))) {
      bytes[n++] = parseInt(text.slice(i + 1, i + 3), 16);
      i += 2;
    } else if (c < 0x80) bytes[n++] = c;
    else {
      const pair = c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      n += bytes.write(pair ? text.slice(i, i + 2) : text[i]!, n, 'utf8');
      if (pair) i++;
    }
  }
  return bytes.subarray(0, n);
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
