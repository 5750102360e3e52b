import { describe, expect, it } from 'vitest';
import { MAX_AUTHENTICATION_RESULTS_CHARS, parseAuthenticationResults } from '../src/index';

const read = (value: string) => {
  const parsed = parseAuthenticationResults(value);
  if (!parsed.readable) throw new Error(`unreadable: ${parsed.problem}`);
  return parsed;
};
const methods = (value: string) => read(value).results.map((r) => `${r.method}=${r.result}`);

describe('parseAuthenticationResults: the RFC 8601 grammar', () => {
  it("Gmail's header: authserv-id, comments holding colons and parentheses, ptype.property values", () => {
    const p = read(
      'mx.google.com;\r\n       dkim=pass header.i=@example.com header.s=google header.b=Kx7pQ2sA;\r\n' +
        '       spf=pass (google.com: domain of ana@example.com designates 209.85.220.41 as permitted sender) smtp.mailfrom=ana@example.com;\r\n' +
        '       dmarc=pass (p=QUARANTINE sp=QUARANTINE dis=NONE) header.from=example.com',
    );
    expect(p.authservId).toBe('mx.google.com');
    expect(p.irregular).toBeNull();
    expect(p.results).toEqual([
      { method: 'dkim', result: 'pass', properties: { 'header.i': '@example.com', 'header.s': 'google', 'header.b': 'Kx7pQ2sA' } },
      { method: 'spf', result: 'pass', properties: { 'smtp.mailfrom': 'ana@example.com' } },
      { method: 'dmarc', result: 'pass', properties: { 'header.from': 'example.com' } },
    ]);
  });

  it("Microsoft's header: no authserv-id, `action=` without a ptype, compauth with a reason, no space before `;`", () => {
    const p = read(
      'spf=pass (sender IP is 203.0.113.25) smtp.mailfrom=contoso.example; dkim=pass (signature was verified) ' +
        'header.d=contoso.example;dmarc=pass action=none header.from=contoso.example;compauth=pass reason=100',
    );
    expect(p.authservId).toBeNull();
    expect(p.irregular).toBeNull();
    expect(p.results).toEqual([
      { method: 'spf', result: 'pass', properties: { 'smtp.mailfrom': 'contoso.example' } },
      { method: 'dkim', result: 'pass', properties: { 'header.d': 'contoso.example' } },
      { method: 'dmarc', result: 'pass', properties: { action: 'none', 'header.from': 'contoso.example' } },
      { method: 'compauth', result: 'pass', reason: '100', properties: {} },
    ]);
  });

  it("older Microsoft headers repeat the tenant's domain as a bare segment: skipped, not irregular", () => {
    const p = read('spf=none (sender IP is 192.0.2.9) smtp.mailfrom=example.net; hotmail.com; dkim=none header.d=example.net;hotmail.com; dmarc=none action=none header.from=example.net;compauth=fail reason=001');
    expect(p.irregular).toBeNull();
    expect(p.results.map((r) => `${r.method}=${r.result}`)).toEqual(['spf=none', 'dkim=none', 'dmarc=none', 'compauth=fail']);
  });

  it('a version after the authserv-id (ARC-style `mx.microsoft.com 1;`) is read; another version is not understood', () => {
    expect(read('mx.microsoft.com 1; spf=pass smtp.mailfrom=contoso.example').authservId).toBe('mx.microsoft.com');
    expect(parseAuthenticationResults('example.org 2; dkim=pass')).toEqual({ readable: false, problem: 'version 2 is not understood' });
  });

  it('`none` says no authentication was done: no results', () => {
    expect(read('example.org 1; none')).toEqual({ readable: true, authservId: 'example.org', results: [], irregular: null });
  });

  it('comments anywhere, nested, with `;` and escaped parentheses inside', () => {
    const p = read('(first) example.org (the server) ; dkim (one) = pass (2048-bit key; unprotected (really\\))) header.d=example.com ; (last)');
    expect(p.authservId).toBe('example.org');
    expect(p.irregular).toBeNull();
    expect(p.results).toEqual([{ method: 'dkim', result: 'pass', properties: { 'header.d': 'example.com' } }]);
  });

  it('quoted authserv-id, quoted reason with `;` inside, quoted local part in smtp.mailfrom, method version', () => {
    const p = read('"mail.example.org"; dmarc=fail reason="SPF not aligned; no DKIM" header.from=example.com; spf/1=pass smtp.mailfrom="ana silva"@example.com');
    expect(p.authservId).toBe('mail.example.org');
    expect(p.results).toEqual([
      { method: 'dmarc', result: 'fail', reason: 'SPF not aligned; no DKIM', properties: { 'header.from': 'example.com' } },
      { method: 'spf', result: 'pass', properties: { 'smtp.mailfrom': 'ana silva@example.com' } },
    ]);
  });

  it('names and results are lower-cased; values keep their case; the first of a repeated property wins', () => {
    const p = read('MX.Example.ORG; DKIM=Pass Header.D=Example.COM header.d=other.example');
    expect(p.authservId).toBe('mx.example.org');
    expect(p.results).toEqual([{ method: 'dkim', result: 'pass', properties: { 'header.d': 'Example.COM' } }]);
  });

  it('a property named like an Object built-in is only a name', () => {
    const p = read('example.org; dkim=pass __proto__.x=1 constructor=2 header.d=example.com');
    expect(p.results[0]!.properties['header.d']).toBe('example.com');
    expect(p.results[0]!.properties['constructor']).toBe('2');
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});

describe('parseAuthenticationResults: headers that read more than one way are irregular', () => {
  it('a quote inside a comment (a server echoing a sender-chosen local part)', () => {
    // MAIL FROM:<"a);dmarc=pass header.from=contact.example;(b"@spoofer.test> echoed unescaped.
    const p = read('mx.example.org; spf=pass (domain of "a);dmarc=pass header.from=contact.example;(b"@spoofer.test designates 192.0.2.1) smtp.mailfrom=spoofer.test');
    expect(p.irregular).toBe('a comment contains a quote');
    expect(methods('mx.example.org; spf=pass (domain of "a);dmarc=pass header.from=contact.example;(b"@spoofer.test designates 192.0.2.1)')).toContain('dmarc=pass');
  });

  it('a stray `)` (a HELO name echoed into a value)', () => {
    expect(read('mx.example.org; spf=none smtp.helo=x);dkim=pass header.d=contact.example').irregular).toMatch(/unexpected character/);
  });

  it('an unterminated comment or quoted string, a property without a value, text where `;` belongs', () => {
    expect(read('example.org; dkim=pass (open').irregular).toBe('a comment is not closed');
    expect(read('example.org; dkim=pass reason="open').irregular).toBe('a quoted string is not closed');
    expect(read('example.org; dkim=pass header.d').irregular).toBe('"header.d" has no value');
    expect(read('example.org dkim=pass').irregular).toMatch(/unexpected text/);
    expect(read('example.org; dkim header.d=example.com').irregular).toBe('"dkim" is not followed by a result');
  });
});

describe('parseAuthenticationResults: never throws, stays linear', () => {
  it('empty, blank, garbage and over-long values are unreadable or irregular, never an exception', () => {
    expect(parseAuthenticationResults('')).toEqual({ readable: false, problem: 'empty' });
    expect(parseAuthenticationResults('  (only a comment) ')).toEqual({ readable: false, problem: 'empty' });
    expect(parseAuthenticationResults('; dkim=pass').readable).toBe(false);
    expect(parseAuthenticationResults('x'.repeat(MAX_AUTHENTICATION_RESULTS_CHARS + 1))).toEqual({
      readable: false,
      problem: `longer than ${MAX_AUTHENTICATION_RESULTS_CHARS} characters`,
    });
    for (const junk of ['=', '"', '(', ')', '\\', ';;;;', 'a=', 'a;=;=', 'a; b=c d', 'a; b=c d.e', '\u0000\u00ff\uffff', 'a; b/=c', 'a;b=c;']) {
      expect(() => parseAuthenticationResults(junk)).not.toThrow();
    }
    expect(parseAuthenticationResults(undefined as unknown as string)).toEqual({ readable: false, problem: 'not text' });
  });

  it('pathological inputs at the size limit parse in milliseconds', () => {
    const n = MAX_AUTHENTICATION_RESULTS_CHARS - 20;
    const inputs = [
      `a; ${'('.repeat(n)}`,
      `a; ${'b=c '.repeat(n / 4)}`,
      `a; b=c ${'d.e=f '.repeat(n / 6)}`,
      `a; ${';'.repeat(n)}`,
      `a; b=c x="${'\\"'.repeat(n / 2 - 8)}`,
      `${'='.repeat(n)}`,
      `a; ${'"('.repeat(n / 2)}`,
    ];
    for (const input of inputs) {
      // The best of three: a loaded machine (CI runs every package's tests at once) can stall one run;
      // a quadratic parse is slow every time.
      const runs = [0, 1, 2].map(() => {
        const started = performance.now();
        parseAuthenticationResults(input);
        return performance.now() - started;
      });
      expect(Math.min(...runs)).toBeLessThan(50);
    }
  });
});
