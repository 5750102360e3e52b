// A Dovecot restart as the sessions see it: every connection is reset, then connects are refused for
// 3 s (a loopback proxy in front of the stack's Dovecot stops listening), then the server is back. Each
// of 20 real imapflow clients reconnects the way a session does (classifyMailError → errorAction →
// wait its delayMs → connect + EXAMINE again), and each must be back within about 2 s of the server:
// the restart costs a few seconds, not the 30 s the old backoff stretched it to.
import { classifyMailError, createImapClient, type MailCredentials } from '@reply-sync/mail';
import { createMailUser, removeMailUser, stack, startOutageProxy, type MailUser, type OutageProxy } from '@reply-sync/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../src/backoff';
import { errorAction } from '../src/session-errors';

const CLIENTS = 20;
const OUTAGE_MS = 3_000;

let proxy: OutageProxy | undefined;
let user: MailUser | undefined;
afterEach(async () => {
  await proxy?.close();
  if (user) await removeMailUser(user).catch(() => undefined);
  proxy = user = undefined;
});

/** Connects and opens INBOX read-only; resolves with a client whose 'close' the caller listens to. */
async function openSession(port: number, credentials: MailCredentials) {
  const client = createImapClient({ host: '127.0.0.1', port, tls: 'none' }, credentials, { connectTimeoutMs: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.mailboxOpen('INBOX', { readOnly: true });
    return client;
  } catch (error) {
    client.close();
    throw error;
  }
}

/** The session's reconnect loop after its connection dropped at `droppedAt`; resolves when it is back. */
async function reconnect(port: number, credentials: MailCredentials, droppedAt: number): Promise<{ backAt: number; attempts: number }> {
  const firstErrorAt = new Date(droppedAt);
  for (let attempt = 0; ; attempt++) {
    let failure: unknown = Object.assign(new Error('The IMAP server closed the connection'), { code: 'EConnectionClosed' });
    if (attempt > 0) {
      try {
        const client = await openSession(port, credentials);
        const backAt = Date.now();
        await client.logout().catch(() => client.close());
        return { backAt, attempts: attempt };
      } catch (error) {
        failure = error;
      }
    }
    const action = errorAction(classifyMailError(failure, credentials), { firstErrorAt, now: new Date(), disconnectAfterMs: 30 * 60_000, attempt });
    if (action.kind !== 'retry') throw new Error(`unexpected ${action.reason} for ${String(failure)}`);
    await sleep(action.delayMs);
  }
}

describe('reconnect after a server restart', () => {
  it(`${CLIENTS} sessions are back within ~2 s of a server that refused connections for 3 s`, async () => {
    user = await createMailUser();
    const credentials: MailCredentials = { kind: 'password', username: user.user, password: user.password };
    proxy = await startOutageProxy({ host: stack.profiles.standard.host, port: stack.profiles.standard.imapPort });
    const port = proxy.port;
    const sessions = await Promise.all(Array.from({ length: CLIENTS }, () => openSession(port, credentials)));

    const dropped = sessions.map(
      (client) =>
        new Promise<number>((resolve) => {
          client.on('close', () => resolve(Date.now()));
        }),
    );
    const cutAt = Date.now();
    proxy.cut({ refuse: true });
    const reconnected = Promise.all(dropped.map(async (at) => reconnect(port, credentials, await at)));
    await sleep(OUTAGE_MS);
    await proxy.restore();
    const upAt = Date.now();
    const results = await reconnected;

    const lags = results.map((r) => r.backAt - upAt).sort((a, b) => a - b);
    const attempts = results.map((r) => r.attempts);
    console.log(
      `server down ${upAt - cutAt} ms; back after it: p50 ${lags[Math.floor(CLIENTS / 2)]} ms, max ${lags[CLIENTS - 1]} ms; attempts per session ${Math.min(...attempts)}-${Math.max(...attempts)}`,
    );
    // At most 2 s of backoff (an eighth of the outage, at least 2 s) plus a login on loopback.
    expect(lags[CLIENTS - 1]).toBeLessThan(2_600);
    // Fast, but not a hammering: the first retries double from 0.25 s.
    expect(Math.max(...attempts)).toBeLessThanOrEqual(10);
  });
});
