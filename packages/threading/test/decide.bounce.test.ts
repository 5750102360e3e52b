import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decide, messageFactsFromHeaders } from '../src/index';
import { context, place, replyFacts } from './builders';

const reason = (f: Parameters<typeof replyFacts>[0]) => decide(replyFacts(f), context()).reason;

describe('rule 2, bounce: delivery status notifications are not replies', () => {
  it('recognises multipart/report; report-type=delivery-status (quoted, any case)', () => {
    expect(reason({ headers: { 'content-type': 'multipart/report; report-type=delivery-status; boundary="x"' } })).toBe('bounce');
    expect(reason({ headers: { 'content-type': 'Multipart/Report; boundary=x;\tReport-Type="Delivery-Status"' } })).toBe('bounce');
  });

  it('recognises mail from mailer-daemon@ or postmaster@, whatever the case', () => {
    expect(reason({ from: { address: 'mailer-daemon@googlemail.com', name: 'Mail Delivery Subsystem' } })).toBe('bounce');
    expect(reason({ from: { address: 'postmaster@outlook.example.com' } })).toBe('bounce');
    expect(reason({ from: { address: 'mailer-daemon' } })).toBe('bounce');
  });

  it('recognises X-Failed-Recipients', () => {
    const d = decide(replyFacts({ headers: { 'x-failed-recipients': 'nobody@example.com' } }), context());
    expect(d).toEqual({ action: 'skip', reason: 'bounce', detail: 'X-Failed-Recipients: nobody@example.com' });
  });

  it('recognises a null Return-Path when nothing says auto-reply', () => {
    expect(reason({ headers: { 'return-path': '<>' } })).toBe('bounce');
    expect(reason({ headers: { 'return-path': '< >' } })).toBe('bounce');
  });

  it('leaves a null Return-Path with an auto-reply signal to the auto-reply rule (RFC 3834 responders send with <>)', () => {
    expect(reason({ headers: { 'return-path': '<>', 'auto-submitted': 'auto-replied' } })).toBe('auto_reply');
  });

  it('does not mistake a person whose address merely contains "postmaster" or a read receipt for a bounce', () => {
    expect(reason({ from: { address: 'postmaster-ana@example.com' } })).not.toBe('bounce');
    expect(reason({ headers: { 'content-type': 'multipart/report; report-type=disposition-notification' } })).toBe('auto_reply');
    expect(reason({ headers: { 'return-path': '<ana@example.com>', 'content-type': 'multipart/mixed; boundary=a' } })).toBe('logged');
  });
});

describe('rule 2, bounce: providers without a delivery-status report, and feedback reports', () => {
  const fixture = (name: string) => messageFactsFromHeaders(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)), place);

  it('recognises an Amazon WorkMail bounce (multipart/mixed, From the bare word amazonses.com)', () => {
    const f = fixture('workmail-bounce.eml');
    expect(f.from).toBeNull();
    expect(decide(f, context())).toEqual({ action: 'skip', reason: 'bounce', detail: 'Amazon WorkMail bounce (subject "Undelivered Mail Returned to Sender")' });
  });

  it('recognises an ARF feedback report (RFC 5965) as a bounce-class message with its own detail', () => {
    expect(decide(fixture('arf-feedback-report.eml'), context())).toEqual({
      action: 'skip',
      reason: 'bounce',
      detail: 'feedback report (multipart/report; report-type=feedback-report, RFC 5965)',
    });
  });

  it('does not take an ordinary WorkMail message, or a person quoting a bounce subject, for a bounce', () => {
    expect(reason({ subject: 'Re: Proposal', headers: { 'x-mailer': 'Amazon WorkMail' } })).toBe('logged');
    expect(reason({ subject: 'Undelivered Mail Returned to Sender' })).toBe('logged');
  });
});

