// Live opens and clicks for the SSE streams of this API process. The process that records an event is
// usually not the one holding a stream, so the recorder's insert NOTIFYs `reply_sync_tracking_events`
// with ids only (packages/db tracking-notify.ts); here ONE dedicated LISTEN connection per process hears
// it and, only for accounts with a stream open here, loads the events once (scoped to that account) and
// hands them to the account's streams. A lost connection is re-established with backoff; what was
// committed meanwhile is what a client's Last-Event-ID resume reads.
import { openNotifyConnection, parseTrackingNotification, scoped, TRACKING_EVENTS_CHANNEL, type Db, type LiveActivity, type NotifyConnection } from '@reply-sync/db';
import type { FastifyBaseLogger } from 'fastify';

export interface LiveSubscriber {
  /** Only this user's sends (the stream's `userId`); absent: the account's. */
  userId?: string | undefined;
  send(events: LiveActivity[]): void;
  /** The hub is closing (the app stops): end the stream. */
  end(): void;
}

export interface LiveActivityHub {
  /** Registers a stream; null when the account already has its maximum of streams in this process. */
  subscribe(accountId: string, subscriber: LiveSubscriber): (() => void) | null;
  /** The account's streams open in this process. */
  streams(accountId: string): number;
  /** The LISTEN session's backend pid, null while there is none (diagnostics; tests end it to see the hub recover). */
  listenerPid(): Promise<number | null>;
  /** Resolves once LISTEN is in place (tests wait for it). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export interface LiveActivityHubOptions {
  db: Db;
  databaseUrl: string;
  log: FastifyBaseLogger;
  /** Streams per account in one process (default 20). */
  maxStreamsPerAccount?: number;
}

export function createLiveActivityHub(options: LiveActivityHubOptions): LiveActivityHub {
  const max = options.maxStreamsPerAccount ?? 20;
  const byAccount = new Map<string, Set<LiveSubscriber>>();
  let connection: NotifyConnection | null = null;
  let closed = false;
  let reconnect: NodeJS.Timeout | null = null;

  const deliver = async (accountId: string, eventIds: string[]) => {
    const subscribers = byAccount.get(accountId);
    if (!subscribers || subscribers.size === 0) return;
    const events = await scoped(options.db, accountId).activity.live(eventIds);
    if (events.length === 0) return;
    for (const s of subscribers) {
      const mine = s.userId ? events.filter((e) => e.userId === s.userId) : events;
      if (mine.length > 0) s.send(mine);
    }
  };

  const onNotify = (_channel: string, payload: string) => {
    const n = parseTrackingNotification(payload);
    if (!n) {
      options.log.warn({ event: 'tracking_notify_unreadable', chars: payload.length }, 'a tracking notification that is not ours was ignored');
      return;
    }
    deliver(n.accountId, n.eventIds).catch((error: unknown) => options.log.warn({ err: error, accountId: n.accountId }, 'could not load live tracking events'));
  };

  const listen = async (delayMs = 1_000): Promise<void> => {
    if (closed) return;
    const c = openNotifyConnection(options.databaseUrl, {
      onNotify,
      onClose: () => {
        if (closed || connection !== c) return;
        connection = null;
        void c.close().catch(() => {}); // this client would otherwise reconnect on its next query, without LISTEN
        options.log.warn({ event: 'live_listen_lost' }, 'live activity lost its LISTEN connection; reconnecting');
        reconnect = setTimeout(() => void listen(Math.min(delayMs * 2, 30_000)), delayMs);
      },
    });
    connection = c;
    try {
      await c.listen(TRACKING_EVENTS_CHANNEL);
    } catch (error) {
      options.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'live activity could not LISTEN; retrying');
      connection = null;
      await c.close().catch(() => {});
      if (!closed) reconnect = setTimeout(() => void listen(Math.min(delayMs * 2, 30_000)), delayMs);
    }
  };

  const ready = listen();
  return {
    ready,
    streams: (accountId) => byAccount.get(accountId)?.size ?? 0,
    listenerPid: async () => (connection ? connection.backendPid().catch(() => null) : null),
    subscribe(accountId, subscriber) {
      const set = byAccount.get(accountId) ?? new Set<LiveSubscriber>();
      if (set.size >= max) return null;
      set.add(subscriber);
      byAccount.set(accountId, set);
      return () => {
        set.delete(subscriber);
        if (set.size === 0 && byAccount.get(accountId) === set) byAccount.delete(accountId);
      };
    },
    async close() {
      closed = true;
      if (reconnect) clearTimeout(reconnect);
      for (const set of byAccount.values()) for (const s of set) s.end();
      byAccount.clear();
      const c = connection;
      connection = null;
      await c?.close().catch(() => {});
    },
  };
}
