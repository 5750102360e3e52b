// A password inbox disconnected or removed while its session sits in IDLE: the session ends within
// seconds (not at the next watchdog tick, set here to the 2-minute default) and a reply delivered a
// second later never reaches the timeline. The paths are the real ones: markDisconnected as the send
// path does on a 535, and `reply-sync inbox remove` run as an operator runs it. Also: a credentials
// change ends the session and a new one takes its place, and the worker's listener survives a
// PostgreSQL restart (a disconnect missed while the database was away still ends the session).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseEncryptionKeys } from '@reply-sync/db';
import { createImapClient } from '@reply-sync/mail';
import { imapSessions, stack, startOutageProxy, waitFor, type OutageProxy } from '@reply-sync/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseWorkerEnv } from '../src/env';
import { createLogger } from '../src/logger';
import { createMetrics } from '../src/metrics';
import { startWorker, type RunningWorker } from '../src/worker';
import { closeTestDb, createFixture, workerEnvSource, type Fixture } from './helpers/fixture';
import {
  expectSessionEndsAndReplyIsNotLogged,
  PRODUCTION_WATCHDOG,
  SESSION_GONE_WITHIN_MS,
  waitForIdleSession,
} from './helpers/session-end';

const CLI = fileURLToPath(new URL('../../cli/bin/reply-sync.mjs', import.meta.url));
const run = promisify(execFile);

let fx: Fixture | undefined;
let proxy: OutageProxy | undefined;
let own: RunningWorker | undefined;
afterEach(async () => {
  await own?.close();
  await fx?.cleanup();
  await proxy?.close();
  fx = proxy = own = undefined;
});
afterAll(closeTestDb);

async function idleWorker(name: string, env: Record<string, string> = {}) {
  fx = await createFixture(name);
  const f = fx;
  await f.enqueue();
  const worker = await f.startWorker({ ...PRODUCTION_WATCHDOG, ...env });
  const pid = await waitForIdleSession(worker, f.mailUser);
  return { f, worker, pid };
}

function afterDisconnect(f: Fixture, worker: Awaited<ReturnType<Fixture['startWorker']>>, disconnectedAt: Date) {
  return {
    worker,
    mailUser: f.mailUser,
    q: f.q,
    inboxId: f.inboxId,
    contactEmail: f.contact.email,
    disconnectedAt,
    deliverReply: () => f.deliverReply(),
  };
}

describe('a password inbox disconnected during IDLE', () => {
  it('marked disconnected the way the send path does on a 535: the session ends within seconds and a later reply is not logged', async () => {
    const { f, worker } = await idleWorker('disc-535');
    const change = await f.q.inboxes.markDisconnected(f.inboxId, 'password_rejected', '535 5.7.8 Error: authentication failed');
    const goneAfterMs = await expectSessionEndsAndReplyIsNotLogged(afterDisconnect(f, worker, change.statusSince));
    console.info(`[figure] markDisconnected → IMAP session gone: ${goneAfterMs} ms`);
  });

  it('removed with `reply-sync inbox remove`: the session ends within seconds and a later reply is not logged', async () => {
    const { f, worker } = await idleWorker('disc-cli');
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', DATABASE_URL: stack.databaseUrl };
    const { stdout } = await run(process.execPath, [CLI, 'inbox', 'remove', f.inboxId, '--account', f.accountId, '--json'], { env, timeout: 30_000 });
    expect(JSON.parse(stdout)).toMatchObject({ id: f.inboxId, status: 'removed' });
    const row = (await f.q.inboxes.get(f.inboxId))!;
    const goneAfterMs = await expectSessionEndsAndReplyIsNotLogged(afterDisconnect(f, worker, row.statusSince));
    console.info(`[figure] inbox remove → IMAP session gone: ${goneAfterMs} ms`);
  });

  it('given new credentials: the old session ends within seconds and a new one takes its place', async () => {
    const { f, worker, pid } = await idleWorker('disc-creds');
    const keys = parseEncryptionKeys(stack.encryptionKeys);
    const changedAt = Date.now();
    await f.q.inboxes.reconnect(f.inboxId, { password: f.mailUser.password }, keys);
    const pids = await waitFor(async () => {
      const now = await imapSessions(f.mailUser);
      return now.length === 1 && now[0] !== pid ? now : undefined;
    }, { what: 'the old session replaced by a new one', timeoutMs: SESSION_GONE_WITHIN_MS, intervalMs: 20 });
    console.info(`[figure] credentials change → new IMAP session: ${Date.now() - changedAt} ms`);
    expect(pids).not.toContain(pid);
    expect(worker.holds(f.inboxId)).toBe(true);
    expect(worker.activeSessions()).toBe(1);
    // The new session logs replies as before.
    const replyId = await f.deliverReply();
    await waitFor(async () => (await f.q.timeline.forContact(f.contact.email)).find((e) => e.messageIdNorm === replyId), { what: 'the reply on the timeline', timeoutMs: 10_000 });
  });
});

describe('a session logging in while its inbox is disconnected', () => {
  it('after a run of transient errors, its login does not bring the inbox back: it stays disconnected and the session ends', async () => {
    fx = await createFixture('disc-revive');
    const f = fx;
    // A run of transient errors is open: the session's next successful login ends it.
    await f.q.inboxes.recordTransientError(f.inboxId, 'connect ECONNREFUSED 127.0.0.1:51143');
    await f.enqueue();
    let disconnectedAt: Date | undefined;
    own = await startWorker({
      env: parseWorkerEnv({ ...workerEnvSource(), REPLY_SYNC_QUEUE: f.queueName, ...PRODUCTION_WATCHDOG }),
      logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'warn' }),
      metrics: createMetrics({ defaultMetrics: false }),
      metricsPort: false,
      // The real client; the send path's 535 disconnects the inbox while this session is logging in
      // with the password it loaded a moment before.
      createClient: (settings, credentials, options) => {
        const client = createImapClient(settings, credentials, options);
        const connect = client.connect.bind(client);
        client.connect = async () => {
          disconnectedAt ??= (await f.q.inboxes.markDisconnected(f.inboxId, 'password_rejected', '535 5.7.8 Error: authentication failed')).statusSince;
          return connect();
        };
        return client;
      },
    });
    await waitFor(() => disconnectedAt, { what: 'the disconnect during the login', timeoutMs: 10_000 });
    const goneAfterMs = await expectSessionEndsAndReplyIsNotLogged(afterDisconnect(f, own, disconnectedAt!));
    console.info(`[figure] disconnect during login → IMAP session gone: ${goneAfterMs} ms`);
    expect(await f.q.inboxes.get(f.inboxId)).toMatchObject({ status: 'disconnected', disconnectReason: 'password_rejected' });
    expect((await f.q.inboxes.history(f.inboxId)).map((h) => h.status)).toEqual(['disconnected', 'connected']);
  });
});

describe('the worker across a PostgreSQL restart', () => {
  it('re-listens when the database is back and ends a session whose inbox was disconnected meanwhile', async () => {
    const db = new URL(stack.databaseUrl);
    proxy = await startOutageProxy({ host: db.hostname, port: Number(db.port) });
    const p = proxy;
    const { f, worker } = await idleWorker('disc-pg-restart', { DATABASE_URL: p.urlFor(stack.databaseUrl) });

    // The worker's connections are reset and refused, as during a restart; the notification of this
    // disconnect (committed on the test's own connection) never reaches the worker.
    p.cut();
    const change = await f.q.inboxes.markDisconnected(f.inboxId, 'password_rejected', '535 5.7.8 Error: authentication failed');
    // The database stays away for a while: the listener's first reconnect attempts fail.
    await waitFor(() => (Date.now() - change.statusSince.getTime() >= 1_500 ? true : undefined), { what: 'the outage to last', timeoutMs: 5_000, intervalMs: 20 });
    expect(await imapSessions(f.mailUser)).toHaveLength(1);
    p.restore();
    const backAt = new Date();
    const goneAfterMs = await expectSessionEndsAndReplyIsNotLogged(afterDisconnect(f, worker, backAt));
    console.info(`[figure] database back → IMAP session gone: ${goneAfterMs} ms`);
  });
});
