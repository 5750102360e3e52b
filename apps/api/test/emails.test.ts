// Emails over the API: log one sent elsewhere (base64 RFC 5322; the same Message-ID again changes
// nothing), read it back with its body and attachments, stream an attachment's bytes; a support key gets
// neither body nor attachment; an email over 50 MB is refused with its reason (delivered, not logged).
import { randomUUID } from 'node:crypto';
import { composeEmail } from '@reply-sync/testkit';
import { normalizeMessageId } from '@reply-sync/threading';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApi, type TestAccount, type TestApi } from './helpers';

let api: TestApi;
let a: TestAccount;
beforeAll(async () => {
  api = await startTestApi();
  a = await api.account();
  await a.s.users.add({ email: 'ana@mail.test', name: 'Ana' });
  await a.s.contacts.add({ email: 'bob@acme.test', name: 'Bob' });
});
afterAll(async () => {
  await api?.close();
});

describe('emails', () => {
  it('logs an email sent elsewhere, then serves its body and its attachment to read keys only', async () => {
    const key = await a.key(['read', 'write']);
    const csv = Buffer.from('sku,qty\nA-1,3\n');
    const messageId = `<${randomUUID()}@mail.test>`;
    const raw = await composeEmail({ from: 'Ana <ana@mail.test>', to: 'bob@acme.test', subject: 'Order form', messageId, text: 'Here is the form, Bob.', attachments: [{ filename: 'order "form".csv', content: csv, contentType: 'text/csv' }] });
    const payload = { raw: raw.toString('base64'), userEmail: 'ana@mail.test' };

    const logged = await api.app.inject({ method: 'POST', url: '/v1/emails/log', headers: bearer(key), payload });
    expect(logged.statusCode).toBe(201);
    expect(logged.json()).toMatchObject({ inserted: true, messageId, subject: 'Order form', associations: { contacts: [expect.objectContaining({ email: 'bob@acme.test' })] } });
    const again = await api.app.inject({ method: 'POST', url: '/v1/emails/log', headers: bearer(key), payload });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ inserted: false, emailId: logged.json().emailId });

    const email = await api.app.inject({ method: 'GET', url: `/v1/emails/${logged.json().emailId}`, headers: bearer(key) });
    expect(email.statusCode).toBe(200);
    expect(email.json()).toMatchObject({ messageId, direction: 'outbound', from: { address: 'ana@mail.test' }, textBody: expect.stringContaining('Here is the form, Bob.'), attachments: [{ filename: 'order "form".csv', contentType: 'text/csv', size: csv.length }] });

    const att = email.json().attachments[0];
    const bytes = await api.app.inject({ method: 'GET', url: `/v1/emails/${email.json().id}/attachments/${att.id}`, headers: bearer(key) });
    expect(bytes.statusCode).toBe(200);
    expect(bytes.rawPayload.equals(csv)).toBe(true);
    expect(bytes.headers['content-type']).toMatch(/^text\/csv/);
    expect(bytes.headers['content-disposition']).toBe(`attachment; filename="order _form_.csv"; filename*=UTF-8''${encodeURIComponent('order "form".csv')}`);

    const support = await a.key(['support']);
    for (const url of [`/v1/emails/${email.json().id}`, `/v1/emails/${email.json().id}/attachments/${att.id}`]) {
      expect((await api.app.inject({ method: 'GET', url, headers: bearer(support) })).statusCode, url).toBe(403);
    }
  });

  it('refuses a message without a Message-ID with its code and sentence', async () => {
    const raw = Buffer.from('From: ana@mail.test\r\nTo: bob@acme.test\r\nSubject: x\r\n\r\nhi\r\n');
    const r = await api.app.inject({ method: 'POST', url: '/v1/emails/log', headers: bearer(await a.key(['write'])), payload: { raw: raw.toString('base64'), userEmail: 'ana@mail.test' } });
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ code: 'message_id_missing', detail: expect.stringContaining('Message-ID') });
  });

  it('refuses an email over 50 MB in total with 413 and the reason: delivered, but not logged', async () => {
    const messageId = `<${randomUUID()}@mail.test>`;
    const head = `From: ana@mail.test\r\nTo: bob@acme.test\r\nSubject: The files\r\nMessage-ID: ${messageId}\r\nContent-Type: text/plain\r\n\r\n`;
    const raw = Buffer.concat([Buffer.from(head), Buffer.alloc(50 * 1024 * 1024 + 64 * 1024, `${'x'.repeat(998)}\r\n`)]);
    const r = await api.app.inject({ method: 'POST', url: '/v1/emails/log', headers: bearer(await a.key(['write'])), payload: { raw: raw.toString('base64'), userEmail: 'ana@mail.test' } });
    expect(r.statusCode).toBe(413);
    expect(r.json()).toMatchObject({ code: 'email_too_large', detail: expect.stringContaining('it was delivered to its recipients but not logged') });
    expect(await a.s.emails.loggedMessageIds([normalizeMessageId(messageId)!])).toEqual(new Set());
  }, 60_000);
});
