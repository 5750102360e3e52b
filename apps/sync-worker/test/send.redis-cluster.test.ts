// The send worker on the stack's Redis Cluster: sends from several inboxes (their shards on different
// primaries) are sent once each through Postfix, a key submitted twice is one job, and a failover of a
// sender's primary between the sends leaves none unsent or sent twice.
import { enqueueSend, sendShardOf, waitForSend, type SendRequest } from '@reply-sync/queue';
import { redisCluster, stack, waitFor, type MailUser } from '@reply-sync/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createSendFixture, messagesIn, type SendFixture } from './send-helpers/send-fixture';

const closers: (() => Promise<unknown>)[] = [];
let fx: SendFixture | undefined;
afterEach(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  closers.length = 0;
  await fx?.cleanup();
  fx = undefined;
});

/** The Message-IDs in a mailbox, once `count` messages are in. */
async function arrived(user: MailUser, count: number): Promise<string[]> {
  return waitFor(
    async () => {
      const ids = (await messagesIn(user, 'INBOX')).map((m) => m.messageId ?? '');
      return ids.length >= count ? ids : undefined;
    },
    { what: `${count} messages in ${user.address}'s INBOX`, timeoutMs: 20_000 },
  );
}

describe('the send worker on a Redis Cluster', () => {
  it('sends every email once from inboxes on different shards, through a failover of one of them', async () => {
    fx = await createSendFixture('cluster');
    const cluster = redisCluster();
    closers.push(() => cluster.close());
    const senders = [await fx.addSender(), await fx.addSender(), await fx.addSender()];
    const recipient = await fx.mailUser();
    const { queue, events } = await fx.sendQueue({ redisUrl: stack.redisClusterUrl });
    const send = async (request: SendRequest) => waitForSend(await enqueueSend(queue, request), events, 30_000);

    // Before the failover: one email from each inbox, the first key submitted a second time.
    const before = await Promise.all(senders.map((s) => fx!.job(s, { to: [recipient.address] })));
    const twice = await enqueueSend(queue, before[0]!);
    const first = await Promise.all(before.map(send));
    expect((await waitForSend(twice, events, 30_000)).messageId).toBe(first[0]!.messageId);

    // The primary of the first sender's shard hands over to its replica; sends go on.
    const failover = await cluster.failover(queue.forInbox(senders[0]!.inboxId).keys.wait!);
    const after = await Promise.all(senders.map((s) => fx!.job(s, { to: [recipient.address] })));
    const second = await Promise.all(after.map(send));

    const results = [...first, ...second];
    expect(results.every((r) => r.alreadySent === false && r.sentCopyStatus === 'appended')).toBe(true);
    const delivered = await arrived(recipient, results.length);
    expect(delivered.sort()).toEqual(results.map((r) => r.messageId).sort());
    for (const request of [...before, ...after]) expect((await fx.outgoing(request)).status).toBe('sent');
    console.log(
      `send worker on the cluster: ${results.length} sends from ${new Set(senders.map((s) => sendShardOf(s.inboxId))).size} shards, ` +
        `failover ${failover.from} -> ${failover.to} in ${failover.ms} ms between them; each delivered once`,
    );
  });
});
