// Adversarial header shapes, shared by the timing properties and bench/worst-inputs.ts: each is a short
// motif that, repeated, drove some parser of this package (or a plausible rewrite of it) into
// quadratic time or an endless loop.

/** Motifs for a single header value (From/To/Cc, Message-ID lists, Subject, Content-Type, ...). */
export const VALUE_MOTIFS: Record<string, string> = {
  'open parentheses': '(',
  'nested comments': '((a)',
  'angle brackets': '<',
  'unclosed angle with quote': '<"a ',
  quotes: '"',
  backslashes: '\\',
  'encoded-word starts': '=?',
  'unterminated encoded words': '=?utf-8?q?a',
  'encoded words with NUL': '=?utf-8?q?a=00?= ',
  commas: ',',
  colons: ':',
  semicolons: ';',
  'address then colon': 'Ana <ana@x.test>: hi ',
  'bare address then colon': 'a@b c:',
  'at signs': '@',
  'square brackets': '[',
  'comment in address': 'a(b)@c ',
};

/** `motif` repeated to exactly `length` characters. */
export function repeatTo(motif: string, length: number): string {
  return motif.repeat(Math.ceil(length / motif.length)).slice(0, length);
}

/** The header fields a hostile message fills, as the worker fetches them. */
const FIELDS = [
  'Message-ID',
  'In-Reply-To',
  'References',
  'From',
  'To',
  'Cc',
  'Subject',
  'Date',
  'Auto-Submitted',
  'X-Auto-Response-Suppress',
  'Precedence',
  'Content-Type',
  'Return-Path',
];

/** A header block of about `length` characters whose every field's value is `motif` repeated (unfolded). */
export function hostileHeaderBlock(motif: string, length: number): string {
  const per = Math.floor(length / FIELDS.length);
  return FIELDS.map((name) => `${name}: ${repeatTo(motif, Math.max(1, per - name.length - 4))}\r\n`).join('');
}

/** Whole header blocks whose shape, not one value, is the attack. */
export const BLOCK_SHAPES: Record<string, (length: number) => string> = {
  'lines without a colon': (length) => `${repeatTo('no colon\r\n', length - 20)}\r\nSubject: x\r\n`,
  'one long line without a colon': (length) => `${repeatTo('x', length - 20)}\r\nSubject: x\r\n`,
  'deep folding': (length) => `Subject: x${repeatTo('\r\n x', length - 12)}\r\n`,
  'folded address list': (length) => `To: ${repeatTo('a@b,\r\n ', length - 6)}\r\n`,
};

/** A header block with one field whose value is `motif` repeated to `length` characters. */
export function singleFieldBlock(name: string, motif: string, length: number): string {
  return `${name}: ${repeatTo(motif, length)}\r\n`;
}

export const HEADER_FIELD_NAMES = FIELDS;
