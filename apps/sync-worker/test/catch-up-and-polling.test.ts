// Catch-up after downtime reads everything after the checkpoint in bounded batches (nothing missed,
// checkpoint at the end), and a server without IDLE is polled with NOOP instead.
import { afterEach, describe, expect, it } from 'vitest';
import { createImapClient } from '@reply-sync/mail';
import { waitFor } from '@reply-sync/testkit';
import { createFixture, type Fixture } from './helpers/fixture';
import { runInboxSession } from '../src/inbox-session';
import { createLogger } from '../src/logger';
import { createMetrics } from '../src/metrics';
import { parseWorkerEnv } from '../src/env';
import { workerEnvSource } from './helpers/fixture';

let fx: Fixture;
const stops: AbortController[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) s.abort();
  await fx?.cleanup();
});

describe('catch-up', () => {
  it('reads every message after the checkpoint in batches and moves the checkpoint to the end', async () => {
    fx = await createFixture('catchup');
    await fx.enqueue();
    const first = await fx.startWorker();
    await waitFor(async () => (await fx.q.inboxes.get(fx.inboxId))?.uidvalidity, { what: 'the baseline' });
    await first.close();
    const baseline = (await fx.q.inboxes.get(fx.inboxId))!.lastUid!;

    const replies: string[] = [];
    for (let i = 0; i < 7; i++) {
      replies.push(await fx.deliverReply());
      if (i % 2 === 0) await fx.deliverReply({ inReplyTo: undefined, references: undefined, subject: `news ${i}` });
    }
    await fx.startWorker({ CATCH_UP_BATCH_SIZE: '3' });
    await waitFor(async () => (await fx.q.inboxes.get(fx.inboxId))?.lastUid === baseline + 11, { what: 'the checkpoint at the end' });
    const decisions = await fx.decisions();
    expect(decisions.map((d) => d.uid)).toEqual(Array.from({ length: 11 }, (_, i) => baseline + 1 + i));
    expect(decisions.filter((d) => d.reasonCode === 'logged').map((d) => d.messageIdNorm).sort()).toEqual([...replies].sort());
    expect(decisions.filter((d) => d.reasonCode === 'not_a_reply')).toHaveLength(4);
  });
});

describe('a server without IDLE', () => {
  it('is polled with NOOP and new replies are still logged', async () => {
    fx = await createFixture('poll');
    const env = parseWorkerEnv(workerEnvSource());
    const stop = new AbortController();
    stops.push(stop);
    let idleCalls = 0;
    const done = runInboxSession(
      {
        db: fx.db.db,
        keys: env.encryptionKeys,
        logger: createLogger({ level: 'warn' }),
        metrics: createMetrics({ defaultMetrics: false }),
        ...(env.tlsCa ? { tlsCa: env.tlsCa } : {}),
        config: { sessionMaxMs: 30_000, watchdogIntervalMs: 60_000, pollIntervalMs: 300, transientDisconnectAfterMs: 60_000, catchUpBatchSize: 50 },
        createClient: (settings, credentials, options) => {
          const client = createImapClient(settings, credentials, options);
          const connect = client.connect.bind(client);
          client.connect = async () => {
            await connect();
            client.capabilities.delete('IDLE'); // as if the server never offered it
          };
          const idle = client.idle.bind(client);
          client.idle = async (...args: Parameters<typeof idle>) => {
            idleCalls++;
            return idle(...args);
          };
          return client;
        },
      },
      { accountId: fx.accountId, inboxId: fx.inboxId },
      stop.signal,
    );
    await waitFor(async () => (await fx.q.inboxes.get(fx.inboxId))?.uidvalidity, { what: 'the baseline' });
    const reply = await fx.deliverReply();
    await waitFor(async () => fx.q.emails.getByMessageId(reply), { what: 'the reply logged by polling', timeoutMs: 10_000 });
    stop.abort();
    expect((await done).kind).toBe('requeue');
    expect(idleCalls).toBe(0);
  });
});
