// `email send --wait --json` against the real stack: an inbox connected with its SMTP settings (Postfix
// submission), a sync worker in this process running the send queue's worker; the email reaches the
// recipient's INBOX and the JSON carries the logged email and its Message-ID.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInboxQueue, createSendQueue } from '@reply-sync/queue';
import { createLogger, parseWorkerEnv, startWorker, type RunningWorker } from '@reply-sync/sync-worker';
import { createMailUser, openImap, stack, uniqueName, waitFor, type MailUser } from '@reply-sync/testkit';
import { cli, cliEnv, freshAccount, type TestAccount } from './helpers';

let t: TestAccount;
let ana: MailUser;
let bob: MailUser;
let worker: RunningWorker | undefined;
const queues = { inbox: '', send: '' };
beforeEach(async () => {
  [t, ana, bob] = await Promise.all([freshAccount(), createMailUser({ profile: 'standard' }), createMailUser({ profile: 'standard' })]);
  queues.inbox = uniqueName('cli-send-inboxes');
  queues.send = uniqueName('cli-send-sends');
});
afterEach(async () => {
  await worker?.close();
  worker = undefined;
  for (const q of [createInboxQueue({ redisUrl: stack.redisUrl, name: queues.inbox }), createSendQueue({ redisUrl: stack.redisUrl, name: queues.send })]) {
    await q.obliterate({ force: true }).catch(() => undefined);
    await q.close();
  }
  await t?.close();
});

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

describe('email send', () => {
  it('--wait --json sends through the inbox SMTP server and prints the logged email with its Message-ID', async () => {
    const env = cliEnv({ REDIS_URL: stack.redisUrl, REPLY_SYNC_SEND_QUEUE: queues.send, PW: ana.password });
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
    const inbox = connect.json().inbox;
    expect(inbox).toMatchObject({ smtpHost: stack.smtp.host, smtpPort: stack.smtp.submissionPort, smtpTls: 'starttls' });

    worker = await startWorker({
      env: parseWorkerEnv({
        DATABASE_URL: stack.databaseUrl,
        REDIS_URL: stack.redisUrl,
        REPLY_SYNC_ENCRYPTION_KEYS: stack.encryptionKeys,
        REPLY_SYNC_TLS_CA_FILE: stack.caCertPath,
        REPLY_SYNC_QUEUE: queues.inbox,
        REPLY_SYNC_SEND_QUEUE: queues.send,
      }),
      logger: createLogger({ level: 'silent' }),
      metricsPort: false,
    });

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
});
