// Explain tracking: the account's tracking settings and planTracking's decision per recipient for a send
// from this user (or inbox) to these addresses, with reason codes and sentences. Reads only; sends nothing.
import type { Scoped } from '@reply-sync/db';
import { matchNeverLog, normalizeAddress } from '@reply-sync/threading';
import { planTracking, TRACKING_PLAN_SENTENCES, type TrackingMode, type TrackingPlanReason } from '@reply-sync/tracking';
import { OperationError } from './operation-error';
import { getTrackingSettings, type TrackingSettings } from './tracking-settings';

/** One explain answers for at most this many recipients (each is a contact look-up). */
export const EXPLAIN_TRACKING_MAX_RECIPIENTS = 100;

export interface ExplainTrackingInput {
  userId?: string | undefined;
  inboxId?: string | undefined;
  to: readonly string[];
  cc?: readonly string[] | undefined;
  /**
   * Whether this server has tracking keys (default true). Answered beside the plan, which is the law's
   * decision either way: a server without keys sends untracked (tracking_not_configured), which would
   * hide every recipient's own reason.
   */
  configured?: boolean | undefined;
}

export interface TrackingExplanation {
  settings: TrackingSettings;
  /** null when configured; else tracking_not_configured's sentence. */
  notConfigured: { code: 'tracking_not_configured'; sentence: string } | null;
  sender: { userId: string | null; paidSeat: boolean };
  pixel: TrackingMode;
  clicks: boolean;
  reasons: { code: TrackingPlanReason; sentence: string }[];
  recipients: { address: string; isContact: boolean; trackingBasis: string | null; tracking: TrackingMode; reasonCode: TrackingPlanReason; sentence: string }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function senderUser(s: Scoped, input: ExplainTrackingInput) {
  if (input.userId) {
    const user = UUID.test(input.userId) ? await s.users.get(input.userId) : null;
    if (!user) throw new OperationError('user_not_found', `There is no user ${input.userId} in this account.`);
    return user;
  }
  if (input.inboxId) {
    const inbox = UUID.test(input.inboxId) ? await s.inboxes.get(input.inboxId) : null;
    if (!inbox) throw new OperationError('inbox_not_found', `There is no inbox ${input.inboxId} in this account.`, undefined, { step: 'list_inboxes' });
    return inbox.userId ? await s.users.get(inbox.userId) : null;
  }
  return null;
}

export async function explainTracking(s: Scoped, input: ExplainTrackingInput): Promise<TrackingExplanation> {
  const addresses = [...input.to, ...(input.cc ?? [])].map((a) => a.trim()).filter(Boolean);
  if (addresses.length === 0) throw new OperationError('no_recipients', 'Give at least one recipient (to or cc) to explain tracking for.');
  if (addresses.length > EXPLAIN_TRACKING_MAX_RECIPIENTS) {
    throw new OperationError('too_many_recipients', `Explain tracking answers for at most ${EXPLAIN_TRACKING_MAX_RECIPIENTS} recipients; this asked for ${addresses.length}.`);
  }
  for (const a of addresses) {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(a)) throw new OperationError('invalid_recipient', `"${a}" is not an email address; give e.g. ana@example.com.`);
  }
  const [settings, user, neverLog, doNotTrack] = await Promise.all([getTrackingSettings(s), senderUser(s, input), s.neverLog.entries(), s.doNotTrack.entries()]);
  const facts = await Promise.all(
    addresses.map(async (raw) => {
      const address = normalizeAddress(raw);
      const contact = await s.contacts.findByEmail(address);
      return {
        address,
        isContact: contact !== null,
        trackingBasis: contact?.trackingBasis ?? null,
        neverLogged: matchNeverLog(address, neverLog) !== null,
        doNotTrack: matchNeverLog(address, doNotTrack) !== null,
      };
    }),
  );
  const plan = planTracking({ track: true, settings, sender: { paidSeat: user?.paidSeat ?? false }, recipients: facts });
  const factsOf = new Map(facts.map((f) => [f.address, f]));
  return {
    settings,
    notConfigured: input.configured === false ? { code: 'tracking_not_configured', sentence: TRACKING_PLAN_SENTENCES.tracking_not_configured } : null,
    sender: { userId: user?.id ?? null, paidSeat: user?.paidSeat ?? false },
    pixel: plan.pixel,
    clicks: plan.clicks,
    reasons: plan.reasons.map((code) => ({ code, sentence: TRACKING_PLAN_SENTENCES[code] })),
    recipients: plan.recipients.map((r) => ({
      address: r.address,
      isContact: factsOf.get(r.address)?.isContact ?? false,
      trackingBasis: factsOf.get(r.address)?.trackingBasis ?? null,
      tracking: r.tracking,
      reasonCode: r.reason,
      sentence: TRACKING_PLAN_SENTENCES[r.reason],
    })),
  };
}
