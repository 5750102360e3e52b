// An email a user sends from any mail client with the account's BCC address: it goes on the contact of
// every To and Cc recipient (a new contact made for one without, owned by the sender, non-marketing),
// with each contact's companies and five most recent open deals; a never-log entry, a colleague and a
// Bcc'd recipient get nothing; the body and the attachment are stored; the same Message-ID again is one
// timeline entry.
import { logEmail } from '@reply-sync/operations/log-email';
import { afterEach, describe, expect, it } from 'vitest';
import { createInboundFixture, type InboundFixture } from './helpers/inbound-fixture';

let fx: InboundFixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

describe('BCC logging', () => {
  it('logs on the To and Cc contacts, creates the missing one, leaves out never-log, colleagues and Bcc', { timeout: 90_000 }, async () => {
    fx = await createInboundFixture('bcc-recipients');
    const { s, domain } = fx;
    const ana = await s.users.add({ email: `ana@${domain}`, name: 'Ana' });
    await s.users.add({ email: `ben@${domain}`, name: 'Ben' });
    const acme = await s.companies.add({ name: 'Acme' });
    const deals = [];
    for (let i = 1; i <= 7; i++) deals.push(await s.deals.add({ name: `Deal ${i}` }));
    await s.deals.close(deals[6]!.id); // the newest, but closed
    const bob = await s.contacts.add({ email: 'bob@client.test', companyIds: [acme.id], dealIds: deals.map((d) => d.id) });
    const dave = await s.contacts.add({ email: 'dave@client.test' });
    await s.neverLog.add('domain', 'private.test');
    const bcc = await fx.bccAddress();
    const inbound = await fx.start();

    const sent = await fx.send(inbound.port, {
      from: `Ana <ana@${domain}>`,
      to: 'Bob <bob@client.test>',
      cc: [`carol@newco.test`, `ben@${domain}`, 'eve@private.test'],
      bcc: [bcc, 'dave@client.test'],
      subject: 'Proposal',
      text: 'Here is the proposal.',
      html: '<p>Here is the proposal.</p>',
      messageId: `<proposal-${Date.now()}@${domain}>`,
      attachments: [{ filename: 'proposal.pdf', content: Buffer.from('%PDF-1.4 proposal') }],
      // The sender's MTA hands us the recipients at our domain (the others go to their own MX); dave,
      // Bcc'd, is given to us too here: refused at RCPT, he is never seen again.
      envelope: { from: `ana@${domain}`, to: [bcc, 'dave@client.test'] },
    });
    expect(sent.accepted).toEqual([bcc]);
    expect(sent.rejected).toEqual(['dave@client.test']);
    await fx.waitDecided(1);

    const [row] = await fx.inboundRows();
    expect(row).toMatchObject({ status: 'processed', reason_code: 'logged', raw_kept: false });
    expect(row!.detail).toContain(`owner ana@${domain} by rule user_email`);
    expect(row!.detail).toContain(`ben@${domain} (own_user)`);
    expect(row!.detail).toContain('eve@private.test (never_log)');
    expect(row!.detail).toContain('contacts created: carol@newco.test');

    const email = await s.emails.get(row!.email_id!);
    expect(email).toMatchObject({ source: 'bcc', direction: 'outbound', threadOwnerUserId: ana.id, subject: 'Proposal', authVerified: true, authDmarc: 'pass' });
    expect(email!.textBody).toContain('Here is the proposal.');
    expect(email!.htmlBody).toContain('<p>Here is the proposal.</p>');
    const files = await fx.db.sql<{ filename: string; content: Buffer }[]>`SELECT filename, content FROM attachments WHERE email_id = ${email!.id}`;
    expect(files.map((f) => [f.filename, f.content.toString()])).toEqual([['proposal.pdf', '%PDF-1.4 proposal']]);

    const carol = await s.contacts.findByEmail('carol@newco.test');
    expect(carol).toMatchObject({ ownerUserId: ana.id, marketing: false });
    expect(await s.contacts.findByEmail('eve@private.test')).toBeNull();
    expect(await s.contacts.findByEmail(`ben@${domain}`)).toBeNull();

    const links = await fx.db.sql<{ kind: string; target_id: string }[]>`SELECT kind, target_id FROM email_associations WHERE email_id = ${email!.id}`;
    const of = (kind: string) => links.filter((l) => l.kind === kind).map((l) => l.target_id).sort();
    expect(of('contact')).toEqual([bob.id, carol!.id].sort());
    expect(of('contact')).not.toContain(dave.id);
    expect(of('company')).toEqual([acme.id]);
    // The five most recent open deals of bob: deals 2-6 (7 is closed, 1 the oldest).
    expect(of('deal')).toEqual(deals.slice(1, 6).map((d) => d.id).sort());

    const timeline = await s.timeline.forContact('bob@client.test');
    expect(timeline.map((t) => t.id)).toEqual([email!.id]);
  });

  it('the same Message-ID again, or one already on the timeline, is one entry with a duplicate decision', { timeout: 90_000 }, async () => {
    fx = await createInboundFixture('bcc-duplicate');
    const { s, domain } = fx;
    await s.users.add({ email: `ana@${domain}` });
    await s.contacts.add({ email: 'bob@client.test' });
    const bcc = await fx.bccAddress();
    const inbound = await fx.start();
    const mail = { from: `ana@${domain}`, to: 'bob@client.test', bcc, subject: 'Twice', text: 'once', messageId: `<twice-${Date.now()}@${domain}>` };
    await fx.send(inbound.port, mail);
    await fx.waitDecided(1);
    await fx.send(inbound.port, mail);
    await fx.waitDecided(2);
    const rows = await fx.inboundRows();
    expect(rows.map((r) => r.reason_code)).toEqual(['logged', 'duplicate']);
    expect(rows[1]!.detail).toBe(`already logged as email ${rows[0]!.email_id}`);

    // Logged first by `email log` (the CRM's own copy), then BCC'd: still one.
    const raw = Buffer.from(`From: ana@${domain}\r\nTo: bob@client.test\r\nSubject: Logged first\r\nMessage-ID: <first-${Date.now()}@${domain}>\r\n\r\nhello\r\n`);
    const logged = await logEmail(s, { raw, userEmail: `ana@${domain}` });
    await fx.send(inbound.port, { envelope: { from: `ana@${domain}`, to: [bcc] }, raw });
    await fx.waitDecided(3);
    const third = (await fx.inboundRows())[2]!;
    expect(third).toMatchObject({ reason_code: 'duplicate', email_id: logged.emailId });
    const count = await fx.db.sql`SELECT 1 FROM logged_emails WHERE account_id = ${s.accountId}`;
    expect(count.length).toBe(2);
  });
});
