// What a tracked send's plan is decided from, read for one account only: its GDPR and seat settings, the
// sender's seat, and per recipient contact / tracking basis / never-log / do-not-track (a domain covers
// its subdomains). Another account's contacts and lists change nothing.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, contacts, doNotTrack, users } from '../src/schema';
import { loadTrackingPlanFacts } from '../src/tracking-plan-facts';
import { newAccount, useDb } from './helpers';

describe('loadTrackingPlanFacts', () => {
  const ctx = useDb();

  it("reads the account's settings, the sender's seat and each recipient's facts, and nothing of another account", async () => {
    const db = ctx.handle.db;
    const mine = await newAccount(ctx.handle);
    const other = await newAccount(ctx.handle);
    await db.update(accounts).set({ trackingGdpr: true, clickTrackingSeatsOnly: true }).where(eq(accounts.id, mine.account.id));
    const sam = await mine.s.users.add({ email: 'sam@seller.test', name: 'Sam' });
    await db.update(users).set({ paidSeat: true }).where(eq(users.id, sam.id));
    const ana = await mine.s.contacts.add({ email: 'Ana@Acme.test' });
    await db.update(contacts).set({ trackingBasis: 'consent' }).where(eq(contacts.id, ana.id));
    await mine.s.contacts.add({ email: 'bob@acme.test' });
    await mine.s.neverLog.add('address', 'hr@acme.test');
    await db.insert(doNotTrack).values({ accountId: mine.account.id, kind: 'domain', value: 'private.test' });
    // The other account knows dan and marks everyone at acme.test "do not track": not ours.
    await other.s.contacts.add({ email: 'dan@acme.test' });
    await db.insert(doNotTrack).values({ accountId: other.account.id, kind: 'domain', value: 'acme.test' });

    const facts = await loadTrackingPlanFacts(db, mine.account.id, { userId: sam.id, recipients: ['ana@acme.test', 'BOB@acme.test', 'hr@acme.test', 'x@eu.private.test', 'dan@acme.test', 'ana@acme.test'] });
    expect(facts.settings).toEqual({ gdpr: true, clickTrackingSeatsOnly: true });
    expect(facts.sender).toEqual({ paidSeat: true });
    expect(facts.recipients).toEqual([
      { address: 'ana@acme.test', isContact: true, trackingBasis: 'consent', neverLogged: false, doNotTrack: false },
      { address: 'bob@acme.test', isContact: true, trackingBasis: null, neverLogged: false, doNotTrack: false },
      { address: 'hr@acme.test', isContact: false, trackingBasis: null, neverLogged: true, doNotTrack: false },
      { address: 'x@eu.private.test', isContact: false, trackingBasis: null, neverLogged: false, doNotTrack: true },
      { address: 'dan@acme.test', isContact: false, trackingBasis: null, neverLogged: false, doNotTrack: false },
    ]);
    // Another account's user is no sender of this account: no seat.
    const stranger = await other.s.users.add({ email: 'eve@other.test' });
    await db.update(users).set({ paidSeat: true }).where(eq(users.id, stranger.id));
    expect((await loadTrackingPlanFacts(db, mine.account.id, { userId: stranger.id, recipients: [] })).sender).toEqual({ paidSeat: false });
  });
});
