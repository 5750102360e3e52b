// Step 3 of a tracked send: the tracking plan (planTracking, from facts read scoped by the account) and,
// when it tracks anything, the HTML that SMTP sends: the pixel and the rewritten links, each carrying a
// signed token (the recipient's address when tracked by name, ANONYMOUS_RECIPIENT otherwise).
import type { Db } from '@reply-sync/db';
import { loadTrackingPlanFacts } from '@reply-sync/db/tracking-plan-facts';
import { instrumentHtml, planTracking, signTrackingToken, tokenRecipient, TrackingTokenError, type TrackingKeyring, type TrackingPlan } from '@reply-sync/tracking';

export interface TrackingConfig {
  keyring: TrackingKeyring;
  /** The tracker's public base URL (TRACKER_URL), without a trailing slash. */
  trackerUrl: string;
}

export interface TrackedHtml {
  plan: TrackingPlan;
  /** The HTML for SMTP; null: send the original (nothing tracked). */
  html: string | null;
}

export interface TrackedHtmlInput {
  db: Db;
  accountId: string;
  emailId: string;
  userId: string | null;
  recipients: readonly string[];
  htmlBody: string | null;
  sentAt: Date;
  config: TrackingConfig | null | undefined;
}

export async function trackedHtml(input: TrackedHtmlInput): Promise<TrackedHtml> {
  const facts = await loadTrackingPlanFacts(input.db, input.accountId, { userId: input.userId, recipients: input.recipients });
  const plan = planTracking({ track: true, configured: Boolean(input.config), hasHtml: Boolean(input.htmlBody), ...facts });
  const recipient = tokenRecipient(plan);
  const config = input.config;
  if (!config || recipient === null || !input.htmlBody) return { plan, html: null };
  const claims = { accountId: input.accountId, emailId: input.emailId, recipient, sentAt: input.sentAt };
  const pixel = `${config.trackerUrl}/t/o/${signTrackingToken(config.keyring, { ...claims, kind: 'open' })}.gif`;
  const link = (target: string): string | null => {
    try {
      return `${config.trackerUrl}/t/c/${signTrackingToken(config.keyring, { ...claims, kind: 'click', target })}`;
    } catch (error) {
      // A link the token cannot carry (longer than 4 KB) stays as it is.
      if (error instanceof TrackingTokenError) return null;
      throw error;
    }
  };
  const out = instrumentHtml(input.htmlBody, { pixelUrl: pixel, linkUrl: plan.clicks ? link : null });
  return { plan, html: out.html };
}
