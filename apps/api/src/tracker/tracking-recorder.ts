// Tracker events in batches: a request only appends to memory (so the pixel and the redirect answer at
// once, whether the token was good or not); every flush collapses repeats, loads the earlier events of
// the batch's recipients, classifies each event in time order, and writes the batch in one INSERT.
import { createHash } from 'node:crypto';
import type { Db } from '@reply-sync/db';
import { insertTrackingEvents, pairKey, priorTrackingEvents, type NewTrackingEvent } from '@reply-sync/db/tracking-events';
import { classifyEvent, type ClassifyOptions, type TrackingClaims } from '@reply-sync/tracking';
import type { FastifyBaseLogger } from 'fastify';

export interface TrackerHit {
  claims: TrackingClaims;
  method: 'GET' | 'HEAD';
  at: Date;
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
  /** A batch this large is written at once (default 500). */
  maxBatch?: number;
  /** Beyond this many waiting events (the database is down or slow), new ones are dropped and counted in the log. */
  maxBuffered?: number;
}

const DEDUPE_WINDOW_MS = 60_000;
const MAX_AGENT = 512;

/** Same request (kind, email, recipient, link, method, address, agent) in the same minute: one row. */
export function dedupeKeyOf(hit: TrackerHit): string {
  const { claims } = hit;
  const bucket = Math.floor(hit.at.getTime() / DEDUPE_WINDOW_MS);
  return createHash('sha256').update([claims.kind, claims.accountId, claims.emailId, claims.recipient, claims.target ?? '', hit.method, hit.ip, hit.userAgent, bucket].join('\n')).digest('base64url');
}

export function createTrackingRecorder(options: TrackingRecorderOptions): TrackingRecorder {
  const maxBatch = options.maxBatch ?? 500;
  const maxBuffered = options.maxBuffered ?? 100_000;
  let buffer: TrackerHit[] = [];
  let dropped = 0;
  let writing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;

  const write = async (hits: TrackerHit[]) => {
    const collapsed = new Map<string, { hit: TrackerHit; hits: number; last: Date }>();
    for (const hit of hits) {
      const key = dedupeKeyOf(hit);
      const seen = collapsed.get(key);
      if (seen) {
        seen.hits += 1;
        if (hit.at > seen.last) seen.last = hit.at;
      } else collapsed.set(key, { hit, hits: 1, last: hit.at });
    }
    const entries = [...collapsed.entries()].sort((a, b) => a[1].hit.at.getTime() - b[1].hit.at.getTime());
    const pairs = [...new Map(entries.map(([, { hit }]) => [pairKey(hit.claims.emailId, hit.claims.recipient), { emailId: hit.claims.emailId, recipient: hit.claims.recipient }])).values()];
    const prior = await priorTrackingEvents(options.db, pairs);
    const rows: NewTrackingEvent[] = entries.map(([dedupeKey, { hit, hits, last }]) => {
      const { claims } = hit;
      const pair = pairKey(claims.emailId, claims.recipient);
      const earlier = prior.get(pair) ?? [];
      const c = classifyEvent({ kind: claims.kind, method: hit.method, at: hit.at, ip: hit.ip, userAgent: hit.userAgent, sentAt: claims.sentAt, target: claims.target ?? null }, earlier, options);
      prior.set(pair, [...earlier, { kind: claims.kind, at: hit.at, target: claims.target ?? null, ...c }]);
      return { accountId: claims.accountId, emailId: claims.emailId, recipient: claims.recipient, kind: claims.kind, target: claims.target ?? null, method: hit.method, eventClass: c.eventClass, reason: c.reason, counted: c.counted, ip: hit.ip, userAgent: hit.userAgent.slice(0, MAX_AGENT), occurredAt: hit.at, lastSeenAt: last, hits, dedupeKey };
    });
    await insertTrackingEvents(options.db, rows);
  };

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    const hits = buffer;
    buffer = [];
    // One batch at a time, in order, so a batch's classification sees the batch before it.
    writing = writing.then(async () => {
      if (dropped > 0) {
        options.log.warn({ event: 'tracking_events_dropped', dropped }, 'tracking events dropped: the buffer was full');
        dropped = 0;
      }
      if (hits.length === 0) return;
      try {
        await write(hits);
      } catch (error) {
        options.log.error({ err: error, events: hits.length }, 'could not write tracking events');
      }
    });
    return writing;
  };

  return {
    record(hit) {
      if (buffer.length >= maxBuffered) {
        dropped += 1;
        return;
      }
      buffer.push(hit);
      if (buffer.length >= maxBatch) void flush();
      else timer ??= setTimeout(() => void flush(), options.flushIntervalMs ?? 250).unref();
    },
    flush,
    close: flush,
  };
}
