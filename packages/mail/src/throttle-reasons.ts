// Why a provider is holding an inbox back: a closed set of codes, each with the one sentence support
// staff read in the inbox's last error. A throttled inbox is never disconnected: it waits (the wait per
// code is in apps/sync-worker/src/backoff.ts) and logs in again by itself.
import type { MailErrorClass } from './classify-error';

export const THROTTLE_REASONS = [
  'gmail_bandwidth_exceeded',
  'too_many_connections',
  'gmail_throttled',
  'office365_not_connected',
  'office365_throttled',
  'server_unavailable',
] as const;

export type ThrottleReason = (typeof THROTTLE_REASONS)[number];

/**
 * One sentence per code: what the provider is doing, and what to check should it last. Who reads it
 * adds what happens next: the worker waits (THROTTLED_SUFFIX), `inbox connect` saved nothing.
 */
export const THROTTLE_SENTENCES: Readonly<Record<ThrottleReason, string>> = {
  gmail_bandwidth_exceeded:
    "Gmail has suspended IMAP for this account because it exceeded Gmail's command or bandwidth limits (Gmail lifts this after 1 to 24 hours); if it happens again, look for another app that downloads the whole mailbox (a backup tool, a second mail client).",
  too_many_connections:
    "The mail server refused another connection for this account: it already has as many open as the server allows (Gmail allows 15, shared with the user's mail apps on every device); if it lasts, ask the user to close mail apps they no longer use.",
  gmail_throttled: 'Gmail is slowing down IMAP requests for this account ([THROTTLED]), usually because of heavy use by this or another app.',
  office365_not_connected:
    'Microsoft 365 accepted the sign-in but refused the session ("User is authenticated but not connected"): it answers this to clients that reconnect too often, and also when IMAP is turned off for the mailbox or the app lacks permission to it; if it lasts for hours, check that IMAP is enabled for the mailbox (Microsoft 365 admin center, the user\'s Mail tab, Manage email apps).',
  office365_throttled: 'Microsoft 365 is throttling IMAP requests for this mailbox ("Request is throttled") and said how long to wait.',
  server_unavailable: 'The mail server answered that the account is temporarily unavailable, as servers do while restarting or under load.',
};

/** What the worker's last error adds: a throttled inbox stays connected and needs nothing done. */
export const THROTTLED_SUFFIX = 'reply-sync waits as the provider asks and logs in again by itself; the inbox stays connected.';

export function isThrottleReason(value: unknown): value is ThrottleReason {
  return typeof value === 'string' && (THROTTLE_REASONS as readonly string[]).includes(value);
}

export function throttleSentence(reason: ThrottleReason): string {
  return THROTTLE_SENTENCES[reason];
}

/**
 * The text an inbox's last_error holds for this error: for a throttle, the sentence, that nothing needs
 * doing, and the server's words; for anything else the server's words as before.
 */
export function lastErrorFor(error: Pick<MailErrorClass, 'detail' | 'throttle'>): string {
  if (!error.throttle) return error.detail;
  return `${THROTTLE_SENTENCES[error.throttle]} ${THROTTLED_SUFFIX} (server said: ${error.detail})`;
}
