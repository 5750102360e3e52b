// Tracker events in batches: a request only folds its hit into memory (so the pixel and the redirect answer
// at once, whether the token was good or not), and repeats of one request in the same minute fold into one
// entry there, so a batch holds distinct requests, not hits. Every flush loads the earlier events of the
// batch's recipients, classifies each entry in time order, and writes the batch in one INSERT.
import { createHash } from 'node:crypto';
import type { Db } from '@reply-sync/db';
import { insertTrackingEvents, pairKey, priorTrackingEvents, type NewTrackingEvent } from '@reply-sync/db/tracking-events';
import { classifyEvent, type ClassifyOptions, type TrackingClaims } from '@reply-sync/tracking';
import type { FastifyBaseLogger } from 'fastify';

export interface TrackerHit {
  claims: TrackingClaims;
  method: 'GET' | 'HEAD';
  /** Epoch milliseconds (a number, not a Date: most hits are repeats that only bump a counter). */
  at: number;
  ip: string;
  userAgent: string;
}

export interface TrackingRecorder {
  record(hit: TrackerHit): void;
  /** Writes what is buffered now; resolves when written (tests, shutdown). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface TrackingRecorderOptions extends ClassifyOptions {
  db: Db;
  log: FastifyBaseLogger;
  /** How long an event waits at most before its batch is written (default 250 ms). */
  flushIntervalMs?: number;
  /** A batch of this many distinct requests is written at once (default 500). */
  maxBatch?: number;
  /** Beyond this many distinct requests waiting (the database is down or slow), new ones are dropped and counted in the log; repeats of a waiting one still count. */
  maxBuffered?: number;
}

const DEDUPE_WINDOW_MS = 60_000;
const MAX_AGENT = 512;

/** The request's identity in its minute: kind, email, recipient, link, method, address, agent. */
function identityOf(hit: TrackerHit): string {
  const { claims } = hit;
  // Newline-separated: none of the parts can hold one (HTTP header values and URLs cannot).
  return `${claims.kind}\n${claims.accountId}\n${claims.emailId}\n${claims.recipient}\n${claims.target ?? ''}\n${hit.method}\n${hit.ip}\n${hit.userAgent}\n${Math.floor(hit.at / DEDUPE_WINDOW_MS)}`;
}

/**
 * The stored dedupe_key of a request (unique in tracking_events): sha256 of its identity, so the same
 * request in the same minute is one row across batches and processes. Computed once per distinct request
 * of a batch, at flush, not per hit.
 */
export function dedupeKeyOf(hit: TrackerHit): string {
  return createHash('sha256').update(identityOf(hit)).digest('base64url');
}

interface Pending {
  hit: TrackerHit;
  hits: number;
  last: number;
}

export function createTrackingRecorder(options: TrackingRecorderOptions): TrackingRecorder {
  const maxBatch = options.maxBatch ?? 500;
  const maxBuffered = options.maxBuffered ?? 100_000;
  // Insertion order is arrival order of each request's first hit.
  let pending = new Map<string, Pending>();
  /** Distinct requests flushed but not yet written: with pending, what maxBuffered bounds. */
  let queued = 0;
  let dropped = 0;
  let writing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;

  const write = async (batch: Map<string, Pending>) => {
    const entries = [...batch.values()].sort((a, b) => a.hit.at - b.hit.at);
    const pairs = [...new Map(entries.map(({ hit }) => [pairKey(hit.claims.emailId, hit.claims.recipient), { emailId: hit.claims.emailId, recipient: hit.claims.recipient }])).values()];
    const prior = await priorTrackingEvents(options.db, pairs);
    const rows: NewTrackingEvent[] = entries.map(({ hit, hits, last }) => {
      const { claims } = hit;
      const at = new Date(hit.at);
      const pair = pairKey(claims.emailId, claims.recipient);
      const earlier = prior.get(pair) ?? [];
      const c = classifyEvent({ kind: claims.kind, method: hit.method, at, ip: hit.ip, userAgent: hit.userAgent, sentAt: claims.sentAt, target: claims.target ?? null }, earlier, options);
      prior.set(pair, [...earlier, { kind: claims.kind, at, target: claims.target ?? null, ...c }]);
      return { accountId: claims.accountId, emailId: claims.emailId, recipient: claims.recipient, kind: claims.kind, target: claims.target ?? null, method: hit.method, eventClass: c.eventClass, reason: c.reason, counted: c.counted, ip: hit.ip, userAgent: hit.userAgent.slice(0, MAX_AGENT), occurredAt: at, lastSeenAt: new Date(last), hits, dedupeKey: dedupeKeyOf(hit) };
    });
    await insertTrackingEvents(options.db, rows);
  };

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = pending;
    pending = new Map();
    queued += batch.size;
    // One batch at a time, in order, so a batch's classification sees the batch before it.
    writing = writing.then(async () => {
      if (dropped > 0) {
        options.log.warn({ event: 'tracking_events_dropped', dropped }, 'tracking events dropped: the buffer was full');
        dropped = 0;
      }
      if (batch.size === 0) return;
      try {
        await write(batch);
      } catch (error) {
        options.log.error({ err: error, events: batch.size }, 'could not write tracking events');
      } finally {
        queued -= batch.size;
      }
    });
    return writing;
  };

  return {
    record(hit) {
      const key = identityOf(hit);
      const seen = pending.get(key);
      if (seen) {
        seen.hits += 1;
        if (hit.at > seen.last) seen.last = hit.at;
        return;
      }
      if (pending.size + queued >= maxBuffered) {
        dropped += 1;
        return;
      }
      pending.set(key, { hit, hits: 1, last: hit.at });
      if (pending.size >= maxBatch) void flush();
      else timer ??= setTimeout(() => void flush(), options.flushIntervalMs ?? 250).unref();
    },
    flush,
    close: flush,
  };
}
