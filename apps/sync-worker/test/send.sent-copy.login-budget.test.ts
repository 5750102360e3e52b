// The Sent copy is a short extra IMAP connection beside the inbox's IDLE session, so it takes one of
// the account's slots in the fleet's login budget (Gmail allows 15 connections per account, shared
// with the user's own apps): with every slot held elsewhere it waits, and files the copy once one frees.
import { createLoginBudget, createRedisConnection, type LoginBudget } from '@reply-sync/queue';
import { stack, waitFor } from '@reply-sync/testkit';
import type { RedisConnection as Redis } from '@reply-sync/queue';
import { afterEach, describe, expect, it } from 'vitest';
import { sendEmail } from '../src/send/send-email';
import { createSendFixture, messagesIn, type SendFixture } from './send-helpers/send-fixture';

let fx: SendFixture | undefined;
let redis: Redis | undefined;
afterEach(async () => {
  await fx?.cleanup();
  await redis?.quit().catch(() => redis?.disconnect());
  fx = redis = undefined;
});

function budgetWithOneSlot(): LoginBudget {
  redis = createRedisConnection(stack.redisUrl, { forWorker: false });
  return createLoginBudget(redis, { defaultRate: { perSecond: 100, burst: 10 }, hostRates: new Map(), extraConnectionsPerAccount: 1 }, { prefix: `test-sent-copy-${Date.now()}` });
}

describe("a send's Sent copy and the account's connection slots", () => {
  it('waits while the only slot is held by another connection, then files the copy', async () => {
    fx = await createSendFixture('sent-copy-budget');
    const sender = await fx.addSender();
    const recipient = await fx.mailUser();
    const budget = budgetWithOneSlot();
    const held = await budget.acquireConnection({ host: stack.profiles.standard.host, username: sender.mailUser.user.toUpperCase() });
    const job = await fx.job(sender, { to: [recipient.address] });

    const sending = sendEmail(job, fx.deps({ budget }));
    // SMTP is not held back (the slots are IMAP connections): the email is sent and logged...
    await waitFor(async () => (await fx!.outgoing(job)).status === 'sent', { what: 'the email sent', timeoutMs: 15_000 });
    await new Promise((r) => setTimeout(r, 500));
    // ...but its copy waits for the slot
    expect(await messagesIn(sender.mailUser, 'Sent')).toHaveLength(0);
    await held.release();
    expect(await sending).toMatchObject({ sentCopyStatus: 'appended' });
    expect(await messagesIn(sender.mailUser, 'Sent')).toHaveLength(1);
  });
});
