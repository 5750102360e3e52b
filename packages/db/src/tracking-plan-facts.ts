// What planTracking needs to know about a send, read scoped by its account: the account's tracking
// settings, the sender's seat, and per recipient whether it is a contact (and its tracking basis), on
// never-log, or on "do not track" (an address, or a domain that covers its subdomains, like never-log).
import { eq, inArray, sql } from 'drizzle-orm';
import { matchNeverLog } from '@reply-sync/threading';
import type { TrackingRecipientFacts, TrackingSender, TrackingSettings } from '@reply-sync/tracking';
import type { Db } from './client';
import { accountScope } from './account-scope';
import { accounts, contacts, doNotTrack, neverLog, users } from './schema';

export interface TrackingPlanFacts {
  settings: TrackingSettings;
  sender: TrackingSender;
  recipients: TrackingRecipientFacts[];
}

export async function loadTrackingPlanFacts(db: Db, accountId: string, input: { userId: string | null; recipients: readonly string[] }): Promise<TrackingPlanFacts> {
  const scope = accountScope(accountId);
  const addresses = [...new Set(input.recipients.map((r) => r.trim().toLowerCase()).filter(Boolean))];
  const [account] = await db.select({ gdpr: accounts.trackingGdpr, clickTrackingSeatsOnly: accounts.clickTrackingSeatsOnly }).from(accounts).where(eq(accounts.id, accountId));
  const [user] = input.userId ? await db.select({ paidSeat: users.paidSeat }).from(users).where(scope.where(users, eq(users.id, input.userId))) : [];
  const known =
    addresses.length === 0
      ? []
      : await db
          .select({ email: sql<string>`lower(${contacts.email})`, trackingBasis: contacts.trackingBasis })
          .from(contacts)
          .where(scope.where(contacts, inArray(sql`lower(${contacts.email})`, addresses)));
  const neverLogEntries = await db.select({ kind: neverLog.kind, value: neverLog.value }).from(neverLog).where(scope.where(neverLog));
  const doNotTrackEntries = await db.select({ kind: doNotTrack.kind, value: doNotTrack.value }).from(doNotTrack).where(scope.where(doNotTrack));
  const byEmail = new Map(known.map((c) => [c.email, c.trackingBasis ?? null]));
  return {
    // An account we cannot read (deleted meanwhile) is treated by the strictest rules.
    settings: account ?? { gdpr: true, clickTrackingSeatsOnly: true },
    sender: { paidSeat: user?.paidSeat ?? false },
    recipients: addresses.map((address) => ({
      address,
      isContact: byEmail.has(address),
      trackingBasis: byEmail.get(address) ?? null,
      neverLogged: matchNeverLog(address, neverLogEntries) !== null,
      doNotTrack: matchNeverLog(address, doNotTrackEntries) !== null,
    })),
  };
}
