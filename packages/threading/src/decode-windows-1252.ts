// Windows-1252 bytes to text: what "latin1" means in mail practice (and in the WHATWG encoding
// standard, where iso-8859-1 and us-ascii are labels of windows-1252).
//
// Done by hand because Node's TextDecoder decodes windows-1252 as plain ISO-8859-1 since 20.18.3
// (nodejs/node#60888): 0x80 comes out as U+0080 instead of €, 0x93 as U+0093 instead of “.

/** The characters of 0x80–0x9F; the rest of the byte range equals its code point. */
const C1 = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];
const C1_RANGE = /[\x80-\x9f]/g;

export const WINDOWS_1252_LABELS = new Set([
  'windows-1252', 'cp1252', 'x-cp1252', 'iso-8859-1', 'iso8859-1', 'iso_8859-1', 'latin1', 'l1', 'us-ascii', 'ascii',
]);

export function decodeWindows1252(bytes: Uint8Array): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buf.toString('latin1');
  return C1_RANGE.test(text) ? text.replace(C1_RANGE, (c) => String.fromCharCode(C1[c.charCodeAt(0) - 0x80]!)) : text;
}
