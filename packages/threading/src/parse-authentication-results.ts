// Reads one Authentication-Results header value (RFC 8601) into its authserv-id and method results.
//
//   authres-payload = [CFWS] authserv-id [ CFWS authres-version ] ( no-result / 1*resinfo ) [CFWS]
//   resinfo         = [CFWS] ";" methodspec [ CFWS reasonspec ] [ CFWS 1*propspec ]
//   methodspec      = method [ "/" version ] "=" result        reasonspec = "reason" "=" value
//   propspec        = ptype "." property "=" pvalue            e.g. header.d=example.com, smtp.mailfrom=a@b
//
// What real servers write beyond the grammar, and how it is read:
// - Microsoft (Exchange Online, Outlook.com) writes no authserv-id at all: the value starts with
//   `spf=pass (sender IP is …)`. Read as authservId null (sender-verification.ts trusts such a header
//   only by an explicit NO_AUTHSERV_ID entry). It also writes bare `action=none` after a DMARC result
//   (kept as property `action`), and older headers repeat the tenant's domain as a bare segment
//   (`…; contoso.com; dkim=…`), which is skipped.
// - Comments may hold `;` (`dkim=pass (2048-bit key; unprotected)`) and nest; they are skipped whole.
//
// `irregular` says the header cannot be read one way only: a stray `)`, an unterminated comment or
// quote, text where a property belongs, or a `"` inside a comment. The last matters because servers
// echo sender-chosen text (a MAIL FROM local part, a HELO name) into comments and values: with an
// unescaped `)` or quote there, a sender could make `; dmarc=pass header.from=…` read as the server's
// own result. A reader must not rely on an irregular header.
//
// Linear and total: one forward pass over at most MAX_AUTHENTICATION_RESULTS_CHARS characters, no
// regular expressions, never throws.

/** Longer values are not read at all (a real server's header is well under 2,000 characters). */
export const MAX_AUTHENTICATION_RESULTS_CHARS = 8192;

export interface AuthResult {
  /** Lower-cased: 'dmarc', 'dkim', 'spf', 'arc', 'compauth', ... */
  method: string;
  /** Lower-cased: 'pass', 'fail', 'none', 'softfail', 'temperror', 'bestguesspass', ... */
  result: string;
  reason?: string;
  /** Lower-cased `ptype.property` (or a bare name such as Microsoft's `action`) to the value as written; the first of a repeated name wins. */
  properties: Record<string, string>;
}

export type ParsedAuthenticationResults =
  | {
      readable: true;
      /** Lower-cased; null when the header has none (Microsoft). */
      authservId: string | null;
      results: AuthResult[];
      /** Why the header cannot be read one way only; null when it can. */
      irregular: string | null;
    }
  | { readable: false; problem: string };

/** RFC 2045 token characters (8-bit allowed: RFC 8616), as a table so the scan allocates nothing. */
const TOKEN_CHAR = (() => {
  const table = new Uint8Array(256).fill(1);
  for (let c = 0; c <= 0x20; c++) table[c] = 0;
  table[0x7f] = 0;
  for (const t of '()<>@,;:\\"/[]?=') table[t.charCodeAt(0)] = 0;
  return table;
})();

function isWsp(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

function isTokenChar(c: number): boolean {
  return c > 0xff || TOKEN_CHAR[c] === 1;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** A forward-only cursor over one header value; every method advances or leaves `i` where it was. */
class Cursor {
  i = 0;
  irregular: string | null = null;
  constructor(readonly s: string) {}

  get done(): boolean {
    return this.i >= this.s.length;
  }

  peek(): number {
    return this.s.charCodeAt(this.i);
  }

  flag(why: string): void {
    this.irregular ??= why;
  }

  /** Whitespace and (nested) comments. */
  skipCfws(): void {
    while (!this.done) {
      const c = this.peek();
      if (isWsp(c)) this.i++;
      else if (c === 0x28 /* ( */) this.skipComment();
      else return;
    }
  }

  private skipComment(): void {
    let depth = 0;
    while (!this.done) {
      const c = this.peek();
      if (c === 0x5c /* \ */) this.i += 2;
      else {
        if (c === 0x28) depth++;
        else if (c === 0x29 /* ) */) depth--;
        else if (c === 0x22 /* " */) this.flag('a comment contains a quote');
        this.i++;
        if (depth === 0) return;
      }
    }
    this.flag('a comment is not closed');
  }

  token(): string {
    const start = this.i;
    while (!this.done && isTokenChar(this.peek())) this.i++;
    return this.s.slice(start, this.i);
  }

  /** At a `"`: the quoted string's content, quoted-pairs resolved. */
  quoted(): string {
    this.i++;
    let out = '';
    while (!this.done) {
      const c = this.peek();
      if (c === 0x5c) {
        out += this.s.charAt(this.i + 1);
        this.i += 2;
      } else if (c === 0x22) {
        this.i++;
        return out;
      } else {
        out += this.s.charAt(this.i);
        this.i++;
      }
    }
    this.flag('a quoted string is not closed');
    return out;
  }

  /** `value` (token or quoted-string). */
  value(): string {
    return this.peek() === 0x22 ? this.quoted() : this.token();
  }

  /** `pvalue`: a value, or an address / domain (`a@b.example`, `@b.example`, `"a b"@b.example`). */
  pvalue(): string {
    this.skipCfws();
    let out = '';
    if (this.peek() === 0x22) {
      out = this.quoted();
      if (this.peek() !== 0x40 /* @ */) return out;
    }
    const start = this.i;
    while (!this.done) {
      const c = this.peek();
      if (isWsp(c) || c === 0x3b /* ; */ || c === 0x28 || c === 0x29 || c === 0x22 || c < 0x20) break;
      this.i++;
    }
    return out + this.s.slice(start, this.i);
  }

  /** Up to the next `;` outside comments and quotes (not consumed), or the end. */
  skipSegment(): void {
    while (!this.done) {
      const c = this.peek();
      if (c === 0x3b) return;
      if (c === 0x28) this.skipCfws();
      else if (c === 0x22) this.quoted();
      else this.i++;
    }
  }
}

export function parseAuthenticationResults(value: string): ParsedAuthenticationResults {
  if (typeof value !== 'string') return { readable: false, problem: 'not text' };
  if (value.length > MAX_AUTHENTICATION_RESULTS_CHARS) {
    return { readable: false, problem: `longer than ${MAX_AUTHENTICATION_RESULTS_CHARS} characters` };
  }
  const cur = new Cursor(value);
  cur.skipCfws();
  if (cur.done) return { readable: false, problem: 'empty' };

  const start = cur.i;
  const first = cur.peek() === 0x22 ? cur.quoted() : cur.token();
  if (first === '') return { readable: false, problem: 'it starts with neither an authserv-id nor a method' };
  cur.skipCfws();
  let authservId: string | null = first.toLowerCase();
  if (cur.peek() === 0x3d /* = */ || cur.peek() === 0x2f /* / */) {
    // `spf=pass …`: no authserv-id (Microsoft); the first resinfo starts here, without its `;`.
    authservId = null;
    cur.i = start;
  } else if (isDigit(cur.peek())) {
    const from = cur.i;
    while (!cur.done && isDigit(cur.peek())) cur.i++;
    const version = value.slice(from, cur.i);
    if (Number(version) !== 1) return { readable: false, problem: `version ${version} is not understood` };
  }

  const results: AuthResult[] = [];
  let needSemicolon = authservId !== null;
  for (;;) {
    cur.skipCfws();
    if (cur.done) break;
    if (needSemicolon) {
      if (cur.peek() !== 0x3b) {
        cur.flag(`unexpected text at character ${cur.i + 1}`);
        cur.skipSegment();
        continue;
      }
      cur.i++;
      cur.skipCfws();
    }
    needSemicolon = true;
    if (cur.done || cur.peek() === 0x3b) continue;
    const result = readResinfo(cur);
    if (result) results.push(result);
  }
  return { readable: true, authservId, results, irregular: cur.irregular };
}

/** One `method=result [reason=…] [ptype.property=value …]`; null for `none` or a skipped segment. */
function readResinfo(cur: Cursor): AuthResult | null {
  const method = cur.token().toLowerCase();
  if (method === '') {
    cur.flag(`unexpected character at ${cur.i + 1}`);
    cur.skipSegment();
    return null;
  }
  cur.skipCfws();
  if (cur.peek() === 0x2f /* /version */) {
    cur.i++;
    cur.skipCfws();
    while (!cur.done && isDigit(cur.peek())) cur.i++;
    cur.skipCfws();
  }
  if (cur.peek() !== 0x3d) {
    // `none` (no authentication was done), or Microsoft's bare tenant domain: nothing to read.
    if (method !== 'none' && !cur.done && cur.peek() !== 0x3b) cur.flag(`"${method}" is not followed by a result`);
    cur.skipSegment();
    return null;
  }
  cur.i++;
  cur.skipCfws();
  const resultWord = cur.token().toLowerCase();
  if (resultWord === '') {
    cur.flag(`${method} has no result`);
    cur.skipSegment();
    return null;
  }
  // No prototype: a property named `constructor` or `__proto__` is just a name.
  const out: AuthResult = { method, result: resultWord, properties: Object.create(null) as Record<string, string> };
  for (;;) {
    cur.skipCfws();
    if (cur.done || cur.peek() === 0x3b) break;
    const name = cur.token().toLowerCase();
    cur.skipCfws();
    if (name === '' || cur.peek() !== 0x3d) {
      cur.flag(name === '' ? `unexpected character at ${cur.i + 1}` : `"${name}" has no value`);
      cur.skipSegment();
      break;
    }
    cur.i++;
    if (name === 'reason') {
      cur.skipCfws();
      out.reason ??= cur.value();
    } else {
      const v = cur.pvalue();
      if (!(name in out.properties)) out.properties[name] = v;
    }
  }
  return out;
}
