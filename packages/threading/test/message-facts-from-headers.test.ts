import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decide, HEADER_FIELDS_FOR_SCAN, messageFactsFromHeaders, type MessageFacts } from '../src/index';
import { context } from './builders';

// Client-style header blocks, shaped after what each client writes (order, folding, encodings).
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const place = { mailbox: 'INBOX', arrivedAt: new Date('2025-06-03T08:00:00Z') };
const facts = (name: string): MessageFacts => messageFactsFromHeaders(fixture(name), place);
const CRM = '0100018f7a2b-crm-1@email.crm.ourco.com';

describe('messageFactsFromHeaders against client fixtures', () => {
  it('Gmail: encoded From and Subject, folded References, quoted Cc name', () => {
    const f = facts('gmail-reply.eml');
    expect(f.messageId).toBe('cajx8vf2=q5tt_op3+h4yxl@mail.gmail.com');
    expect(f.inReplyTo).toEqual(['cahb7q9k3nn=abcd+efgh@mail.gmail.com']);
    expect(f.references).toEqual([CRM, 'cahb7q9k3nn=abcd+efgh@mail.gmail.com']);
    expect(f.from).toEqual({ address: 'ana.silva@gmail.test', name: 'Ana María Silva' });
    expect(f.to).toEqual([{ address: 'bob@ourco.com', name: 'Bob Builder' }]);
    expect(f.cc).toEqual([{ address: 'jo@example.com', name: 'Silva, Jo' }]);
    expect(f.subject).toBe('Re: Proposta comercial Q3');
    expect(f.date?.toISOString()).toBe('2025-06-03T07:14:27.000Z');
    expect(f.headers['return-path']).toBe('<ana.silva@gmail.test>');
    expect(f.mailbox).toBe('INBOX');
  });

  it('Outlook: CRLF, Message-ID folded onto its own line, 8-bit quoted name, X-Auto-Response-Suppress kept', () => {
    const f = facts('outlook-reply.eml');
    expect(f.messageId).toBe('am0pr01mb1234c0ffee5a6b7c8d9e0f1a2b3c4d5e6f7@am0pr01mb1234.eurprd01.prod.exchangelabs.com');
    expect(f.from).toEqual({ address: 'jens.mueller@contoso.test', name: 'Müller, Jens' });
    expect(f.inReplyTo).toEqual([CRM]);
    expect(f.headers['x-auto-response-suppress']).toBe('All');
    expect(f.headers['content-type']).toBe('multipart/alternative;\tboundary="_000_AM0PR01MB1234_"');
    expect(decide(f, context({ senderContact: { id: 'c', email: 'jens.mueller@contoso.test', companyIds: [], dealIds: [] } })).reason).toBe(
      'logged',
    );
  });

  it('Apple Mail: Message-Id spelling, Cc to a team address', () => {
    const f = facts('apple-mail-reply.eml');
    expect(f.messageId).toBe('7e1f2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7@martin.example');
    expect(f.from).toEqual({ address: 'chloe@martin.example', name: 'Chloé Martin' });
    expect(f.cc).toEqual([{ address: 'sales@ourco.com' }]);
    expect(f.references).toEqual([CRM]);
  });

  it('Thunderbird: a reply to a reply, a group in Cc, an apostrophe in a quoted name', () => {
    const f = facts('thunderbird-reply.eml');
    expect(f.inReplyTo).toEqual(['cajx8vf2=q5tt_op3+h4yxl@mail.gmail.com']);
    expect(f.references).toEqual([CRM, 'cajx8vf2=q5tt_op3+h4yxl@mail.gmail.com']);
    expect(f.from).toEqual({ address: 'sean@lawfirm.test', name: "O'Brien, Seán" });
    expect(f.cc.map((a) => a.address)).toEqual(['ana@example.com', 'jo@example.com']);
  });

  it('Outlook out-of-office: recorded as an auto-reply', () => {
    const f = facts('outlook-out-of-office.eml');
    expect(f.headers['auto-submitted']).toBe('auto-generated');
    expect(decide(f, context()).reason).toBe('auto_reply');
  });

  it('Gmail bounce: recorded as a bounce, with its comment-bearing Date read', () => {
    const f = facts('gmail-bounce.eml');
    expect(f.date?.toISOString()).toBe('2025-06-03T07:20:13.000Z');
    expect(f.headers['x-failed-recipients']).toBe('gone@example.com');
    expect(decide(f, context()).reason).toBe('bounce');
  });
});

describe('messageFactsFromHeaders on bad input', () => {
  it('never throws: missing From is null, a bad Date is null, no Message-ID is null', () => {
    const f = messageFactsFromHeaders('Subject: hi\r\nDate: yesterday-ish\r\nFrom: <>\r\n', place);
    expect(f.from).toBeNull();
    expect(f.date).toBeNull();
    expect(f.messageId).toBeNull();
    expect(f.inReplyTo).toEqual([]);
    expect(messageFactsFromHeaders('', place).subject).toBe('');
    expect(() => messageFactsFromHeaders(Buffer.from([0xff, 0xfe, 0x00, 0x0a, 0x3a]), place)).not.toThrow();
  });

  it('keeps the newest references and the root when a thread is very long', () => {
    const refs = Array.from({ length: 300 }, (_, i) => `<r${i}@x>`).join('\r\n ');
    const f = messageFactsFromHeaders(`References: ${refs}\r\n`, place);
    expect(f.references).toHaveLength(50);
    expect(f.references[0]).toBe('r0@x');
    expect(f.references[1]).toBe('r251@x');
    expect(f.references[49]).toBe('r299@x');
  });

  it('keeps the mailbox special-use flag when given', () => {
    const f = messageFactsFromHeaders('', { ...place, mailbox: '[Gmail]/Spam', mailboxSpecialUse: '\\Junk' });
    expect(f.mailboxSpecialUse).toBe('\\Junk');
  });
});

describe('HEADER_FIELDS_FOR_SCAN', () => {
  it('asks for every field MessageFacts and the rules read, once each', () => {
    for (const f of ['message-id', 'in-reply-to', 'references', 'from', 'to', 'cc', 'subject', 'date', 'auto-submitted', 'content-type', 'return-path', 'x-failed-recipients', 'precedence']) {
      expect(HEADER_FIELDS_FOR_SCAN).toContain(f);
    }
    expect(new Set(HEADER_FIELDS_FOR_SCAN).size).toBe(HEADER_FIELDS_FOR_SCAN.length);
  });
});
