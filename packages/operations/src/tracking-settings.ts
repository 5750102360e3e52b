// The tracking law of an account (issue 15): whether GDPR rules apply, whether only paid seats get click
// tracking, each contact's tracking basis, each user's paid seat, and the do-not-track list.
import type { Contact, DoNotTrackRow, Scoped, TrackingBasis, User } from '@reply-sync/db';
import { TRACKING_BASES } from '@reply-sync/db';
import { checkAddressOrDomain, neverLogKind } from './contacts';
import { OperationError } from './operation-error';
import { requireUser } from './accounts';

export interface TrackingSettings {
  /** GDPR rules apply: opens and clicks are attributed only to contacts with a tracking basis. */
  gdpr: boolean;
  /** Click tracking only for users with a paid seat; the others get open tracking only. */
  clickTrackingSeatsOnly: boolean;
}

export async function getTrackingSettings(s: Scoped): Promise<TrackingSettings> {
  const account = await s.account.get();
  return { gdpr: account.trackingGdpr, clickTrackingSeatsOnly: account.clickTrackingSeatsOnly };
}

/** Changes only the settings given; answers all of them. */
export async function setTrackingSettings(s: Scoped, input: Partial<TrackingSettings>): Promise<TrackingSettings> {
  const account = await s.account.setTracking({ trackingGdpr: input.gdpr, clickTrackingSeatsOnly: input.clickTrackingSeatsOnly });
  return { gdpr: account.trackingGdpr, clickTrackingSeatsOnly: account.clickTrackingSeatsOnly };
}

/** 'consent', 'legitimate_interest', or 'none'/null for no basis; anything else is refused with the choices. */
export function parseTrackingBasis(value: string | null): TrackingBasis | null {
  if (value === null || value === 'none') return null;
  if ((TRACKING_BASES as readonly string[]).includes(value)) return value as TrackingBasis;
  throw new OperationError('invalid_tracking_basis', `"${value}" is not a tracking basis; give consent, legitimate_interest or none.`);
}

/** Where and how a basis was given, and when (default: now). */
export interface TrackingBasisRecord {
  at?: Date;
  source?: string | null;
}

export const MAX_CONSENT_SOURCE = 500;

/**
 * The record kept with a basis. Consent must be shown when asked (GDPR art. 7(1)), so it needs its source:
 * where and how the person agreed. A date in the future is refused; none given is now.
 */
export function consentRecordOf(basis: TrackingBasis, record: TrackingBasisRecord = {}, now = new Date()): { at: Date; source: string | null } {
  const source = record.source?.replace(/\s+/g, ' ').trim() || null;
  if (basis === 'consent' && !source) {
    throw new OperationError('invalid_consent_record', 'Consent is recorded with where and how the person gave it (the form, the email or the call), so it can be shown when asked. Give that record as the source.');
  }
  if (source && source.length > MAX_CONSENT_SOURCE) throw new OperationError('invalid_consent_record', `The source is ${source.length} characters; keep it to ${MAX_CONSENT_SOURCE} and point at the full record (a link or a reference).`);
  const at = record.at ?? now;
  if (Number.isNaN(at.getTime())) throw new OperationError('invalid_consent_record', 'The date the basis was given is not a date; give it as 2026-11-30 or 2026-11-30T10:15:00Z.');
  if (at.getTime() > now.getTime() + 60_000) throw new OperationError('invalid_consent_record', `The date the basis was given, ${at.toISOString()}, is in the future; give the day the person agreed.`);
  return { at, source };
}

export async function setContactTrackingBasis(s: Scoped, contactId: string, basis: TrackingBasis | null, record: TrackingBasisRecord = {}): Promise<Contact> {
  const contact = await s.contacts.setTrackingBasis(contactId, basis, basis ? consentRecordOf(basis, record) : null);
  if (!contact) throw new OperationError('contact_not_found', `There is no contact ${contactId} in this account.`);
  return contact;
}

/** The CLI's form: the contact by email. */
export async function setContactTrackingBasisByEmail(s: Scoped, email: string, basis: TrackingBasis | null, record: TrackingBasisRecord = {}): Promise<Contact> {
  const contact = await s.contacts.findByEmail(email);
  if (!contact) throw new OperationError('contact_not_found', `There is no contact ${email} in this account.`, undefined, { step: 'add_contact', email });
  return setContactTrackingBasis(s, contact.id, basis, record);
}

export async function setUserPaidSeat(s: Scoped, userId: string, paidSeat: boolean): Promise<User> {
  const user = await s.users.setPaidSeat(userId, paidSeat);
  if (!user) throw new OperationError('user_not_found', `There is no user ${userId} in this account.`);
  return user;
}

/** The CLI's form: the user by email. */
export async function setUserPaidSeatByEmail(s: Scoped, email: string, paidSeat: boolean): Promise<User> {
  return setUserPaidSeat(s, (await requireUser(s, email)).id, paidSeat);
}

const checkDoNotTrackValue = (value: string): string => checkAddressOrDomain(value, 'invalid_do_not_track_value');

export async function addDoNotTrack(s: Scoped, value: string): Promise<DoNotTrackRow> {
  const v = checkDoNotTrackValue(value);
  return s.doNotTrack.add(neverLogKind(v), v);
}

export async function listDoNotTrack(s: Scoped): Promise<DoNotTrackRow[]> {
  return s.doNotTrack.list();
}

export async function removeDoNotTrack(s: Scoped, value: string): Promise<{ value: string; removed: number }> {
  const v = checkDoNotTrackValue(value);
  const removed = await s.doNotTrack.remove(v, neverLogKind(v));
  if (removed === 0) throw new OperationError('not_found', `"${value}" is not on the do-not-track list.`, undefined, { step: 'list_do_not_track' });
  return { value: v, removed };
}
