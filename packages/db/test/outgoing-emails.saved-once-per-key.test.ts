// An outgoing email is saved once per (account, key) with its attachments in one transaction, only
// naming the account's own inbox, user and associations; another account's scope cannot read or move
// it; and the worker's state moves forward only: one SMTP claim, a sent email stays sent.
import { describe, expect, it } from 'vitest';
import { MAX_OUTGOING_ATTACHMENT_BYTES, type CreateOutgoingEmailInput } from '../src/queries/outgoing-emails';
import type { Scoped } from '../src/scoped';
import { newAccount, useDb } from './helpers';
import { seedThread, type Scene } from './fixtures';

function request(scene: Scene, overrides: Partial<CreateOutgoingEmailInput> = {}): CreateOutgoingEmailInput {
  return {
    inboxId: scene.inbox.id,
    userId: scene.user.id,
    sendId: `key-${Math.random().toString(36).slice(2)}`,
    to: ['Bob <bob@acme.test>'],
    subject: 'Renewal terms',
    textBody: 'Here they are.',
    contactIds: [scene.contact.id],
    dealIds: [scene.deal.id],
    attachments: [
      { filename: 'terms.txt', content: Buffer.from('terms') },
      { filename: 'price.csv', contentType: 'text/csv', content: Buffer.from('a,b\n1,2\n') },
    ],
    ...overrides,
  };
}

/** The CHECK constraint a failed statement broke. */
async function brokenConstraint(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e as { cause?: { constraint_name?: string } },
  );
  return error?.cause?.constraint_name;
}

async function count(s: Scoped, sendId: string): Promise<number> {
  return (await s.outgoingEmails.findBySendId(sendId)) ? 1 : 0;
}

describe('outgoing emails', () => {
  const ctx = useDb();

  it('the same key saves one email with its attachments in order; a second create returns it untouched', async () => {
    const { s } = await newAccount(ctx.handle);
    const scene = await seedThread(s);
    const input = request(scene);
    const first = await s.outgoingEmails.create(input);
    expect(first.created).toBe(true);
    expect(first.email).toMatchObject({ status: 'pending', to: ['Bob <bob@acme.test>'], cc: [], raw: null, smtpStartedAt: null, contactIds: [scene.contact.id] });
    const again = await s.outgoingEmails.create({ ...input, subject: 'Something else', attachments: [{ filename: 'x', content: Buffer.from('x') }] });
    expect(again).toMatchObject({ created: false, email: { id: first.email.id, subject: 'Renewal terms' } });
    const files = await s.outgoingEmails.attachments(first.email.id);
    expect(files.map((f) => [f.position, f.filename, f.contentType, f.size, f.content.toString()])).toEqual([
      [0, 'terms.txt', null, 5, 'terms'],
      [1, 'price.csv', 'text/csv', 8, 'a,b\n1,2\n'],
    ]);
  });

  it("refuses another account's inbox, user or contact, and attachments over the limit, saving nothing", async () => {
    const a = await newAccount(ctx.handle);
    const b = await newAccount(ctx.handle);
    const ours = await seedThread(a.s);
    const theirs = await seedThread(b.s);
    for (const bad of [{ inboxId: theirs.inbox.id }, { userId: theirs.user.id }, { contactIds: [theirs.contact.id] }, { dealIds: [theirs.deal.id] }]) {
      const input = request(ours, bad);
      await expect(a.s.outgoingEmails.create(input)).rejects.toMatchObject({ code: 'not_in_account' });
      expect(await count(a.s, input.sendId)).toBe(0);
    }
    const big = request(ours, { attachments: [{ filename: 'big.bin', content: Buffer.alloc(MAX_OUTGOING_ATTACHMENT_BYTES + 1) }] });
    await expect(a.s.outgoingEmails.create(big)).rejects.toMatchObject({ code: 'attachments_too_large' });
    expect(await count(a.s, big.sendId)).toBe(0);
  });

  it("another account's scope neither reads nor changes the email", async () => {
    const a = await newAccount(ctx.handle);
    const b = await newAccount(ctx.handle);
    const scene = await seedThread(a.s);
    const { email } = await a.s.outgoingEmails.create(request(scene));
    expect(await b.s.outgoingEmails.get(email.id)).toBeNull();
    expect(await b.s.outgoingEmails.findBySendId(email.sendId)).toBeNull();
    expect(await b.s.outgoingEmails.attachments(email.id)).toEqual([]);
    await expect(b.s.outgoingEmails.saveBuilt(email.id, { messageId: '<x@y>', raw: Buffer.from('x'), date: new Date() })).rejects.toMatchObject({ code: 'not_found' });
    expect(await b.s.outgoingEmails.claimSmtp(email.id)).toBe(false);
    await b.s.outgoingEmails.markFailed(email.id, 'x: y');
    await b.s.outgoingEmails.markSent(email.id, { emailId: scene.original.emailId, rejected: [] });
    expect(await a.s.outgoingEmails.get(email.id)).toMatchObject({ status: 'pending', raw: null, smtpStartedAt: null, failure: null, emailId: null });
  });

  it('keeps the first built message, claims SMTP once, and a sent email stays sent', async () => {
    const { s } = await newAccount(ctx.handle);
    const scene = await seedThread(s);
    const { email } = await s.outgoingEmails.create(request(scene));
    expect(await s.outgoingEmails.claimSmtp(email.id)).toBe(false); // nothing built yet
    const first = { messageId: '<first@mail.test>', raw: Buffer.from('first bytes'), date: new Date('2026-01-01T00:00:00Z') };
    expect(await s.outgoingEmails.saveBuilt(email.id, first)).toEqual(first);
    // A racing attempt that built its own gets the first one back.
    const second = await s.outgoingEmails.saveBuilt(email.id, { messageId: '<second@mail.test>', raw: Buffer.from('second'), date: new Date() });
    expect(second).toEqual(first);

    expect(await s.outgoingEmails.claimSmtp(email.id)).toBe(true);
    expect(await s.outgoingEmails.claimSmtp(email.id)).toBe(false);
    await s.outgoingEmails.releaseSmtp(email.id);
    expect(await s.outgoingEmails.claimSmtp(email.id)).toBe(true);

    // An attempt that timed out records a failure while the other one sent: sent wins, and stays.
    await s.outgoingEmails.markFailed(email.id, 'send_timed_out: given up');
    await s.outgoingEmails.markSent(email.id, { emailId: scene.original.emailId, rejected: ['carol@acme.test'] });
    await s.outgoingEmails.markFailed(email.id, 'send_outcome_unknown: late');
    expect(await s.outgoingEmails.get(email.id)).toMatchObject({ status: 'sent', failure: null, emailId: scene.original.emailId, rejected: ['carol@acme.test'] });
    expect(await s.outgoingEmails.claimSmtp(email.id)).toBe(false);
  });

  it('the table refuses an email without a recipient or a body, or with a malformed key', async () => {
    const { s } = await newAccount(ctx.handle);
    const scene = await seedThread(s);
    expect(await brokenConstraint(s.outgoingEmails.create(request(scene, { to: [] })))).toBe('outgoing_emails_to_ck');
    expect(await brokenConstraint(s.outgoingEmails.create(request(scene, { textBody: null, htmlBody: null })))).toBe('outgoing_emails_body_ck');
    expect(await brokenConstraint(s.outgoingEmails.create(request(scene, { sendId: 'not a key' })))).toBe('outgoing_emails_send_id_ck');
  });
});
