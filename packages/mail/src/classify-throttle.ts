// Recognises a provider's "not now, you are over a limit" answer in one error of imapflow's, before
// classify-error.ts looks at it as a refused login: Gmail answers a 16th connection with a tagged NO
// to LOGIN/AUTHENTICATE (imapflow sets authenticationFailed), which must never read as a wrong password.
// Texts as the providers send them (seen in imapflow, MailKit, node-imap, libetpan, imapsync and
// Dovecot imapc threads):
//   Gmail      NO [ALERT] Too many simultaneous connections. (Failure)
//              NO [OVERQUOTA] Account exceeded command or bandwidth limits. (Failure)
//              OK Success [THROTTLED]   (the marker is appended to the line, also to a NO)
//   Microsoft  BAD User is authenticated but not connected.            (after LOGIN, on every command)
//              BAD Request is throttled. Suggested Backoff Time: 92415 milliseconds   (imapflow: ETHROTTLE)
//              NO Server Unavailable. 15                                (Exchange, also at LOGIN)
//   Dovecot    * BYE Maximum number of connections from user+IP exceeded (mail_max_userip_connections=10)
//   RFC 5530   NO [UNAVAILABLE] ...  (Dovecot: "Temporary authentication failure.")
import type { ThrottleReason } from './throttle-reasons';

export interface ThrottleMatch {
  throttle: ThrottleReason;
  /** The server's own "wait this long" hint, less what imapflow already waited, when it gave one. */
  retryAfterMs?: number;
}

const PATTERNS: ReadonlyArray<readonly [ThrottleReason, RegExp]> = [
  ['gmail_bandwidth_exceeded', /Account exceeded command or bandwidth limits/i],
  ['too_many_connections', /Too many simultaneous connections|Maximum number of connections from user\+IP exceeded/i],
  ['gmail_throttled', /\[THROTTLED\]/],
  ['office365_not_connected', /User is authenticated but not connected/i],
  ['office365_throttled', /Request is throttled/i],
  ['server_unavailable', /\[UNAVAILABLE\]|Server Unavailable\.\s*\d+/i],
];

/** `text` is the server's words for this error (response text, BYE reason, message). */
export function throttleOf(f: Record<string, unknown>, text: string): ThrottleMatch | undefined {
  if (f.code === 'ETHROTTLE') {
    const hint = Number(f.throttleReset);
    const waited = Number(f.throttleWaited) || 0;
    return Number.isFinite(hint) && hint > 0
      ? { throttle: 'office365_throttled', retryAfterMs: Math.max(0, Math.round(hint - waited)) }
      : { throttle: 'office365_throttled' };
  }
  for (const [throttle, pattern] of PATTERNS) if (pattern.test(text)) return { throttle };
  if (String(f.serverResponseCode ?? '').toUpperCase() === 'UNAVAILABLE') return { throttle: 'server_unavailable' };
  return undefined;
}
