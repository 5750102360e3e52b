// What a user and the mail server see after an inbox is disconnected or removed: its live IMAP session
// is gone from the server within seconds, and a reply delivered after the disconnect never reaches
// the timeline. Shared by the disconnect tests of every path (health check, send 535, CLI, restart).
import type { Scoped } from '@reply-sync/db';
import { imapSessions, waitFor, type MailUser } from '@reply-sync/testkit';
import { expect } from 'vitest';
import type { RunningWorker } from '../../src/worker';

/** The brief's figure: the session is gone from the server this soon after the disconnect moment. */
export const SESSION_GONE_WITHIN_MS = 5_000;
/** The reply arrives this long after the disconnect moment. */
export const REPLY_AFTER_MS = 1_000;

/** The production default: these tests must not be passed by the watchdog fallback. */
export const PRODUCTION_WATCHDOG = { WATCHDOG_INTERVAL_MS: String(2 * 60_000) };

export async function connectedGauge(worker: RunningWorker): Promise<number> {
  return (await worker.metrics.inboxesConnected.get()).values[0]?.value ?? 0;
}

/** The session has examined INBOX and sits in IDLE: one session on the server, counted by the worker. */
export async function waitForIdleSession(worker: RunningWorker, mailUser: MailUser): Promise<number> {
  await waitFor(async () => ((await connectedGauge(worker)) === 1 ? true : undefined), { what: 'the worker to hold the session', timeoutMs: 15_000 });
  const [pid] = await waitFor(async () => {
    const pids = await imapSessions(mailUser);
    return pids.length === 1 ? pids : undefined;
  }, { what: 'one IMAP session on the server', timeoutMs: 5_000 });
  return pid!;
}

export interface AfterDisconnect {
  worker: RunningWorker;
  mailUser: MailUser;
  q: Scoped;
  inboxId: string;
  contactEmail: string;
  /** The committed disconnect (or removal): the inbox row's status_since. */
  disconnectedAt: Date;
  /** Delivers a reply the worker would log were the inbox connected; returns its normalised Message-ID. */
  deliverReply(): Promise<string>;
}

/**
 * Delivers a reply REPLY_AFTER_MS after the disconnect while watching the server: every IMAP session of
 * the user must be gone within SESSION_GONE_WITHIN_MS of the disconnect, the worker holds none, the
 * inbox's job is gone (completed, not requeued) and the reply is not on the timeline.
 * Returns the measured time from the disconnect moment to the session gone on the server.
 */
export async function expectSessionEndsAndReplyIsNotLogged(a: AfterDisconnect): Promise<number> {
  const deadline = a.disconnectedAt.getTime() + SESSION_GONE_WITHIN_MS;
  const gone = waitFor(async () => ((await imapSessions(a.mailUser)).length === 0 ? Date.now() : undefined), {
    what: `the IMAP session to be gone from the server within ${SESSION_GONE_WITHIN_MS} ms of the disconnect`,
    timeoutMs: Math.max(0, deadline - Date.now()),
    intervalMs: 20,
  });
  gone.catch(() => undefined); // awaited below; this only keeps it from counting as unhandled meanwhile
  const replyAt = a.disconnectedAt.getTime() + REPLY_AFTER_MS;
  await waitFor(() => (Date.now() >= replyAt ? true : undefined), { what: 'one second after the disconnect', timeoutMs: 5_000, intervalMs: 10 });
  const replyId = await a.deliverReply();
  const goneAt = await gone;

  await waitFor(() => (a.worker.activeSessions() === 0 ? true : undefined), { what: 'the worker to hold no session', timeoutMs: 2_000, intervalMs: 20 });
  expect(await connectedGauge(a.worker)).toBe(0);
  expect(a.worker.holds(a.inboxId)).toBe(false);
  // No session: nothing can read the reply any more, so its absence now is final.
  const entries = await a.q.timeline.forContact(a.contactEmail);
  expect(entries.map((e) => e.messageIdNorm)).not.toContain(replyId);
  const decisions = (await a.q.decisions.forMessageId(`<${replyId}>`)).map((d) => d.reasonCode);
  expect(decisions.filter((r) => r !== 'inbox_disconnected')).toEqual([]);
  return goneAt - a.disconnectedAt.getTime();
}
