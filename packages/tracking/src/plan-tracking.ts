// Who a tracked send may track, and how: the pixel (personal, anonymous or none), whether links are
// rewritten, and a reason code per recipient and for the message. The rules, in the order they are tried:
// 1. tracking not requested, not configured on this server, or no HTML body → nothing is tracked;
// 2. a recipient on never-log or "do not track" is not tracked, and because one SMTP message carries one
//    pixel and one set of links for every recipient, nobody on that message is tracked;
// 3. several recipients → one shared pixel, so opens and clicks are anonymous;
// 4. the single recipient is not a contact → anonymous (nobody is tracked by name outside the CRM);
// 5. GDPR on and the contact has no tracking basis recorded → anonymous;
// 6. otherwise the recipient is tracked by name;
// and clicks are tracked wherever opens are, unless the account keeps click tracking to paid seats and
// the sender has none (opens only).

/** The recipient an anonymous token carries; the tracker stores no recipient, IP or user agent for it. */
export const ANONYMOUS_RECIPIENT = '*';

export const TRACKING_BASES = ['consent', 'legitimate_interest'] as const;
export type TrackingBasis = (typeof TRACKING_BASES)[number];

export type TrackingMode = 'personal' | 'anonymous' | 'none';

export const TRACKING_PLAN_REASONS = [
  'tracked_personal',
  'anonymous_several_recipients',
  'anonymous_not_a_contact',
  'anonymous_no_tracking_basis',
  'not_tracked_not_requested',
  'not_tracked_never_log',
  'not_tracked_do_not_track',
  'not_tracked_other_recipient',
  'not_tracked_no_recipients',
  'tracking_not_configured',
  'not_tracked_no_html',
  'clicks_need_paid_seat',
] as const;
export type TrackingPlanReason = (typeof TRACKING_PLAN_REASONS)[number];

/** One sentence per reason, for explain, the send outcome and the logs (nl and pl in packages/i18n). */
export const TRACKING_PLAN_SENTENCES: Record<TrackingPlanReason, string> = {
  tracked_personal: 'Opens and clicks are tracked for this recipient by name.',
  anonymous_several_recipients:
    'The email goes to several recipients and carries one pixel for all of them, so opens and clicks are counted anonymously.',
  anonymous_not_a_contact: 'The recipient is not a contact, so opens and clicks are counted anonymously, without their address.',
  anonymous_no_tracking_basis:
    'GDPR rules apply to this account and the contact has no legal basis for tracking recorded, so opens and clicks are counted anonymously.',
  not_tracked_not_requested: 'Tracking was not requested for this email.',
  not_tracked_never_log: 'The recipient is on the never-log list, so the email carries no pixel and no tracked links.',
  not_tracked_do_not_track: 'The recipient or their domain is on the "do not track" list, so the email carries no pixel and no tracked links.',
  not_tracked_other_recipient:
    'Another recipient of this email may not be tracked, and every recipient gets the same message, so the email carries no pixel and no tracked links.',
  not_tracked_no_recipients: 'The email has no recipient to track.',
  tracking_not_configured:
    'Tracking was requested, but this server has no tracking keys or tracker URL configured, so the email was sent without tracking.',
  not_tracked_no_html: 'The email has no HTML body, and a plain-text email cannot carry a pixel or tracked links, so it was sent without tracking.',
  clicks_need_paid_seat: 'This account tracks clicks only for users with a paid seat, and the sender has none, so only opens are tracked.',
};

export interface TrackingSettings {
  /** accounts.tracking_gdpr */
  gdpr: boolean;
  /** accounts.click_tracking_seats_only */
  clickTrackingSeatsOnly: boolean;
}

export interface TrackingSender {
  /** users.paid_seat */
  paidSeat: boolean;
}

export interface TrackingRecipientFacts {
  /** To or Cc address (lower-cased here; duplicates collapse). */
  address: string;
  isContact: boolean;
  trackingBasis: TrackingBasis | null;
  neverLogged: boolean;
  doNotTrack: boolean;
}

export interface PlanTrackingInput {
  track: boolean;
  /** TRACKING_KEYS and TRACKER_URL are set (default true). */
  configured?: boolean;
  /** The email has an HTML body to carry the pixel and links (default true). */
  hasHtml?: boolean;
  settings: TrackingSettings;
  sender: TrackingSender;
  recipients: readonly TrackingRecipientFacts[];
}

export interface RecipientTrackingPlan {
  address: string;
  tracking: TrackingMode;
  reason: TrackingPlanReason;
}

export interface TrackingPlan {
  pixel: TrackingMode;
  clicks: boolean;
  recipients: RecipientTrackingPlan[];
  /** Why the message is tracked as it is: the deciding reason first, then e.g. clicks_need_paid_seat. */
  reasons: TrackingPlanReason[];
}

function uniqueRecipients(recipients: readonly TrackingRecipientFacts[]): TrackingRecipientFacts[] {
  const seen = new Map<string, TrackingRecipientFacts>();
  for (const r of recipients) {
    const address = r.address.trim().toLowerCase();
    if (address === '') continue;
    const earlier = seen.get(address);
    // The same address twice (To and Cc): the stricter facts win.
    seen.set(
      address,
      earlier
        ? {
            address,
            isContact: earlier.isContact && r.isContact,
            trackingBasis: earlier.trackingBasis ?? r.trackingBasis,
            neverLogged: earlier.neverLogged || r.neverLogged,
            doNotTrack: earlier.doNotTrack || r.doNotTrack,
          }
        : { ...r, address },
    );
  }
  return [...seen.values()];
}

function untracked(recipients: TrackingRecipientFacts[], reason: TrackingPlanReason): TrackingPlan {
  return { pixel: 'none', clicks: false, recipients: recipients.map((r) => ({ address: r.address, tracking: 'none', reason })), reasons: [reason] };
}

function excludedReason(r: TrackingRecipientFacts): TrackingPlanReason | null {
  if (r.neverLogged) return 'not_tracked_never_log';
  if (r.doNotTrack) return 'not_tracked_do_not_track';
  return null;
}

function singleRecipientReason(r: TrackingRecipientFacts, settings: TrackingSettings): TrackingPlanReason {
  if (!r.isContact) return 'anonymous_not_a_contact';
  if (settings.gdpr && r.trackingBasis === null) return 'anonymous_no_tracking_basis';
  return 'tracked_personal';
}

export function planTracking(input: PlanTrackingInput): TrackingPlan {
  const recipients = uniqueRecipients(input.recipients);
  // 1. Not requested, not configured, nobody to track.
  if (!input.track) return untracked(recipients, 'not_tracked_not_requested');
  if (input.configured === false) return untracked(recipients, 'tracking_not_configured');
  if (input.hasHtml === false) return untracked(recipients, 'not_tracked_no_html');
  if (recipients.length === 0) return untracked(recipients, 'not_tracked_no_recipients');

  // 2. Anyone excluded → nobody tracked (one message, one pixel).
  const excluded = recipients.map(excludedReason);
  const firstExcluded = excluded.find((reason) => reason !== null);
  if (firstExcluded) {
    return {
      pixel: 'none',
      clicks: false,
      recipients: recipients.map((r, i) => ({ address: r.address, tracking: 'none', reason: excluded[i] ?? 'not_tracked_other_recipient' })),
      reasons: [firstExcluded],
    };
  }

  // 3–6. Several recipients → anonymous; one → by name only when allowed.
  const reasonFor = recipients.length > 1 ? () => 'anonymous_several_recipients' as const : (r: TrackingRecipientFacts) => singleRecipientReason(r, input.settings);
  const planned = recipients.map((r) => {
    const reason = reasonFor(r);
    return { address: r.address, tracking: reason === 'tracked_personal' ? ('personal' as const) : ('anonymous' as const), reason };
  });
  const pixel: TrackingMode = planned.length === 1 && planned[0]!.tracking === 'personal' ? 'personal' : 'anonymous';
  const reasons: TrackingPlanReason[] = [planned[0]!.reason];
  const clicks = !(input.settings.clickTrackingSeatsOnly && !input.sender.paidSeat);
  if (!clicks) reasons.push('clicks_need_paid_seat');
  return { pixel, clicks, recipients: planned, reasons };
}

/** The recipient a token of this plan carries: the address when tracked by name, else ANONYMOUS_RECIPIENT. */
export function tokenRecipient(plan: TrackingPlan): string | null {
  if (plan.pixel === 'none') return null;
  if (plan.pixel === 'personal') return plan.recipients[0]!.address;
  return ANONYMOUS_RECIPIENT;
}
