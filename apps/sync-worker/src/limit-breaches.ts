// What the worker remembers about messages whose fetch made the server break a response limit
// (packages/mail imap-limits.ts), so the retry after the lost connection reads them more carefully
// instead of failing the inbox over and over: a message fetched in a group is then fetched by itself
// (streamed); one that breaks a limit by itself gets only its text parts read; one that breaks it even
// then is reported as not readable. In this process only (another worker finds out again, at the
// cost of a reconnect per step); bounded, the oldest entries go first.
import type { ImapFlow } from 'imapflow';
import { IMAP_LIMIT_ERROR_CODES } from '@reply-sync/mail';

export type Breach =
  | { next: 'alone' }
  | { next: 'text_only'; detail: string }
  | { next: 'failed'; detail: string };

const breaches = new Map<string, Breach>();
const MAX_ENTRIES = 10_000;

/** `mailbox` is the inbox id and UIDVALIDITY. */
export function breachOf(mailbox: string, uid: number): Breach | undefined {
  return breaches.get(`${mailbox}:${uid}`);
}

// One content fetch at a time per connection, so a limit error is blamed on the fetch that caused it.
const inFlight = new WeakMap<ImapFlow, Promise<void>>();
const noop = () => undefined;

/**
 * Runs `fetch` for `uids`, after any other content fetch on this connection. When it fails because
 * the server broke a response limit (imapflow then closes the connection: the command only sees
 * NoConnection, the cause comes as an 'error' event), `breach(cause)` is remembered for each UID
 * before the error goes on to end the session's connection. (The one blind spot: a header FETCH of
 * the next batch breaking a limit at the same moment is blamed on this fetch.)
 */
export function watchingLimits<T>(
  client: ImapFlow,
  mailbox: string,
  uids: number[],
  breach: (cause: Error) => Breach,
  fetch: () => Promise<T>,
): Promise<T> {
  const run = (inFlight.get(client) ?? Promise.resolve()).then(() => watched(client, mailbox, uids, breach, fetch));
  // The chain keeps neither the result (a parsed message) nor a failure.
  inFlight.set(client, run.then(noop, noop));
  return run;
}

async function watched<T>(client: ImapFlow, mailbox: string, uids: number[], breach: (cause: Error) => Breach, fetch: () => Promise<T>): Promise<T> {
  let cause: Error | null = null;
  const onError = (error: unknown) => {
    if (IMAP_LIMIT_ERROR_CODES.has((error as { code?: string })?.code ?? '')) cause = error as Error;
  };
  client.on('error', onError);
  try {
    return await fetch();
  } catch (error) {
    const seen = cause as Error | null;
    if (seen) {
      const entry = breach(seen);
      for (const uid of uids) {
        if (breaches.size >= MAX_ENTRIES) breaches.delete(breaches.keys().next().value!);
        breaches.set(`${mailbox}:${uid}`, entry);
      }
    }
    throw error;
  } finally {
    client.off('error', onError);
  }
}
