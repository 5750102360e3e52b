// The catch-all logging mailbox (issue 14): a connected Dovecot inbox marked as the account's logging
// inbox, read by the real sync worker (every folder it is told to read), each new message handed to
// apps/inbound's pipeline (its worker in this process) as BCC or forward. The sender is verified by the
// mailbox server's trusted Authentication-Results only. A BCC goes on the To/Cc contacts (never-log,
// colleagues and the Bcc'd left out), a forward on the original sender's contact, a forged From is refused
// under `require` and logged as unverified under `flag`; one too large to read is decided unread; a folder
// not listed (or missing) is not read; nothing is marked read; a worker restart logs nothing twice.
import { setLoggingInbox } from '@reply-sync/operations/logging-inbox';
import { explain } from '@reply-sync/operations/timeline';
import { deleteFleet, registerInboxes, createRedisConnection } from '@reply-sync/queue';
import { createLogger, createMetrics, parseWorkerEnv, startWorker, type RunningWorker } from '@reply-sync/sync-worker';
import { reasonSentence, type ReasonCode } from '@reply-sync/threading';
import { appendTo, composeEmail, createMailbox, createMailUser, openImap, stack, uniqueName, waitFor } from '@reply-sync/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createInboundFixture, type InboundFixture } from './helpers/inbound-fixture';

let fx: InboundFixture | undefined;
const workers: RunningWorker[] = [];
let cleanupFleet: (() => Promise<void>) | null = null;
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close()));
  await cleanupFleet?.();
  cleanupFleet = null;
  await fx?.cleanup();
  fx = undefined;
});

const AUTHSERV = 'mx.logging.test';
const gmailForward = (from: string, subject: string, to: string, body: string) =>
  `Logging this.\n\n---------- Forwarded message ---------\nFrom: ${from}\nDate: Mon, 30 Nov 2026 at 10:15\nSubject: ${subject}\nTo: ${to}\n\n${body}\n`;

function workerEnv(fleet: string, inboundQueue: string) {
  return parseWorkerEnv({
    DATABASE_URL: stack.databaseUrl,
    REDIS_URL: stack.redisUrl,
    REPLY_SYNC_ENCRYPTION_KEYS: stack.encryptionKeys,
    REPLY_SYNC_TLS_CA_FILE: stack.caCertPath,
    REPLY_SYNC_QUEUE: fleet,
    REPLY_SYNC_INBOUND_QUEUE: inboundQueue,
    SESSION_MAX_MS: '60000',
    WATCHDOG_INTERVAL_MS: '1000',
    POLL_INTERVAL_MS: '300',
    DB_POOL_MAX: '4',
    LOGIN_RATE_PER_HOST: '2000/s:2000',
    // Small, so a message over it costs the test 300 KB, not 75 MB.
    LOGGING_MAX_MESSAGE_BYTES: '200000',
    LOG_LEVEL: 'warn',
  });
}

describe('catch-all logging mailbox', () => {
  it('logs BCC and forwards from the listed folders, refuses (require) or flags (flag) a forged From, ignores other folders, logs once across a restart', { timeout: 180_000 }, async () => {
    fx = await createInboundFixture('logging-mailbox');
    const { s, domain, db } = fx;
    const ana = await s.users.add({ email: `ana@${domain}`, name: 'Ana' });
    await s.users.add({ email: `ben@${domain}`, name: 'Ben' });
    const acme = await s.companies.add({ name: 'Acme' });
    const bob = await s.contacts.add({ email: 'bob@client.test', companyIds: [acme.id] });
    await s.contacts.add({ email: 'dave@client.test' });
    await s.neverLog.add('domain', 'private.test');
    await s.account.setSenderVerification('require');

    // The logging mailbox: a Dovecot user with an Archive and an Other folder, Archive listed, Other not.
    const mailUser = await createMailUser();
    await createMailbox(mailUser, 'Archive');
    await createMailbox(mailUser, 'Other');
    const fleet = uniqueName('q-logging');
    const env = workerEnv(fleet, fx.queueName);
    const inbox = await s.inboxes.create(
      {
        kind: 'team',
        address: mailUser.address,
        imapHost: stack.profiles.standard.host,
        imapPort: stack.profiles.standard.imapPort,
        imapTls: 'starttls',
        username: mailUser.user,
        credentials: { password: mailUser.password },
        trustedAuthservIds: [AUTHSERV],
      },
      env.encryptionKeys,
    );
    // Missing does not exist on the server (a typo): the other folders are still read.
    const marked = await setLoggingInbox(s, inbox.id, ['INBOX', 'Missing', 'Archive']);
    expect(marked).toMatchObject({ logging: true, folders: ['INBOX', 'Missing', 'Archive'] });
    const logging = mailUser.address.toLowerCase();

    await fx.start();
    const redis = createRedisConnection(stack.redisUrl, { forWorker: false });
    cleanupFleet = async () => {
      await deleteFleet(redis, fleet).catch(() => undefined);
      redis.disconnect();
    };
    const start = async () => {
      const w = await startWorker({ env, logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'warn' }), metrics: createMetrics({ defaultMetrics: false }), metricsPort: false });
      workers.push(w);
      return w;
    };
    await start();
    await registerInboxes(redis, fleet, [{ accountId: s.accountId, inboxId: inbox.id }]);
    // Both listed folders baselined (new mail only from here on); Other is never read.
    await waitFor(
      async () => (await db.sql`SELECT folder FROM logging_folder_checkpoints WHERE inbox_id = ${inbox.id}`).length === 2,
      { what: 'the listed folders baselined', timeoutMs: 60_000 },
    );

    const pass = `${AUTHSERV}; spf=pass smtp.mailfrom=${domain}; dkim=pass header.d=${domain}; dmarc=pass header.from=${domain}`;
    const id = (name: string) => `<${uniqueName(name)}@${domain}>`;
    const bccId = id('bcc');
    await appendTo(
      mailUser,
      'INBOX',
      await composeEmail({
        from: `Ana <ana@${domain}>`,
        to: 'Bob <bob@client.test>',
        cc: ['carol@newco.test', `ben@${domain}`, 'eve@private.test'],
        // The sender's own copy kept the Bcc header: the logging address and dave, who gets nothing.
        bcc: [logging, 'dave@client.test'],
        subject: 'Proposal',
        text: 'Here is the proposal.',
        messageId: bccId,
        headers: { 'Authentication-Results': pass },
      }),
    );
    await appendTo(
      mailUser,
      'INBOX',
      await composeEmail({
        from: `ana@${domain}`,
        to: logging,
        subject: 'Fwd: Re: Pricing',
        text: gmailForward('Frank <frank@client.test>', 'Re: Pricing', `ana@${domain}`, 'Yes, we take the offer.'),
        messageId: id('fwd'),
        headers: { 'Authentication-Results': pass },
      }),
    );
    // Forged: the From is Ana's, but the only Authentication-Results is from a server the inbox does not trust.
    await appendTo(
      mailUser,
      'INBOX',
      await composeEmail({
        from: `ana@${domain}`,
        to: 'mallory-target@client.test',
        subject: 'Forged',
        text: 'Not from Ana.',
        messageId: id('forged'),
        headers: { 'Authentication-Results': `evil.test; dmarc=pass header.from=${domain}` },
      }),
    );
    await appendTo(
      mailUser,
      'Archive',
      await composeEmail({ from: `ana@${domain}`, to: 'grace@client.test', subject: 'Filed', text: 'Filed by a rule.', messageId: id('archive'), headers: { 'Authentication-Results': pass } }),
    );
    await appendTo(
      mailUser,
      'Other',
      await composeEmail({ from: `ana@${domain}`, to: 'henry@client.test', subject: 'Not listed', text: 'Ignored.', messageId: id('other'), headers: { 'Authentication-Results': pass } }),
    );
    // Over LOGGING_MAX_MESSAGE_BYTES: not read, but decided.
    await appendTo(
      mailUser,
      'INBOX',
      await composeEmail({
        from: `ana@${domain}`,
        to: 'jack@client.test',
        subject: 'Huge',
        text: 'See the attachment.',
        messageId: id('huge'),
        headers: { 'Authentication-Results': pass },
        attachments: [{ filename: 'big.bin', content: Buffer.alloc(300_000, 7) }],
      }),
    );
    await fx.waitDecided(5);

    const rows = await db.sql<{ folder: string; subject: string; address_kind: string; reason_code: string; detail: string | null; email_id: string | null }[]>`
      SELECT folder, subject, address_kind, reason_code, detail, email_id FROM inbound_messages WHERE account_id = ${s.accountId} ORDER BY folder, uid`;
    const bySubject = new Map(rows.map((r) => [r.subject, r]));
    expect(rows.map((r) => r.subject).sort()).toEqual(['Filed', 'Forged', 'Fwd: Re: Pricing', 'Huge', 'Proposal']);
    expect(bySubject.get('Proposal')).toMatchObject({ folder: 'INBOX', address_kind: 'bcc', reason_code: 'logged' });
    expect(bySubject.get('Fwd: Re: Pricing')).toMatchObject({ address_kind: 'fwd', reason_code: 'logged' });
    expect(bySubject.get('Forged')).toMatchObject({ reason_code: 'sender_unverified', email_id: null });
    expect(bySubject.get('Forged')!.detail).toMatch(/evil\.test/);
    expect(bySubject.get('Huge')).toMatchObject({ reason_code: 'message_too_large', email_id: null });
    expect(bySubject.get('Huge')!.detail).toMatch(/over the 200000 the worker reads/);
    expect(bySubject.get('Filed')).toMatchObject({ folder: 'Archive', address_kind: 'bcc', reason_code: 'logged' });
    // Explain finds each by its Message-ID, with the folder it was read from.
    expect((await explain(s, bccId)).inbound).toEqual([expect.objectContaining({ via: 'bcc', folder: 'INBOX', reasonCode: 'logged' })]);
    for (const r of rows) expect(reasonSentence(r.reason_code as ReasonCode).length).toBeGreaterThan(10);

    // BCC: on Bob and the new contact Carol; not on Ben (a colleague), Eve (never-log) or Dave (Bcc'd).
    const proposal = bySubject.get('Proposal')!;
    expect(proposal.detail).toContain(`owner ana@${domain} by rule user_email`);
    expect(proposal.detail).toContain('eve@private.test (never_log)');
    expect(proposal.detail).toContain('contacts created: carol@newco.test');
    const email = await s.emails.get(proposal.email_id!);
    expect(email).toMatchObject({ source: 'bcc', threadOwnerUserId: ana.id, subject: 'Proposal', authVerified: true });
    const contactsOf = async (emailId: string) =>
      (
        await db.sql<{ email: string }[]>`SELECT c.email FROM email_associations a JOIN contacts c ON c.id = a.target_id AND a.kind = 'contact' WHERE a.email_id = ${emailId} ORDER BY c.email`
      ).map((r) => r.email);
    expect(await contactsOf(proposal.email_id!)).toEqual(['bob@client.test', 'carol@newco.test']);
    expect(await s.contacts.findByEmails(['eve@private.test', `ben@${domain}`, 'mallory-target@client.test', 'henry@client.test'])).toEqual([]);
    void bob;

    // Forward: the original, on Frank's (new) contact.
    const forwarded = await s.emails.get(bySubject.get('Fwd: Re: Pricing')!.email_id!);
    expect(forwarded).toMatchObject({ source: 'forward', direction: 'inbound', fromAddress: 'frank@client.test', subject: 'Re: Pricing' });
    expect(await contactsOf(forwarded!.id)).toEqual(['frank@client.test']);

    // Nothing was marked read in the logging mailbox.
    const imap = await openImap(mailUser);
    try {
      for (const folder of ['INBOX', 'Archive']) {
        await imap.mailboxOpen(folder, { readOnly: true });
        const flags = (await imap.fetchAll('1:*', { flags: true })).map((m) => [...(m.flags ?? [])]);
        expect(flags.length).toBeGreaterThan(0);
        for (const f of flags) expect(f).not.toContain('\\Seen');
      }
    } finally {
      await imap.logout().catch(() => imap.close());
    }

    // A restart: the new worker resumes from the checkpoints and spools only the new message.
    await workers.shift()!.close();
    await appendTo(
      mailUser,
      'Archive',
      await composeEmail({ from: `ana@${domain}`, to: 'ivy@client.test', subject: 'After restart', text: 'New.', messageId: id('after'), headers: { 'Authentication-Results': pass } }),
    );
    await start();
    await fx.waitDecided(6);
    // The restarted worker read INBOX before Archive (the listed order): nothing of the first five again.
    expect((await fx.inboundRows()).length).toBe(6);
    const afterRestart = await db.sql<{ subject: string; reason_code: string }[]>`SELECT subject, reason_code FROM inbound_messages WHERE account_id = ${s.accountId} AND subject = 'After restart'`;
    expect(afterRestart).toEqual([{ subject: 'After restart', reason_code: 'logged' }]);
    expect((await db.sql`SELECT id FROM logged_emails WHERE account_id = ${s.accountId}`).length).toBe(4);

    // Under `flag`, the same forgery is logged, marked unverified.
    await s.account.setSenderVerification('flag');
    await appendTo(
      mailUser,
      'INBOX',
      await composeEmail({ from: `ana@${domain}`, to: 'kim@client.test', subject: 'Forged, flagged', text: 'Not from Ana either.', messageId: id('flagged'), headers: { 'Authentication-Results': `evil.test; dmarc=pass header.from=${domain}` } }),
    );
    await fx.waitDecided(7);
    const [flagged] = await db.sql<{ reason_code: string; email_id: string }[]>`SELECT reason_code, email_id FROM inbound_messages WHERE account_id = ${s.accountId} AND subject = 'Forged, flagged'`;
    expect(flagged!.reason_code).toBe('logged');
    expect(await s.emails.get(flagged!.email_id)).toMatchObject({ authVerified: false });
  });
});
