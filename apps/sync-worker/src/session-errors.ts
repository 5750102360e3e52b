// What a session does about an error, given its class (packages/mail classifyMailError) and how long
// transient errors have lasted. Pure, so the policy is tested without servers.
import type { DisconnectReason, MailErrorClass, ThrottleReason } from '@reply-sync/mail';
import { retryDelay } from './backoff';

export type ErrorAction =
  /** Disconnect the inbox with this reason; the job ends (never retry credentials in a loop). */
  | { kind: 'disconnect'; reason: DisconnectReason }
  /**
   * Log in again after `delayMs` (within the session, or by requeueing the job). `throttle`: the
   * provider is holding the account back, which never disconnects however long it lasts.
   */
  | { kind: 'retry'; delayMs: number; throttle?: ThrottleReason };

export interface ErrorContext {
  /** Start of the run of transient errors (the inbox row's first_error_at); null when none is running. */
  firstErrorAt: Date | null;
  now: Date;
  /** TRANSIENT_DISCONNECT_AFTER_MS. */
  disconnectAfterMs: number;
  /** Failed attempts since the last successful login (0 for the first); picks the backoff step. */
  attempt?: number;
  random?: () => number;
}

/**
 * Record the error first (its text: lastErrorFor(error), with `{ throttled: error.throttle !== undefined }`,
 * so a throttle starts no error run), then ask this with the run's start.
 */
export function errorAction(error: MailErrorClass, context: ErrorContext): ErrorAction {
  if ((error.kind === 'auth' || error.kind === 'tls' || error.kind === 'config') && error.reason) {
    return { kind: 'disconnect', reason: error.reason };
  }
  if (error.kind === 'auth') return { kind: 'disconnect', reason: 'password_rejected' };
  if (error.kind === 'tls') return { kind: 'disconnect', reason: 'tls_certificate_invalid' };
  const failingForMs = context.firstErrorAt ? Math.max(0, context.now.getTime() - context.firstErrorAt.getTime()) : 0;
  const delayMs = retryDelay(error, { attempt: context.attempt ?? 0, failingForMs, ...(context.random ? { random: context.random } : {}) });
  // A throttle is the provider asking us to wait: it never disconnects, however long it lasts.
  if (error.throttle) return { kind: 'retry', delayMs, throttle: error.throttle };
  // transient, unknown, and config without a reason: back off; persisted too long → unreachable.
  if (failingForMs >= context.disconnectAfterMs) return { kind: 'disconnect', reason: 'server_unreachable' };
  return { kind: 'retry', delayMs };
}
