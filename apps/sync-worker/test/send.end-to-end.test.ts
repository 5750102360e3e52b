// End to end on the real stack: `email send` submitted twice with one key makes one job and one email;
// the send worker sends it through Postfix; the recipient's reply, sent through the same Postfix, is
// logged on the contact's timeline by the sync worker.
import { afterEach, describe, expect, it } from 'vitest';
import { createSmtpTransport } from '@reply-sync/mail';
import { createRedisConnection, deleteFleet, enqueueSend, registerInboxes, waitForSend } from '@reply-sync/queue';
import { composeEmail, stack, uniqueName, waitFor } from '@reply-sync/testkit';
import { parseWorkerEnv } from '../src/env';
import { createLogger } from '../src/logger';
import { createMetrics } from '../src/metrics';
import { startWorker } from '../src/worker';
import { workerEnvSource } from './helpers/fixture';
import { createSendFixture, messagesIn, type SendFixture } from './send-helpers/send-fixture';

const closers: (() => Promise<unknown>)[] = [];
let fx: SendFixture | undefined;
afterEach(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  closers.length = 0;
  await fx?.cleanup();
  fx = undefined;
});

describe('send, then the reply', () => {
  it('sends once for a double submit, and the reply through Postfix lands on the timeline', async () => {
    fx = await createSendFixture('e2e');
    const sender = await fx.addSender();
    const contact = await fx.mailUser();

    // The sync fleet watches the sender's inbox.
    const inboxQueueName = uniqueName('q-e2e-inbox');
    const fleetRedis = createRedisConnection(stack.redisUrl, { forWorker: false });
    closers.push(async () => {
      await deleteFleet(fleetRedis, inboxQueueName);
      fleetRedis.disconnect();
    });
    const sync = await startWorker({
      env: parseWorkerEnv({ ...workerEnvSource(), REPLY_SYNC_QUEUE: inboxQueueName }),
      logger: createLogger({ level: 'warn' }),
      metrics: createMetrics({ defaultMetrics: false }),
      metricsPort: false,
    });
    closers.push(() => sync.close());
    await registerInboxes(fleetRedis, inboxQueueName, [{ accountId: fx.accountId, inboxId: sender.inboxId }]);
    await waitFor(async () => (await fx!.q.inboxes.get(sender.inboxId))?.uidvalidity, { what: 'the baseline checkpoint' });

    // The send queue and its worker; the same key submitted twice.
    const { queue: sendQueue, events } = await fx.sendQueue();
    const data = await fx.job(sender, { to: [contact.address] });
    const job = await enqueueSend(sendQueue, data);
    const twice = await enqueueSend(sendQueue, data);
    expect(twice.id).toBe(job.id);
    const result = await waitForSend(job, events, 30_000);
    expect(result).toMatchObject({ sentCopyStatus: 'appended', alreadySent: false });
    await waitFor(async () => (await messagesIn(contact, 'INBOX')).some((m) => m.messageId === result.messageId), { what: 'the send in the INBOX', timeoutMs: 15_000 });

    // The contact replies from their own mailbox, through the same Postfix.
    const replyId = `<${uniqueName('reply')}@${stack.profiles.standard.domain}>`;
    const raw = await composeEmail({
      from: contact.address,
      to: sender.mailUser.address,
      subject: `Re: ${(await fx.outgoing(data)).subject}`,
      messageId: replyId,
      inReplyTo: result.messageId,
      references: result.messageId,
      text: 'Sounds good, let us talk on Monday.',
    });
    const transport = createSmtpTransport(
      { host: stack.smtp.host, port: stack.smtp.submissionPort, tls: 'starttls' },
      { kind: 'password', username: contact.user, password: contact.password },
      { ca: stack.caCert },
    );
    try {
      await transport.sendMail({ envelope: { from: contact.address, to: [sender.mailUser.address] }, raw });
    } finally {
      transport.close();
    }

    const logged = await waitFor(
      async () => (await fx!.q.timeline.forContact(contact.address)).find((e) => e.messageIdNorm === replyId.slice(1, -1).toLowerCase()),
      { what: 'the reply on the timeline', timeoutMs: 20_000 },
    );
    expect(logged.threadId).toBe(result.threadId);
    expect(await messagesIn(contact, 'INBOX')).toHaveLength(1);
  });
});
