// The tracking law from the CLI, in text and --json: `tracking settings`, `contact tracking-basis`,
// `user paid-seat`, `do-not-track add|list|remove` and `explain tracking`, against the real database.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, freshAccount, type TestAccount } from './helpers';

let t: TestAccount;
let a: string[];
beforeEach(async () => {
  t = await freshAccount();
  a = ['--account', t.accountId];
});
afterEach(async () => {
  await t?.close();
});

describe('tracking settings', () => {
  it('shows, changes one at a time, and refuses anything but on or off', async () => {
    expect((await cli(['tracking', 'settings', ...a, '--json'])).json()).toEqual({ gdpr: false, clickTrackingSeatsOnly: false });
    const on = await cli(['tracking', 'settings', ...a, '--gdpr', 'on']);
    expect(on.code).toBe(0);
    expect(on.stdout).toContain('GDPR rules: on');
    expect((await cli(['tracking', 'settings', ...a, '--clicks-seats-only', 'on', '--json'])).json()).toEqual({ gdpr: true, clickTrackingSeatsOnly: true });
    expect(await t.s.account.get()).toMatchObject({ trackingGdpr: true, clickTrackingSeatsOnly: true });
    expect((await cli(['tracking', 'settings', ...a, '--gdpr', 'maybe'])).code).not.toBe(0);
    expect((await t.s.account.get()).trackingGdpr).toBe(true);
  });
});

describe('contact tracking-basis and user paid-seat', () => {
  it('set and clear them by email, and name a missing contact or user', async () => {
    const contact = await t.s.contacts.add({ email: 'bob@acme.test' });
    // Consent is kept with its record: without one it is refused, saying what to give.
    const bare = await cli(['contact', 'tracking-basis', ...a, 'Bob@Acme.test', 'consent', '--json']);
    expect(bare.code).toBe(1);
    expect(JSON.parse(bare.stderr).error).toMatchObject({ code: 'invalid_consent_record' });
    expect(JSON.parse(bare.stderr).error.message).toContain('where and how the person gave it');
    expect((await t.s.contacts.get(contact.id))?.trackingBasis).toBeNull();
    const set = await cli(['contact', 'tracking-basis', ...a, 'Bob@Acme.test', 'consent', '--source', 'demo request form, ticket 4411', '--at', '2026-11-30T10:15:00Z', '--json']);
    expect(set.json()).toMatchObject({ id: contact.id, trackingBasis: 'consent', trackingBasisAt: '2026-11-30T10:15:00.000Z', trackingBasisSource: 'demo request form, ticket 4411' });
    expect((await cli(['contact', 'tracking-basis', ...a, 'bob@acme.test', 'consent', '--source', 'form', '--at', '2099-01-01'])).stderr).toContain('is in the future');
    expect((await cli(['contact', 'tracking-basis', ...a, 'bob@acme.test', 'consent', '--source', 'form', '--at', 'yesterday'])).stderr).toContain('is not a date');
    expect((await t.s.contacts.get(contact.id))?.trackingBasisSource).toBe('demo request form, ticket 4411');
    // Legitimate interest needs no per-person record; its date is today's.
    const li = await cli(['contact', 'tracking-basis', ...a, 'bob@acme.test', 'legitimate_interest']);
    expect(li.stdout).toMatch(/bob@acme\.test: tracking basis legitimate_interest, given \d{4}-\d\d-\d\dT/);
    expect((await cli(['contact', 'tracking-basis', ...a, 'bob@acme.test', 'none'])).stdout).toContain('bob@acme.test: tracking basis none.');
    expect(await t.s.contacts.get(contact.id)).toMatchObject({ trackingBasis: null, trackingBasisAt: null, trackingBasisSource: null });
    expect((await cli(['contact', 'tracking-basis', ...a, 'bob@acme.test', 'because'])).code).not.toBe(0);
    const missing = await cli(['contact', 'tracking-basis', ...a, 'nobody@acme.test', 'consent', '--json']);
    expect(JSON.parse(missing.stderr).error.code).toBe('contact_not_found');

    const user = await t.s.users.add({ email: 'ana@mail.test' });
    expect((await cli(['user', 'paid-seat', ...a, 'ana@mail.test', 'on', '--json'])).json()).toMatchObject({ id: user.id, paidSeat: true });
    expect((await cli(['user', 'paid-seat', ...a, 'ana@mail.test', 'off'])).stdout).toContain('paid seat off');
    expect((await t.s.users.get(user.id))?.paidSeat).toBe(false);
    expect((await cli(['user', 'paid-seat', ...a, 'ana@mail.test', 'yes'])).code).not.toBe(0);
    expect(JSON.parse((await cli(['user', 'paid-seat', ...a, 'ghost@mail.test', 'on', '--json'])).stderr).error.code).toBe('user_not_found');
  });
});

describe('do-not-track', () => {
  it('adds, lists and removes addresses and domains, and refuses nonsense', async () => {
    expect((await cli(['do-not-track', 'add', ...a, '@Private.Example'])).stdout).toContain('Never tracking domain private.example.');
    expect((await cli(['do-not-track', 'add', ...a, 'Ana@Acme.test', '--json'])).json()).toMatchObject({ kind: 'address', value: 'ana@acme.test' });
    expect((await cli(['do-not-track', 'list', ...a])).stdout).toMatch(/address +ana@acme\.test\ndomain +private\.example/);
    const bad = await cli(['do-not-track', 'add', ...a, 'nonsense', '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stderr).error.code).toBe('invalid_do_not_track_value');
    expect((await cli(['do-not-track', 'remove', ...a, 'private.example'])).stdout).toContain('Removed private.example');
    const again = await cli(['do-not-track', 'remove', ...a, 'private.example']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('do-not-track list');
    expect((await cli(['do-not-track', 'list', ...a, '--json'])).json().map((r: { value: string }) => r.value)).toEqual(['ana@acme.test']);
  });
});

describe('explain tracking', () => {
  it("says per recipient what a tracked send would do and why, with the sender's seat", async () => {
    await t.s.users.add({ email: 'ana@mail.test' });
    const carol = await t.s.contacts.add({ email: 'carol@acme.test' });
    await t.s.contacts.add({ email: 'bob@acme.test' });
    await cli(['tracking', 'settings', ...a, '--gdpr', 'on', '--clicks-seats-only', 'on']);
    await t.s.contacts.setTrackingBasis(carol.id, 'legitimate_interest');

    const one = await cli(['explain', 'tracking', ...a, '--user', 'ana@mail.test', '--to', 'carol@acme.test', '--json']);
    expect(one.json()).toMatchObject({ pixel: 'personal', clicks: false, recipients: [{ address: 'carol@acme.test', reasonCode: 'tracked_personal', trackingBasis: 'legitimate_interest' }] });
    const text = await cli(['explain', 'tracking', ...a, '--user', 'ana@mail.test', '--to', 'bob@acme.test']);
    expect(text.stdout).toContain('anonymous_no_tracking_basis');
    expect(text.stdout).toContain('clicks_need_paid_seat');
    expect(text.stdout).toContain('sender has no paid seat');

    const none = await cli(['explain', 'tracking', ...a, '--json']);
    expect(JSON.parse(none.stderr).error.code).toBe('no_recipients');
    // `explain <message-id>` is still the decisions explain.
    expect((await cli(['explain', ...a, '--no-look', '<nothing@here.test>'])).code).toBe(0);
  });
});
