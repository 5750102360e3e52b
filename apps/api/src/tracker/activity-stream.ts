// Serves one live activity stream (Server-Sent Events) on a hijacked reply, for the API route (a key) and
// the console's (a session): subscribe to this process's hub, replay after Last-Event-ID, keep-alive
// comments, and drop the client once it is more than MAX_STREAM_BACKLOG_BYTES behind.
import type { LiveActivity, Scoped } from '@reply-sync/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LiveActivityHub } from './live-activity-hub';

/** Unsent bytes a stream may hold of earlier writes before the client counts as too slow and is dropped. */
export const MAX_STREAM_BACKLOG_BYTES = 256 * 1024;
/** Events a Last-Event-ID resume replays at most. */
export const RESUME_LIMIT = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One SSE message: the tracking event's id (what Last-Event-ID resumes from), its type, its JSON. */
export function sseMessage(e: LiveActivity): string {
  const data = { id: e.id, kind: e.kind, at: e.at.toISOString(), outgoingEmailId: e.outgoingEmailId, emailId: e.emailId, userId: e.userId, subject: e.subject, recipient: e.recipient, contactId: e.contactId, target: e.target };
  // JSON has no raw newline, so `data:` is one line.
  return `id: ${e.id}\nevent: ${e.kind === 'open' ? 'email.opened' : 'email.clicked'}\ndata: ${JSON.stringify(data)}\n\n`;
}

export interface ActivityStreamOptions {
  hub: LiveActivityHub;
  scope: Scoped;
  userId?: string | undefined;
  keepAliveMs?: number | undefined;
}

/** false: the account has its maximum of streams here (nothing was written; the caller answers 429). */
export async function serveActivityStream(request: FastifyRequest, reply: FastifyReply, options: ActivityStreamOptions): Promise<boolean> {
  const { scope, userId } = options;
  const lastEventId = String(request.headers['last-event-id'] ?? '').trim();
  const raw = reply.raw;
  let finished = false;
  let keepAlive: NodeJS.Timeout | null = null;
  let unsubscribe: (() => void) | null = null;
  const stop = () => {
    finished = true;
    if (keepAlive) clearInterval(keepAlive);
    unsubscribe?.();
  };
  const finish = () => {
    if (finished) return;
    stop();
    raw.end();
  };
  // Behind is what is still unsent of earlier writes when the next one comes: a batch of many events (or
  // long subjects) written at once is not a slow client, one that has not taken the last ones is.
  const write = (chunk: string) => {
    if (finished) return;
    if (raw.writableLength > MAX_STREAM_BACKLOG_BYTES) {
      request.log.warn({ event: 'activity_stream_dropped', accountId: scope.accountId, backlogBytes: raw.writableLength }, 'a slow activity stream was dropped');
      stop();
      raw.destroy();
      return;
    }
    raw.write(chunk);
  };
  // Subscribed before the replay, so nothing committed in between is missed (it may come twice; ids dedupe).
  unsubscribe = options.hub.subscribe(scope.accountId, { userId, send: (events) => write(events.map(sseMessage).join('')), end: finish });
  if (!unsubscribe) return false;
  reply.hijack();
  raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  raw.flushHeaders();
  write('retry: 3000\n: connected\n\n');
  raw.on('close', finish);
  keepAlive = setInterval(() => write(': keep-alive\n\n'), options.keepAliveMs ?? 15_000);
  keepAlive.unref();
  if (UUID.test(lastEventId)) {
    try {
      const missed = await scope.activity.liveSince(lastEventId, RESUME_LIMIT, userId);
      if (missed.length > 0) write(missed.map(sseMessage).join(''));
    } catch (error) {
      request.log.warn({ err: error }, 'could not replay the activity stream after Last-Event-ID');
    }
  }
  return true;
}
