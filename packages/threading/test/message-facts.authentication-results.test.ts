import { describe, expect, it } from 'vitest';
import { HEADER_FIELDS_FOR_SCAN, MAX_AUTHENTICATION_RESULTS, messageFactsFromHeaders } from '../src/index';

const place = { mailbox: 'INBOX', arrivedAt: new Date('2025-06-03T10:00:00Z') };

describe('messageFactsFromHeaders: Authentication-Results', () => {
  it('the worker fetches the field, and the facts keep every value in header order, unfolded', () => {
    expect(HEADER_FIELDS_FOR_SCAN).toContain('authentication-results');
    const raw =
      'Authentication-Results: top.example;\r\n dmarc=pass header.from=example.com\r\n' +
      'From: ana@example.com\r\n' +
      'authentication-results: middle.example; spf=pass\r\n' +
      'AUTHENTICATION-RESULTS: bottom.example; dkim=fail\r\n\r\n';
    expect(messageFactsFromHeaders(raw, place).authenticationResults).toEqual([
      'top.example; dmarc=pass header.from=example.com',
      'middle.example; spf=pass',
      'bottom.example; dkim=fail',
    ]);
  });

  it(`keeps the topmost ${MAX_AUTHENTICATION_RESULTS}, and none is an empty list`, () => {
    const many = Array.from({ length: 12 }, (_, i) => `Authentication-Results: hop${i}.example; none\r\n`).join('');
    const facts = messageFactsFromHeaders(`${many}From: ana@example.com\r\n\r\n`, place);
    expect(facts.authenticationResults).toEqual(Array.from({ length: MAX_AUTHENTICATION_RESULTS }, (_, i) => `hop${i}.example; none`));
    expect(messageFactsFromHeaders('From: ana@example.com\r\n\r\n', place).authenticationResults).toEqual([]);
  });
});
