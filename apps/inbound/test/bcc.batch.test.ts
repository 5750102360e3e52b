// Messages waiting on the queue are decided together, in one transaction per batch, with the rules of
// one message at a time: every message gets exactly one decision, the same Message-ID twice is one
// timeline entry and a duplicate, a new contact wanted by several messages is created once (and said so
// once), a stranger and a message without a Message-ID are refused beside the ones logged.
import { afterEach, describe, expect, it } from 'vitest';
import { createInboundFixture, type InboundFixture } from './helpers/inbound-fixture';
import { signedMessage } from './helpers/signed-message';

let fx: InboundFixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

describe('BCC messages decided in batches', () => {
  it('gives each message of a batch its one decision, as alone', { timeout: 90_000 }, async () => {
    fx = await createInboundFixture('bcc-batch');
    const { s, domain } = fx;
    const ana = await s.users.add({ email: `ana@${domain}` });
    const bob = await s.contacts.add({ email: 'bob@client.test' });
    const bcc = await fx.bccAddress();
    const stamp = Date.now();
    const mails = [
      ...Array.from({ length: 8 }, (_, i) => ({ from: `ana@${domain}`, to: i < 3 ? 'zoe@newco.test' : 'bob@client.test', subject: `Note ${i}`, text: `Note ${i}.`, messageId: `<note-${i}-${stamp}@${domain}>` })),
      { from: `ana@${domain}`, to: 'bob@client.test', subject: 'Note 0 again', text: 'Again.', messageId: `<note-0-${stamp}@${domain}>` },
      { from: `mallory@${domain}`, to: 'bob@client.test', subject: 'Stranger', text: 'Hi.', messageId: `<stranger-${stamp}@${domain}>` },
    ];
    // Spooled while no processor runs, so the start-up sweep queues them all at once.
    const ids: string[] = [];
    for (const mail of mails) {
      const raw = await signedMessage(fx.key, mail);
      ids.push(await s.inbound.spool({ addressKind: 'bcc', envelopeFrom: mail.from, envelopeTo: [bcc], clientIp: '127.0.0.1', helo: 'client.test', raw, messageId: null, fromAddress: null, subject: mail.subject }));
    }
    const noId = Buffer.from(`From: ana@${domain}\r\nTo: bob@client.test\r\nSubject: No id\r\n\r\nHello.\r\n`);
    ids.push(await s.inbound.spool({ addressKind: 'bcc', envelopeFrom: `ana@${domain}`, envelopeTo: [bcc], clientIp: '127.0.0.1', helo: 'client.test', raw: noId, messageId: null, fromAddress: null, subject: 'No id' }));

    await fx.start();
    await fx.waitDecided(ids.length);
    const rows = await fx.inboundRows();
    const reasons = ids.map((id) => rows.find((r) => r.id === id)!.reason_code);
    expect(reasons).toEqual([...Array(8).fill('logged'), 'duplicate', 'sender_not_user', 'malformed']);
    const first = rows.find((r) => r.id === ids[0])!;
    expect(rows.find((r) => r.id === ids[8])!.detail).toBe(`already logged as email ${first.email_id}`);

    // Decided together: the batch's rows share their transaction's time.
    const [batches] = await fx.db.sql<{ n: number }[]>`SELECT count(DISTINCT processed_at)::int AS n FROM inbound_messages WHERE id = any(${ids}::uuid[])`;
    expect(batches!.n).toBeLessThan(ids.length);

    const zoe = await s.contacts.findByEmail('zoe@newco.test');
    expect(zoe).toMatchObject({ ownerUserId: ana.id, marketing: false });
    expect(rows.filter((r) => r.detail?.includes('contacts created: zoe@newco.test'))).toHaveLength(1);
    expect((await s.timeline.forContact('zoe@newco.test')).length).toBe(3);
    expect((await s.timeline.forContact('bob@client.test')).length).toBe(5);
    const links = await fx.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM email_associations WHERE target_id = ${bob.id}`;
    expect(links[0]!.n).toBe(5);
  });

  it('of two copies of one Message-ID logs the one received first, even when the later is read faster', { timeout: 90_000 }, async () => {
    fx = await createInboundFixture('bcc-batch-order');
    const { s, domain } = fx;
    await s.users.add({ email: `ana@${domain}` });
    await s.contacts.add({ email: 'bob@client.test' });
    await s.contacts.add({ email: 'cy@client.test' });
    const bcc = await fx.bccAddress();
    const messageId = `<copy-${Date.now()}@${domain}>`;
    // The first copy carries a large attachment, so its body takes longer to parse than the second's.
    const copies = [
      { from: `ana@${domain}`, to: 'bob@client.test', subject: 'The proposal', text: 'Attached.', messageId, attachments: [{ filename: 'proposal.txt', content: 'x'.repeat(3_000_000) }] },
      { from: `ana@${domain}`, to: 'cy@client.test', subject: 'The proposal (copy)', text: 'Copy.', messageId },
    ];
    const ids: string[] = [];
    for (const mail of copies) {
      const raw = await signedMessage(fx.key, mail);
      ids.push(await s.inbound.spool({ addressKind: 'bcc', envelopeFrom: mail.from, envelopeTo: [bcc], clientIp: '127.0.0.1', helo: 'client.test', raw, messageId: null, fromAddress: null, subject: mail.subject }));
    }
    await fx.start();
    await fx.waitDecided(ids.length);
    const rows = await fx.inboundRows();
    expect(ids.map((id) => rows.find((r) => r.id === id)!.reason_code)).toEqual(['logged', 'duplicate']);
    expect((await s.timeline.forContact('bob@client.test')).map((e) => e.subject)).toEqual(['The proposal']);
    expect(await s.timeline.forContact('cy@client.test')).toEqual([]);
  });
});
