// Text as PostgreSQL will store it: a `text` column refuses U+0000 outright, and control characters
// and lone surrogates (from broken encoded words, or `=00` in quoted-printable) are never wanted in
// a subject, a name or a header value shown to support. The db package reuses this for bodies.

/** NUL, the C0 controls other than tab/LF/CR, DEL, and UTF-16 surrogates not part of a pair. */
const UNSTORABLE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const UNSTORABLE_TEST = new RegExp(UNSTORABLE.source);

/**
 * `text` with NUL removed and every other unstorable character (C0 controls except tab, LF and CR;
 * DEL; lone surrogates) replaced by U+FFFD, so the loss stays visible. Returns `text` itself when
 * there is nothing to change. Linear time; never throws.
 */
export function toStorableText(text: string): string {
  if (!UNSTORABLE_TEST.test(text)) return text;
  return text.replace(UNSTORABLE, (c) => (c === '\x00' ? '' : '\ufffd'));
}

/** What an identifier (a Message-ID, an address) never contains: whitespace, `<`, `>`, C0/C1 controls, DEL, lone surrogates. */
const NOT_IN_IDENTIFIER = /[\s<>\x00-\x1f\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const NOT_IN_IDENTIFIER_TEST = new RegExp(NOT_IN_IDENTIFIER.source);

/** `text` without the characters an identifier never contains (see NOT_IN_IDENTIFIER). Linear; never throws. */
export function toIdentifierText(text: string): string {
  return NOT_IN_IDENTIFIER_TEST.test(text) ? text.replace(NOT_IN_IDENTIFIER, '') : text;
}
