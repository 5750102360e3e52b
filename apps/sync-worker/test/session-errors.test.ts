// What a session does about each class of error: auth and TLS disconnect at once (never retried in a
// loop), transient errors back off until they persist past the window, then server_unreachable.
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/backoff';
import { errorAction } from '../src/session-errors';

const now = new Date('2026-01-01T12:00:00Z');
const window = { now, disconnectAfterMs: 30 * 60_000 };

describe('errorAction', () => {
  it('disconnects a refused password with password_rejected', () => {
    expect(errorAction({ kind: 'auth', reason: 'password_rejected', detail: 'x' }, { ...window, firstErrorAt: null })).toEqual({
      kind: 'disconnect', reason: 'password_rejected',
    });
  });
  it('disconnects an untrusted certificate at once', () => {
    expect(errorAction({ kind: 'tls', detail: 'self-signed' }, { ...window, firstErrorAt: null })).toEqual({
      kind: 'disconnect', reason: 'tls_certificate_invalid',
    });
  });
  it('retries a transient error inside the window', () => {
    const firstErrorAt = new Date(now.getTime() - 29 * 60_000);
    expect(errorAction({ kind: 'transient', detail: 'ECONNREFUSED' }, { ...window, firstErrorAt })).toEqual({ kind: 'retry' });
  });
  it('disconnects with server_unreachable once transient errors persisted past the window', () => {
    const firstErrorAt = new Date(now.getTime() - 31 * 60_000);
    expect(errorAction({ kind: 'transient', detail: 'ETIMEDOUT' }, { ...window, firstErrorAt })).toEqual({
      kind: 'disconnect', reason: 'server_unreachable',
    });
  });
  it('disconnects a config error that has a reason (POP3 server)', () => {
    expect(errorAction({ kind: 'config', reason: 'pop3_not_supported', detail: '+OK' }, { ...window, firstErrorAt: null })).toEqual({
      kind: 'disconnect', reason: 'pop3_not_supported',
    });
  });
});

describe('backoffDelay', () => {
  it('grows exponentially with full jitter and a cap', () => {
    expect(backoffDelay(0, { baseMs: 500, maxMs: 60_000 }, () => 0)).toBe(250);
    expect(backoffDelay(0, { baseMs: 500, maxMs: 60_000 }, () => 1)).toBe(500);
    expect(backoffDelay(3, { baseMs: 500, maxMs: 60_000 }, () => 1)).toBe(4_000);
    expect(backoffDelay(20, { baseMs: 500, maxMs: 60_000 }, () => 1)).toBe(60_000);
  });
});
