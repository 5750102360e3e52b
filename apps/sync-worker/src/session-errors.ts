// What a session does about an error, given its class (packages/mail classifyMailError) and how long
// transient errors have lasted. Pure, so the policy is tested without servers.
import type { DisconnectReason, MailErrorClass } from '@reply-sync/mail';

export type ErrorAction =
  /** Disconnect the inbox with this reason; the job ends (never retry credentials in a loop). */
  | { kind: 'disconnect'; reason: DisconnectReason }
  /** Reconnect after a backoff (within the session, or by requeueing the job). */
  | { kind: 'retry' };

export function errorAction(
  error: MailErrorClass,
  transient: { firstErrorAt: Date | null; now: Date; disconnectAfterMs: number },
): ErrorAction {
  if ((error.kind === 'auth' || error.kind === 'tls' || error.kind === 'config') && error.reason) {
    return { kind: 'disconnect', reason: error.reason };
  }
  if (error.kind === 'auth') return { kind: 'disconnect', reason: 'password_rejected' };
  if (error.kind === 'tls') return { kind: 'disconnect', reason: 'tls_certificate_invalid' };
  // transient, unknown, and config without a reason: back off; persisted too long → unreachable.
  const since = transient.firstErrorAt ?? transient.now;
  if (transient.now.getTime() - since.getTime() >= transient.disconnectAfterMs) {
    return { kind: 'disconnect', reason: 'server_unreachable' };
  }
  return { kind: 'retry' };
}
