// What the forwarding address decides beyond the happy path: a forwarded reply to an email already on
// the timeline is threaded with it (its quoted From and Subject find it) and goes on the existing contact
// with that contact's company; forwarding it again is one entry; a whole forwarded thread and a forward
// no parser recognises are skipped with their reason and a sentence saying what to do instead; a
// forwarder who is not one of the account's people, an unverified one under `require`, and an original
// sender on the never-log list are skipped too, and no contact is created for any of them. A body that
// would stall the forward parser's regular expressions is read within seconds.
import { logEmail } from '@reply-sync/operations/log-email';
import { reasonSentence } from '@reply-sync/threading';
import { afterEach, describe, expect, it } from 'vitest';
import { createInboundFixture, dkimKey, type InboundFixture } from './helpers/inbound-fixture';

let fx: InboundFixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

const gmailForward = (from: string, subject: string, to: string, body: string, cc = '') =>
  `Logging this.\n\n---------- Forwarded message ---------\nFrom: ${from}\nDate: Mon, 30 Nov 2026 at 10:15\nSubject: ${subject}\nTo: ${to}\n${cc ? `Cc: ${cc}\n` : ''}\n${body}\n`;

describe('forwarding address: threading and skips', () => {
  it('threads the original with the logged email it answers, on the existing contact; again is a duplicate', { timeout: 90_000 }, async () => {
    fx = await createInboundFixture('fwd-thread');
    const { s, domain } = fx;
    await s.users.add({ email: `ana@${domain}`, name: 'Ana' });
    const acme = await s.companies.add({ name: 'Acme' });
    const bob = await s.contacts.add({ email: 'bob@client.test', companyIds: [acme.id] });
    const sentId = `<pricing-${Date.now()}@${domain}>`;
    const sent = await logEmail(s, {
      raw: Buffer.from(`From: Ana <ana@${domain}>\r\nTo: Bob <bob@client.test>\r\nSubject: Pricing\r\nDate: Sun, 29 Nov 2026 09:00:00 +0000\r\nMessage-ID: ${sentId}\r\n\r\nHere is our price.\r\n`),
      userEmail: `ana@${domain}`,
    });
    // Another email to bob with another subject, newer: not the one the reply answers.
    await logEmail(s, {
      raw: Buffer.from(`From: Ana <ana@${domain}>\r\nTo: bob@client.test\r\nSubject: Lunch\r\nDate: Sun, 29 Nov 2026 12:00:00 +0000\r\nMessage-ID: <lunch-${Date.now()}@${domain}>\r\n\r\nLunch?\r\n`),
      userEmail: `ana@${domain}`,
    });
    const fwd = await fx.fwdAddress();
    const inbound = await fx.start();
    const mail = {
      from: `Ana <ana@${domain}>`,
      to: fwd,
      subject: 'Fwd: Re: Pricing',
      text: gmailForward('Bob <bob@client.test>', 'Re: Pricing', `Ana <ana@${domain}>`, 'Deal, send the contract.', 'Carol <carol@client.test>'),
    };
    await fx.send(inbound.port, { ...mail, messageId: `<f1-${Date.now()}@${domain}>` });
    await fx.waitDecided(1);
    const [row] = await fx.inboundRows();
    expect(row).toMatchObject({ reason_code: 'logged' });
    expect(row!.detail).toContain(`threaded with email ${sent.emailId}`);
    const email = await s.emails.get(row!.email_id!);
    const original = await s.emails.get(sent.emailId);
    expect(email).toMatchObject({ source: 'forward', direction: 'inbound', fromAddress: 'bob@client.test', threadId: original!.threadId, inReplyTo: sentId });
    expect(email!.textBody).toBe('Deal, send the contract.');
    const links = await fx.db.sql<{ kind: string; target_id: string }[]>`SELECT kind, target_id FROM email_associations WHERE email_id = ${email!.id} ORDER BY kind`;
    expect(links.map((l) => [l.kind, l.target_id])).toEqual([['company', acme.id], ['contact', bob.id]]);
    expect(await s.contacts.findByEmail('carol@client.test')).toBeNull();
    expect((await s.timeline.forContact('bob@client.test')).map((t) => t.id)).toContain(email!.id);

    // The same reply forwarded again (a new forward, its own Message-ID): one timeline entry.
    await fx.send(inbound.port, { ...mail, messageId: `<f2-${Date.now()}@${domain}>` });
    await fx.waitDecided(2);
    expect((await fx.inboundRows())[1]).toMatchObject({ reason_code: 'duplicate', email_id: email!.id });
  });

  it('skips a forwarded thread, an unrecognised forward, a stranger, an unverified forwarder and a never-log sender', { timeout: 90_000 }, async () => {
    fx = await createInboundFixture('fwd-skips');
    const { s, domain } = fx;
    await s.users.add({ email: `ana@${domain}` });
    await s.neverLog.add('domain', 'private.test');
    const fwd = await fx.fwdAddress();
    const inbound = await fx.start();
    const ana = `ana@${domain}`;
    const base = { from: ana, to: fwd };

    const thread =
      gmailForward('Bob <bob-thread@client.test>', 'Re: Pricing', ana, 'Ok.') +
      '\n---------- Forwarded message ---------\nFrom: Ana <' + ana + '>\nDate: Sun, 29 Nov 2026 at 09:00\nSubject: Pricing\nTo: Bob <bob-thread@client.test>\n\nHere is our price.\n';
    await fx.send(inbound.port, { ...base, subject: 'Fwd: Re: Pricing', text: thread });
    await fx.send(inbound.port, { ...base, subject: 'Look at this', text: 'Bob said yes on the phone, please log it.\n' });
    await fx.send(inbound.port, { ...base, subject: 'Fwd: Re: Secret', text: gmailForward('Eve <eve@private.test>', 'Re: Secret', ana, 'Private.') });
    // From a stranger (their own domain, their own valid DKIM): not one of the account's people.
    const strangerKey = dkimKey('stranger.test');
    fx.dns.publishDkim(strangerKey);
    fx.dns.txt('stranger.test', 'v=spf1 ip4:127.0.0.1 -all');
    await fx.send(inbound.port, { from: 'mallory@stranger.test', to: fwd, subject: 'Fwd: Re: Pricing', text: gmailForward('Bob <bob-stranger@client.test>', 'Re: Pricing', ana, 'Yes.') }, { dkim: strangerKey });
    await fx.waitDecided(4);

    // A forged From: ana's domain, signed by another domain and sent from an address its SPF refuses.
    await s.account.setSenderVerification('require');
    fx.dns.txt(domain, 'v=spf1 ip4:192.0.2.10 -all');
    await fx.send(
      inbound.port,
      { ...base, subject: 'Fwd: Re: Pricing', text: gmailForward('Bob <bob-unsigned@client.test>', 'Re: Pricing', ana, 'Yes.'), envelope: { from: 'bounce@stranger.test', to: [fwd] } },
      { dkim: strangerKey },
    );
    await fx.waitDecided(5);

    const rows = await fx.inboundRows();
    expect(rows.map((r) => [r.reason_code, r.email_id])).toEqual([
      ['forward_of_thread', null],
      ['forward_not_recognised', null],
      ['never_log', null],
      ['sender_not_user', null],
      ['sender_unverified', null],
    ]);
    for (const r of rows) expect(r.raw_kept).toBe(false);
    expect(reasonSentence('forward_of_thread')).toMatch(/forward each reply on its own/);
    expect(reasonSentence('forward_not_recognised')).toMatch(/Forward button/);
    for (const who of ['bob-thread@client.test', 'eve@private.test', 'bob-stranger@client.test', 'bob-unsigned@client.test']) {
      expect(await s.contacts.findByEmail(who), who).toBeNull();
    }
    expect((await fx.db.sql`SELECT 1 FROM logged_emails WHERE account_id = ${s.accountId}`).length).toBe(0);
  });

  it('reads a forward whose body would stall the parser (200 KB of "<"): logged, the text past the cut kept', { timeout: 90_000 }, async () => {
    fx = await createInboundFixture('fwd-slow');
    const { s, domain } = fx;
    await s.users.add({ email: `ana@${domain}` });
    const fwd = await fx.fwdAddress();
    const inbound = await fx.start();
    const filler = '<'.repeat(200_000);
    const started = Date.now();
    await fx.send(inbound.port, { from: `ana@${domain}`, to: fwd, subject: 'Fwd: Re: Pricing', text: gmailForward('Bob <bob@client.test>', 'Re: Pricing', `ana@${domain}`, `Yes.\n${filler}\nThe end.`) });
    await fx.waitDecided(1);
    // Unbounded, the parser takes minutes on this (quadratic regular expressions); capped, seconds.
    expect(Date.now() - started).toBeLessThan(20_000);
    const [row] = await fx.inboundRows();
    expect(row).toMatchObject({ reason_code: 'logged' });
    const email = await s.emails.get(row!.email_id!);
    expect(email!.textBody!.startsWith('Yes.')).toBe(true);
    expect(email!.textBody!.endsWith('The end.')).toBe(true);
    expect(email!.textBody!.length).toBeGreaterThan(200_000);
  });
});
