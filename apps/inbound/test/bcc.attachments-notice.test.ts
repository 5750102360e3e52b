// Over 50 MB of attachments with INBOUND_NOTIFY_SMTP_URL set (issue 14): a real 60 MB attachment (an
// ~82 MB message; the server takes up to 100 MB here) is logged without it, and the sender, a real
// Dovecot user, finds the notice in their INBOX, sent through the stack's Postfix.
import { createMailUser, openImap, removeMailUser, stack, waitFor, type MailUser } from '@reply-sync/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { ATTACHMENTS_NOTICE_SUBJECT } from '../src/attachments-notice';
import { createInboundFixture, dkimKey, type InboundFixture } from './helpers/inbound-fixture';

let fx: InboundFixture | undefined;
let sender: MailUser | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
  if (sender) await removeMailUser(sender).catch(() => undefined);
  sender = undefined;
});

/** The INBOX messages' subjects and text sources. */
async function inbox(user: MailUser): Promise<{ subject: string; source: string }[]> {
  const client = await openImap(user);
  try {
    await client.mailboxOpen('INBOX', { readOnly: true });
    const all = await client.fetchAll('1:*', { envelope: true, source: true });
    return all.map((m) => ({ subject: m.envelope?.subject ?? '', source: m.source?.toString('utf8') ?? '' }));
  } catch {
    return [];
  } finally {
    await client.logout().catch(() => undefined);
  }
}

describe('the sender of an email logged without its attachments', () => {
  it('gets a notification email saying so', { timeout: 240_000 }, async () => {
    fx = await createInboundFixture('bcc-notice');
    sender = await createMailUser();
    const domain = sender.address.split('@')[1]!;
    const key = dkimKey(domain);
    fx.dns.publishDkim(key);
    fx.dns.txt(domain, 'v=spf1 ip4:127.0.0.1 -all');
    fx.dns.txt(`_dmarc.${domain}`, 'v=DMARC1; p=reject');
    await fx.s.users.add({ email: sender.address });
    await fx.s.contacts.add({ email: 'bob@client.test' });
    const bcc = await fx.bccAddress();
    const inbound = await fx.start({
      INBOUND_MAX_MESSAGE_BYTES: String(100 * 1024 * 1024),
      INBOUND_NOTIFY_SMTP_URL: `smtp://${stack.smtp.host}:${stack.smtp.mxPort}`,
      INBOUND_NOTIFY_FROM: `postmaster@${fx.domain}`,
      REPLY_SYNC_TLS_CA_FILE: stack.caCertPath,
    });
    const sent = await fx.send(
      inbound.port,
      {
        from: sender.address,
        to: 'bob@client.test',
        subject: 'the quarterly video',
        text: 'The recording is attached.',
        attachments: [{ filename: 'video.bin', content: Buffer.alloc(60 * 1024 * 1024, 7) }],
        envelope: { from: sender.address, to: [bcc] },
      },
      { dkim: key },
    );
    expect(sent.response).toMatch(/^250 /);
    await fx.waitDecided(1);
    const [row] = await fx.inboundRows();
    expect(row).toMatchObject({ reason_code: 'logged_without_attachments', raw_kept: false });
    const email = await fx.s.emails.get(row!.email_id!);
    expect(email!.textBody).toContain('The recording is attached.');
    expect(email!.attachmentsSkippedReason).toBe('attachments total 60.0 MB, over the 50 MB limit');
    expect(await fx.db.sql`SELECT 1 FROM attachments WHERE email_id = ${email!.id}`).toHaveLength(0);

    const notices = await waitFor(
      async () => {
        const messages = await inbox(sender!);
        return messages.length > 0 ? messages : null;
      },
      { what: "the notification in the sender's INBOX", timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]!.subject).toBe(ATTACHMENTS_NOTICE_SUBJECT('the quarterly video'));
    const source = notices[0]!.source.replace(/=\r?\n/g, '').replace(/\r?\n/g, ' ');
    expect(source).toContain(`From: postmaster@${fx.domain}`);
    expect(source).toContain('was logged on the CRM timeline without its attachments: the attachments total 60.0 MB, over the 50 MB limit.');
    expect(source).toMatch(/Auto-Submitted: auto-generated/i);
  });
});
