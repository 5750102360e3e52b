// Explain tracking: the account's tracking settings and planTracking's decision per recipient for a send
// from this user (or inbox) to these addresses, with reason codes and sentences. Reads only; sends nothing.
// The facts come from loadTrackingPlanFacts, the worker's own reader, so explain and a send cannot disagree.
import type { Db, Scoped } from '@reply-sync/db';
import { loadTrackingPlanFacts } from '@reply-sync/db/tracking-plan-facts';
import { planTracking, TRACKING_PLAN_SENTENCES, type TrackingMode, type TrackingPlanReason, type TrackingSettings } from '@reply-sync/tracking';
import { OperationError } from './operation-error';

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

/** `db` is the handle `s` was made from (loadTrackingPlanFacts scopes its reads by s.accountId). */
export async function explainTracking(db: Db, s: Scoped, input: ExplainTrackingInput): Promise<TrackingExplanation> {
  const addresses = [...input.to, ...(input.cc ?? [])].map((a) => a.trim()).filter(Boolean);
  if (addresses.length === 0) throw new OperationError('no_recipients', 'Give at least one recipient (to or cc) to explain tracking for.');
  if (addresses.length > EXPLAIN_TRACKING_MAX_RECIPIENTS) {
    throw new OperationError('too_many_recipients', `Explain tracking answers for at most ${EXPLAIN_TRACKING_MAX_RECIPIENTS} recipients; this asked for ${addresses.length}.`);
  }
  for (const a of addresses) {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(a)) throw new OperationError('invalid_recipient', `"${a}" is not an email address; give e.g. ana@example.com.`);
  }
  const user = await senderUser(s, input);
  const { settings, sender, recipients: facts } = await loadTrackingPlanFacts(db, s.accountId, { userId: user?.id ?? null, recipients: addresses });
  const plan = planTracking({ track: true, settings, sender, recipients: facts });
  const factsOf = new Map(facts.map((f) => [f.address, f]));
  return {
    settings,
    notConfigured: input.configured === false ? { code: 'tracking_not_configured', sentence: TRACKING_PLAN_SENTENCES.tracking_not_configured } : null,
    sender: { userId: user?.id ?? null, paidSeat: sender.paidSeat },
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
