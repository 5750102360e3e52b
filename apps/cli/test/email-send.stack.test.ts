// `email send --wait --json` against the real stack: an inbox connected with its SMTP settings (Postfix
// submission), a sync worker in this process running the send queue's worker; the email reaches the
// recipient's INBOX and the JSON carries the logged email and its Message-ID.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisConnection, createSendQueue, deleteFleet } from '@reply-sync/queue';
import { createLogger, parseWorkerEnv, startWorker, type RunningWorker } from '@reply-sync/sync-worker';
import { createMailUser, openImap, redisCluster, stack, uniqueName, waitFor, type MailUser } from '@reply-sync/testkit';
import { cli, cliEnv, freshAccount, type TestAccount } from './helpers';

let t: TestAccount;
let ana: MailUser;
let bob: MailUser;
let worker: RunningWorker | undefined;
const queues = { inbox: '', send: '' };
/** Where this test's queues live: the stack's Redis, or its Redis Cluster. */
let redisUrl = '';
beforeEach(async () => {
  [t, ana, bob] = await Promise.all([freshAccount(), createMailUser({ profile: 'standard' }), createMailUser({ profile: 'standard' })]);
  queues.inbox = uniqueName('cli-send-inboxes');
  queues.send = uniqueName('cli-send-sends');
  redisUrl = stack.redisUrl;
});
// On the cluster, a primary crashed by another package's test at the same moment (CI runs them all at
// once) holds the clean-up's commands through the node timeout and the election: more than 60 s once.
afterEach(async () => {
  await worker?.close();
  worker = undefined;
  const sends = createSendQueue({ redisUrl: redisUrl, name: queues.send });
  await sends.obliterate({ force: true }).catch(() => undefined);
  await sends.close();
  const redis = createRedisConnection(redisUrl, { forWorker: false });
  await deleteFleet(redis, queues.inbox).finally(() => redis.disconnect());
  await t?.close();
}, 150_000);

async function messageIdsIn(user: MailUser): Promise<string[]> {
  const client = await openImap(user);
  try {
    await client.mailboxOpen('INBOX', { readOnly: true });
    const rows = await client.fetchAll('1:*', { envelope: true });
    return rows.map((r) => r.envelope?.messageId ?? '');
  } catch {
    return [];
  } finally {
    await client.logout();
  }
}

/** Ana (a CRM user) with a connected inbox that sends through the stack's Postfix; Bob a contact with a deal. */
async function connectAna(env: Record<string, string>): Promise<{ id: string; smtpHost: string; smtpPort: number; smtpTls: string }> {
  const a = ['--account', t.accountId];
  const p = stack.profiles.standard;
  expect((await cli(['user', 'add', ...a, '--email', ana.address], { env })).code).toBe(0);
  expect((await cli(['contact', 'add', ...a, '--email', bob.address, '--name', 'Bob', '--deal', 'Renewal'], { env })).code).toBe(0);
  const connect = await cli(
    ['inbox', 'connect', ...a, '--user', ana.address, '--address', ana.address, '--host', p.host, '--port', String(p.imapPort), '--tls', 'starttls', '--username', ana.user,
      '--smtp-host', stack.smtp.host, '--smtp-port', String(stack.smtp.submissionPort), '--smtp-tls', 'starttls', '--password-env', 'PW', '--json'],
    { env },
  );
  expect(connect.stderr).toBe('');
  return connect.json().inbox;
}

/** A sync worker in this process running this test's send queue. */
async function startSendingWorker(): Promise<void> {
  worker = await startWorker({
    env: parseWorkerEnv({
      DATABASE_URL: stack.databaseUrl,
      REDIS_URL: redisUrl,
      REPLY_SYNC_ENCRYPTION_KEYS: stack.encryptionKeys,
      REPLY_SYNC_TLS_CA_FILE: stack.caCertPath,
      REPLY_SYNC_QUEUE: queues.inbox,
      REPLY_SYNC_SEND_QUEUE: queues.send,
    }),
    logger: createLogger({ level: 'silent' }),
    metricsPort: false,
  });
}

describe('email send', () => {
  it('--wait --json sends through the inbox SMTP server and prints the logged email with its Message-ID', async () => {
    const env = cliEnv({ REDIS_URL: stack.redisUrl, REPLY_SYNC_SEND_QUEUE: queues.send, PW: ana.password });
    const a = ['--account', t.accountId];
    const inbox = await connectAna(env);
    expect(inbox).toMatchObject({ smtpHost: stack.smtp.host, smtpPort: stack.smtp.submissionPort, smtpTls: 'starttls' });
    await startSendingWorker();

    const sent = await cli(
      ['email', 'send', ...a, '--inbox', inbox.id, '--to', bob.address, '--subject', 'Renewal terms', '--text', 'Hi Bob, here are the terms.', '--deal', 'Renewal', '--key', uniqueName('k'), '--wait', '--timeout', '45', '--json'],
      { env },
    );
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    const out = sent.json();
    expect(out.messageId).toMatch(/^<.+@.+>$/);
    expect(out).toMatchObject({ alreadySent: false, sentCopyStatus: 'appended', email: { subject: 'Renewal terms', direction: 'outbound' } });
    await waitFor(async () => (await messageIdsIn(bob)).includes(out.messageId), { what: 'the email in the recipient INBOX', timeoutMs: 20_000 });

    const explained = await cli(['explain', ...a, '--json', out.messageId], { env });
    expect(explained.json().loggedEmail).toMatchObject({ direction: 'outbound', source: 'crm_send' });
  }, 90_000);

  it('--wait works the same with REDIS_URL naming a Redis Cluster (the CLI and the whole worker on it)', async () => {
    redisUrl = stack.redisClusterUrl;
    // The first seed of the URL made a replica: a client treating the URL as one server could write nothing.
    const cluster = redisCluster();
    try {
      const first = new URL(redisUrl);
      const seed = (await cluster.nodes()).find((n) => n.address === `${first.hostname}:${first.port}`);
      if (seed?.role === 'primary') await cluster.failover(seed.slots[0]![0]);
    } finally {
      await cluster.close();
    }
    const env = cliEnv({ REDIS_URL: redisUrl, REPLY_SYNC_SEND_QUEUE: queues.send, PW: ana.password });
    const inbox = await connectAna(env);
    await startSendingWorker();

    const sent = await cli(
      ['email', 'send', '--account', t.accountId, '--inbox', inbox.id, '--to', bob.address, '--subject', 'On the cluster', '--text', 'Hi Bob.', '--key', uniqueName('k'), '--wait', '--timeout', '45', '--json'],
      { env },
    );
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    const out = sent.json();
    expect(out).toMatchObject({ alreadySent: false, sentCopyStatus: 'appended', email: { subject: 'On the cluster' } });
    await waitFor(async () => (await messageIdsIn(bob)).includes(out.messageId), { what: 'the email in the recipient INBOX', timeoutMs: 20_000 });
  }, 90_000);

  it('the same --key again says the email was already sent (text and --json), pointing at it, and nothing more is delivered', async () => {
    const env = cliEnv({ REDIS_URL: stack.redisUrl, REPLY_SYNC_SEND_QUEUE: queues.send, PW: ana.password });
    const inbox = await connectAna(env);
    await startSendingWorker();
    const send = ['email', 'send', '--account', t.accountId, '--inbox', inbox.id, '--to', bob.address, '--subject', 'Renewal terms', '--text', 'Hi Bob.', '--key', uniqueName('k'), '--wait', '--timeout', '45'];

    const first = await cli([...send, '--json'], { env });
    expect(first.stderr).toBe('');
    const sent = first.json();
    expect(sent.alreadySent).toBe(false);

    const again = await cli([...send, '--json'], { env });
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.json()).toMatchObject({ alreadySent: true, emailId: sent.emailId, messageId: sent.messageId });

    const text = await cli(send, { env });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Already sent "Renewal terms"/);
    expect(text.stdout).not.toMatch(/^Sent /m);
    expect(text.stdout).toContain(sent.emailId);
    expect(text.stdout).toContain(sent.messageId);

    await waitFor(async () => (await messageIdsIn(bob)).includes(sent.messageId), { what: 'the email in the recipient INBOX', timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // a second delivery would be in by now
    expect(await messageIdsIn(bob)).toEqual([sent.messageId]);
  }, 90_000);

  it('--attach files are read here and sent; a device or files over the limit are refused with a clear error and nothing is saved', async () => {
    const env = cliEnv({ REDIS_URL: stack.redisUrl, REPLY_SYNC_SEND_QUEUE: queues.send, PW: ana.password });
    const inbox = await connectAna(env);
    const dir = mkdtempSync(join(tmpdir(), 'reply-sync-attach-'));
    try {
      const send = (key: string, ...files: string[]) =>
        cli(['email', 'send', '--account', t.accountId, '--inbox', inbox.id, '--to', bob.address, '--subject', 'Terms', '--text', 'Attached.', '--key', key, ...files.flatMap((f) => ['--attach', f]), '--json'], { env });

      const device = await send(uniqueName('k'), '/dev/zero');
      expect(device.code).not.toBe(0);
      expect(JSON.parse(device.stderr)).toMatchObject({ error: { code: 'file_unreadable', message: 'The attachment /dev/zero is not a regular file (a folder, device or pipe); attach a file.' } });

      const big = join(dir, 'big.bin');
      writeFileSync(big, Buffer.alloc(6 * 1024 * 1024, 1));
      const tooLarge = await send(uniqueName('k'), big, big);
      expect(tooLarge.code).not.toBe(0);
      expect(JSON.parse(tooLarge.stderr)).toMatchObject({ error: { code: 'attachments_too_large', message: expect.stringContaining('more than 10 MB') } });
      // Neither saved an email, so the keys stay free.
      const saved = await t.db.sql`select count(*)::int as n from outgoing_emails where account_id = ${t.accountId}`;
      expect(saved[0]!.n).toBe(0);

      const quote = join(dir, 'quote.txt');
      writeFileSync(quote, 'Seats: 200\n');
      await startSendingWorker();
      const key = uniqueName('k');
      const sent = await cli(['email', 'send', '--account', t.accountId, '--inbox', inbox.id, '--to', bob.address, '--subject', 'Terms', '--text', 'Attached.', '--key', key, '--attach', quote, '--wait', '--timeout', '45', '--json'], { env });
      expect(sent.stderr).toBe('');
      const out = sent.json();
      const timeline = await t.s.timeline.forContact(bob.address);
      expect(timeline.find((e) => e.id === out.emailId)?.attachments).toEqual([expect.objectContaining({ filename: 'quote.txt', size: 11 })]);
      // The operator's file can go; the email was saved with its content.
      rmSync(quote);
      const outgoing = await t.s.outgoingEmails.findBySendId(key);
      expect((await t.s.outgoingEmails.attachments(outgoing!.id)).map((a) => a.content.toString())).toEqual(['Seats: 200\n']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('the same --key while the first is queued says so; after a final failure it gives that failure and queues nothing', async () => {
    const env = cliEnv({ REDIS_URL: stack.redisUrl, REPLY_SYNC_SEND_QUEUE: queues.send, PW: ana.password });
    const inbox = await connectAna(env);
    const key = uniqueName('k');
    const send = ['email', 'send', '--account', t.accountId, '--inbox', inbox.id, '--to', bob.address, '--subject', 'Terms', '--text', 'Hi.', '--key', key];
    const first = await cli(send, { env });
    expect(first.stdout).toMatch(/^Queued send /);
    const again = await cli([...send, '--json'], { env });
    expect(again.json()).toMatchObject({ queued: true, alreadyQueued: true, sendId: key });

    // The worker gave up on it for good (as it records a final failure).
    const outgoing = (await t.s.outgoingEmails.findBySendId(key))!;
    await t.s.outgoingEmails.markFailed(outgoing.id, 'recipient_rejected: The mail server refused the recipient; nothing was sent.');
    const failed = await cli([...send, '--json'], { env });
    expect(failed.code).not.toBe(0);
    expect(JSON.parse(failed.stderr)).toEqual({
      error: { code: 'recipient_rejected', message: `The send with the key ${key} already failed, and is not tried again (send it with a new --key): The mail server refused the recipient; nothing was sent.` },
    });
  }, 60_000);
});
