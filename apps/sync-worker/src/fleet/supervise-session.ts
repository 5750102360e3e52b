// One inbox's session as the fleet holds it: runInboxSession again and again (a new login after the
// session's maximum age, new credentials, or a failure it could not handle), until it is stopped or
// its inbox is no longer connected.
import type { InboxJobData } from '@reply-sync/queue';
import { sleep } from '../backoff';
import { runInboxSession, type SessionDeps } from '../inbox-session';
import type { HeldSession } from './fleet-sessions';

/** After an error the session could not handle (a bug, the database away): this long before retrying. */
const UNEXPECTED_RETRY_MS = 5_000;

export function superviseSession(deps: SessionDeps, inbox: InboxJobData): HeldSession {
  const stop = new AbortController();
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let loggedIn = false;
  const log = deps.logger.child({ inboxId: inbox.inboxId, accountId: inbox.accountId });
  const done = (async () => {
    try {
      while (!stop.signal.aborted) {
        let delayMs: number;
        try {
          const outcome = await runInboxSession(deps, inbox, stop.signal, { onLogin: () => (loggedIn = true), onReady: markReady });
          log.debug({ outcome }, 'session ended');
          if (outcome.kind === 'finished') return;
          delayMs = outcome.delayMs;
        } catch (error) {
          log.error({ err: error instanceof Error ? error.message : String(error) }, 'session failed; retrying');
          delayMs = UNEXPECTED_RETRY_MS;
        }
        if (delayMs > 0) await sleep(delayMs, stop.signal);
      }
    } finally {
      markReady();
    }
  })();
  return { ready, done, hasLoggedIn: () => loggedIn, stop: () => stop.abort() };
}
