// One LISTEN per worker process on the `reply_sync_inboxes` NOTIFY (the trigger on `inboxes` fires at
// commit on every status or credentials_version change and on delete, whoever made it: the health
// check, the send path, the CLI, a session, SQL by hand). Each live session watches its own inbox
// here and ends itself within a second of a disconnect, a removal or new credentials, instead of at
// its next watchdog tick. Why NOTIFY and not Redis pub/sub: the database is where every status change
// is written, so no writer can forget to publish, and a notification is sent only once its change is
// committed and visible to the session's re-read.
//
// NOTIFY is fire-and-forget: what is sent while the LISTEN connection is down (a PostgreSQL restart,
// a network cut) is lost. So the listener owns its connection (openNotifyConnection: postgres.js's
// own listen() retries a lost LISTEN once, then gives up silently), re-LISTENs with backoff until it
// succeeds, and then re-reads the status of every inbox with a live session in this process, which it
// reports like notifications. A ping finds a connection that died silently. The session's watchdog
// stays the fallback for anything this misses.
//
// Every process hears every inbox's changes; they are rare (a status change, not a message), and a
// change for an inbox without a session here costs one map look-up.
import { INBOX_NOTIFY_CHANNEL, inboxStates, openNotifyConnection, parseInboxNotification, type Db, type InboxNotification } from '@reply-sync/db';
import { backoffDelay, sleep } from './backoff';
import type { Logger } from './logger';
import { withTimeout } from './wake-signal';

/** A change of one inbox's row, from a notification or from the re-check after a reconnect. */
export type InboxChange = Pick<InboxNotification, 'inboxId' | 'status' | 'credentialsVersion'>;
export type InboxChangeHandler = (change: InboxChange) => void;

export interface InboxChangeListener {
  /** Calls onChange for every change of this inbox's row from now on, until the returned function is called. */
  watch(inboxId: string, onChange: InboxChangeHandler): () => void;
  /** True while LISTEN is in place. */
  listening(): boolean;
  close(): Promise<void>;
}

export interface InboxChangeListenerOptions {
  databaseUrl: string;
  /** The pool, for the re-check after a reconnect. */
  db: Db;
  logger: Logger;
  /** How often the LISTEN connection is pinged; a ping that fails or hangs reconnects it. Default 30 s. */
  pingIntervalMs?: number;
  /** Connect, LISTEN or ping slower than this counts as a dead connection. Default 10 s. */
  commandTimeoutMs?: number;
}

const LISTEN_BACKOFF = { baseMs: 250, maxMs: 5_000 };

/** Resolves once LISTEN is in place (so a change committed after that is seen); keeps it in place until close(). */
export async function startInboxChangeListener(options: InboxChangeListenerOptions): Promise<InboxChangeListener> {
  const log = options.logger.child({ component: 'inbox-change-listener' });
  const pingIntervalMs = options.pingIntervalMs ?? 30_000;
  const commandTimeoutMs = options.commandTimeoutMs ?? 10_000;
  const watchers = new Map<string, Set<InboxChangeHandler>>();
  const stop = new AbortController();
  let listening = false;

  const deliver = (change: InboxChange): void => {
    for (const handler of watchers.get(change.inboxId) ?? []) handler(change);
  };
  const onNotify = (channel: string, payload: string): void => {
    if (channel !== INBOX_NOTIFY_CHANNEL) return;
    const notification = parseInboxNotification(payload);
    if (!notification) {
      log.warn({ payload: payload.slice(0, 200) }, 'ignored a notification that is not an inbox change');
      return;
    }
    deliver(notification);
  };

  /** The inboxes with a live session here, as they are now: a deleted one is reported as deleted. */
  async function recheckWatched(): Promise<void> {
    const ids = [...watchers.keys()];
    if (ids.length === 0) return;
    const states = new Map((await inboxStates(options.db, ids)).map((s) => [s.inboxId, s]));
    for (const inboxId of ids) deliver(states.get(inboxId) ?? { inboxId, status: 'deleted', credentialsVersion: 0 });
    log.info({ sessions: ids.length }, 'LISTEN re-established; re-checked the inboxes of the live sessions');
  }

  /** One LISTEN connection from connect to loss. Resolves when it is lost (or on close()); throws if it never listened. */
  async function oneConnection(onListening: () => void, recheck: boolean): Promise<void> {
    let lost!: () => void;
    const gone = new Promise<void>((resolve) => (lost = resolve));
    const connection = openNotifyConnection(options.databaseUrl, {
      onNotify,
      onClose: () => lost(),
      connectTimeoutSeconds: Math.ceil(commandTimeoutMs / 1000),
    });
    const onStop = () => lost();
    stop.signal.addEventListener('abort', onStop);
    const ping = setInterval(() => {
      withTimeout(connection.ping(), commandTimeoutMs, 'LISTEN connection ping').catch((error: unknown) => {
        log.warn({ err: (error as Error).message }, 'LISTEN connection ping failed; reconnecting');
        lost();
      });
    }, pingIntervalMs);
    ping.unref();
    try {
      await withTimeout(connection.listen(INBOX_NOTIFY_CHANNEL), commandTimeoutMs, 'LISTEN');
      listening = true;
      onListening();
      // LISTEN is in place before this read starts: a change is either in the read or notified.
      if (recheck) await withTimeout(recheckWatched(), commandTimeoutMs, 'the re-check of live sessions');
      await gone;
    } finally {
      listening = false;
      clearInterval(ping);
      stop.signal.removeEventListener('abort', onStop);
      await connection.close().catch(() => undefined);
    }
  }

  // Runs until close(): one connection after another, with jittered backoff between them (a fleet of
  // workers coming back after a database restart does not reconnect in the same millisecond).
  let listenedOnce = false;
  let startFailed: (error: unknown) => void = () => {};
  let started!: () => void;
  const ready = new Promise<void>((resolve, reject) => {
    started = resolve;
    startFailed = reject;
  });
  const loop = (async () => {
    let attempt = 0;
    while (!stop.signal.aborted) {
      try {
        await oneConnection(() => {
          attempt = 0;
          listenedOnce = true;
          started();
        }, listenedOnce);
        if (!stop.signal.aborted) log.warn('LISTEN connection lost; reconnecting');
      } catch (error) {
        // Not listening at all yet: fail the worker's start rather than run without it.
        if (!listenedOnce) return startFailed(error);
        log.warn({ err: (error as Error).message, attempt }, 'could not re-establish LISTEN; retrying');
      }
      if (!stop.signal.aborted) await sleep(backoffDelay(attempt++, LISTEN_BACKOFF), stop.signal);
    }
  })();
  await ready;

  return {
    watch(inboxId, onChange) {
      let set = watchers.get(inboxId);
      if (!set) watchers.set(inboxId, (set = new Set()));
      set.add(onChange);
      return () => {
        set.delete(onChange);
        if (set.size === 0 && watchers.get(inboxId) === set) watchers.delete(inboxId);
      };
    },
    listening: () => listening,
    async close() {
      stop.abort();
      await loop;
    },
  };
}
