// Who may log by BCC: the From must be one of the account's people, and it must be proven. A forged
// From (a user's address, signed by the forger's own domain, sent from an address the user's SPF does
// not allow, the domain publishing DMARC p=reject) is refused under `require` and logged but marked
// unverified under `flag`; a stranger's From is refused either way. Every refusal has its decision,
// found by Message-ID.
import { explainInbound } from '@reply-sync/operations/timeline';
import { REASON_SENTENCES } from '@reply-sync/threading';
import { afterEach, describe, expect, it } from 'vitest';
import { createInboundFixture, dkimKey, type InboundFixture } from './helpers/inbound-fixture';

let fx: InboundFixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

async function setUp(name: string, policy: 'flag' | 'require') {
  fx = await createInboundFixture(name);
  await fx.s.users.add({ email: `ana@${fx.domain}` });
  await fx.s.contacts.add({ email: 'bob@client.test' });
  await fx.s.account.setSenderVerification(policy);
  const evil = dkimKey('evil.test');
  fx.dns.publishDkim(evil);
  // Only 192.0.2.10 may send for the users' domain: our test client on 127.0.0.1 fails SPF.
  fx.dns.txt(fx.domain, 'v=spf1 ip4:192.0.2.10 -all');
  const bcc = await fx.bccAddress();
  const inbound = await fx.start();
  const forge = (subject: string) =>
    fx!.send(
      inbound.port,
      { from: `ana@${fx!.domain}`, to: 'bob@client.test', subject, text: 'pay this invoice', messageId: `<${subject}-${Date.now()}@evil.test>`, envelope: { from: 'bounce@evil.test', to: [bcc] } },
      { dkim: evil },
    );
  return { bcc, inbound, forge, evil };
}

describe('sender verification on the BCC path', () => {
  it('require: a forged From is refused as sender_unverified; a genuine signature is logged', { timeout: 90_000 }, async () => {
    const { forge, inbound, bcc } = await setUp('verify-require', 'require');
    await forge('forged');
    await fx!.waitDecided(1);
    const [forged] = await fx!.inboundRows();
    expect(forged).toMatchObject({ status: 'processed', reason_code: 'sender_unverified', email_id: null, raw_kept: false });
    expect(forged!.detail).toMatch(/dmarc=fail/);
    expect(await fx!.db.sql`SELECT 1 FROM logged_emails WHERE account_id = ${fx!.s.accountId}`).toHaveLength(0);

    const explained = await explainInbound(fx!.s, forged!.message_id!);
    expect(explained).toEqual([expect.objectContaining({ reasonCode: 'sender_unverified', sentence: REASON_SENTENCES.sender_unverified, decision: 'skipped' })]);

    // Signed by the users' own domain (aligned DKIM): DMARC passes although SPF fails.
    await fx!.send(inbound.port, { from: `ana@${fx!.domain}`, to: 'bob@client.test', subject: 'genuine', text: 'hello', envelope: { from: `ana@${fx!.domain}`, to: [bcc] } });
    await fx!.waitDecided(2);
    const genuine = (await fx!.inboundRows())[1]!;
    expect(genuine.reason_code).toBe('logged');
    expect(await fx!.s.emails.get(genuine.email_id!)).toMatchObject({ authVerified: true, authDmarc: 'pass', authDkimAligned: true, authSpf: 'fail' });
  });

  it('flag: a forged From is logged and marked unverified with the reason', { timeout: 90_000 }, async () => {
    const { forge } = await setUp('verify-flag', 'flag');
    await forge('flagged');
    await fx!.waitDecided(1);
    const [row] = await fx!.inboundRows();
    expect(row!.reason_code).toBe('logged');
    expect(row!.detail).toMatch(/unverified sender \(flag policy\): .*dmarc=fail/);
    expect(await fx!.s.emails.get(row!.email_id!)).toMatchObject({ authVerified: false, authDmarc: 'fail', authDkimAligned: false });
  });

  it("a From that is not one of the account's people is refused as sender_not_user", { timeout: 90_000 }, async () => {
    const { inbound, bcc } = await setUp('verify-stranger', 'flag');
    const stranger = dkimKey('stranger.test');
    fx!.dns.publishDkim(stranger);
    await fx!.send(inbound.port, { from: 'mallory@stranger.test', to: 'bob@client.test', subject: 'hi', text: 'x', envelope: { from: 'mallory@stranger.test', to: [bcc] } }, { dkim: stranger });
    await fx!.waitDecided(1);
    const [row] = await fx!.inboundRows();
    expect(row).toMatchObject({ reason_code: 'sender_not_user', detail: 'From mallory@stranger.test', email_id: null });
    expect(await fx!.s.contacts.list()).toHaveLength(1); // bob only: nothing created
  });
});
