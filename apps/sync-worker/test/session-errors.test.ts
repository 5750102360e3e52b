// What a session does about each class of error: auth and TLS disconnect at once (never retried in a
// loop), transient errors back off until they persist past the window, then server_unreachable; a
// provider throttling the account is waited out with its own backoff and never disconnects.
import { lastErrorFor, THROTTLE_REASONS, THROTTLE_SENTENCES, type MailErrorClass } from '@reply-sync/mail';
import { describe, expect, it } from 'vitest';
import { backoffDelay, reconnectDelay, retryDelay, THROTTLE_BACKOFF, throttleDelay } from '../src/backoff';
import { errorAction } from '../src/session-errors';

const now = new Date('2026-01-01T12:00:00Z');
const window = { now, disconnectAfterMs: 30 * 60_000 };
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const low = () => 0;
const high = () => 1;

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
  it('retries a transient error inside the window, after the schedule\'s delay', () => {
    expect(errorAction({ kind: 'transient', detail: 'ECONNREFUSED' }, { ...window, firstErrorAt: minutesAgo(29), random: high })).toEqual({
      kind: 'retry', delayMs: 250,
    });
  });
  it('disconnects with server_unreachable once transient errors persisted past the window', () => {
    expect(errorAction({ kind: 'transient', detail: 'ETIMEDOUT' }, { ...window, firstErrorAt: minutesAgo(31) })).toEqual({
      kind: 'disconnect', reason: 'server_unreachable',
    });
  });
  it('disconnects a config error that has a reason (POP3 server)', () => {
    expect(errorAction({ kind: 'config', reason: 'pop3_not_supported', detail: '+OK' }, { ...window, firstErrorAt: null })).toEqual({
      kind: 'disconnect', reason: 'pop3_not_supported',
    });
  });

  it.each(THROTTLE_REASONS)('%s never disconnects, even long past the window, and waits its own backoff', (throttle) => {
    const error: MailErrorClass = { kind: 'transient', throttle, detail: 'the server said so' };
    for (const firstErrorAt of [null, minutesAgo(31), minutesAgo(24 * 60)]) {
      const action = errorAction(error, { ...window, firstErrorAt, attempt: 5 });
      expect(action).toMatchObject({ kind: 'retry', throttle });
      if (action.kind !== 'retry') continue;
      expect(action.delayMs).toBeGreaterThanOrEqual(Math.min(THROTTLE_BACKOFF[throttle].maxMs, 2 ** 5 * THROTTLE_BACKOFF[throttle].baseMs));
    }
    // what the session records as the inbox's last error names the throttling
    expect(lastErrorFor(error)).toContain(THROTTLE_SENTENCES[throttle]);
  });
});

describe('retryDelay: the wait before the next login', () => {
  it('ordinary errors: fast first retries (0.125-0.25 s, then doubling), capped at 2 s while the outage is young', () => {
    expect([0, 1, 2, 3, 4, 8].map((a) => reconnectDelay(a, 0, high))).toEqual([250, 500, 1_000, 2_000, 2_000, 2_000]);
    expect(reconnectDelay(0, 0, low)).toBe(125);
    // 3 s into an outage every wait is at most 2 s: the restart costs at most 2 s more than itself
    for (let a = 0; a < 20; a++) expect(reconnectDelay(a, 3_000, high)).toBeLessThanOrEqual(2_000);
  });
  it('ordinary errors: the wait grows with the outage (an eighth of it) up to a minute', () => {
    expect(reconnectDelay(20, 40_000, high)).toBe(5_000);
    expect(reconnectDelay(20, 4 * 60_000, high)).toBe(30_000);
    expect(reconnectDelay(20, 10 * 60_000, high)).toBe(60_000);
    expect(reconnectDelay(20, 10 * 60_000, low)).toBe(30_000);
  });
  it('throttles: never less than the code\'s base, doubling to its cap, up to 50 % jitter', () => {
    expect(throttleDelay('gmail_bandwidth_exceeded', 0, undefined, low)).toBe(20 * 60_000);
    expect(throttleDelay('gmail_bandwidth_exceeded', 9, undefined, high)).toBe(3 * 60 * 60_000);
    expect(throttleDelay('too_many_connections', 0, undefined, low)).toBe(2 * 60_000);
    expect(throttleDelay('gmail_throttled', 0, undefined, high)).toBe(45_000);
    expect(throttleDelay('gmail_throttled', 9, undefined, low)).toBe(5 * 60_000);
    expect(throttleDelay('office365_not_connected', 0, undefined, low)).toBe(60_000);
    expect(throttleDelay('server_unavailable', 0, undefined, low)).toBe(2_000);
  });
  it("follows Microsoft's suggested backoff when it gave one (at least a second)", () => {
    expect(throttleDelay('office365_throttled', 0, 62_415, low)).toBe(62_415);
    expect(throttleDelay('office365_throttled', 0, 0, low)).toBe(1_000);
    expect(retryDelay({ throttle: 'office365_throttled', retryAfterMs: 10_000 }, { attempt: 3, failingForMs: 0, random: high })).toBe(12_000);
  });
  it('picks the schedule from the error', () => {
    expect(retryDelay({}, { attempt: 0, failingForMs: 0, random: high })).toBe(250);
    expect(retryDelay({ throttle: 'too_many_connections' }, { attempt: 0, failingForMs: 0, random: low })).toBe(120_000);
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
