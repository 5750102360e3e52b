// Signals that a message is a delivery status notification (a bounce) or another report a mail
// system sends about a message (an ARF feedback report), not a reply from a person.

import { parseContentType } from './content-type';
import { autoReplySignal, isNullReturnPath } from './detect-auto-reply';
import type { MessageFacts } from './types';

const DAEMON_LOCAL_PARTS = new Set(['mailer-daemon', 'postmaster']);
/**
 * Subjects mail systems give their bounces (Postfix, Gmail/Amazon SES, Exim, sendmail, qmail).
 * Only used together with another sign of a machine-written message, never alone.
 */
const BOUNCE_SUBJECT =
  /^(?:undelivered mail returned to sender|delivery status notification \(failure\)|mail delivery failed|returned mail:|undeliverable:|failure notice$)/i;

/**
 * A short description of the bounce signal found, or null:
 * - `Content-Type: multipart/report; report-type=delivery-status` (RFC 3464);
 * - `Content-Type: multipart/report; report-type=feedback-report` (an ARF complaint report, RFC 5965:
 *   a mailbox provider telling the sender someone marked the message as spam);
 * - an `X-Failed-Recipients` field (Exim, Gmail);
 * - From `mailer-daemon@…` or `postmaster@…` (any case);
 * - a bounce subject from Amazon WorkMail (`X-Mailer: Amazon WorkMail`), whose bounces are
 *   multipart/mixed, come from the bare word `amazonses.com` and carry no other sign, or a bounce
 *   subject with no From address at all;
 * - `Return-Path: <>`, unless the message also carries an auto-reply signal: RFC 3834 asks
 *   responders to send with a null envelope sender too, so a null Return-Path alone means "bounce"
 *   only when nothing says "auto-reply".
 */
export function bounceSignal(facts: MessageFacts): string | null {
  const h = facts.headers;
  const ct = parseContentType(h['content-type']);
  if (ct.type === 'multipart/report' && ct.reportType === 'delivery-status') {
    return 'Content-Type multipart/report; report-type=delivery-status';
  }
  if (ct.type === 'multipart/report' && ct.reportType === 'feedback-report') {
    return 'feedback report (multipart/report; report-type=feedback-report, RFC 5965)';
  }
  if (h['x-failed-recipients'] !== undefined) return `X-Failed-Recipients: ${h['x-failed-recipients']}`;
  // From is lower-cased by parseAddressList, but facts may come from elsewhere.
  const from = facts.from?.address.toLowerCase();
  if (from) {
    const at = from.lastIndexOf('@');
    if (DAEMON_LOCAL_PARTS.has(at === -1 ? from : from.slice(0, at))) return `From ${from}`;
  }
  if (BOUNCE_SUBJECT.test(facts.subject)) {
    if ((h['x-mailer'] ?? '').trim().toLowerCase() === 'amazon workmail') {
      return `Amazon WorkMail bounce (subject "${facts.subject}")`;
    }
    if (!from) return `subject "${facts.subject}" with no From address`;
  }
  if (isNullReturnPath(h['return-path']) && autoReplySignal(facts) === null) return 'Return-Path <>';
  return null;
}
