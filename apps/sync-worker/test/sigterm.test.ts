// SIGTERM on a worker process (src/main.ts, as deployed) alone in its fleet: it leaves the fleet, ends
// its sessions (LOGOUT) and exits 0; the inbox stays registered. A worker started next takes the inbox
// and logs what arrived meanwhile. (Handing over to other workers: fleet.rebalancing.test.ts.)
import { afterEach, describe, expect, it } from 'vitest';
import { imapSessions, waitFor } from '@reply-sync/testkit';
import { registeredInboxIds } from '@reply-sync/queue';
import { createFixture, type Fixture } from './helpers/fixture';
import { spawnWorkerProcess, stopAllWorkerProcesses } from './helpers/worker-process';

let fx: Fixture;
afterEach(async () => {
  stopAllWorkerProcesses();
  await fx?.cleanup();
});

describe('SIGTERM', () => {
  it('ends the sessions, leaves the inbox registered and exits 0', { timeout: 150_000 }, async () => {
    fx = await createFixture('sigterm');
    await fx.enqueue();
    const worker = spawnWorkerProcess(fx.queueName, { LOG_LEVEL: 'info' });
    await waitFor(async () => (await fx.q.inboxes.get(fx.inboxId))?.uidvalidity, { what: 'the session baseline', timeoutMs: 60_000 });
    await waitFor(async () => (await imapSessions(fx.mailUser)).length === 1, { what: 'the IMAP session on the server' });

    worker.child.kill('SIGTERM');
    const code = await Promise.race([worker.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))]);
    expect(code, worker.output()).toBe(0);
    expect(await imapSessions(fx.mailUser)).toEqual([]);
    expect(await registeredInboxIds(fx.redis, fx.queueName)).toEqual([fx.inboxId]);
    expect(worker.output()).toContain('sync worker stopped');
    // Nothing ever went to stdout but JSON lines, and no password among them.
    expect(worker.output()).not.toContain(fx.mailUser.password);

    // The reply that arrives while no worker runs is logged by the next one.
    const reply = await fx.deliverReply();
    await fx.startWorker();
    await waitFor(async () => fx.q.emails.getByMessageId(reply), { what: 'the reply logged by the next worker', timeoutMs: 60_000 });
  });
});
