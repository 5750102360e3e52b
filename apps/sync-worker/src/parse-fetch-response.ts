// A lean reader of exactly the untagged FETCH responses the catch-up asks for
// (`* n FETCH (UID u INTERNALDATE "…" RFC822.SIZE s BODY[HEADER.FIELDS (…)] {len}\r\n<literal>)`), on the
// bytes imapflow's stream has already split into the line and its literals. imapflow's generic parser
// builds a token tree for every item and then compiles each item's name back to a string, paying per
// header-field name echoed in the section: in a CPU profile of a 10,000-message catch-up it was about
// as much CPU as the rest of the worker together. Anything this reader does not recognise returns
// null, and the line goes to imapflow's own parser as before.

export interface FetchedHeaders {
  uid: number;
  internalDate: Date | undefined;
  size: number;
  /** The BODY[HEADER.FIELDS …] value: undefined when the server sent NIL or no such item. */
  headers: Buffer | undefined;
}

const SP = 0x20;
const DQUOTE = 0x22;
const LPAREN = 0x28;
const RPAREN = 0x29;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const BACKSLASH = 0x5c;
const LT = 0x3c;
const GT = 0x3e;
const CR = 0x0d;
const LF = 0x0a;

const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;

/** A value of a FETCH item: what this reader keeps of it. */
type Value = { kind: 'number'; n: number } | { kind: 'bytes'; b: Buffer } | { kind: 'nil' } | { kind: 'other' };

class Reader {
  pos = 0;
  literal = 0;
  constructor(
    readonly buf: Buffer,
    readonly literals: readonly Buffer[],
  ) {}

  /** Consumes `text` (ASCII, matched case-insensitively) or returns false. */
  expect(text: string): boolean {
    const { buf } = this;
    if (this.pos + text.length > buf.length) return false;
    for (let i = 0; i < text.length; i += 1) {
      const c = buf[this.pos + i]!;
      const t = text.charCodeAt(i);
      if (c !== t && (c | 0x20) !== (t | 0x20)) return false;
    }
    this.pos += text.length;
    return true;
  }

  number(): number | null {
    const { buf } = this;
    const start = this.pos;
    let n = 0;
    while (isDigit(buf[this.pos])) n = n * 10 + (buf[this.pos++]! - 0x30);
    // More than 10 digits is past a uint32 (and past what a Number holds exactly, at 16)
    return this.pos === start || this.pos - start > 10 ? null : n;
  }

  /** An item name: atom characters up to a space, `[` or `)`. */
  name(): string | null {
    const { buf } = this;
    const start = this.pos;
    for (;;) {
      const c = buf[this.pos];
      if (c === undefined || c === SP || c === LBRACKET || c === RPAREN || c === LPAREN || c === DQUOTE || c === LBRACE) break;
      this.pos += 1;
    }
    return this.pos === start ? null : buf.toString('latin1', start, this.pos).toUpperCase();
  }

  /** A section `[…]` (no `]` can occur inside one), returned as written. */
  section(): string | null {
    const { buf } = this;
    const end = buf.indexOf(RBRACKET, this.pos + 1);
    if (end < 0) return null;
    const text = buf.toString('latin1', this.pos + 1, end);
    this.pos = end + 1;
    return text;
  }

  value(): Value | null {
    const { buf } = this;
    const c = buf[this.pos];
    if (isDigit(c)) {
      const n = this.number();
      return n === null ? null : { kind: 'number', n };
    }
    if (c === DQUOTE) return this.quoted();
    if (c === LBRACE) return this.literalValue();
    if (c === LPAREN) return this.skipList() ? { kind: 'other' } : null;
    if (this.expect('NIL')) return { kind: 'nil' };
    // Any other atom (a flag-like value): read past it
    const start = this.pos;
    while (this.pos < buf.length && buf[this.pos] !== SP && buf[this.pos] !== RPAREN) this.pos += 1;
    return this.pos === start ? null : { kind: 'other' };
  }

  private quoted(): Value | null {
    const { buf } = this;
    let i = this.pos + 1;
    let escaped = false;
    const start = i;
    for (; i < buf.length; i += 1) {
      const c = buf[i]!;
      if (c === BACKSLASH) {
        escaped = true;
        i += 1;
        continue;
      }
      if (c === DQUOTE) break;
      if (c === CR || c === LF) return null;
    }
    if (i >= buf.length) return null;
    this.pos = i + 1;
    const raw = buf.subarray(start, i);
    if (!escaped) return { kind: 'bytes', b: raw };
    const out: number[] = [];
    for (let j = 0; j < raw.length; j += 1) {
      if (raw[j] === BACKSLASH) j += 1;
      out.push(raw[j]!);
    }
    return { kind: 'bytes', b: Buffer.from(out) };
  }

  private literalValue(): Value | null {
    const { buf } = this;
    this.pos += 1;
    const size = this.number();
    if (size === null || buf[this.pos] !== RBRACE) return null;
    this.pos += 1;
    // The stream keeps the marker's line end in the payload: `{n}\r\n` then the rest of the response
    if (buf[this.pos] === CR) this.pos += 1;
    if (buf[this.pos] !== LF) return null;
    this.pos += 1;
    const b = this.literals[this.literal++];
    return b === undefined || b.length !== size ? null : { kind: 'bytes', b };
  }

  /** Skips a parenthesised list (FLAGS, MODSEQ), quoted strings in it included. */
  private skipList(): boolean {
    const { buf } = this;
    let depth = 0;
    for (; this.pos < buf.length; this.pos += 1) {
      const c = buf[this.pos]!;
      if (c === DQUOTE) {
        const q = this.quoted();
        if (q === null) return false;
        this.pos -= 1;
      } else if (c === LBRACE) {
        return false; // a literal inside a list: not what the catch-up asks for
      } else if (c === LPAREN) depth += 1;
      else if (c === RPAREN) {
        depth -= 1;
        if (depth === 0) {
          this.pos += 1;
          return true;
        }
      }
    }
    return false;
  }
}

const MONTHS: Record<string, number> = { JAN: 0, FEB: 1, MAR: 2, APR: 3, MAY: 4, JUN: 5, JUL: 6, AUG: 7, SEP: 8, OCT: 9, NOV: 10, DEC: 11 };
const DATE_TIME = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

/** INTERNALDATE's date-time (RFC 3501: `"dd-Mon-yyyy hh:mm:ss +zzzz"`); undefined when it is not one. */
export function parseInternalDate(text: string): Date | undefined {
  const m = DATE_TIME.exec(text);
  if (m) {
    const month = MONTHS[m[2]!.toUpperCase()];
    if (month !== undefined) {
      const offsetMin = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
      const ms = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - offsetMin * 60_000;
      return new Date(ms);
    }
  }
  const date = new Date(text); // what imapflow does with it
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Reads one untagged FETCH response carrying UID, INTERNALDATE, RFC822.SIZE and a BODY[HEADER.FIELDS …]
 * item (FLAGS, MODSEQ and other items are read past). Returns null for anything else: a response
 * without a UID (an unsolicited flag change), another BODY section, or bytes it does not expect.
 */
export function parseHeaderFetchResponse(payload: Buffer, literals: readonly Buffer[]): FetchedHeaders | null {
  const r = new Reader(payload, literals);
  if (!r.expect('* ')) return null;
  if (r.number() === null) return null;
  if (!r.expect(' FETCH (')) return null;
  let uid: number | undefined;
  let internalDate: Date | undefined;
  let size = 0;
  let headers: Buffer | undefined;
  let sawHeaders = false;
  for (let first = true; ; first = false) {
    if (payload[r.pos] === RPAREN) {
      r.pos += 1;
      break;
    }
    if (!first && !r.expect(' ')) return null;
    const name = r.name();
    if (name === null) return null;
    let section: string | null = null;
    if (payload[r.pos] === LBRACKET) {
      section = r.section();
      if (section === null) return null;
      if (payload[r.pos] === LT) {
        // `<origin>`: a partial fetch, which the catch-up never asks for
        return null;
      }
    }
    if (!r.expect(' ')) return null;
    const value = r.value();
    if (value === null) return null;
    if (section !== null) {
      if ((name !== 'BODY' && name !== 'BINARY') || !/^HEADER\.FIELDS /i.test(section) || sawHeaders) return null;
      sawHeaders = true;
      if (value.kind === 'bytes') headers = value.b;
      else if (value.kind !== 'nil') return null;
    } else if (name === 'UID') {
      if (value.kind !== 'number' || value.n === 0) return null;
      uid = value.n;
    } else if (name === 'RFC822.SIZE') {
      if (value.kind !== 'number') return null;
      size = value.n;
    } else if (name === 'INTERNALDATE') {
      if (value.kind !== 'bytes') return null;
      internalDate = parseInternalDate(value.b.toString('latin1'));
    } else if (name === 'BODY' || name === 'BINARY' || name === 'BODYSTRUCTURE' || name === 'ENVELOPE') {
      return null; // structures the catch-up never asks for
    }
  }
  if (r.pos !== payload.length || uid === undefined) return null;
  if (r.literal !== literals.length) return null;
  return { uid, internalDate, size, headers };
}
