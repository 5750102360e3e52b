// A send job carries ids, never content or paths: whoever can write to Redis cannot make the worker
// read a file (a crafted job naming /proc/self/environ or a FIFO sends nothing and opens nothing), cannot
// send another account's stored email, and finds no body, subject or attachment bytes in the queue.
import { execFileSync } from 'node:child_process';
import { constants, mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSmtpTransport } from '@reply-sync/mail';
import { createRedisConnection, enqueueSend, SEND_JOB_NAME, SEND_SHARD_PREFIXES, waitForSend, type SendJob } from '@reply-sync/queue';
import { stack, uniqueName, waitFor } from '@reply-sync/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createSendFixture, jobFailure, messagesIn, type SendFixture } from './send-helpers/send-fixture';

const closers: (() => Promise<unknown>)[] = [];
let fx: SendFixture | undefined;
afterEach(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  closers.length = 0;
  await fx?.cleanup();
  fx = undefined;
});

/** Everything Redis holds for one send queue, every shard (job hashes, event streams, lists), as one string. */
async function queueContents(name: string): Promise<{ text: string; jobHash: (job: SendJob) => Promise<Record<string, string>> }> {
  const redis = createRedisConnection(stack.redisUrl, { forWorker: false });
  closers.push(() => redis.quit());
  const parts: string[] = [];
  for (const prefix of SEND_SHARD_PREFIXES) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:${name}:*`, 'COUNT', 100);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
        else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
        else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
        else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, '0', '-1')));
        else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
        else if (type === 'string') parts.push((await redis.get(key)) ?? '');
      }
    } while (cursor !== '0');
  }
  return { text: parts.join('\n'), jobHash: (job) => redis.hgetall(`${job.queueQualifiedName}:${job.id}`) };
}

/** True when some process holds the FIFO open for reading (a non-blocking writer's open fails with ENXIO otherwise). */
async function fifoHasReader(path: string): Promise<boolean> {
  try {
    const handle = await open(path, constants.O_WRONLY | constants.O_NONBLOCK);
    await handle.close(); // a reader blocked on it gets EOF and lets go
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENXIO') return false;
    throw error;
  }
}

describe('a send job crafted straight onto the queue', () => {
  it('with attachments named by path (/proc/self/environ, a FIFO) fails at once, opens no file and sends nothing', async () => {
    fx = await createSendFixture('crafted-path');
    const sender = await fx.addSender();
    const recipient = await fx.mailUser();
    const { queue, events } = await fx.sendQueue();
    const dir = mkdtempSync(join(tmpdir(), 'reply-sync-fifo-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    const fifo = join(dir, 'attachment');
    execFileSync('mkfifo', [fifo]);

    // What the job type used to allow: the worker read `path` itself.
    const crafted = {
      accountId: fx.accountId,
      inboxId: sender.inboxId,
      sendId: uniqueName('crafted'),
      to: [recipient.address],
      subject: 'Your keys',
      text: 'See attached.',
      attachments: [
        { filename: 'environ.txt', path: '/proc/self/environ' },
        { filename: 'fifo.txt', path: fifo },
      ],
    };
    const job = await queue.forInbox(sender.inboxId).add(SEND_JOB_NAME, crafted as never, { jobId: uniqueName('crafted') });
    let reason: string;
    try {
      reason = await jobFailure(waitForSend(job, events, 30_000));
    } finally {
      // Checked (and a blocked reader let go) whatever the outcome.
      expect(await fifoHasReader(fifo)).toBe(false);
    }
    expect(reason).toMatch(/^invalid_job: /);
    expect(reason).toContain('outgoing email');
    const failed = await queue.getJob(job.id!);
    expect(await failed!.getState()).toBe('failed');
    expect(failed!.attemptsMade).toBe(1);

    await new Promise((resolve) => setTimeout(resolve, 1_000)); // a delivery would be in by now
    expect(await messagesIn(recipient, 'INBOX')).toEqual([]);
    expect(await fx.q.timeline.forContact(recipient.address)).toEqual([]);
    expect(await fx.q.contacts.list()).toEqual([]);
  });
});

describe('a send job naming ids of another account', () => {
  it("another account's outgoing email is not found: nothing is sent and its row is untouched", async () => {
    fx = await createSendFixture('other-account-a');
    const other = await createSendFixture('other-account-b');
    closers.push(() => other.cleanup());
    const theirSender = await other.addSender();
    const recipient = await fx.mailUser();
    const theirs = await other.job(theirSender, { to: [recipient.address], subject: 'Theirs' });
    const { queue, events } = await fx.sendQueue();

    // Account A's id with account B's email.
    const job = await enqueueSend(queue, { accountId: fx.accountId, inboxId: theirs.inboxId, outgoingEmailId: theirs.outgoingEmailId, sendId: theirs.sendId });
    const reason = await jobFailure(waitForSend(job, events, 30_000));
    expect(reason).toMatch(/^outgoing_email_not_found: There is no outgoing email \S+ in account \S+: the job names an email that does not exist or belongs to another account\. Nothing was sent\./);
    expect(reason).toContain(fx.accountId);
    expect((await queue.getJob(job.id!))!.attemptsMade).toBe(1);
    expect(await other.outgoing(theirs)).toMatchObject({ status: 'pending', raw: null, smtpStartedAt: null, failure: null });

    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await messagesIn(recipient, 'INBOX')).toEqual([]);
  });

  it("an outgoing email of this account that names another account's inbox or user fails for good and sends nothing", async () => {
    fx = await createSendFixture('foreign-inbox-a');
    const other = await createSendFixture('foreign-inbox-b');
    closers.push(() => other.cleanup());
    const ours = await fx.addSender();
    const theirs = await other.addSender();
    const recipient = await fx.mailUser();
    const { queue, events } = await fx.sendQueue();

    // Rows written past the create() checks (the table's foreign keys cannot see accounts): one with
    // B's inbox, one with our inbox and B's user.
    const insert = async (inboxId: string, userId: string, sendId: string) => {
      const [row] = await fx!.db.sql<{ id: string }[]>`
        insert into outgoing_emails (account_id, inbox_id, user_id, send_id, to_recipients, subject, text_body)
        values (${fx!.accountId}, ${inboxId}, ${userId}, ${sendId}, ${[recipient.address]}, 'Forged', 'Forged body') returning id`;
      return { accountId: fx!.accountId, inboxId, outgoingEmailId: row!.id, sendId };
    };
    const foreignInbox = await insert(theirs.inboxId, ours.userId, uniqueName('forged-inbox'));
    const foreignUser = await insert(ours.inboxId, theirs.userId, uniqueName('forged-user'));

    const inboxReason = await jobFailure(waitForSend(await enqueueSend(queue, foreignInbox), events, 10_000));
    expect(inboxReason).toBe(`inbox_not_found: The inbox ${theirs.inboxId} of outgoing email ${foreignInbox.outgoingEmailId} is not an inbox of this account; nothing was sent.`);
    const userReason = await jobFailure(waitForSend(await enqueueSend(queue, foreignUser), events, 10_000));
    expect(userReason).toBe(`user_not_found: The user ${theirs.userId} of outgoing email ${foreignUser.outgoingEmailId} is not a user of this account; nothing was sent.`);
    // Recorded on the rows, so the same keys are not tried again.
    expect(await fx.outgoing(foreignInbox)).toMatchObject({ status: 'failed', failure: inboxReason, raw: null });
    expect(await fx.outgoing(foreignUser)).toMatchObject({ status: 'failed', failure: userReason, raw: null });

    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await messagesIn(recipient, 'INBOX')).toEqual([]);
  });
});

describe('what Redis holds for a send', () => {
  it('after a retried send, the job and the queue hold the ids and the result, and no subject, body or attachment bytes', async () => {
    fx = await createSendFixture('redis-contents');
    const sender = await fx.addSender();
    const recipient = await fx.mailUser();
    // The first SMTP attempt finds the server refusing connections (transient); the retry sends.
    let calls = 0;
    const { queue, events, name } = await fx.sendQueue({
      createTransport: (settings, credentials, options) => createSmtpTransport(calls++ === 0 ? { ...settings, port: 1 } : settings, credentials, options),
    });
    const marker = uniqueName('secret');
    const attachment = Buffer.from(`attachment bytes ${marker}`);
    const request = await fx.job(sender, {
      to: [recipient.address],
      subject: `Pricing for Acme ${marker}`,
      textBody: `Text body ${marker}`,
      htmlBody: `<p>HTML body ${marker}</p>`,
      attachments: [{ filename: 'pricing.txt', content: attachment }],
    });
    const job = await enqueueSend(queue, request, { backoff: { type: 'fixed', delay: 200 } });
    const result = await waitForSend(job, events, 30_000);
    expect(result).toMatchObject({ alreadySent: false, sentCopyStatus: 'appended' });
    expect(calls).toBe(2);

    const redis = await queueContents(name);
    expect((await queue.getJob(job.id!))!.attemptsMade).toBe(2);
    const hash = await redis.jobHash(job);
    expect(JSON.parse(hash.data!)).toEqual({ accountId: fx.accountId, outgoingEmailId: request.outgoingEmailId });
    expect(Object.keys(JSON.parse(hash.returnvalue!)).sort()).toEqual(['alreadySent', 'emailId', 'messageId', 'rejected', 'sentCopyStatus', 'threadId']);
    expect(redis.text).toContain(request.outgoingEmailId); // the scan did read the queue's keys
    for (const secret of [marker, attachment.toString('base64'), attachment.toString('base64').slice(8, 40)]) expect(redis.text).not.toContain(secret);

    // It was sent, with its content, from PostgreSQL.
    const delivered = await waitFor(async () => (await messagesIn(recipient, 'INBOX')).find((m) => m.messageId === result.messageId), {
      what: "the email in the recipient's INBOX",
      timeoutMs: 15_000,
    });
    expect(delivered.source.toString('utf8')).toContain(`Pricing for Acme ${marker}`);
    expect(delivered.source.toString('utf8')).toContain(attachment.toString('base64'));
  });
});
