// The pure parts of the web sign-in: the signed state (tampering, other keys, expiry) and the success-URL
// allow-list (relative paths of ours, prefixes of the operator's list, nothing that redirects elsewhere).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newNonce, signState, verifyState, type SignInState } from '../src/web-sign-in/sign-in-state';
import { allowedSuccessUrl } from '../src/web-sign-in/success-url';

const key = randomBytes(32);
const state: SignInState = {
  accountId: '7d4b3f0e-0000-4000-8000-000000000001',
  provider: 'gmail',
  userId: '7d4b3f0e-0000-4000-8000-000000000002',
  inboxId: null,
  expectUsername: null,
  successUrl: null,
  nonce: newNonce(),
  expiresAt: 2_000_000_000,
};

describe('the sign-in state', () => {
  it('verifies what this key signed, until it expires', () => {
    const token = signState(state, key);
    expect(verifyState(token, key, 1_999_999_999_000)).toEqual({ ok: true, state });
    expect(verifyState(token, key, 2_000_000_000_000)).toEqual({ ok: false, refusal: 'oauth_state_expired' });
  });

  it('refuses another key, a changed claim, a changed signature and garbage', () => {
    const token = signState(state, key);
    const [v, body, sig] = token.split('.') as [string, string, string];
    const changed = Buffer.from(JSON.stringify({ ...state, accountId: '7d4b3f0e-0000-4000-8000-000000000009' })).toString('base64url');
    for (const bad of [signState(state, randomBytes(32)), `${v}.${changed}.${sig}`, `${v}.${body}.${sig.slice(0, -2)}AA`, 'v1..', 'v2.a.b', 'x', `${token}.extra`]) {
      expect(verifyState(bad, key, 0), bad).toEqual({ ok: false, refusal: 'oauth_state_invalid' });
    }
    expect(verifyState(undefined, key, 0)).toEqual({ ok: false, refusal: 'oauth_state_missing' });
  });
});

describe('allowedSuccessUrl', () => {
  const api = 'https://api.example.com';
  const allowed = ['https://crm.example.com/settings/', 'https://app.example.org'];
  it.each([
    ['/done?x=1', 'https://api.example.com/done?x=1'],
    ['https://crm.example.com/settings/inboxes', 'https://crm.example.com/settings/inboxes'],
    ['https://app.example.org/anything', 'https://app.example.org/anything'],
  ])('allows %s', (wanted, out) => expect(allowedSuccessUrl(wanted, api, allowed)).toBe(out));
  it('reads an entry without a trailing slash as that path and below', () => {
    expect(allowedSuccessUrl('https://crm.example.com/settings', api, ['https://crm.example.com/settings'])).toBe('https://crm.example.com/settings');
    expect(allowedSuccessUrl('https://crm.example.com/settings/x', api, ['https://crm.example.com/settings'])).toBe('https://crm.example.com/settings/x');
    expect(allowedSuccessUrl('https://crm.example.com/settingsevil', api, ['https://crm.example.com/settings'])).toBeNull();
  });
  it.each(['https://crm.example.com/settings', '//evil.example/x', '/\\evil.example', 'https://crm.example.com/settingsevil', 'https://crm.example.com/', 'http://crm.example.com/settings/x', 'https://evil.example/', 'javascript:alert(1)', 'https://user:pw@app.example.org/', 'data:text/html,x'])(
    'refuses %s',
    (wanted) => expect(allowedSuccessUrl(wanted, api, allowed)).toBeNull(),
  );
});
