// Tracker events in batches: a request only folds its hit into memory (so the pixel and the redirect answer
// at once, whether the token was good or not), and repeats of one request in the same minute fold into one
// entry there, found by the token as requested and then by the rest of the request, so a batch holds
// distinct requests, not hits. The tokens are read here, at flush, once per distinct token of the batch:
// the pixel is the same GIF whatever its token, so its request checks nothing, and a redirect checks only
// its token's MAC and target (linkTargetOf). A token we did not sign, or of the other route's kind, is
// dropped unrecorded. Every flush then loads what the classifier reads of the batch's recipients' earlier
// events, classifies each entry in time order, and writes the batch in one INSERT.
import { createHash } from 'node:crypto';
import type { Db } from '@reply-sync/db';
import { insertTrackingEvents, pairKey, priorTrackingEvents, type NewTrackingEvent } from '@reply-sync/db/tracking-events';
import { classifyEvent, verifyTrackingToken, type ClassifyOptions, type TrackingClaims, type TrackingKeyring, type TrackingTokenKind } from '@reply-sync/tracking';
import type { FastifyBaseLogger } from 'fastify';

export interface TrackerHit {
  /** What the route serves: the pixel (an open) or a link (a click). */
  kind: TrackingTokenKind;
  /** The token as requested. */
  token: string;
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
  /** TRACKING_KEYS: what the tokens are verified with at flush. */
  keys: TrackingKeyring;
  log: FastifyBaseLogger;
  /** How long an event waits at most before its batch is written (default 250 ms). */
  flushIntervalMs?: number;
  /** A batch of this many distinct requests is written at once (default 500). */
  maxBatch?: number;
  /** Beyond this many distinct requests waiting (the database is down or slow), new ones are dropped and counted in the log; repeats of a waiting one still count. */
  maxBuffered?: number;
}

const DEDUPE_WINDOW_MS = 60_000;
/** The window a request's repeats fold in (and its dedupe key names). */
const minuteOf = (at: number) => Math.floor(at / DEDUPE_WINDOW_MS);
/** The longest user agent kept (the rest is cut as the hit arrives, so a waiting entry stays small). */
export const MAX_AGENT = 512;

/**
 * The request's identity in its minute: kind, token (which names the email, recipient and link), method,
 * address, agent.
 */
function identityOf(hit: TrackerHit): string {
  // Newline-separated: none of the parts can hold one (a base64url token and HTTP header values cannot).
  return `${hit.kind}\n${hit.token}\n${hit.method}\n${hit.ip}\n${hit.userAgent}\n${minuteOf(hit.at)}`;
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
  /** The hit's minute (the window its repeats fold in). */
  minute: number;
  hits: number;
  last: number;
}

/** The waiting request (of the same token) that `hit` repeats: the same route, method, address and agent in its minute. */
function repeated(waiting: Pending[] | undefined, hit: TrackerHit, minute: number): Pending | undefined {
  if (!waiting) return undefined;
  for (const p of waiting) {
    if (p.minute === minute && p.hit.kind === hit.kind && p.hit.method === hit.method && p.hit.ip === hit.ip && p.hit.userAgent === hit.userAgent) return p;
  }
  return undefined;
}

/** A hit whose token is ours and of the route's kind, with its claims. */
type Verified = Pending & { claims: TrackingClaims };

export function createTrackingRecorder(options: TrackingRecorderOptions): TrackingRecorder {
  const maxBatch = options.maxBatch ?? 500;
  const maxBuffered = options.maxBuffered ?? 100_000;
  // The waiting requests by token as requested (what a request is found by without building a key: the
  // rest is compared field by field). A list is at most maxBatch long, since a batch is written at that size.
  let pending = new Map<string, Pending[]>();
  let pendingCount = 0;
  /** Distinct requests flushed but not yet written: with pending, what maxBuffered bounds. */
  let queued = 0;
  let dropped = 0;
  let writing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;

  /** The batch's hits with their claims, each token verified once; the ones we did not sign are left out. */
  const verified = (batch: Pending[]): Verified[] => {
    const claimsOf = new Map<string, TrackingClaims | null>();
    const out: Verified[] = [];
    for (const entry of batch) {
      const { hit } = entry;
      const key = `${hit.kind}\n${hit.token}`;
      if (!claimsOf.has(key)) {
        const checked = verifyTrackingToken(options.keys, hit.token);
        claimsOf.set(key, checked.ok && checked.claims.kind === hit.kind ? checked.claims : null);
      }
      const claims = claimsOf.get(key)!;
      if (claims) out.push({ ...entry, claims });
    }
    return out;
  };

  const write = async (batch: Pending[]) => {
    const entries = verified(batch).sort((a, b) => a.hit.at - b.hit.at);
    if (entries.length === 0) return;
    const pairs = [...new Map(entries.map(({ claims }) => [pairKey(claims.emailId, claims.recipient), { emailId: claims.emailId, recipient: claims.recipient }])).values()];
    // Sorted by time: the window is the first entry's to the last's.
    const prior = await priorTrackingEvents(options.db, pairs, { from: new Date(entries[0]!.hit.at), to: new Date(entries.at(-1)!.hit.at) });
    const rows: NewTrackingEvent[] = entries.map(({ hit, hits, last, claims }) => {
      const at = new Date(hit.at);
      const pair = pairKey(claims.emailId, claims.recipient);
      const earlier = prior.get(pair) ?? [];
      const c = classifyEvent({ kind: claims.kind, method: hit.method, at, ip: hit.ip, userAgent: hit.userAgent, sentAt: claims.sentAt, target: claims.target ?? null }, earlier, options);
      prior.set(pair, [...earlier, { kind: claims.kind, at, target: claims.target ?? null, ...c }]);
      return { accountId: claims.accountId, emailId: claims.emailId, recipient: claims.recipient, kind: claims.kind, target: claims.target ?? null, method: hit.method, eventClass: c.eventClass, reason: c.reason, counted: c.counted, ip: hit.ip, userAgent: hit.userAgent, occurredAt: at, lastSeenAt: new Date(last), hits, dedupeKey: dedupeKeyOf(hit) };
    });
    await insertTrackingEvents(options.db, rows);
  };

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = [...pending.values()].flat();
    pending = new Map();
    pendingCount = 0;
    queued += batch.length;
    // One batch at a time, in order, so a batch's classification sees the batch before it.
    writing = writing.then(async () => {
      if (dropped > 0) {
        options.log.warn({ event: 'tracking_events_dropped', dropped }, 'tracking events dropped: the buffer was full');
        dropped = 0;
      }
      if (batch.length === 0) return;
      try {
        await write(batch);
      } catch (error) {
        options.log.error({ err: error, events: batch.length }, 'could not write tracking events');
      } finally {
        queued -= batch.length;
      }
    });
    return writing;
  };

  return {
    record(hit) {
      const minute = minuteOf(hit.at);
      const waiting = pending.get(hit.token);
      const seen = repeated(waiting, hit, minute);
      if (seen) {
        seen.hits += 1;
        if (hit.at > seen.last) seen.last = hit.at;
        return;
      }
      if (pendingCount + queued >= maxBuffered) {
        dropped += 1;
        return;
      }
      const entry = { hit, minute, hits: 1, last: hit.at };
      if (waiting) waiting.push(entry);
      else pending.set(hit.token, [entry]);
      pendingCount += 1;
      if (pendingCount >= maxBatch) void flush();
      else timer ??= setTimeout(() => void flush(), options.flushIntervalMs ?? 250).unref();
    },
    flush,
    close: flush,
  };
}
