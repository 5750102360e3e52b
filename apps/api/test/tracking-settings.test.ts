// The tracking law through the API: the account's settings, a contact's basis, a user's paid seat, the
// do-not-track list, and explain/tracking's decision per recipient, against the real database.
import { randomUUID } from 'node:crypto';
import { parseEncryptionKeys } from '@reply-sync/db';
import { stack } from '@reply-sync/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApi, type TestAccount, type TestApi } from './helpers';

let api: TestApi;
let acct: TestAccount;
let key: string;
const call = (method: string, url: string, payload?: object, headers: Record<string, string> = {}) =>
  api.app.inject({ method: method as 'GET', url, headers: { ...bearer(key), ...headers }, ...(payload ? { payload } : {}) });

beforeAll(async () => {
  api = await startTestApi();
  acct = await api.account();
  key = await acct.key(['read', 'write', 'support']);
});
afterAll(async () => api?.close());

describe('tracking settings', () => {
  it('start off, change only the fields given, and are kept', async () => {
    expect((await call('GET', '/v1/settings/tracking')).json()).toEqual({ gdpr: false, clickTrackingSeatsOnly: false });
    expect((await call('PATCH', '/v1/settings/tracking', { gdpr: true })).json()).toEqual({ gdpr: true, clickTrackingSeatsOnly: false });
    expect((await call('PATCH', '/v1/settings/tracking', { clickTrackingSeatsOnly: true })).json()).toEqual({ gdpr: true, clickTrackingSeatsOnly: true });
    expect((await call('GET', '/v1/settings/tracking')).json()).toEqual({ gdpr: true, clickTrackingSeatsOnly: true });
    await call('PATCH', '/v1/settings/tracking', { gdpr: false, clickTrackingSeatsOnly: false });
  });

  it('refuse unknown fields and non-booleans, and a read key', async () => {
    expect((await call('PATCH', '/v1/settings/tracking', { gdpr: 'yes' })).statusCode).toBe(400);
    expect((await call('PATCH', '/v1/settings/tracking', { tracking: true })).statusCode).toBe(400);
    const read = await acct.key(['read']);
    const r = await api.app.inject({ method: 'PATCH', url: '/v1/settings/tracking', headers: bearer(read), payload: { gdpr: true } });
    expect(r.statusCode).toBe(403);
  });
});

describe("a contact's tracking basis and a user's paid seat", () => {
  it('are set and cleared, and shown on the contact and the user', async () => {
    const contact = await acct.s.contacts.add({ email: `c-${randomUUID().slice(0, 8)}@acme.test` });
    // Consent is kept with its record (where and how, and when), or refused saying what to give.
    const unrecorded = await call('PATCH', `/v1/contacts/${contact.id}`, { trackingBasis: 'consent' });
    expect(unrecorded.statusCode).toBe(400);
    expect(unrecorded.json()).toMatchObject({ code: 'invalid_consent_record' });
    expect(unrecorded.json().detail).toContain('where and how the person gave it');
    const record = { trackingBasis: 'consent', trackingBasisSource: 'webinar sign-up form, 2026-11-30', trackingBasisAt: '2026-11-30T09:00:00Z' };
    expect((await call('PATCH', `/v1/contacts/${contact.id}`, record)).json()).toMatchObject({ id: contact.id, trackingBasis: 'consent', trackingBasisAt: '2026-11-30T09:00:00.000Z', trackingBasisSource: 'webinar sign-up form, 2026-11-30' });
    expect((await call('GET', `/v1/contacts/${contact.id}`)).json()).toMatchObject({ trackingBasis: 'consent', trackingBasisAt: '2026-11-30T09:00:00.000Z' });
    const future = await call('PATCH', `/v1/contacts/${contact.id}`, { ...record, trackingBasisAt: '2099-01-01T00:00:00Z' });
    expect(future.json()).toMatchObject({ code: 'invalid_consent_record' });
    expect((await call('PATCH', `/v1/contacts/${contact.id}`, { ...record, trackingBasisAt: 'soon' })).statusCode).toBe(400);
    expect((await call('PATCH', `/v1/contacts/${contact.id}`, { trackingBasis: null })).json()).toMatchObject({ trackingBasis: null, trackingBasisAt: null, trackingBasisSource: null });
    expect((await call('PATCH', `/v1/contacts/${contact.id}`, { trackingBasis: 'because' })).statusCode).toBe(400);
    expect((await call('PATCH', `/v1/contacts/${randomUUID()}`, record)).json().code).toBe('contact_not_found');
    expect((await call('PATCH', '/v1/contacts/not-a-uuid', { trackingBasis: 'consent' })).statusCode).toBe(404);

    const user = await acct.s.users.add({ email: `u-${randomUUID().slice(0, 8)}@mail.test` });
    expect((await call('GET', `/v1/users/${user.id}`)).json().paidSeat).toBe(false);
    expect((await call('PATCH', `/v1/users/${user.id}`, { paidSeat: true })).json()).toMatchObject({ id: user.id, paidSeat: true });
    expect((await acct.s.users.get(user.id))?.paidSeat).toBe(true);
    expect((await call('PATCH', `/v1/users/${user.id}`, {})).statusCode).toBe(400);
    expect((await call('PATCH', `/v1/users/${randomUUID()}`, { paidSeat: true })).json().code).toBe('user_not_found');
  });
});

describe('the do-not-track list', () => {
  it('adds addresses and domains lower-cased, pages them, refuses nonsense, and deletes by id', async () => {
    const added = await call('POST', '/v1/do-not-track', { value: '@Private.Example' }, { 'idempotency-key': randomUUID() });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ kind: 'domain', value: 'private.example' });
    const person = (await call('POST', '/v1/do-not-track', { value: 'Ana@Acme.test' })).json();
    expect(person).toMatchObject({ kind: 'address', value: 'ana@acme.test' });
    const bad = await call('POST', '/v1/do-not-track', { value: 'not a domain' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'invalid_do_not_track_value' });
    expect(bad.json().detail ?? bad.json().title).toBeTruthy();

    const first = (await call('GET', '/v1/do-not-track?limit=1')).json();
    expect(first.data.map((e: { value: string }) => e.value)).toEqual(['ana@acme.test']);
    const second = (await call('GET', `/v1/do-not-track?limit=1&cursor=${encodeURIComponent(first.nextCursor)}`)).json();
    expect(second.data.map((e: { value: string }) => e.value)).toEqual(['private.example']);

    expect((await call('DELETE', `/v1/do-not-track/${person.id}`)).json().value).toBe('ana@acme.test');
    expect((await call('DELETE', `/v1/do-not-track/${person.id}`)).statusCode).toBe(404);
    expect((await acct.s.doNotTrack.list()).map((e) => e.value)).toEqual(['private.example']);
  });
});

describe('explain tracking', () => {
  it('answers the settings and the decision per recipient, with reason codes and sentences', async () => {
    const other = await api.account();
    const otherKey = await other.key(['read', 'write', 'support']);
    const as = (method: string, url: string, payload?: object) => api.app.inject({ method: method as 'GET', url, headers: bearer(otherKey), ...(payload ? { payload } : {}) });
    const user = await other.s.users.add({ email: 'seller@mail.test' });
    await other.s.contacts.add({ email: 'bob@acme.test' });
    const consented = await other.s.contacts.add({ email: 'carol@acme.test' });
    await other.s.contacts.setTrackingBasis(consented.id, 'consent');
    await other.s.doNotTrack.add('domain', 'private.example');

    const plain = (await as('POST', '/v1/explain/tracking', { userId: user.id, to: ['Bob@Acme.test'] })).json();
    expect(plain).toMatchObject({ settings: { gdpr: false, clickTrackingSeatsOnly: false }, notConfigured: { code: 'tracking_not_configured' }, pixel: 'personal', clicks: true });
    expect(plain.recipients).toEqual([{ address: 'bob@acme.test', isContact: true, trackingBasis: null, tracking: 'personal', reasonCode: 'tracked_personal', sentence: expect.stringContaining('by name') }]);

    await as('PATCH', '/v1/settings/tracking', { gdpr: true, clickTrackingSeatsOnly: true });
    const gdpr = (await as('POST', '/v1/explain/tracking', { userId: user.id, to: ['bob@acme.test'] })).json();
    expect(gdpr.recipients[0]).toMatchObject({ tracking: 'anonymous', reasonCode: 'anonymous_no_tracking_basis' });
    expect(gdpr.clicks).toBe(false);
    expect(gdpr.reasons.map((r: { code: string }) => r.code)).toEqual(['anonymous_no_tracking_basis', 'clicks_need_paid_seat']);
    const basis = (await as('POST', '/v1/explain/tracking', { userId: user.id, to: ['carol@acme.test'] })).json();
    expect(basis.recipients[0]).toMatchObject({ tracking: 'personal', trackingBasis: 'consent' });

    const several = (await as('POST', '/v1/explain/tracking', { to: ['carol@acme.test'], cc: ['someone@else.test'] })).json();
    expect(several.recipients.map((r: { reasonCode: string }) => r.reasonCode)).toEqual(['anonymous_several_recipients', 'anonymous_several_recipients']);
    const listed = (await as('POST', '/v1/explain/tracking', { to: ['carol@acme.test', 'x@sales.private.example'] })).json();
    expect(listed.pixel).toBe('none');
    expect(listed.recipients.map((r: { reasonCode: string }) => r.reasonCode)).toEqual(['not_tracked_other_recipient', 'not_tracked_do_not_track']);
  });

  it("takes the sender from an inbox: its user's paid seat decides click tracking", async () => {
    const other = await api.account();
    const otherKey = await other.key(['support', 'write']);
    const as = (payload: object) => api.app.inject({ method: 'POST', url: '/v1/explain/tracking', headers: bearer(otherKey), payload });
    await other.s.account.setTracking({ clickTrackingSeatsOnly: true });
    const seller = await other.s.users.add({ email: `seller-${randomUUID().slice(0, 8)}@mail.test` });
    const inbox = await other.s.inboxes.create(
      { kind: 'personal', userId: seller.id, address: seller.email, imapHost: '127.0.0.1', imapPort: 51143, imapTls: 'starttls', username: 'seller', credentials: { password: 'pw' } },
      parseEncryptionKeys(stack.encryptionKeys),
    );
    expect((await as({ inboxId: inbox.id, to: ['x@y.test'] })).json()).toMatchObject({ sender: { userId: seller.id, paidSeat: false }, clicks: false });
    await other.s.users.setPaidSeat(seller.id, true);
    expect((await as({ inboxId: inbox.id, to: ['x@y.test'] })).json()).toMatchObject({ sender: { userId: seller.id, paidSeat: true }, clicks: true });
  });

  it('refuses no recipients, a non-address and a missing user or inbox with a reason', async () => {
    expect((await call('POST', '/v1/explain/tracking', { to: [] })).json().code).toBe('no_recipients');
    const bad = await call('POST', '/v1/explain/tracking', { to: ['bob'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('invalid_recipient');
    expect((await call('POST', '/v1/explain/tracking', { userId: 'nope', to: ['a@b.test'] })).json().code).toBe('user_not_found');
    expect((await call('POST', '/v1/explain/tracking', { inboxId: randomUUID(), to: ['a@b.test'] })).json().code).toBe('inbox_not_found');
    expect((await call('POST', '/v1/explain/tracking', { to: Array.from({ length: 101 }, (_, i) => `r${i}@b.test`) })).statusCode).toBe(400);
  });
});
