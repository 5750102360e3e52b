// The webhook outbox with the real writer: a sync worker SIGKILLed in the middle of logging replies
// leaves exactly one `email.logged` event per reply it committed and none for the rest (the event
// commits with the reply); the next worker logs the rest, each with its one event. No webhook worker
// runs here: the events wait in the outbox (apps/webhook-worker's tests deliver them).
import { openImap, waitFor } from '@reply-sync/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { parseWorkerEnv } from '../src/env';
import { createFixture, workerEnvSource, type Fixture } from './helpers/fixture';
import { spawnWorkerProcess, stopAllWorkerProcesses } from './helpers/worker-process';

let fx: Fixture;
afterEach(async () => {
  stopAllWorkerProcesses();
  await fx?.cleanup();
});

const REPLIES = 40;

async function eventsAndReplies(fx: Fixture) {
  const events = await fx.db.sql<{ email_id: string }[]>`
    SELECT payload->>'emailId' AS email_id FROM webhook_events WHERE account_id = ${fx.accountId} AND type = 'email.logged' AND payload->>'source' = 'reply_sync'`;
  const emails = await fx.db.sql<{ id: string }[]>`SELECT id FROM logged_emails WHERE account_id = ${fx.accountId} AND source = 'reply_sync'`;
  return { events: events.map((e) => e.email_id).sort(), emails: emails.map((e) => e.id).sort() };
}

describe('webhook outbox and a SIGKILLed sync worker', () => {
  it('every committed reply has exactly one email.logged event, and nothing else has one', { timeout: 120_000 }, async () => {
    fx = await createFixture('outbox-sigkill');
    const keys = parseWorkerEnv(workerEnvSource()).encryptionKeys;
    await fx.q.webhooks.create({ url: 'https://crm.example/hooks', eventTypes: ['email.logged'], secret: 'whsec_dGVzdA==' }, keys);
    const imap = await openImap(fx.mailUser);
    try {
      const status = await imap.status('INBOX', { uidNext: true, uidValidity: true });
      if (!status || status.uidNext === undefined) throw new Error('STATUS INBOX failed');
      await fx.q.inboxes.saveCheckpoint(fx.db.db, fx.inboxId, { uidvalidity: Number(status.uidValidity), lastUid: status.uidNext - 1 });
      for (let i = 0; i < REPLIES; i++) await imap.append('INBOX', (await fx.reply({ text: `Reply ${i}.` })).raw);
    } finally {
      await imap.logout().catch(() => imap.close());
    }
    await fx.enqueue();
    const worker = spawnWorkerProcess(fx.queueName, { CATCH_UP_BATCH_SIZE: '1' });
    await waitFor(async () => (await eventsAndReplies(fx)).emails.length >= 4, { what: 'replies being logged', timeoutMs: 30_000, intervalMs: 10 });
    worker.child.kill('SIGKILL');
    await worker.exited;

    const atKill = await eventsAndReplies(fx);
    expect(atKill.emails.length, 'the worker logged every reply before it was killed; the test needs more').toBeLessThan(REPLIES);
    expect(atKill.events).toEqual(atKill.emails);

    await fx.startWorker();
    await waitFor(async () => (await eventsAndReplies(fx)).emails.length === REPLIES, { what: 'the second worker logging the rest', timeoutMs: 60_000 });
    const done = await eventsAndReplies(fx);
    expect(done.events).toEqual(done.emails); // one event per reply, none duplicated, none lost
  });
});
