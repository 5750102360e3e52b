// Signals that a message is a delivery status notification (a bounce) from a mail server.

import { parseContentType } from './content-type';
import { autoReplySignal, isNullReturnPath } from './detect-auto-reply';
import type { MessageFacts } from './types';

const DAEMON_LOCAL_PARTS = new Set(['mailer-daemon', 'postmaster']);

/**
 * A short description of the bounce signal found, or null:
 * - `Content-Type: multipart/report; report-type=delivery-status` (RFC 3464);
 * - an `X-Failed-Recipients` field (Exim, Gmail);
 * - From `mailer-daemon@…` or `postmaster@…` (any case);
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
  if (h['x-failed-recipients'] !== undefined) return `X-Failed-Recipients: ${h['x-failed-recipients']}`;
  // From is lower-cased by parseAddressList, but facts may come from elsewhere.
  const from = facts.from?.address.toLowerCase();
  if (from) {
    const at = from.lastIndexOf('@');
    if (DAEMON_LOCAL_PARTS.has(at === -1 ? from : from.slice(0, at))) return `From ${from}`;
  }
  if (isNullReturnPath(h['return-path']) && autoReplySignal(facts) === null) return 'Return-Path <>';
  return null;
}
