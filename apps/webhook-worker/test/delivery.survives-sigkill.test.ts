// Events survive a SIGKILL: of the delivering worker in the middle of its POSTs (the next worker takes
// the stalled jobs and delivers every event; a repeat carries the same webhook-id), and of the process
// that wrote the changes (every change it committed has its event, delivered once a worker runs, and
// nothing else is sent).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@reply-sync/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createReceiver, verify, type Receiver } from './helpers/receiver';
import { createWebhookFixture, workerEnvSource, type WebhookFixture } from './helpers/webhook-fixture';

let fx: WebhookFixture | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close().catch(() => {});
  await fx?.cleanup();
});

describe('SIGKILL', () => {
  // The waits for a worker started through tsx are up to 60 s: on CI's 2 cores, while every package's tests
  // load at once, one took over 20 s to start and POST. What is tested is what survives the kill.
  it('of the delivering worker mid-POST: the next worker delivers every event', { timeout: 180_000 }, async () => {
    fx = await createWebhookFixture('sigkill-delivery');
    receiver = await createReceiver('hang');
    await receiver.listen();
    const { secret } = await fx.subscribe(receiver.url, ['inbox.connected']);
    for (let i = 0; i < 10; i++) await fx.connectInbox();
    const first = fx.spawnWorker({ WEBHOOK_TIMEOUT_MS: '20000' });
    await waitFor(() => receiver!.requests.length >= 10, { what: 'every POST in flight', timeoutMs: 60_000 });
    first.kill('SIGKILL');
    await first.exited;
    expect(receiver.deliveredIds().size).toBe(0);

    receiver.mode = 'ok';
    fx.spawnWorker();
    const events = await fx.eventIds();
    await waitFor(() => receiver!.deliveredIds().size === events.length, { what: 'every event delivered by the second worker', timeoutMs: 60_000 });
    expect([...receiver.deliveredIds()].sort()).toEqual([...events].sort());
    for (const request of receiver.requests) verify(secret, request);
    const perId = new Map<string, Set<string>>();
    for (const r of receiver.requests) perId.set(r.headers['webhook-id']!, (perId.get(r.headers['webhook-id']!) ?? new Set()).add(JSON.parse(r.body).data.inboxId));
    for (const inboxIds of perId.values()) expect(inboxIds.size).toBe(1); // a repeat is the same event
  });

  it('of the process that wrote the changes: every committed change is delivered, nothing else', { timeout: 180_000 }, async () => {
    fx = await createWebhookFixture('sigkill-writer');
    receiver = await createReceiver('ok');
    await receiver.listen();
    await fx.subscribe(receiver.url, ['inbox.connected']);
    const writer = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./helpers/write-changes.ts', import.meta.url))], {
      env: { ...process.env, ...workerEnvSource(fx.queueName), ACCOUNT_ID: fx.s.accountId },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let printed = '';
    writer.stdout!.on('data', (d: Buffer) => (printed += d.toString()));
    const exited = new Promise((resolve) => writer.once('exit', resolve));
    await waitFor(() => printed.split('\n').length > 20, { what: 'the writer committing', timeoutMs: 60_000 });
    writer.kill('SIGKILL');
    await exited;

    // No delivery worker ran while it wrote: the outbox alone holds the events.
    const committed = (await fx.s.inboxes.list()).map((i) => i.id);
    expect(committed.length).toBeGreaterThanOrEqual(20);
    for (const id of printed.match(/committed (\S+)/g)!.map((l) => l.slice(10))) expect(committed).toContain(id);
    fx.spawnWorker();
    await waitFor(() => receiver!.deliveredIds().size === committed.length, { what: 'an event per committed inbox', timeoutMs: 30_000 });
    const delivered = new Set(receiver.requests.map((r) => JSON.parse(r.body).data.inboxId as string));
    expect([...delivered].sort()).toEqual([...committed].sort());
  });
});
