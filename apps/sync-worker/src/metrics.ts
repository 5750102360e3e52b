// Prometheus metrics of one worker process, on a registry of its own (so tests and two workers in
// one process never collide on prom-client's global registry).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds; dense around Dovecot's ~0.5 s IDLE notification floor. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 0.6, 0.75, 1, 1.5, 2, 3, 5, 10, 30, 60, 300];
const FAST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface WorkerMetrics {
  registry: Registry;
  inboxesConnected: Gauge;
  messagesExamined: Counter;
  repliesLogged: Counter;
  decisions: Counter<'reason'>;
  reconnects: Counter<'kind'>;
  sessionErrors: Counter<'kind'>;
  /** INTERNALDATE (arrival in the INBOX) → log transaction committed. */
  replyLatency: Histogram;
  /** EXISTS seen by this process → log transaction committed (in-process, precise). */
  existsToCommit: Histogram;
  catchUpBatchDuration: Histogram;
  bytesFetched: Counter<'kind'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): WorkerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    inboxesConnected: new Gauge({
      name: 'reply_sync_inboxes_connected',
      help: 'IMAP sessions this worker holds open (INBOX selected)',
      registers,
    }),
    messagesExamined: new Counter({
      name: 'reply_sync_messages_examined_total',
      help: 'Messages whose headers were scanned and decided',
      registers,
    }),
    repliesLogged: new Counter({
      name: 'reply_sync_replies_logged_total',
      help: 'Replies committed to a timeline',
      registers,
    }),
    decisions: new Counter({
      name: 'reply_sync_decisions_total',
      help: 'Decisions recorded, by reason code',
      labelNames: ['reason'],
      registers,
    }),
    reconnects: new Counter({
      name: 'reply_sync_reconnects_total',
      help: 'IMAP clients rebuilt within a session, by cause',
      labelNames: ['kind'],
      registers,
    }),
    sessionErrors: new Counter({
      name: 'reply_sync_session_errors_total',
      help: 'Session errors by class (auth, tls, transient, config, unknown)',
      labelNames: ['kind'],
      registers,
    }),
    replyLatency: new Histogram({
      name: 'reply_sync_reply_latency_seconds',
      help: 'Arrival in the INBOX (INTERNALDATE, 1 s resolution) to the log transaction committed',
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    existsToCommit: new Histogram({
      name: 'reply_sync_exists_to_commit_seconds',
      help: 'Untagged EXISTS seen by this process to the log transaction committed',
      buckets: FAST_BUCKETS,
      registers,
    }),
    catchUpBatchDuration: new Histogram({
      name: 'reply_sync_catch_up_batch_seconds',
      help: 'One catch-up batch: header fetch, look-ups, decisions, logs and checkpoint',
      buckets: FAST_BUCKETS,
      registers,
    }),
    bytesFetched: new Counter({
      name: 'reply_sync_fetched_bytes_total',
      help: 'Message bytes fetched from IMAP servers, by kind (headers, full)',
      labelNames: ['kind'],
      registers,
    }),
  };
}
