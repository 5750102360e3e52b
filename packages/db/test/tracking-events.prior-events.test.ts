// What the tracker's classifier reads of a pair's earlier events, however many there are: the first open
// through Gmail's image proxy, the first counted open, and the clicks within a second of the batch's
// window; for a named recipient and for an anonymous email (every recipient's opens in one pair). Another
// recipient's or email's events are not read.
import { randomUUID } from 'node:crypto';
import { ANONYMOUS_RECIPIENT, type PriorEvent } from '@reply-sync/tracking';
import { describe, expect, it } from 'vitest';
import { insertTrackingEvents, pairKey, priorTrackingEvents, type NewTrackingEvent } from '../src/tracking-events';
import { inboxInput, newAccount, testKeys, newKey, useDb } from './helpers';

const T0 = new Date('2026-12-01T09:00:00Z').getTime();
const at = (seconds: number) => new Date(T0 + seconds * 1000);

describe('priorTrackingEvents', () => {
  const ctx = useDb();

  it('gives the first proxy open, the first counted open and the clicks near the window, not the rest', async () => {
    const { account, s } = await newAccount(ctx.handle);
    const inbox = await s.inboxes.create(inboxInput(), testKeys(newKey('k1')));
    const { email } = await s.outgoingEmails.create({ inboxId: inbox.id, userId: null, sendId: `prior-${randomUUID()}`, to: ['ana@acme.test', 'bob@acme.test'], subject: 'Pricing', htmlBody: '<p>hi</p>' });
    const event = (recipient: string | null, seconds: number, over: Partial<NewTrackingEvent>): NewTrackingEvent => ({
      accountId: account.id, emailId: email.id, recipient, kind: 'open', target: null, method: 'GET', eventClass: 'human', reason: 'human', counted: true,
      ip: '203.0.113.9', userAgent: 'Mozilla/5.0', occurredAt: at(seconds), lastSeenAt: at(seconds), hits: 1, dedupeKey: randomUUID(), ...over,
    });
    const click = (recipient: string | null, seconds: number, target: string) => event(recipient, seconds, { kind: 'click', target });
    const events: NewTrackingEvent[] = [
      // Ana: a prefetch, her first counted open, 40 more opens, Gmail's proxy twice, clicks long before and near the window.
      event('ana@acme.test', 5, { eventClass: 'privacy_proxy', reason: 'apple_mpp_prefetch_timing', counted: false }),
      event('ana@acme.test', 60, {}),
      ...Array.from({ length: 40 }, (_, i) => event('ana@acme.test', 120 + i, {})),
      event('ana@acme.test', 300, { eventClass: 'image_proxy', reason: 'google_image_proxy' }),
      event('ana@acme.test', 400, { eventClass: 'image_proxy', reason: 'google_image_proxy_repeat', counted: false }),
      click('ana@acme.test', 500, 'https://example.com/a'),
      click('ana@acme.test', 999.5, 'https://example.com/b'),
      click('ana@acme.test', 1000.2, 'https://example.com/c'),
      // Bob: one open. Anonymous: 30 opens of everyone (stored with no recipient), one click near the window.
      event('bob@acme.test', 70, {}),
      ...Array.from({ length: 30 }, (_, i) => event(null, 200 + i, { ip: null, userAgent: null })),
      click(null, 1001, 'https://example.com/a'),
    ];
    await insertTrackingEvents(ctx.handle.db, events.map((e) => (e.recipient === null ? { ...e, recipient: ANONYMOUS_RECIPIENT } : e)));

    const window = { from: at(1000.5), to: at(1001.5) };
    const prior = await priorTrackingEvents(ctx.handle.db, [{ emailId: email.id, recipient: 'ana@acme.test' }, { emailId: email.id, recipient: ANONYMOUS_RECIPIENT }, { emailId: email.id, recipient: 'carl@acme.test' }], window);
    const seen = (list: PriorEvent[] | undefined) => (list ?? []).map((e) => [(e.at.getTime() - T0) / 1000, e.kind, e.reason, e.target ?? null]);
    expect(seen(prior.get(pairKey(email.id, 'ana@acme.test')))).toEqual([
      [60, 'open', 'human', null],
      [300, 'open', 'google_image_proxy', null],
      [999.5, 'click', 'human', 'https://example.com/b'],
      [1000.2, 'click', 'human', 'https://example.com/c'],
    ]);
    expect(seen(prior.get(pairKey(email.id, ANONYMOUS_RECIPIENT)))).toEqual([
      [200, 'open', 'human', null],
      [1001, 'click', 'human', 'https://example.com/a'],
    ]);
    // Bob was not asked for; Carl has no events.
    expect(prior.has(pairKey(email.id, 'bob@acme.test'))).toBe(false);
    expect(prior.has(pairKey(email.id, 'carl@acme.test'))).toBe(false);
  });
});
