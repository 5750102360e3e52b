import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { linkTargetOf, MAX_OPEN_TOKEN_CHARS, parseTrackingKeys, signTrackingToken, TrackingKeysError, TrackingTokenError, verifyTrackingToken, type TrackingClaims } from '../src/index';

const k1 = `k1:${randomBytes(32).toString('hex')}`;
const k2 = `k2:${randomBytes(32).toString('base64')}`;
const click: TrackingClaims = { kind: 'click', accountId: randomUUID(), emailId: randomUUID(), recipient: 'Bob@Example.test', sentAt: new Date('2026-12-02T06:00:00Z'), target: 'https://example.com/pricing?utm=x#top' };

describe('tracking tokens', () => {
  it('carry the account, email, recipient, send time and target, compactly', () => {
    const keys = parseTrackingKeys(k1);
    const token = signTrackingToken(keys, click);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(token.length).toBeLessThan(160);
    expect(verifyTrackingToken(keys, token)).toEqual({ ok: true, kid: 'k1', claims: { ...click, recipient: 'bob@example.test' } });
    const open = signTrackingToken(keys, { ...click, kind: 'open', target: undefined });
    expect(verifyTrackingToken(keys, open)).toMatchObject({ ok: true, claims: { kind: 'open', emailId: click.emailId } });
  });

  it('rotate: the newest key signs, older keys still verify, a removed key does not', () => {
    const old = signTrackingToken(parseTrackingKeys(k1), click);
    const rotated = parseTrackingKeys(`${k2},${k1}`);
    expect(verifyTrackingToken(rotated, old)).toMatchObject({ ok: true, kid: 'k1' });
    const fresh = signTrackingToken(rotated, click);
    expect(verifyTrackingToken(rotated, fresh)).toMatchObject({ ok: true, kid: 'k2' });
    expect(verifyTrackingToken(parseTrackingKeys(k2), old)).toEqual({ ok: false, reason: 'unknown_key' });
  });

  it('refuse every changed byte, a token signed with another secret under the same kid, and junk', () => {
    const keys = parseTrackingKeys(k1);
    const raw = Buffer.from(signTrackingToken(keys, click), 'base64url');
    for (let i = 0; i < raw.length; i++) {
      const changed = Buffer.from(raw);
      changed[i] = changed[i]! ^ 0x01;
      expect(verifyTrackingToken(keys, changed.toString('base64url')).ok, `byte ${i}`).toBe(false);
    }
    const forged = signTrackingToken(parseTrackingKeys(`k1:${randomBytes(32).toString('hex')}`), { ...click, target: 'https://evil.test/' });
    expect(verifyTrackingToken(keys, forged)).toEqual({ ok: false, reason: 'bad_signature' });
    for (const junk of ['', 'x', 'not a token!', 'A'.repeat(20000), raw.subarray(0, 20).toString('base64url')]) expect(verifyTrackingToken(keys, junk).ok).toBe(false);
  });

  it("give the redirect its target only for a click token we signed, unchanged (linkTargetOf)", () => {
    const keys = parseTrackingKeys(k1);
    const token = signTrackingToken(keys, click);
    expect(linkTargetOf(keys, token)).toBe('https://example.com/pricing?utm=x#top');
    const raw = Buffer.from(token, 'base64url');
    for (let i = 0; i < raw.length; i++) {
      const changed = Buffer.from(raw);
      changed[i] = changed[i]! ^ 0x01;
      expect(linkTargetOf(keys, changed.toString('base64url')), `byte ${i}`).toBeNull();
    }
    const open = signTrackingToken(keys, { ...click, kind: 'open', target: undefined });
    expect(open.length).toBeLessThanOrEqual(MAX_OPEN_TOKEN_CHARS);
    expect(linkTargetOf(keys, open)).toBeNull();
    expect(linkTargetOf(parseTrackingKeys(k2), token)).toBeNull();
    for (const junk of ['', 'x', 'not a token!', 'A'.repeat(20000), raw.subarray(0, 20).toString('base64url')]) expect(linkTargetOf(keys, junk)).toBeNull();
    // The signed token with a character that is not base64url (which Buffer's decoder would skip, stop at or
    // read as base64's), or with one more or one fewer character: refused, by the route and by the recorder.
    for (const c of ['+', '/', '=', ' ', '%', '.', '\u00e9', '\n']) {
      for (const at of [0, 10, token.length - 1]) {
        const changed = `${token.slice(0, at)}${c}${token.slice(at + 1)}`;
        expect(linkTargetOf(keys, changed), JSON.stringify(changed)).toBeNull();
        expect(verifyTrackingToken(keys, changed)).toEqual({ ok: false, reason: 'malformed' });
      }
    }
    for (const changed of [`${token}A`, `${token}AA`, token.slice(0, -1)]) expect(linkTargetOf(keys, changed), changed).toBeNull();
  });

  it('an open token of the longest recipient and key id fits MAX_OPEN_TOKEN_CHARS', () => {
    const keys = parseTrackingKeys(`k${'x'.repeat(15)}:${randomBytes(32).toString('hex')}`);
    const token = signTrackingToken(keys, { ...click, kind: 'open', target: undefined, recipient: `${'a'.repeat(64)}@${'b'.repeat(184)}.test` });
    expect(token.length).toBeLessThanOrEqual(MAX_OPEN_TOKEN_CHARS);
    expect(verifyTrackingToken(keys, token).ok).toBe(true);
  });

  it('carry a target as a valid Location value (IDN host in punycode, non-ASCII percent-encoded)', () => {
    const keys = parseTrackingKeys(k1);
    const token = signTrackingToken(keys, { ...click, target: 'https://exämple.test/preise/über?q=ä b' });
    expect(verifyTrackingToken(keys, token)).toMatchObject({ ok: true, claims: { target: 'https://xn--exmple-cua.test/preise/%C3%BCber?q=%C3%A4%20b' } });
  });

  it('never carry a target that is not an http(s) URL', () => {
    const keys = parseTrackingKeys(k1);
    for (const target of ['javascript:alert(1)', 'data:text/html,x', '/relative', 'mailto:a@b.test']) {
      expect(() => signTrackingToken(keys, { ...click, target })).toThrow(TrackingTokenError);
    }
  });

  it('keys: short secrets, bad ids and duplicates are refused with what to set', () => {
    expect(() => parseTrackingKeys(undefined)).toThrow(/TRACKING_KEYS/);
    expect(() => parseTrackingKeys('k1:abcd')).toThrow(/shorter than 32 bytes/);
    expect(() => parseTrackingKeys(`bad id:${randomBytes(32).toString('hex')}`)).toThrow(TrackingKeysError);
    expect(() => parseTrackingKeys(`${k1},${k1}`)).toThrow(/twice/);
  });
});
